"""Backups, restore and reindex round trips; the index journal; schema and section migrations."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import pytest
from pydantic import BaseModel

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.cli import main  # noqa: E402
from pep_tui.plugins.api import SectionSpec  # noqa: E402
from pep_tui.store import Store, StoreError  # noqa: E402
from pep_tui.store import index as index_module  # noqa: E402
from pep_tui.store.backup import backup, list_snapshots, restore  # noqa: E402
from pep_tui.store.check import check_store  # noqa: E402
from pep_tui.store.layout import SCHEMA_VERSION  # noqa: E402


def _log(store: Store, child_id: str = "child_0000", pep_id: str = "child_0000_pep0") -> list[str]:
    return store.load_child(child_id).pep(pep_id).sections[w.SECTION].data["writes"]


def test_backup_then_restore_brings_the_data_back_and_keeps_what_was_replaced(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = w.build_store(root, children=2, peps=1)
    w.append_token(store, "child_0000", "child_0000_pep0", "before", "staff.a")
    snap = backup(root, keep=5, actor="operator")
    w.append_token(store, "child_0000", "child_0000_pep0", "after", "staff.b")
    store.create_child(w.make_child(9), "sw.amara", "social_worker")

    result = restore(root, snap.name, actor="operator")
    reopened = Store.open(root)
    assert _log(reopened) == ["before"]
    assert set(reopened.summaries()) == {"child_0000", "child_0001"}
    assert check_store(reopened).ok
    assert [e.action for e in reopened.audit.store_events()][-2:] == ["store.backup", "store.restore"]
    # the replaced data is itself a snapshot, and restoring it undoes the restore
    restore(root, result.before, actor="operator")
    again = Store.open(root)
    assert _log(again) == ["before", "after"] and "child_0009" in again.summaries()


def test_snapshots_rotate_to_the_setting(tmp_path: Path) -> None:
    root = tmp_path / "store"
    w.build_store(root, children=1, peps=1)
    names = [backup(root, keep=3, actor="op").name for _ in range(5)]
    assert [s.name for s in list_snapshots(root)] == names[-3:]


def test_restore_refuses_a_damaged_or_unknown_snapshot_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = w.build_store(root, children=2, peps=1)
    snap = backup(root, keep=5, actor="op")
    w.append_token(store, "child_0000", "child_0000_pep0", "kept", "staff.a")
    (snap.path / "children" / "child_0001.json").unlink()
    (snap.path / "children" / "child_0001.json").write_bytes(b'{"child": {"1": {"id": ')
    with pytest.raises(StoreError, match="cannot be restored"):
        restore(root, snap.name, actor="op")
    with pytest.raises(StoreError, match="no complete snapshot"):
        restore(root, "nonesuch", actor="op")
    assert _log(Store.open(root)) == ["kept"]
    assert len(list_snapshots(root)) == 1  # no before-restore snapshot was needed


def test_an_interrupted_restore_blocks_opening_until_resumed(tmp_path: Path, monkeypatch) -> None:
    from pep_tui.store import backup as backup_module

    root = tmp_path / "store"
    store = w.build_store(root, children=1, peps=1)
    snap = backup(root, keep=5, actor="op")
    w.append_token(store, "child_0000", "child_0000_pep0", "later", "staff.a")

    def crash(*_args):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(backup_module, "_swap_in", crash)
        with pytest.raises(KeyboardInterrupt):
            restore(root, snap.name, actor="op")
    with pytest.raises(StoreError, match="did not finish"):
        Store.open(root)
    restore(root, None, actor="op", resume=True)
    assert _log(Store.open(root)) == []


def test_reindex_rebuilds_the_same_index(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = w.build_store(root, children=3, peps=1)
    w.append_token(store, "child_0002", "child_0002_pep0", "x", "staff.a")
    before = dict(store.summaries())
    for path in (root / "index").iterdir():
        path.unlink()
    assert store.reindex() == 3
    assert Store.open(root).summaries() == before


def test_the_journal_is_compacted_and_reads_stay_fresh(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(index_module, "COMPACT_MIN_BYTES", 2000)
    root = tmp_path / "store"
    store = w.build_store(root, children=3, peps=1)
    store.summariser = lambda child, peps: {"child_id": child.id, "writes": len(peps[0].sections[w.SECTION].data["writes"])}
    reader = Store.open(root)
    first_generation = store.index.current_generation()
    for n in range(40):
        child_id = f"child_000{n % 3}"
        w.append_token(store, child_id, f"{child_id}_pep0", f"t{n}", "staff.a")
        # the other handle sees every save at once, across compactions
        assert reader.summaries()[child_id]["writes"] == n // 3 + 1
    assert store.index.current_generation() > first_generation
    assert len(list((root / "index").glob("base-*.json"))) == 1
    assert len(reader.summaries()) == 3
    assert check_store(reader).ok


def test_summaries_are_rebuilt_when_the_stamp_changes(tmp_path: Path) -> None:
    root = tmp_path / "store"
    w.build_store(root, children=2, peps=1)
    store = Store.open(root)
    term = ["Spring 2025-26"]
    store.summary_stamp = lambda: term[0]
    store.summariser = lambda child, peps: {"child_id": child.id, "term": term[0]}
    assert {s["term"] for s in store.summaries().values()} == {"Spring 2025-26"}
    term[0] = "Summer 2025-26"
    assert {s["term"] for s in store.summaries().values()} == {"Summer 2025-26"}
    # summaries saved under the current stamp are not made again
    calls = []
    store.summariser = lambda child, peps: calls.append(child.id) or {"child_id": child.id, "term": term[0]}
    store.create_child(w.make_child(5), "sw.amara", "social_worker")
    assert len(Store.open(root).summaries()) == 3  # another process sees it (no stamp: no refresh)
    assert set(store.summaries()) == {"child_0000", "child_0001", "child_0005"} and calls == ["child_0005"]
    term[0] = "Autumn 2026-27"
    store.summaries()
    assert sorted(calls[1:]) == ["child_0000", "child_0001", "child_0005"]


def _v1_store(root: Path) -> None:
    """A folder as schema 1 wrote it: one index.json, one audit.jsonl, bare pending markers."""
    store = w.build_store(root, children=2, peps=1)
    w.append_token(store, "child_0000", "child_0000_pep0", "old", "staff.a")
    events = [e.model_dump(mode="json", exclude={"id"}) for e in store.audit.events()]
    (root / "audit.jsonl").write_bytes(b"".join(orjson.dumps(e) + b"\n" for e in events) + b'{"torn')
    (root / "index.json").write_bytes(orjson.dumps({"summaries": store.summaries()}))
    for sub in ("audit", "index"):
        for path in sorted((root / sub).rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        (root / sub).rmdir()
    (root / "pending" / "child_0001").write_bytes(b"")
    meta = orjson.loads((root / "store.json").read_bytes())
    (root / "store.json").write_bytes(orjson.dumps({**meta, "schema": 1}))


def test_a_schema_1_store_is_upgraded_on_open_after_a_snapshot(tmp_path: Path) -> None:
    root = tmp_path / "store"
    _v1_store(root)
    store = Store.open(root)
    assert orjson.loads((root / "store.json").read_bytes())["schema"] == SCHEMA_VERSION == 4
    assert not (root / "audit.jsonl").exists() and not (root / "index.json").exists()
    assert [e.action for e in store.audit.for_child("child_0000")] == ["child.import", "pep.save"]
    assert set(store.summaries()) == {"child_0000", "child_0001"}
    assert check_store(store).ok
    assert [s.label for s in list_snapshots(root)] == ["before-upgrade-1"]
    assert (list_snapshots(root)[0].path / "audit.jsonl").exists()
    assert [e.action for e in store.audit.store_events()] == ["store.upgrade"]
    # a snapshot of schema 1 can be restored and is upgraded again on open
    restore(root, list_snapshots(root)[0].name, actor="op")
    assert Store.open(root).audit.for_child("child_0000")[-1].action == "pep.save"


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "store"
    w.build_store(root, children=1, peps=1)
    meta = orjson.loads((root / "store.json").read_bytes())
    (root / "store.json").write_bytes(orjson.dumps({**meta, "schema": SCHEMA_VERSION + 1}))
    with pytest.raises(StoreError, match="newer pep-tui"):
        Store.open(root)


class ToyV2(BaseModel):
    """A toy section at version 2: ``notes`` became ``summary``."""

    summary: str


def test_section_data_is_migrated_through_its_plugin(registry, tmp_path: Path) -> None:
    spec = SectionSpec(id="toy.notes", title="Toy", model=ToyV2, version=2,
                       migrate=lambda version, data: {"summary": data.pop("notes")} if version < 2 else data)
    store = w.build_store(tmp_path / "store", children=1, peps=1)
    pep = store.load_child("child_0000").pep("child_0000_pep0")
    from pep_tui.domain import SectionData

    stored = {**pep.sections, "toy.notes": SectionData(version=1, data={"notes": "written by version 1"})}
    store.save_pep(pep.model_copy(update={"sections": stored}), pep.revision, "staff.a", "designated_teacher")
    section = store.load_child("child_0000").pep("child_0000_pep0").sections["toy.notes"]
    assert section.version == 1  # stored as written
    parsed = registry.parse_section(spec, section.data, section.version)
    assert parsed == ToyV2(summary="written by version 1")


def test_the_store_commands(tmp_path: Path, capsys) -> None:
    root = tmp_path / "store"
    store = w.build_store(root, children=2, peps=1)
    args = ["--data-dir", str(root)]
    assert main(["store", "check", *args]) == 0
    assert "store check: OK" in capsys.readouterr().out
    assert main(["store", "backup", *args]) == 0
    name = list_snapshots(root)[-1].name
    assert main(["store", "list", *args]) == 0 and name in capsys.readouterr().out
    w.append_token(store, "child_0000", "child_0000_pep0", "x", "staff.a")
    assert main(["store", "restore", name, *args]) == 2  # no --yes and no terminal: refused
    assert _log(Store.open(root)) == ["x"]
    assert main(["store", "restore", name, "--yes", *args]) == 0
    assert _log(Store.open(root)) == []
    assert main(["store", "reindex", *args]) == 0
    (root / "children" / "child_0001.json").write_bytes(b"{")
    assert main(["store", "check", *args]) == 1
    out = capsys.readouterr().out
    assert "PROBLEM" in out and "child_0001.json" in out
