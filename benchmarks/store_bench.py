"""Benchmark of the PEP store against a naive single-file TinyDB store of the same data.

Usage (from the repository root)::

    .venv/bin/python benchmarks/store_bench.py --children 2000 10000

For each cohort size it builds the fictional sample cohort (8 termly PEPs per child where the child is
old enough; sections filled by the stage and role plugins' sample content, topped up with fictional
notes to at least ``--pep-bytes`` per PEP so the data has a realistic size), writes it into a
partitioned store and into one TinyDB ``JSONStorage`` file, then measures each in a fresh process and
prints medians over ``--runs`` repetitions (``--naive-runs`` for the slow baseline):

* open to first list: open the store (settings, plugins, store, services) and list the children
  in the Virtual School head's scope;
* filter by name: narrow that list by a few letters of a name;
* load one child with all their PEPs;
* durable save of one section (fsynced; with the audit event and index update);
* peak memory of the measuring process (``VmHWM``, else ``ru_maxrss``).

Nothing here is a test: the figures are printed, and recorded in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

FILLER_SECTION = "bench.notes"
QUERIES = ["an", "ol", "mi", "ri", "el", "jo", "sa", "ta"]


# --- building ---------------------------------------------------------------------------------------


def _cohort(children: int, pep_bytes: int):
    from pep_tui.domain import SectionData
    from pep_tui.plugins.manager import load_plugins
    from pep_tui.sample import SAMPLE_TODAY, build_cohort
    from pep_tui.settings import Policy

    registry = load_plugins().registry()
    try:
        cohort = build_cohort(registry, Policy(), children=children, seed=1, today=SAMPLE_TODAY, history=8)
    except TypeError:  # an older build_cohort without history
        cohort = build_cohort(registry, Policy(), children=children, seed=1, today=SAMPLE_TODAY)
    rng = random.Random(5)
    words = ["reading", "phonics", "maths", "fractions", "attendance", "tutoring", "mentor", "homework", "confidence", "friendships", "transition", "careers", "art", "music", "sport", "therapy", "literacy", "numeracy", "targets", "progress", "review"]
    topped = 0
    for child in cohort.children:
        peps = cohort.peps.get(child.id, [])
        for i, pep in enumerate(peps):
            size = len(pep.model_dump_json())
            if size < pep_bytes:
                text = " ".join(rng.choice(words) for _ in range((pep_bytes - size) // 9 + 1))
                sections = {**pep.sections, FILLER_SECTION: SectionData(data={"notes": text})}
                peps[i] = pep.model_copy(update={"sections": sections})
                topped += 1
    return registry, cohort, topped


def build(children: int, folder: Path, pep_bytes: int, naive: bool) -> dict:
    """Write the cohort into ``folder/partitioned`` and ``folder/naive.json``; returns sizes."""
    from pep_tui.bootstrap import create_services
    from pep_tui.sample import SAMPLE_TODAY
    from pep_tui.store import ChildRecord

    t0 = time.perf_counter()
    registry, cohort, topped = _cohort(children, pep_bytes)
    built = time.perf_counter() - t0
    opened = create_services(folder / "partitioned", "training", clock=lambda: SAMPLE_TODAY)
    store = opened.services.store
    for member in cohort.staff:
        store.save_staff(member, None, "bench", "system")
    records = [ChildRecord(c, cohort.peps.get(c.id, [])) for c in cohort.children]
    t1 = time.perf_counter()
    store.import_records(records, "bench", "system")
    written = time.perf_counter() - t1
    peps = sum(len(r.peps) for r in records)
    data_bytes = sum(p.stat().st_size for p in (folder / "partitioned" / "children").glob("*.json"))
    if naive:
        from tinydb import TinyDB
        from tinydb.storages import JSONStorage

        with TinyDB(folder / "naive.json", storage=JSONStorage) as db:
            db.table("children").insert_multiple(
                {"child": r.child.model_dump(mode="json"), "peps": [p.model_dump(mode="json") for p in r.peps]}
                for r in records
            )
    return {"children": children, "peps": peps, "peps_topped_up": topped, "data_mb": data_bytes / 1e6,
            "build_s": built, "write_s": written,
            "naive_mb": (folder / "naive.json").stat().st_size / 1e6 if naive else None}


# --- measuring (each in a fresh process) --------------------------------------------------------------


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def measure_partitioned(root: Path, runs: int) -> dict:
    """Open, list, filter, load, save on the partitioned store (in this fresh process)."""
    from pep_tui.bootstrap import open_services
    from pep_tui.domain import SectionData
    from pep_tui.sample import SAMPLE_TODAY

    t0 = time.perf_counter()
    opened = open_services(root, clock=lambda: SAMPLE_TODAY)
    principal = opened.services.principal_for("vs.head")
    listed = opened.services.children.list(principal)
    open_first = time.perf_counter() - t0
    rng = random.Random(3)
    filters = []
    for q in QUERIES * max(1, runs):
        t = time.perf_counter()
        [s for s in listed if q in s["name"].lower()]
        filters.append(time.perf_counter() - t)
    ids = [s["child_id"] for s in listed]
    loads, saves = [], []
    store = opened.services.store
    for _ in range(max(runs, 5) * 4):
        cid = rng.choice(ids)
        t = time.perf_counter()
        record = opened.services.children.record(principal, cid)
        loads.append(time.perf_counter() - t)
        if not record.peps:
            continue
        pep = record.peps[-1]
        section = SectionData(data={"notes": f"saved by the benchmark {rng.random()}"}, updated_by="vs.head")
        changed = pep.model_copy(update={"sections": {**pep.sections, "bench.saved": section}})
        t = time.perf_counter()
        store.save_pep(changed, pep.revision, "vs.head", "virtual_school", section_id="bench.saved")
        saves.append(time.perf_counter() - t)
    return {"open_first_list_ms": open_first * 1000, "filter_ms": _median_ms(filters),
            "load_child_ms": _median_ms(loads), "save_ms": _median_ms(saves), "listed": len(listed)}


def measure_naive(path: Path, runs: int) -> dict:
    """The same operations on one TinyDB JSONStorage file (every operation re-reads the whole file)."""
    from tinydb import Query, TinyDB
    from tinydb.storages import JSONStorage

    t0 = time.perf_counter()
    db = TinyDB(path, storage=JSONStorage)
    table = db.table("children")
    listed = [{"child_id": d["child"]["id"], "name": f"{d['child']['first_name']} {d['child']['last_name']}",
               "doc_id": d.doc_id} for d in table.all()]
    open_first = time.perf_counter() - t0
    filters = []
    for q in QUERIES * max(1, runs):
        t = time.perf_counter()
        [s for s in listed if q in s["name"].lower()]
        filters.append(time.perf_counter() - t)
    rng = random.Random(3)
    loads, saves = [], []
    q = Query()
    for _ in range(runs):
        pick = rng.choice(listed)
        table.clear_cache()
        t = time.perf_counter()
        doc = table.get(q.child.id == pick["child_id"])
        loads.append(time.perf_counter() - t)
        peps = doc["peps"]
        if peps:
            peps[-1].setdefault("sections", {})["bench.saved"] = {"version": 1, "data": {"notes": str(rng.random())}}
        t = time.perf_counter()
        table.update({"peps": peps}, doc_ids=[pick["doc_id"]])
        saves.append(time.perf_counter() - t)
    db.close()
    return {"open_first_list_ms": open_first * 1000, "filter_ms": _median_ms(filters),
            "load_child_ms": _median_ms(loads), "save_ms": _median_ms(saves), "listed": len(listed)}


def peak_memory_mb() -> float:
    """This process's peak resident memory: VmHWM (``ru_maxrss`` would include the parent's, kept across exec)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_subprocess(kind: str, target: Path, runs: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", kind, "--target", str(target), "--runs", str(runs)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"measuring {kind} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _measure_main(kind: str, target: Path, runs: int) -> None:
    result = measure_partitioned(target, runs) if kind == "partitioned" else measure_naive(target, runs)
    result["peak_mb"] = peak_memory_mb()
    print(json.dumps(result))


def _repeat(kind: str, target: Path, runs: int, processes: int) -> dict:
    results = [_in_subprocess(kind, target, runs) for _ in range(processes)]
    return {k: statistics.median(r[k] for r in results) for k in results[0]}


# --- reporting --------------------------------------------------------------------------------------

ROWS = [("open to first list", "open_first_list_ms", "ms"), ("filter by name", "filter_ms", "ms"),
        ("load one child", "load_child_ms", "ms"), ("durable section save", "save_ms", "ms"),
        ("peak memory", "peak_mb", "MB")]
TARGETS = {"open_first_list_ms": 500, "filter_ms": 16, "load_child_ms": 10, "save_ms": 30, "peak_mb": 200}


def machine() -> str:
    """nproc, CPU model and RAM of this machine."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal"))
        ram = f"{mem_kb / 1024 / 1024:.1f} GB RAM"
    except (OSError, StopIteration):
        ram = "unknown RAM"
    return f"{os.cpu_count()} CPUs (nproc), {cpu}, {ram}, Python {sys.version.split()[0]}"


def report(size: dict, part: dict, naive: dict | None) -> None:
    """Print one cohort's table."""
    naive_note = f", naive file {size['naive_mb']:.0f} MB" if size.get("naive_mb") else ""
    print(f"\n{size['children']} children, {size['peps']} PEPs, child files {size['data_mb']:.0f} MB{naive_note} "
          f"({size['peps_topped_up']} PEPs topped up to the realistic size)")
    print(f"{'operation':24} {'partitioned':>12} {'target':>8} {'naive':>12} {'naive/partitioned':>18}")
    for label, key, unit in ROWS:
        target = TARGETS[key] if size["children"] >= 10000 else None
        mark = "" if target is None else (" ok" if part[key] <= target else " MISSED")
        n = f"{naive[key]:.1f}" if naive else "-"
        ratio = f"{naive[key] / part[key]:.0f}x" if naive and part[key] else "-"
        tgt = f"{target}" if target else "-"
        print(f"{label:24} {part[key]:>9.1f} {unit:2} {tgt:>8} {n:>12} {ratio:>18}{mark}")


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--children", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--runs", type=int, default=5, help="repetitions per operation (partitioned)")
    parser.add_argument("--processes", type=int, default=3, help="fresh processes per store (medians across them)")
    parser.add_argument("--naive-runs", type=int, default=3, help="repetitions per operation (naive)")
    parser.add_argument("--no-naive", action="store_true", help="skip the naive baseline")
    parser.add_argument("--pep-bytes", type=int, default=6000, help="top PEPs up to this JSON size")
    parser.add_argument("--workdir", type=Path, help="where to build the stores (default: a temporary folder)")
    parser.add_argument("--measure", choices=["partitioned", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        _measure_main(args.measure, args.target, args.runs)
        return 0
    print(f"machine: {machine()}; {date.today().isoformat()}")
    for n in args.children:
        folder = Path(tempfile.mkdtemp(prefix=f"pep-bench-{n}-", dir=args.workdir))
        try:
            size = build(n, folder, args.pep_bytes, naive=not args.no_naive)
            print(f"built {n} children in {size['build_s']:.1f} s, wrote them in {size['write_s']:.1f} s", flush=True)
            part = _repeat("partitioned", folder / "partitioned", args.runs, args.processes)
            naive = None if args.no_naive else _repeat("naive", folder / "naive.json", args.naive_runs, 1)
            report(size, part, naive)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
