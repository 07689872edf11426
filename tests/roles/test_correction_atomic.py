"""Correcting an approved PEP is one atomic change: a crash at any point leaves either the original
untouched, or the original superseded by a correction that exists, each audited exactly once."""

from __future__ import annotations

from pathlib import Path

import pytest

from pep_tui.bootstrap import create_services, open_services
from pep_tui.domain import PEPStatus
from pep_tui.plugins.api import Capability
from pep_tui.sample import SAMPLE_TODAY, generate_cohort
from pep_tui.services import Services
from pep_tui.store import Conflict
from pep_tui.store.audit import AuditLog
from pep_tui.store.check import check_store
from pep_tui.store.index import SummaryIndex
from pep_tui.store.repository import Store

REASON = "Attendance was for the wrong term."


class Crash(BaseException):
    """Stands for the process dying at this point."""


def _small_cohort(root: Path, plugins) -> Services:
    opened = create_services(root, "training", plugins=plugins, clock=lambda: SAMPLE_TODAY)
    generate_cohort(opened.services, children=12, seed=2026)
    return opened.services


def _approved(services: Services) -> tuple[str, str, int]:
    store = services.store
    for child_id in sorted(store.child_ids()):
        for pep in store.load_child(child_id).peps:
            if pep.status is PEPStatus.APPROVED and pep.superseded_by is None:
                return child_id, pep.id, pep.revision
    raise AssertionError("the sample cohort has no approved PEP")


def _die_on_call(monkeypatch: pytest.MonkeyPatch, cls: type, name: str, call: int, after: bool) -> None:
    """Make the ``call``-th call of ``cls.name`` die (before or after doing its work)."""
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
        (Store, "_write_child_file", 1, False, False),  # marked, file not replaced
        (Store, "_write_child_file", 1, True, True),  # both PEPs written, no audit, no index
        (AuditLog, "append", 1, True, True),  # the supersede event recorded, the correction's not
        (AuditLog, "append", 2, True, True),  # both events recorded, index not updated
        (SummaryIndex, "append", 1, True, True),  # all but removing the marker
    ],
)
def test_a_correction_killed_at_any_step_is_all_or_nothing(
    tmp_path: Path, plugins, monkeypatch: pytest.MonkeyPatch, cls, name, call, after, applied
) -> None:
    services = _small_cohort(tmp_path / "store", plugins)
    child_id, pep_id, revision = _approved(services)
    vs = services.principal_for("vs.head")
    events_before = len(services.store.audit.for_child(child_id))
    with monkeypatch.context() as m:
        _die_on_call(m, cls, name, call, after)
        with pytest.raises(Crash):
            services.workflow.correct(vs, child_id, pep_id, REASON, revision)

    reopened = open_services(tmp_path / "store", plugins=plugins, clock=lambda: SAMPLE_TODAY).services
    store = reopened.store
    record = store.load_child(child_id)  # the store repairs the interrupted change on first use
    original = record.pep(pep_id)
    corrections = [p for p in record.peps if p.plugin_data.get("correction", {}).get("corrects") == pep_id]
    trail = store.audit.for_child(child_id)[events_before:]
    if applied:
        assert len(corrections) == 1, "the original must be superseded by a PEP that exists"
        assert original.superseded_by == corrections[0].id and original.revision == revision + 1
        assert corrections[0].status is PEPStatus.IN_PROGRESS
        assert [(e.action, e.pep_id) for e in trail] == [("pep.supersede", pep_id), ("pep.correct", corrections[0].id)]
        assert len({e.id for e in trail}) == 2
        assert store.summaries()[child_id]["revision"] == record.child.revision
    else:
        assert corrections == [] and original.superseded_by is None and original.revision == revision
        assert trail == []
        # the correction can simply be made again
        again = reopened.workflow.correct(reopened.principal_for("vs.head"), child_id, pep_id, REASON, revision)
        assert store.load_child(child_id).pep(pep_id).superseded_by == again.id
    assert not list((tmp_path / "store" / "pending").iterdir())
    report = check_store(store, modes=False)
    assert report.ok, report.problems


def test_two_corrections_racing_leave_one_and_the_loser_writes_nothing(tmp_path: Path, plugins, monkeypatch) -> None:
    services = _small_cohort(tmp_path / "store", plugins)
    child_id, pep_id, revision = _approved(services)
    vs, adviser = services.principal_for("vs.head"), services.principal_for("vs.adviser")
    # vs.head read the approved PEP; vs.adviser corrects it before vs.head's correction reaches the store
    seen_by_head = services.workflow._load(vs, child_id, pep_id, Capability.START_PEP)
    first = services.workflow.correct(adviser, child_id, pep_id, REASON, revision)
    peps_before = services.store.load_child(child_id).peps
    monkeypatch.setattr(services.workflow, "_load", lambda *_args: seen_by_head)
    with pytest.raises(Conflict) as err:
        services.workflow.correct(vs, child_id, pep_id, "Another reason", revision)
    assert "vs.adviser" in str(err.value)
    assert services.store.load_child(child_id).peps == peps_before  # no second correction, no re-marking
    assert [e.action for e in services.store.audit.for_child(child_id)].count("pep.correct") == 1
    assert services.store.load_child(child_id).pep(pep_id).superseded_by == first.id
