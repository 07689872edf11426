"""Pupil Premium Plus at council scale: the decision queue and the ledger, through the service and the CLI.

    .venv/bin/pep-tui sample --data-dir /tmp/pp2k --children 2000 --seed 1
    .venv/bin/python benchmarks/pp_bench.py /tmp/pp2k

Prints, for the Virtual School head (who sees every child): how long one child file takes to load, the
queue, the ledger (financial and academic year) and the budget dashboard's figures through the service
(cold: first call after opening; warm: medians of later calls) with how many child files each call
read, then the same commands through the CLI in fresh processes. Figures, not tests: nothing asserts
a time. Results are recorded in ``docs/performance.md``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


class Counter:
    """Counts the child files the store reads."""

    def __init__(self, store: Any) -> None:
        self.n = 0
        original = store.read_child_docs

        def counted(child_id: str):
            self.n += 1
            return original(child_id)

        store.read_child_docs = counted

    def take(self) -> int:
        n, self.n = self.n, 0
        return n


def _time(fn: Callable[[], Any], runs: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    fn()
    cold = time.perf_counter() - start
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        warm.append(time.perf_counter() - start)
    return cold, warm


def service_figures(folder: Path, runs: int) -> None:
    from pep_tui.training import open_sandbox
    from pep_tui_plugins.pupil_premium.money import Period
    from pep_tui_plugins.pupil_premium.service import pupil_premium

    opened = open_sandbox(folder)
    services = opened.services
    vs = services.principal_for("vs.head")
    summaries = services.children.list(vs)  # index refreshed for the sandbox's term before timing
    ids = [s["child_id"] for s in summaries]
    start = time.perf_counter()
    for child_id in ids:
        services.store.load_child(child_id)
    per_child = (time.perf_counter() - start) / len(ids)
    start = time.perf_counter()
    for child_id in ids[:200]:
        services.store.read_child_docs(child_id)
    per_read = (time.perf_counter() - start) / min(200, len(ids))
    print(f"{len(ids)} children; one child file: read {_ms(per_read)}, read and parsed {_ms(per_child)}")
    counter = Counter(services.store)
    pp = pupil_premium(services)
    fy, ay = Period.financial("2025-26"), Period.academic("2025-26")
    cases = [
        ("queue", lambda: pp.queue(vs)),
        ("ledger FY 2025-26 (and the budget dashboard)", lambda: pp.budget.ledger(vs, fy)),
        ("ledger AY 2025-26", lambda: pp.budget.ledger(vs, ay)),
        ("ledger CSV export AY 2025-26", lambda: pp.budget.ledger_csv(vs, ay)),
    ]
    print(f"{'service call':<46}{'cold':>12}{'warm (median)':>16}{'child files read':>18}")
    for name, fn in cases:
        counter.take()
        cold, warm = _time(fn, runs)
        files = counter.take() // (runs + 1)
        print(f"{name:<46}{_ms(cold):>12}{_ms(statistics.median(warm)):>16}{files:>18,}")
    print(f"queue length: {len(pp.queue(vs))}; FY ledger allocations: {len(pp.budget.ledger(vs, fy).allocations)}")


def cli_figures(folder: Path, runs: int) -> None:
    exe = str(Path(sys.executable).with_name("pep-tui"))
    commands = [
        ("pep-tui pp queue", ["pp", "queue"]),
        ("pep-tui pp ledger --fy 2025-26", ["pp", "ledger", "--fy", "2025-26"]),
        ("pep-tui pp ledger --ay 2025-26 --csv -", ["pp", "ledger", "--ay", "2025-26", "--csv", "-"]),
    ]
    env = {**os.environ, "PEP_TUI_LOGIN": "vs.head"}
    print(f"{'CLI (fresh process, median)':<46}{'wall':>12}")
    for name, argv in commands:
        subprocess.run([exe, *argv, "--data-dir", str(folder), "--login", "vs.head"], capture_output=True, env=env)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            done = subprocess.run([exe, *argv, "--data-dir", str(folder), "--login", "vs.head"],
                                  capture_output=True, env=env)
            times.append(time.perf_counter() - start)
            if done.returncode != 0:
                print(f"  {name} failed: {done.stderr.decode()[:300]}")
                break
        print(f"{name:<46}{_ms(statistics.median(times)):>12}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a training sandbox, e.g. made by 'pep-tui sample'")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-cli", action="store_true")
    args = parser.parse_args()
    service_figures(args.folder, args.runs)
    if not args.no_cli:
        cli_figures(args.folder, max(3, args.runs // 2))


if __name__ == "__main__":
    main()
