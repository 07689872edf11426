"""The facts index: kept apart from the list index, read only when asked, and as safe and fresh as it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import orjson
import pytest

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.store import Store, StoreCorrupt  # noqa: E402
from pep_tui.store.backup import backup, restore  # noqa: E402
from pep_tui.store.check import check_store  # noqa: E402
from pep_tui.store.index import SummaryIndex  # noqa: E402

CHILDREN = ("child_0000", "child_0001", "child_0002")


def _summarise(child, peps):
    """A list entry with a bulky fact under "heavy" (kept in the facts index)."""
    return {"child_id": child.id, "revision": child.revision,
            "heavy": {"revision": child.revision, "carer": child.carer, "peps": len(peps)}}


def _open(root: Path, calls: list[str] | None = None) -> Store:
    def summarise(child, peps):
        if calls is not None:
            calls.append(child.id)
        return _summarise(child, peps)

    return Store.open(root, summariser=summarise, fact_keys={"heavy"})


def _build(root: Path) -> Store:
    Store.create(root, "training")
    store = _open(root)
    store.import_records([w.ChildRecord(w.make_child(i), [w.make_pep(f"child_{i:04d}", 0)]) for i in range(3)],
                         "setup", "system")
    return store


def _save_carer(store: Store, child_id: str, carer: str) -> None:
    child = store.load_child(child_id).child
    store.save_child(child.model_copy(update={"carer": carer}), child.revision, "sw.amara", "social_worker")


def _facts_base(root: Path) -> Path:
    return sorted((root / "facts").glob("base-*.json"))[-1]


def test_lists_hold_no_facts_and_facts_are_read_only_when_asked(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "store"
    _build(root)
    loaded: list[str] = []
    original = SummaryIndex._load_base

    def recording(self, path, gen, key, size):
        loaded.append(self.folder.name)
        return original(self, path, gen, key, size)

    monkeypatch.setattr(SummaryIndex, "_load_base", recording)
    store = _open(root)
    summaries = store.summaries()
    assert set(summaries) == set(CHILDREN)
    assert all("heavy" not in s for s in summaries.values())
    assert loaded == ["index"]  # opening and listing never read the facts
    assert store.facts()["child_0001"] == {"heavy": {"revision": 1, "carer": None, "peps": 1}}
    assert store.summaries(with_facts=True)["child_0001"]["heavy"]["peps"] == 1
    assert loaded == ["index", "facts"]


def test_a_corrupt_facts_index_leaves_the_list_working_and_is_repaired_by_reindex(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _build(root)
    base = _facts_base(root)
    base.write_bytes(b'{"summaries": {"child_0000": ')  # torn
    store = _open(root)
    _save_carer(store, "child_0000", "carer.01")  # saves go on
    assert store.summaries()["child_0000"]["revision"] == 2
    with pytest.raises(StoreCorrupt, match="reindex"):
        store.facts()
    assert base.read_bytes() == b'{"summaries": {"child_0000": '  # never overwritten
    assert store.reindex() == 3
    assert store.facts()["child_0000"]["heavy"] == {"revision": 2, "carer": "carer.01", "peps": 1}
    assert (base.parent / (base.name + ".corrupt")).exists()  # kept aside for inspection
    assert check_store(store, modes=False).ok


def test_missing_facts_do_not_slow_the_list_and_are_rebuilt_when_asked(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _build(root)
    shutil.rmtree(root / "facts")
    calls: list[str] = []
    store = _open(root, calls)
    assert set(store.summaries()) == set(CHILDREN) and calls == []  # no child file re-summarised for a list
    _save_carer(store, "child_0002", "carer.03")
    calls.clear()
    assert store.facts()["child_0002"]["heavy"]["carer"] == "carer.03"
    assert sorted(calls) == list(CHILDREN)  # rebuilt from the child files
    assert check_store(store, modes=False).ok


def test_facts_stay_fresh_across_processes_and_terms(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _build(root)
    reader, writer = _open(root), _open(root)
    assert reader.facts()["child_0001"]["heavy"]["carer"] is None  # cached by the reader now
    _save_carer(writer, "child_0001", "carer.02")
    assert reader.facts()["child_0001"]["heavy"]["carer"] == "carer.02"
    assert reader.summaries(with_facts=True)["child_0001"]["heavy"]["revision"] == 2
    # a new term: both indexes are re-summarised, whichever is read first
    term = ["Spring 2025-26"]
    for store in (reader, writer):
        store.summary_stamp = lambda: term[0]
        store.summariser = lambda child, peps: {**_summarise(child, peps), "heavy": {"term": term[0]}}
    assert {f["heavy"]["term"] for f in reader.facts().values()} == {"Spring 2025-26"}
    term[0] = "Summer 2025-26"
    writer.summaries()
    assert {f["heavy"]["term"] for f in reader.facts().values()} == {"Summer 2025-26"}


class Crash(Exception):
    pass


def test_a_crash_between_the_facts_and_the_list_append_is_repaired(tmp_path: Path, monkeypatch) -> None:
    root = tmp_path / "store"
    _build(root)
    store = _open(root)
    original = SummaryIndex.append

    def facts_then_die(self, updates, stamp=None):
        if self.folder.name == "index":
            raise Crash
        original(self, updates, stamp)

    with monkeypatch.context() as m:
        m.setattr(SummaryIndex, "append", facts_then_die)
        with pytest.raises(Crash):
            _save_carer(store, "child_0000", "carer.04")
    assert list((root / "pending").iterdir()), "the change stays marked"
    reopened = _open(root)
    assert reopened.summaries()["child_0000"]["revision"] == 2  # the first list repairs
    assert not list((root / "pending").iterdir())
    assert reopened.facts()["child_0000"]["heavy"] == {"revision": 2, "carer": "carer.04", "peps": 1}
    assert [e.action for e in reopened.audit.for_child("child_0000")].count("child.save") == 1
    assert check_store(reopened, modes=False).ok


def test_reindex_rebuilds_both_indexes(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = _build(root)
    _save_carer(store, "child_0001", "carer.05")
    before = (dict(store.summaries()), dict(store.facts()))
    for folder in ("index", "facts"):
        for path in (root / folder).iterdir():
            path.unlink()
    rebuilt = _open(root)
    assert rebuilt.reindex() == 3
    assert (rebuilt.summaries(), rebuilt.facts()) == before
    assert len(list((root / "facts").glob("base-*.json"))) == 1


def test_an_index_written_before_the_split_is_split_without_reading_children(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = _build(root)
    full = store.summaries(with_facts=True)
    shutil.rmtree(root / "index")
    shutil.rmtree(root / "facts")
    (root / "index").mkdir()
    (root / "index" / "base-1.json").write_bytes(orjson.dumps({"generation": 1, "stamp": None, "summaries": full}))
    calls: list[str] = []
    reopened = _open(root, calls)
    assert all("heavy" not in s for s in reopened.summaries().values())
    assert reopened.facts() == {cid: {"heavy": s["heavy"]} for cid, s in full.items()}
    assert calls == []
    assert check_store(reopened, modes=False).ok


def test_a_restore_brings_back_the_facts_of_the_snapshot(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = _build(root)
    assert store.facts()["child_0000"]["heavy"]["carer"] is None
    snap = backup(root, keep=5, actor="op")
    _save_carer(store, "child_0000", "carer.06")
    assert store.facts()["child_0000"]["heavy"]["carer"] == "carer.06"
    restore(root, snap.name, actor="op")
    assert store.facts()["child_0000"]["heavy"]["carer"] is None
    assert _open(root).summaries(with_facts=True)["child_0000"]["heavy"]["revision"] == 1
