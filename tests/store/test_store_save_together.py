"""Several PEPs of one child saved together: one atomic write, every revision checked, each audited
exactly once whatever the crash point."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.domain import SectionData  # noqa: E402
from pep_tui.store import Conflict, NotFound, PEPChange, Store, StoreError  # noqa: E402
from pep_tui.store.audit import AuditLog  # noqa: E402
from pep_tui.store.check import check_store  # noqa: E402
from pep_tui.store.index import SummaryIndex  # noqa: E402

CHILD = "child_0000"


class Crash(BaseException):
    """Stands for the process dying at this point."""


def _logged(store: Store, pep_id: str, token: str) -> PEPChange:
    pep = store.load_child(CHILD).pep(pep_id)
    writes = [*pep.sections[w.SECTION].data["writes"], token]
    changed = pep.model_copy(update={"sections": {**pep.sections, w.SECTION: SectionData(data={"writes": writes})}})
    return PEPChange(changed, pep.revision, action="pep.save", section_id=w.SECTION, detail={"token": token})


def _new_pep(n: int) -> PEPChange:
    return PEPChange(w.make_pep(CHILD, n), None, action="pep.start")


def test_peps_saved_together_are_written_and_audited_each(tmp_path: Path) -> None:
    store = w.build_store(tmp_path / "store", children=1, peps=2)
    saved = store.save_peps([_logged(store, f"{CHILD}_pep0", "a"), _new_pep(5), _logged(store, f"{CHILD}_pep1", "b")],
                            "dt.larkspur", "designated_teacher")
    assert [(p.id, p.revision) for p in saved] == [(f"{CHILD}_pep0", 1), (f"{CHILD}_pep5", 1), (f"{CHILD}_pep1", 1)]
    record = Store.open(store.root).load_child(CHILD)
    assert {p.id: p.revision for p in record.peps} == {f"{CHILD}_pep0": 1, f"{CHILD}_pep1": 1, f"{CHILD}_pep5": 1}
    assert all(p.updated_by == "dt.larkspur" for p in record.peps)
    trail = [e for e in store.audit.for_child(CHILD) if e.actor == "dt.larkspur"]
    assert [(e.action, e.pep_id, e.old_revision, e.new_revision) for e in trail] == [
        ("pep.save", f"{CHILD}_pep0", None, 1), ("pep.start", f"{CHILD}_pep5", None, 1),
        ("pep.save", f"{CHILD}_pep1", None, 1)]
    assert trail[0].detail == {"token": "a"} and trail[0].section_id == w.SECTION
    assert check_store(store).ok


def test_one_stale_pep_refuses_them_all_naming_who_saved(tmp_path: Path) -> None:
    store = w.build_store(tmp_path / "store", children=1, peps=2)
    first, second = _logged(store, f"{CHILD}_pep0", "mine"), _logged(store, f"{CHILD}_pep1", "mine")
    w.append_token(store, CHILD, f"{CHILD}_pep1", "theirs", "sw.amara")
    before = store.load_child(CHILD)
    with pytest.raises(Conflict) as err:
        store.save_peps([first, second], "dt.larkspur", "designated_teacher")
    assert "sw.amara" in str(err.value) and "Testchild" not in str(err.value)
    assert err.value.expected == 0 and err.value.current == 1
    assert store.load_child(CHILD) == before  # the fresh one was not written either
    assert [e.actor for e in store.audit.for_child(CHILD)].count("dt.larkspur") == 0


def test_saving_together_refuses_mixed_children_duplicates_and_missing_peps(tmp_path: Path) -> None:
    store = w.build_store(tmp_path / "store", children=2, peps=1)
    other = store.load_child("child_0001").pep("child_0001_pep0")
    one = _logged(store, f"{CHILD}_pep0", "x")
    with pytest.raises(StoreError, match="same child"):
        store.save_peps([one, PEPChange(other, other.revision)], "a", "b")
    with pytest.raises(StoreError, match="twice"):
        store.save_peps([one, one], "a", "b")
    with pytest.raises(StoreError, match="already exists"):
        store.save_peps([_new_pep(6), PEPChange(w.make_pep(CHILD, 0), None)], "a", "b")
    with pytest.raises(NotFound):
        store.save_peps([one, PEPChange(w.make_pep(CHILD, 7), 3)], "a", "b")
    assert store.load_child(CHILD).pep(f"{CHILD}_pep0").revision == 0
    assert store.save_peps([], "a", "b") == []


def _die_on_call(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, call: int, after: bool) -> None:
    original = getattr(cls, name)
    calls = [0]

    def dying(self, *args, **kwargs):
        calls[0] += 1
        if calls[0] < call:
            return original(self, *args, **kwargs)
        if after:
            original(self, *args, **kwargs)
        raise Crash(f"{name} #{call}")

    monkeypatch.setattr(cls, name, dying)


@pytest.mark.parametrize(
    ("cls", "name", "call", "after", "applied"),
    [
        (Store, "_write_child_file", 1, False, False),
        (Store, "_write_child_file", 1, True, True),
        (AuditLog, "append", 1, True, True),
        (AuditLog, "append", 2, False, True),
        (AuditLog, "append", 3, True, True),
        (SummaryIndex, "append", 1, True, True),
    ],
)
def test_a_save_together_killed_at_any_step_is_all_or_nothing_and_audited_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cls, name, call, after, applied
) -> None:
    root = tmp_path / "store"
    store = w.build_store(root, children=1, peps=2)
    changes = [_logged(store, f"{CHILD}_pep0", "a"), _logged(store, f"{CHILD}_pep1", "b"), _new_pep(4)]
    with monkeypatch.context() as m:
        _die_on_call(m, cls, name, call, after)
        with pytest.raises(Crash):
            store.save_peps(changes, "dt.larkspur", "designated_teacher")

    reopened = Store.open(root)
    record = reopened.load_child(CHILD)  # nothing repaired yet: reading a file needs no repair
    trail = [e for e in reopened.audit.for_child(CHILD) if e.actor == "dt.larkspur"]  # repairs first
    assert not list((root / "pending").iterdir())
    if applied:
        assert {p.id: p.revision for p in record.peps} == {f"{CHILD}_pep0": 1, f"{CHILD}_pep1": 1, f"{CHILD}_pep4": 1}
        assert [(e.pep_id, e.new_revision) for e in trail] == [
            (f"{CHILD}_pep0", 1), (f"{CHILD}_pep1", 1), (f"{CHILD}_pep4", 1)]
        assert len({e.id for e in trail}) == 3
    else:
        assert {p.id: p.revision for p in record.peps} == {f"{CHILD}_pep0": 0, f"{CHILD}_pep1": 0}
        assert trail == []
    report = check_store(reopened, modes=False)
    assert report.ok, report.problems
    # the next save is recorded once more, and repairs nothing twice
    w.append_token(reopened, CHILD, f"{CHILD}_pep0", "next", "dt.next")
    assert len([e for e in reopened.audit.for_child(CHILD) if e.actor == "dt.larkspur"]) == len(trail)


def test_a_child_id_that_is_no_file_name_is_refused_before_any_lock_file_is_made(tmp_path: Path) -> None:
    store = w.build_store(tmp_path / "store", children=1, peps=1)
    pep = store.load_child(CHILD).pep(f"{CHILD}_pep0")
    locks_before = sorted(p.name for p in (tmp_path / "store" / "locks").iterdir())
    for bad in ("../escape", "a/b", ""):
        with pytest.raises(NotFound):
            store.save_pep(pep.model_copy(update={"child_id": bad}), 0, "a", "b")
        with pytest.raises(NotFound):
            store.save_child(store.load_child(CHILD).child.model_copy(update={"id": bad}), 1, "a", "b")
    assert sorted(p.name for p in (tmp_path / "store" / "locks").iterdir()) == locks_before
    assert not (tmp_path / "escape.lock").exists()
