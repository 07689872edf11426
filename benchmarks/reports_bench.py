"""Reports and exports at 2,000 and 10,000 children (prints figures; asserts nothing).

Run: ``.venv/bin/python benchmarks/reports_bench.py [--sizes 2000 10000] [--store DIR ...]``

For each size it builds (once, kept under ``--workdir``) the fictional sample cohort with
``pep-tui sample``, or measures the stores given with ``--store``. Each measurement runs in a fresh
process, signed in as the Virtual School head (who sees every child), and prints:

- **dashboard**: the compliance report worked out from the store's index (first call in the process,
  then the median of the following calls);
- **data export, CSV / JSON**: ``exports.data`` writing the whole cohort (wall time and the process's
  peak memory);
- **one PEP to PDF / Word**: ``exports.pep`` for the PEP with the most filled sections among the first
  children (median of ``--runs``).

Opening the store (settings, plugins, index) is timed separately and not included in the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
OPERATIONS = ("dashboard", "export-csv", "export-json", "pep-pdf", "pep-docx")


def ensure_store(folder: Path, children: int) -> None:
    """Create the sample cohort once with ``pep-tui sample`` (reused on later runs)."""
    if (folder / "store.json").exists():
        return
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pep_tui", "sample", "--data-dir", str(folder), "--children",
                    str(children), "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
    print(f"  (built a {children}-child store in {time.perf_counter() - started:.1f} s)", flush=True)


def _richest_pep(services, principal) -> tuple[str, str]:
    best: tuple[int, str, str] | None = None
    for summary in sorted(services.children.list(principal), key=lambda s: s["child_id"])[:50]:
        record = services.children.record(principal, summary["child_id"])
        for pep in record.peps:
            filled = sum(len(s.data) for s in pep.sections.values()) + 5 * len(pep.qa_ratings)
            if best is None or filled > best[0]:
                best = (filled, record.child.id, pep.id)
    assert best is not None, "the store has no PEP"
    return best[1], best[2]


def measure(folder: str, operation: str, runs: int) -> dict[str, object]:
    """In a fresh process: time one operation on the store in ``folder``."""
    from pep_tui.bootstrap import open_services
    from pep_tui.sample import SAMPLE_TODAY

    started = time.perf_counter()
    opened = open_services(folder, clock=lambda: SAMPLE_TODAY)
    services = opened.services
    principal = services.principal_for("vs.head")
    result: dict[str, object] = {"open_s": time.perf_counter() - started}
    times: list[float] = []
    if operation == "dashboard":
        for _ in range(runs + 1):
            t = time.perf_counter()
            report = services.reports.compliance(principal)
            times.append(time.perf_counter() - t)
        result |= {"first_s": times[0], "median_s": statistics.median(times[1:]),
                   "children": report.total.children, "read_from_records": report.children_read_from_records}
    elif operation.startswith("export-"):
        fmt = operation.removeprefix("export-")
        out = Path(tempfile.mkdtemp(prefix="pep-tui-bench-export-"))
        try:
            t = time.perf_counter()
            paths = services.exports.data(principal, fmt, out / "data")
            times.append(time.perf_counter() - t)
            result |= {"median_s": times[0], "bytes": sum(p.stat().st_size for p in paths)}
        finally:
            shutil.rmtree(out, ignore_errors=True)
    else:
        fmt = operation.removeprefix("pep-")
        child_id, pep_id = _richest_pep(services, principal)
        for _ in range(runs):
            t = time.perf_counter()
            exported = services.exports.pep(principal, child_id, pep_id, fmt)
            times.append(time.perf_counter() - t)
        result |= {"median_s": statistics.median(times), "bytes": len(exported.content)}
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def run_fresh(folder: Path, operation: str, runs: int) -> dict[str, object]:
    """Run :func:`measure` in a new Python process and return what it printed."""
    out = subprocess.run([sys.executable, str(HERE), "--measure", str(folder), operation, "--runs", str(runs)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _ms(seconds: object) -> str:
    return f"{float(seconds) * 1000:,.0f} ms"  # type: ignore[arg-type]


def report(folder: Path, runs: int) -> None:
    """Print every figure for one store."""
    children = len(list((folder / "children").glob("*.json")))
    print(f"\n{folder} ({children:,} children)", flush=True)
    for operation in OPERATIONS:
        r = run_fresh(folder, operation, runs)
        extra = ""
        if operation == "dashboard":
            extra = (f"first call {_ms(r['first_s'])}, then median {_ms(r['median_s'])} "
                     f"({r['children']:,} children in care; {r['read_from_records']} read from child files)")
        else:
            size = float(r["bytes"])  # type: ignore[arg-type]
            written = f"{size / 1e6:,.1f} MB" if size >= 1e6 else f"{size / 1e3:,.0f} KB"
            extra = f"{_ms(r['median_s'])} ({written} written)"
        print(f"  {operation:<12} {extra}; peak memory {float(r['peak_mb']):,.0f} MB "  # type: ignore[arg-type]
              f"(open {_ms(r['open_s'])}, not included)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2000, 10000])
    parser.add_argument("--store", type=Path, action="append", default=[],
                        help="measure this existing store instead of building one per size")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "pep-tui-reports-bench")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--measure", nargs=2, metavar=("FOLDER", "OPERATION"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], args.runs)))
        return 0
    print(f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
          f"{args.runs} runs where repeated")
    stores = list(args.store)
    if not stores:
        for size in args.sizes:
            folder = args.workdir / f"cohort-{size}"
            folder.parent.mkdir(parents=True, exist_ok=True)
            ensure_store(folder, size)
            stores.append(folder)
    for folder in stores:
        report(folder, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
