"""Commands through the SSH forced command, as staff run them (prints figures; asserts nothing).

Run: ``.venv/bin/python benchmarks/ssh_bench.py [--sizes 2000 10000] [--store DIR ...]``

Each command runs in a fresh process exactly as sshd runs a key's forced command:
``pep-tui --data-dir DIR --login vs.head`` with the command in ``SSH_ORIGINAL_COMMAND``, no terminal,
standard output into a file (what ``ssh … > file`` does on the client). For each it prints the wall time
from process start to exit (Python start-up, plugins and store opening included), the bytes written and
the process's peak memory (``ru_maxrss`` of that process alone). Memory that stays flat from 2,000 to
10,000 children shows the command streams rather than holding the cohort.

The stores are the fictional sample cohort (``pep-tui sample --seed 1``), built once under
``--workdir`` and reused; their ``settings.toml`` trusts ``--login`` as a forced-command deployment does.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COMMANDS = ("report compliance --csv", "export data --format csv", "export data --format json")


def ensure_store(folder: Path, children: int) -> None:
    """Create the sample cohort once (reused on later runs) and trust the forced command's --login."""
    if not (folder / "store.json").exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pep_tui", "sample", "--data-dir", str(folder), "--children",
                        str(children), "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        print(f"  (built a {children}-child store in {time.perf_counter() - started:.1f} s)", flush=True)
    (folder / "settings.toml").write_text("[server]\ntrust_login_flag = true\n")


def run(store: Path, command: str, out: Path) -> tuple[float, int, int, int]:
    """(seconds, exit status, bytes written, peak memory in MB) of one forced-command run."""
    env = {**os.environ, "SSH_ORIGINAL_COMMAND": command}
    with out.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "pep_tui.cli", "--data-dir", str(store), "--login",
                                    "vs.head"], stdin=subprocess.DEVNULL, stdout=sink, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
    return elapsed, os.waitstatus_to_exitcode(status), out.stat().st_size, usage.ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--store", type=Path, action="append", default=[], help="measure this store instead")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pep-tui-ssh-bench")
    parser.add_argument("--commands", nargs="*", default=list(COMMANDS))
    args = parser.parse_args()
    print(f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPU(s); "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    stores = [(p, None) for p in args.store]
    for size in ([] if args.store else args.sizes):
        folder = args.workdir / f"cohort-{size}"
        ensure_store(folder, size)
        stores.append((folder, size))
    with tempfile.TemporaryDirectory() as scratch:
        for store, size in stores:
            print(f"{store} ({size or '?'} children)", flush=True)
            for command in args.commands:
                seconds, code, written, peak = run(store, command, Path(scratch) / "out")
                print(f"  {command:<28} {seconds:6.2f} s  exit {code}  {written / 1e6:8.1f} MB out  "
                      f"peak {peak} MB", flush=True)


if __name__ == "__main__":
    main()
