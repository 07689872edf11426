"""How long "needs you" and ``pep-tui remind`` take at 10,000 children (prints figures; asserts nothing).

Run: ``.venv/bin/python benchmarks/reminders_bench.py [--sizes 10000] [--keep DIR]``

Uses the same cached sandboxes as ``tui_bench.py`` (``--keep``). Measures, in this process:

- **needs you (Virtual School)**: ``services.needs.for_principal`` for ``vs.head`` (the whole cohort,
  with the escalations), as the home screen's panel and the inbox compute it;
- **needs you (designated teacher)**: the same for a designated teacher;
- **overdue by school / by social worker**: ``services.needs.overdue_by``;
- **everyone's digest lists**: ``services.needs.for_everyone`` over every staff record, as
  ``pep-tui remind`` computes them (no sending);
- **remind --dry-run**: the whole run without sending (digests and meeting invitations to check).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path


def timed(fn, runs: int = 5) -> tuple[float, object]:
    """The median wall time of ``fn()`` in ms over ``runs`` calls (after one warm-up), and its last result."""
    result = fn()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(1000 * (time.perf_counter() - started))
    return statistics.median(times), result


def measure(folder: Path, size: int) -> None:
    """Print the figures for one cached sandbox."""
    from pep_tui.bootstrap import open_services
    from pep_tui.sample import SAMPLE_TODAY

    services = open_services(folder, clock=lambda: SAMPLE_TODAY).services
    services.store.summaries(with_facts=True)  # the index read once, as the app has on start
    vs = services.principal_for("vs.head")
    dt_login = next(m.login for m in services.store.list_staff() if "designated_teacher" in m.roles)
    dt = services.principal_for(dt_login)
    staff = services.store.list_staff()
    print(f"\n{size} children, {len(staff)} staff ({folder})")
    ms, items = timed(lambda: services.needs.for_principal(vs))
    print(f"  needs you, Virtual School       : {ms:7.1f} ms ({len(items)} items)")
    ms, items = timed(lambda: services.needs.for_principal(dt))
    print(f"  needs you, designated teacher   : {ms:7.1f} ms ({len(items)} items)")
    ms, _ = timed(lambda: services.needs.overdue_by(vs, "school"))
    print(f"  overdue by school               : {ms:7.1f} ms")
    ms, _ = timed(lambda: services.needs.overdue_by(vs, "social_worker"))
    print(f"  overdue by social worker        : {ms:7.1f} ms")
    ms, lists = timed(lambda: services.needs.for_everyone(staff))
    print(f"  everyone's digest lists         : {ms:7.1f} ms ({len(lists)} people)")
    ms, report = timed(lambda: services.reminders.run(dry_run=True), runs=3)
    print(f"  remind --dry-run                : {ms:7.1f} ms ({len(report.sent)} messages)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--keep", type=Path, default=Path("/tmp/pep-tui-bench"), help="where the sandboxes are cached")
    args = parser.parse_args()
    import tui_bench  # the same cached sandboxes

    for size in args.sizes:
        folder = args.keep / f"cohort-{size}"
        tui_bench.ensure_sandbox(folder, size)
        measure(folder, size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
