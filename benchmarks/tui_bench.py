"""How fast the app feels at 2,000 and 10,000 children (prints figures; asserts nothing).

Run: ``.venv/bin/python benchmarks/tui_bench.py [--sizes 2000 10000] [--keep DIR]``

For each size it builds (once, cached under ``--keep``) a training sandbox with the sample cohort and
every installed plugin, then measures:

- **first screen**: wall time from starting a fresh ``python`` process to the children list being drawn
  and ready for typing (imports, opening the store, reading the index, first paint);
- **filter keystroke**: CPU time to handle one typed letter (filter + repaint of the visible rows);
- **clear filter**: CPU time for ``esc`` back to the full list;
- **open a PEP**: wall time from asking for the PEP screen to its first section's form on screen;
- **memory**: peak resident set size of the app process.

Keystrokes are driven through Textual's test pilot in a headless 80x24 terminal; the pilot's own
waiting is sleep, so CPU time isolates the app's work.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def ensure_sandbox(folder: Path, children: int) -> None:
    """Create the sample cohort sandbox once (it is reused on later runs)."""
    if (folder / "store.json").exists():
        return
    from pep_tui.training import prepare_sandbox

    started = time.perf_counter()
    prepare_sandbox(folder, seed=2026, children=children)
    print(f"  (built a {children}-child sandbox in {time.perf_counter() - started:.1f} s)", flush=True)


def child_first_screen(folder: str, spawned_at: float) -> None:
    """In a fresh process: open the app headless and report when the children list is first drawn."""
    from pep_tui.bootstrap import open_services
    from pep_tui.sample import SAMPLE_TODAY
    from pep_tui.tui.app import PepApp
    from pep_tui.tui.screens.children import ChildrenScreen

    opened = open_services(folder, clock=lambda: SAMPLE_TODAY)
    principal = opened.services.principal_for("vs.head")
    result: dict[str, float] = {}
    app = PepApp(opened, principal)

    async def run() -> None:
        async with app.run_test(size=(80, 24)) as pilot:
            while not isinstance(app.screen, ChildrenScreen) or not app.screen.is_mounted:
                await asyncio.sleep(0.001)
            await pilot.pause(0)  # the first paint has happened
            result["first_screen"] = time.time() - spawned_at
            result["rows"] = len(app.screen.view)

    asyncio.run(run())
    result["max_rss_mb"] = peak_rss_mb()
    print(json.dumps(result))


def peak_rss_mb() -> float:
    """This process's own peak RSS. ``ru_maxrss`` is not used on Linux: after fork and exec it keeps
    the parent's peak (here, the process that built the cohort), whereas ``VmHWM`` starts afresh."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def interactive(folder: Path) -> dict[str, float]:
    """Filter keystrokes, clearing, and opening a PEP, in this process."""
    from pep_tui.bootstrap import open_services
    from pep_tui.sample import SAMPLE_TODAY
    from pep_tui.tui.app import PepApp
    from pep_tui.tui.screens.children import ChildrenScreen
    from pep_tui.tui.screens.pep import PEPScreen

    opened = open_services(folder, clock=lambda: SAMPLE_TODAY)
    app = PepApp(opened, opened.services.principal_for("vs.head"))
    out: dict[str, float] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ChildrenScreen)
        name = screen.view.summary(len(screen.view) // 2)["name"].lower()
        cpu: list[float] = []
        for letter in name[:5]:
            before = time.process_time()
            await pilot.press(letter if letter != " " else "space")
            cpu.append(time.process_time() - before)
        out["keystroke_cpu_ms"] = 1000 * sum(cpu) / len(cpu)  # everything: input, filter, repaint
        out["keystroke_cpu_ms_max"] = 1000 * max(cpu)
        out["matches_after_5_letters"] = len(screen.view)
        before = time.process_time()
        await pilot.press("escape")
        out["clear_cpu_ms"] = 1000 * (time.process_time() - before)
        out["rows_after_clear"] = len(screen.view)
        # the pure work behind a keystroke and a clear, without the pilot
        view = screen.view
        started = time.perf_counter()
        for k in range(1, 6):
            view.set_query(name[:k])
            for y in range(24):
                screen.children_list.render_line(y)
        out["filter_compute_ms"] = 1000 * (time.perf_counter() - started) / 5
        started = time.perf_counter()
        view.set_query("")
        for y in range(24):
            screen.children_list.render_line(y)
        out["clear_compute_ms"] = 1000 * (time.perf_counter() - started)
        screen.filter_input.value = ""
        await pilot.pause()
        summary = next(s for s in view.summaries if s.get("current_pep_id"))
        started = time.perf_counter()
        cpu_started = time.process_time()
        pep_screen = PEPScreen(summary["child_id"], summary["current_pep_id"])
        await app.push_screen(pep_screen)
        while not pep_screen.forms():
            await asyncio.sleep(0.001)
        await pilot.pause(0)
        out["open_pep_ms"] = 1000 * (time.perf_counter() - started)
        out["open_pep_cpu_ms"] = 1000 * (time.process_time() - cpu_started)
        out["sections"] = len(pep_screen.states)
    return out


def machine() -> str:
    """A line describing this machine."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--keep", type=Path, default=Path("/tmp/pep-tui-bench"), help="where the sandboxes are cached")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "SPAWNED_AT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_first_screen(args.child[0], float(args.child[1]))
        return 0
    print(f"Machine: {machine()}")
    for size in args.sizes:
        folder = args.keep / f"cohort-{size}"
        print(f"\n{size} children ({folder})", flush=True)
        ensure_sandbox(folder, size)
        starts = []
        for _ in range(3):
            spawned = time.time()
            proc = subprocess.run([sys.executable, str(HERE), "--child", str(folder), repr(spawned)],
                                  capture_output=True, text=True, check=True)
            starts.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        best = min(starts, key=lambda r: r["first_screen"])
        figures = asyncio.run(interactive(folder))
        print(f"  first usable children list : {1000 * best['first_screen']:7.0f} ms (best of 3; {best['rows']:.0f} rows)")
        print(f"  filter keystroke (CPU)     : {figures['keystroke_cpu_ms']:7.1f} ms  (max {figures['keystroke_cpu_ms_max']:.1f} ms"
              f"; filter+visible rows alone {figures['filter_compute_ms']:.2f} ms)")
        print(f"  clear the filter (CPU)     : {figures['clear_cpu_ms']:7.1f} ms  (filter+visible rows alone "
              f"{figures['clear_compute_ms']:.2f} ms)")
        print(f"  open a PEP                 : {figures['open_pep_ms']:7.1f} ms  ({figures['open_pep_cpu_ms']:.1f} ms CPU, "
              f"{figures['sections']:.0f} sections)")
        print(f"  memory (peak RSS)          : {best['max_rss_mb']:7.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
