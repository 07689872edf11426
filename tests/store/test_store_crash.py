"""A writer killed at any moment: the store opens, checks clean, keeps every acknowledged save, and
records each change in the audit trail exactly once."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import store_workers as w  # noqa: E402

from pep_tui.domain import StaffMember  # noqa: E402
from pep_tui.store import Store  # noqa: E402
from pep_tui.store.audit import AuditLog  # noqa: E402
from pep_tui.store.check import check_store  # noqa: E402
from pep_tui.store.index import SummaryIndex  # noqa: E402
from pep_tui.store.repository import Store as StoreClass  # noqa: E402

KILLS = 50


def _assert_consistent(store: Store, targets: list[tuple[str, str]]) -> dict[str, list[str]]:
    report = check_store(store, modes=False)
    assert report.ok, report.problems
    logs = {}
    for child_id, pep_id in targets:
        pep = store.load_child(child_id).pep(pep_id)
        writes = pep.sections[w.SECTION].data["writes"]
        assert len(writes) == pep.revision
        revisions = sorted(e.new_revision for e in store.audit.for_child(child_id) if e.pep_id == pep_id)
        assert revisions == list(range(1, pep.revision + 1)), "a change is missing from or doubled in the audit"
        logs[pep_id] = writes
    summaries = store.summaries()
    assert set(summaries) == {c for c, _ in targets}
    return logs


def _wait_for_acks(path: Path, at_least: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_bytes().count(b"\n") >= at_least:
            return
        time.sleep(0.002)
    raise AssertionError("the writer made no save")


def test_writer_killed_at_random_moments(tmp_path: Path) -> None:
    root = tmp_path / "store"
    w.build_store(root, children=2, peps=2)
    targets = [(f"child_{c:04d}", f"child_{c:04d}_pep{p}") for c in range(2) for p in range(2)]
    acks = tmp_path / "acks"
    ctx = multiprocessing.get_context("forkserver")
    rng = random.Random(7)
    interrupted = 0
    for run in range(KILLS):
        before = acks.read_bytes().count(b"\n") if acks.exists() else 0
        proc = ctx.Process(target=w.crash_writer, args=(str(root), str(acks), targets, run))
        proc.start()
        _wait_for_acks(acks, before + 1)
        time.sleep(rng.random() * 0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        assert proc.exitcode == -signal.SIGKILL
        interrupted += bool(list((root / "pending").iterdir()))

        store = Store.open(root)  # always opens
        logs = _assert_consistent(store, targets)
        last = acks.read_bytes().decode().splitlines()[-1].split()
        child_id, pep_id, revision, token = last[0], last[1], int(last[2]), last[3]
        assert token in logs[pep_id], f"run {run}: the last acknowledged save is missing"
        assert store.load_child(child_id).pep(pep_id).revision >= revision
    print(f"{interrupted} of {KILLS} kills interrupted a save")
    assert interrupted, "no kill landed inside a save; the test exercised no repair"


class Crash(BaseException):
    """Stands for the process dying at this point."""


def _crash_on(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, after: bool) -> None:
    original = getattr(cls, name)

    def dying(self, *args, **kwargs):
        if after:
            original(self, *args, **kwargs)
        raise Crash(name)

    monkeypatch.setattr(cls, name, dying)


@pytest.mark.parametrize(
    ("cls", "name", "after", "applied"),
    [
        (StoreClass, "_write_child_file", False, False),  # marker written, file not replaced
        (StoreClass, "_write_child_file", True, True),  # file replaced, no audit, no index
        (AuditLog, "append", True, True),  # audit written, index not
        (SummaryIndex, "append", True, True),  # everything but removing the marker
    ],
)
def test_each_change_is_in_the_audit_trail_once_whatever_the_crash_point(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cls, name, after, applied
) -> None:
    root = tmp_path / "store"
    w.build_store(root, children=1, peps=1)
    child_id, pep_id = "child_0000", "child_0000_pep0"
    store = Store.open(root)
    w.append_token(store, child_id, pep_id, "first", "staff.a")
    with monkeypatch.context() as m:
        _crash_on(m, cls, name, after)
        with pytest.raises(Crash):
            w.append_token(store, child_id, pep_id, "second", "staff.b")
    assert list((root / "pending").iterdir()), "a crash must leave the change marked"

    reopened = Store.open(root)
    reopened.summaries()  # the first list repairs
    assert not list((root / "pending").iterdir())
    pep = reopened.load_child(child_id).pep(pep_id)
    assert pep.sections[w.SECTION].data["writes"] == (["first", "second"] if applied else ["first"])
    events = [e for e in reopened.audit.for_child(child_id) if e.action == "pep.save"]
    assert [e.actor for e in events] == (["staff.a", "staff.b"] if applied else ["staff.a"])
    assert len({e.id for e in events}) == len(events)
    assert reopened.summaries()[child_id]["revision"] == 1
    # saving again works and is recorded once more
    w.append_token(reopened, child_id, pep_id, "third", "staff.c")
    assert len([e for e in reopened.audit.for_child(child_id) if e.action == "pep.save"]) == len(events) + 1
    assert check_store(reopened).ok


def test_a_staff_change_interrupted_after_the_file_is_recorded_once(tmp_path: Path, monkeypatch) -> None:
    store = Store.create(tmp_path / "store", "live")
    store.save_staff(StaffMember(login="vs.head", display_name="Head", roles=["virtual_school"]), None, "x", "system")
    with monkeypatch.context() as m:
        _crash_on(m, AuditLog, "append", False)
        with pytest.raises(Crash):
            store.save_staff(StaffMember(login="sw.amara", display_name="A", roles=["social_worker"]), None, "vs.head",
                             "virtual_school")
    reopened = Store.open(tmp_path / "store")
    assert reopened.repair_pending() == ["staff"]
    assert [e.detail["login"] for e in reopened.audit.store_events() if e.action == "staff.add"] == [
        "vs.head", "sw.amara"]
    assert reopened.get_staff("sw.amara") is not None
