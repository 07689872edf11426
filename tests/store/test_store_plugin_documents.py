"""Feature plugins' documents keep the store's guarantees after a crash: the document is the old or the
new one, and each change is in the store-wide audit trail exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pep_tui.store import Store, StoreCorrupt
from pep_tui.store import plugin_documents as documents_module
from pep_tui.store.audit import AuditLog
from pep_tui.store.check import check_store
from pep_tui.store.plugin_documents import PluginDocuments

NAME = "budget-2025-26"


class Crash(BaseException):
    """Stands for the process dying at this point."""


def _saves(store: Store) -> list[tuple[str, int | None]]:
    return [(e.actor, e.new_revision) for e in store.audit.store_events() if e.action == "pupil_premium.budget.save"]


def _crash(monkeypatch: pytest.MonkeyPatch, point: str) -> None:
    if point == "before the document is replaced":
        def dying_write(*_args, **_kwargs):
            raise Crash(point)

        monkeypatch.setattr(documents_module, "atomic_write_bytes", dying_write)
        return
    original = AuditLog.append

    def dying_append(self, event):
        if point == "after the audit event":
            original(self, event)
        raise Crash(point)

    monkeypatch.setattr(AuditLog, "append", dying_append)


@pytest.mark.parametrize(
    ("point", "applied"),
    [("before the document is replaced", False), ("before the audit event", True), ("after the audit event", True)],
)
@pytest.mark.parametrize("repaired_by", ["next change", "reading the trail", "store check"])
def test_a_document_change_killed_at_any_step_is_audited_exactly_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, point: str, applied: bool, repaired_by: str
) -> None:
    root = tmp_path / "store"
    docs = PluginDocuments(Store.create(root, "live"), "pupil_premium")
    docs.save(NAME, {"grant": 100}, 0, "vs.head", "virtual_school", action="budget.save")
    with monkeypatch.context() as m:
        _crash(m, point)
        with pytest.raises(Crash):
            docs.save(NAME, {"grant": 250}, 1, "vs.adviser", "virtual_school", action="budget.save")
    assert list((root / "pending").iterdir()), "a crash must leave the change marked"

    store = Store.open(root)
    reopened = PluginDocuments(store, "pupil_premium")
    document = reopened.read(NAME)
    assert (document.data, document.revision) == (({"grant": 250}, 2) if applied else ({"grant": 100}, 1))
    if repaired_by == "next change":
        reopened.save(NAME, {"grant": 300}, document.revision, "vs.head", "virtual_school", action="budget.save")
    elif repaired_by == "store check":
        report = check_store(store, modes=False)
        assert report.ok and report.repaired == [f"plugin_documents/pupil_premium/{NAME}"]
    expected = [("vs.head", 1), ("vs.adviser", 2)] if applied else [("vs.head", 1)]
    if repaired_by == "next change":
        expected.append(("vs.head", expected[-1][1] + 1))
    assert _saves(store) == expected
    assert not list((root / "pending").iterdir())
    events = store.audit.store_events()
    assert len({e.id for e in events}) == len(events) and all(e.id for e in events)
    assert check_store(store, modes=False).ok


def test_a_document_written_before_changes_were_recorded_is_repaired_without_inventing_events(tmp_path) -> None:
    root = tmp_path / "store"
    store = Store.create(root, "live")
    docs = PluginDocuments(store, "pupil_premium")
    docs.folder.mkdir(parents=True)
    (docs.folder / f"{NAME}.json").write_bytes(b'{"revision": 3, "updated_by": "vs.head", "data": {"grant": 1}}')
    (root / "pending" / f"doc.pupil_premium.{NAME}.json").write_bytes(b"")
    assert store.repair_pending() == [f"plugin_documents/pupil_premium/{NAME}"]
    assert store.audit.store_events() == []
    assert docs.save(NAME, {"grant": 2}, 3, "vs.adviser", "virtual_school").revision == 4


def test_a_document_with_an_unreadable_change_record_is_refused_and_left_untouched(tmp_path) -> None:
    root = tmp_path / "store"
    store = Store.create(root, "live")
    docs = PluginDocuments(store, "pupil_premium")
    docs.save(NAME, {"grant": 1}, 0, "vs.head", "virtual_school")
    path = docs.folder / f"{NAME}.json"
    damaged = path.read_bytes().replace(b'"events":[{', b'"events":[{"nonsense":1,')
    path.write_bytes(damaged)
    (root / "pending" / f"doc.pupil_premium.{NAME}.json").write_bytes(b"")
    with pytest.raises(StoreCorrupt, match=NAME):
        docs.save(NAME, {"grant": 2}, 1, "vs.adviser", "virtual_school")
    assert path.read_bytes() == damaged


def test_store_check_reports_a_damaged_document(tmp_path) -> None:
    root = tmp_path / "store"
    store = Store.create(root, "live")
    docs = PluginDocuments(store, "pupil_premium")
    docs.save(NAME, {"grant": 1}, 0, "vs.head", "virtual_school")
    assert check_store(store, modes=False).ok
    path = docs.folder / f"{NAME}.json"
    path.write_bytes(b'{"revision": "two", "data": {}}')
    report = check_store(store, modes=False)
    assert not report.ok and str(path) in report.problems[0]
    assert path.read_bytes() == b'{"revision": "two", "data": {}}'


def test_store_check_warns_about_a_stray_file_among_documents(tmp_path) -> None:
    store = Store.create(tmp_path / "store", "live")
    docs = PluginDocuments(store, "pupil_premium")
    docs.save(NAME, {"grant": 1}, 0, "vs.head", "virtual_school")
    (docs.folder / "Copy of budget.json").write_bytes(b"{}")
    report = check_store(store, modes=False)
    assert report.ok and any("Copy of budget" in w for w in report.warnings)
