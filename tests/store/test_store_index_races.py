"""The index stays fresh when it is compacted during a read, rebuilt during a restore, or written by an
import while someone saves a child just imported."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.store import Store  # noqa: E402
from pep_tui.store import index as index_module  # noqa: E402
from pep_tui.store import reindex as reindex_module  # noqa: E402
from pep_tui.store.backup import backup, restore  # noqa: E402
from pep_tui.store.check import check_store  # noqa: E402
from pep_tui.store.locks import hold, partition_lock  # noqa: E402
from pep_tui.store.records import ChildRecord  # noqa: E402


def _writes(child, peps) -> dict:
    return {"child_id": child.id, "revision": child.revision,
            "writes": sum(len(p.sections[w.SECTION].data["writes"]) for p in peps)}


def test_a_save_is_seen_by_the_next_read_even_when_the_index_is_compacted_during_it(tmp_path: Path) -> None:
    root = tmp_path / "store"
    w.build_store(root, children=3, peps=1)
    writer, reader = Store.open(root), Store.open(root)
    assert reader.summaries()["child_0000"]["revision"] == 1  # the reader has the index cached
    record = writer.load_child("child_0000")
    writer.save_child(record.child, 1, "sw.amara", "social_worker")  # committed before the next read

    original = reader.index._catch_up
    compacted = []

    def compact_first(state):
        if not compacted:  # another process compacts between our look at the generation and its journal
            with hold(partition_lock(writer.locks_dir, "index")):
                compacted.append(writer.index.compact())
        return original(state)

    reader.index._catch_up = compact_first
    assert reader.summaries()["child_0000"]["revision"] == 2
    assert compacted


def test_reads_stay_fresh_through_many_compactions(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(index_module, "COMPACT_MIN_BYTES", 1500)
    root = tmp_path / "store"
    w.build_store(root, children=3, peps=1)
    writer, reader = Store.open(root, summariser=_writes), Store.open(root, summariser=_writes)
    generations = set()
    for n in range(40):
        child = f"child_000{n % 3}"
        w.append_token(writer, child, f"{child}_pep0", f"t{n}", "staff.a")
        assert reader.summaries()[child]["writes"] == n // 3 + 1  # the save just made, every time
        generations.add(reader.index.current_generation())
    assert len(generations) > 2, "the journal was never compacted; the test exercised nothing"


def test_a_restore_waits_for_a_reindex_so_the_index_matches_the_restored_children(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "store"
    store = w.build_store(root, children=2, peps=1)
    snap = backup(root, keep=5, actor="op")
    store.create_child(w.make_child(9), "sw.amara", "social_worker")  # after the snapshot

    original_scan = reindex_module._scan
    restored = threading.Event()

    def scan_while_restoring(store_, only, *more):
        summaries = original_scan(store_, only, *more)  # saw child_0009
        thread = threading.Thread(target=lambda: (restore(root, snap.name, actor="op"), restored.set()))
        thread.start()
        restored.wait(1.0)  # without the store-wide lock the restore completes here
        scan_while_restoring.thread = thread
        return summaries

    monkeypatch.setattr(reindex_module, "_scan", scan_while_restoring)
    store.reindex()
    scan_while_restoring.thread.join(30)
    assert restored.is_set()
    reopened = Store.open(root)
    assert set(reopened.summaries()) == {"child_0000", "child_0001"}
    report = check_store(reopened, modes=False)
    assert report.ok, report.problems


def test_a_save_to_a_child_being_imported_is_never_hidden_by_the_imports_summary(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "store"
    Store.create(root, "training")
    importer, other = Store.open(root), Store.open(root)
    records = [ChildRecord(w.make_child(i), [w.make_pep(f"child_{i:04d}", 0)]) for i in range(3)]
    original_write = Store._write_child_file
    saver: list[threading.Thread] = []

    def write_then_someone_saves(self, child, peps, events):
        original_write(self, child, peps, events)
        if child.id == "child_0002" and not saver:  # child_0000 is written: someone saves it
            def save() -> None:
                other.save_child(other.load_child("child_0000").child, 1, "sw.amara", "social_worker")

            saver.append(threading.Thread(target=save))
            saver[0].start()
            saver[0].join(1.0)  # without child_0000's lock held until its summary is in, the save completes here

    monkeypatch.setattr(Store, "_write_child_file", write_then_someone_saves)
    importer.import_records(records, "setup", "system")
    saver[0].join(30)
    assert other.load_child("child_0000").child.revision == 2
    assert Store.open(root).summaries()["child_0000"]["revision"] == 2
    assert check_store(Store.open(root), modes=False).ok


def test_an_import_refuses_a_child_given_twice_before_writing(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "store", "training")
    records = [ChildRecord(w.make_child(1), []), ChildRecord(w.make_child(1), [])]
    with pytest.raises(Exception, match="twice"):
        store.import_records(records, "setup", "system")
    assert not list((tmp_path / "store" / "children").iterdir())
