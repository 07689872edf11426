"""Durability details: new folders are flushed into their parent, markers never change a file shared with
a snapshot, plugin documents are owner-only, and a damaged staff record is refused without quoting it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pep_tui.domain import StaffMember
from pep_tui.store import Store, StoreCorrupt
from pep_tui.store import files as files_module
from pep_tui.store.files import ensure_dir, write_durable
from pep_tui.store.plugin_documents import PluginDocuments


def test_each_new_folder_is_flushed_into_its_parent(tmp_path: Path, monkeypatch) -> None:
    synced: list[Path] = []
    original = files_module.fsync_dir
    monkeypatch.setattr(files_module, "fsync_dir", lambda path: (synced.append(Path(path)), original(path)))
    ensure_dir(tmp_path / "a" / "b" / "c")
    assert synced == [tmp_path, tmp_path / "a", tmp_path / "a" / "b"]
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o700 for p in (tmp_path / "a", tmp_path / "a" / "b" / "c"))
    synced.clear()
    ensure_dir(tmp_path / "a" / "b" / "c")
    assert synced == []  # an existing folder costs nothing


def test_a_marker_rewrite_never_changes_a_file_hard_linked_elsewhere(tmp_path: Path) -> None:
    marker, kept = tmp_path / "staff.json", tmp_path / "snapshot-copy.json"
    marker.write_bytes(b"as it was")
    os.link(marker, kept)
    write_durable(marker, b"new marker")
    assert marker.read_bytes() == b"new marker" and kept.read_bytes() == b"as it was"
    assert stat.S_IMODE(os.stat(marker).st_mode) == 0o600


def test_plugin_documents_and_their_folders_are_owner_only(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "store", "live")
    docs = PluginDocuments(store, "pupil_premium")
    docs.save("budget-2025-26", {"grant": 1}, 0, "vs.head", "virtual_school")
    for path in (tmp_path / "store" / "plugin_documents", docs.folder):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(docs.folder / "budget-2025-26.json").st_mode) == 0o600


def test_a_damaged_staff_record_is_refused_naming_the_file_not_the_person(tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = Store.create(root, "live")
    store.save_staff(StaffMember(login="vs.head", display_name="Valerie Headley", roles=["virtual_school"]),
                     None, "x", "system")
    path = root / "staff.json"
    damaged = path.read_bytes().replace(b'"roles":["virtual_school"]', b'"roles":"Valerie Headley"')
    path.write_bytes(damaged)
    with pytest.raises(StoreCorrupt) as err:
        Store.open(root)
    assert str(path) in str(err.value) and "Valerie" not in str(err.value)
    with pytest.raises(StoreCorrupt):
        store.save_staff(StaffMember(login="sw.amara", display_name="A", roles=["social_worker"]), None, "x", "s")
    assert path.read_bytes() == damaged


def test_an_audit_line_is_written_whole_even_when_the_system_writes_it_in_pieces(tmp_path: Path, monkeypatch) -> None:
    from pep_tui.store.files import append_line, read_json_lines

    real_write = os.write
    monkeypatch.setattr(files_module.os, "write", lambda fd, data: real_write(fd, bytes(data[:7])))
    path = tmp_path / "trail.jsonl"
    append_line(path, b'{"action": "pep.save", "actor": "dt.larkspur"}')
    append_line(path, b'{"action": "pep.submit", "actor": "dt.larkspur"}')
    values, _, skipped = read_json_lines(path)
    assert [v["action"] for v in values] == ["pep.save", "pep.submit"] and skipped == 0
