"""Damaged files are refused with a message naming the file and the newest good backup, and are
never overwritten; created files are owner-only; messages carry no child's personal data."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.domain import StaffMember  # noqa: E402
from pep_tui.store import Conflict, Store, StoreCorrupt  # noqa: E402
from pep_tui.store.backup import backup  # noqa: E402


@pytest.fixture
def store_with_backup(tmp_path: Path) -> tuple[Store, Path]:
    root = tmp_path / "store"
    store = w.build_store(root, children=3, peps=2)
    store.save_staff(StaffMember(login="vs.head", display_name="Head", roles=["virtual_school"]), None, "x", "system")
    snap = backup(root, keep=3, actor="operator")
    return store, snap.path


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_a_damaged_child_file_is_refused_and_left_untouched(store_with_backup, damage) -> None:
    store, snapshot = store_with_backup
    path = store.root / "children" / "child_0001.json"
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2] if damage == "truncate" else b"\x00\x01 not json")
    damaged = path.read_bytes()

    with pytest.raises(StoreCorrupt) as err:
        store.load_child("child_0001")
    assert str(path) in str(err.value) and str(snapshot) in str(err.value)
    pep = w.make_pep("child_0001", 0)
    with pytest.raises(StoreCorrupt):
        store.save_pep(pep, 0, "staff.a", "designated_teacher")
    # a rebuild of the index goes on without it, and names it
    assert store.reindex() == 2
    assert [u.child_id for u in store.unreadable] == ["child_0001"]
    assert "child_0001" not in store.summaries()
    assert path.read_bytes() == damaged
    # the other children are unaffected
    assert store.load_child("child_0000").child.id == "child_0000"


@pytest.mark.parametrize("name", ["store.json", "staff.json", "index"])
def test_opening_refuses_a_damaged_store_file(store_with_backup, name) -> None:
    store, snapshot = store_with_backup
    path = store.root / name
    if name == "index":
        path = sorted(path.glob("base-*.json"))[-1]
    path.write_bytes(path.read_bytes()[:-7])
    damaged = path.read_bytes()
    with pytest.raises(StoreCorrupt) as err:
        Store.open(store.root)
    message = str(err.value)
    assert str(path) in message and str(snapshot) in message and "not been changed" in message
    assert path.read_bytes() == damaged


def test_a_damaged_index_is_rebuilt_by_reindex_and_kept_aside(store_with_backup) -> None:
    store, _ = store_with_backup
    base = sorted((store.root / "index").glob("base-*.json"))[-1]
    base.write_bytes(b"{torn")
    reopened = Store.open(store.root, check_index=False)
    assert reopened.reindex() == 3
    assert Store.open(store.root).summaries().keys() == {"child_0000", "child_0001", "child_0002"}
    assert (base.parent / (base.name + ".corrupt")).read_bytes() == b"{torn"


def test_files_and_folders_are_owner_only(store_with_backup) -> None:
    store, _ = store_with_backup
    w.append_token(store, "child_0000", "child_0000_pep0", "x", "staff.a")
    seen = 0
    for folder, _dirs, files in os.walk(store.root):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
        for name in files:
            mode = stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode)
            assert mode == 0o600, f"{folder}/{name} is {mode:o}"
            seen += 1
    assert seen > 20


def test_conflicts_name_who_saved_and_when_but_not_the_child(tmp_path: Path) -> None:
    store = w.build_store(tmp_path / "store", children=1, peps=1)
    record = store.load_child("child_0000")
    store.save_child(record.child.model_copy(update={"placement": "Kinship care"}), record.child.revision,
                     "sw.amara", "social_worker")
    with pytest.raises(Conflict) as err:
        store.save_child(record.child, record.child.revision, "sw.ben", "social_worker")
    message = str(err.value)
    assert "sw.amara" in message and "This child's record" in message and "revision 2" in message
    assert "Testchild" not in message and "Number0" not in message

    pep = record.pep("child_0000_pep0")
    store.save_pep(pep, pep.revision, "dt.larkspur", "designated_teacher")
    with pytest.raises(Conflict) as err:
        store.save_pep(pep, pep.revision, "dt.other", "designated_teacher")
    assert "dt.larkspur" in str(err.value) and "Testchild" not in str(err.value)

    member = StaffMember(login="sw.cleo", display_name="Cleo", roles=["social_worker"])
    added = store.save_staff(member, None, "vs.head", "virtual_school")
    store.save_staff(added.model_copy(update={"active": False}), added.revision, "vs.head", "virtual_school")
    with pytest.raises(Conflict) as err:
        store.save_staff(added, added.revision, "vs.adviser", "virtual_school")
    assert "vs.head" in str(err.value)
    # nothing was overwritten
    assert store.load_child("child_0000").child.placement == "Kinship care"
    assert store.get_staff("sw.cleo").active is False


def test_a_change_by_another_process_is_seen_on_the_next_read(tmp_path: Path) -> None:
    root = tmp_path / "store"
    first = w.build_store(root, children=2, peps=1)
    second = Store.open(root)
    assert second.summaries()["child_0000"]["revision"] == 1
    record = first.load_child("child_0000")
    first.save_child(record.child.model_copy(update={"placement": "Residential home"}), 1, "sw.amara", "social_worker")
    assert second.summaries()["child_0000"]["revision"] == 2
    assert second.load_child("child_0000").child.placement == "Residential home"
    first.create_child(w.make_child(7), "sw.amara", "social_worker")
    assert "child_0007" in second.summaries()


def test_a_damaged_child_with_an_unfinished_change_does_not_lock_others_out_of_the_list(
        store_with_backup, capsys) -> None:
    store, snapshot = store_with_backup
    path = store.root / "children" / "child_0001.json"
    path.write_bytes(b"\x00 torn")
    marker = store.pending_dir / "child.child_0001.json"
    marker.write_bytes(b"")
    reopened = Store.open(store.root, summariser=store.summariser)  # opening repairs what it can
    assert set(reopened.summaries()) == {"child_0000", "child_0001", "child_0002"}
    assert "children/child_0001.json cannot be read" in capsys.readouterr().err
    assert marker.exists() and path.read_bytes() == b"\x00 torn"
    with pytest.raises(StoreCorrupt) as err:
        reopened.load_child("child_0001")
    assert str(snapshot) in str(err.value)
    assert reopened.load_child("child_0002").child.id == "child_0002"
