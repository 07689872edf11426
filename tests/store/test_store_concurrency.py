"""Many processes saving the same PEPs at once: every save is applied or refused, none is lost."""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.store import Store  # noqa: E402
from pep_tui.store.check import check_store  # noqa: E402

WORKERS = 4
SAVES = 200


def test_concurrent_saves_to_overlapping_peps_lose_nothing(tmp_path: Path) -> None:
    root = tmp_path / "store"
    w.build_store(root, children=2, peps=2)
    targets = [(f"child_{c:04d}", f"child_{c:04d}_pep{p}") for c in range(2) for p in range(2)]
    ctx = multiprocessing.get_context("forkserver")
    with ctx.Pool(WORKERS) as pool:
        results = pool.starmap(w.concurrent_saver,
                               [(str(root), n, SAVES, targets, 100 + n) for n in range(WORKERS)])

    applied = [t for r in results for t in r["applied"]]
    conflicts = [t for r in results for t in r["conflicts"]]
    assert len(applied) + len(conflicts) == WORKERS * SAVES
    assert conflicts, "the saves did not overlap; the test would not catch a lost update"

    store = Store.open(root)
    final: list[str] = []
    for child_id, pep_id in targets:
        pep = store.load_child(child_id).pep(pep_id)
        writes = pep.sections[w.SECTION].data["writes"]
        assert len(writes) == pep.revision == len(set(writes))  # imported at revision 0
        # each worker's tokens appear in the order it made them
        for worker in range(WORKERS):
            mine = [int(t.split("-")[1]) for t in writes if t.startswith(f"w{worker}-")]
            assert mine == sorted(mine)
        final += writes
    assert sorted(final) == sorted(applied)  # every applied save is there, nothing else

    saves = [e for c, _ in targets[::2] for e in store.audit.for_child(c) if e.action == "pep.save"]
    assert len(saves) == len(applied)
    assert len({(e.pep_id, e.new_revision) for e in saves}) == len(saves)
    report = check_store(store)
    assert report.ok, report.problems
