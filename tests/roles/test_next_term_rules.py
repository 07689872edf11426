"""Next term's PEP: offered exactly when it can be started; once submitted, the last need not wait for QA."""

from __future__ import annotations

from datetime import date

import pytest

from pep_tui.domain import PEPStatus, Term, TermRef
from pep_tui.services import WorkflowError


def _latest(cohort, child_id: str):
    return max((p for p in cohort.store.load_child(child_id).peps if p.superseded_by is None), key=lambda p: p.term_ref)


def test_next_term_starts_once_this_one_is_submitted_not_before(cohort, as_login, fill, stored) -> None:
    vs = as_login("vs.adviser")
    row = next(r for r in cohort.children.list(vs) if r["current_status"] == "in_progress" and r["designated_teacher"])
    dt, child_id, pep_id = as_login(row["designated_teacher"]), row["child_id"], row["current_pep_id"]
    assert _latest(cohort, child_id).id == pep_id
    for who in (dt, vs):
        assert "start" not in cohort.workflow.allowed_actions(who, child_id, pep_id)
        with pytest.raises(WorkflowError, match="submit it before starting"):
            cohort.workflow.start_next_term(who, child_id)

    fill(dt, child_id, pep_id, only_empty=True)
    submitted = cohort.workflow.submit(dt, child_id, pep_id, stored(child_id, pep_id).revision)
    assert "start" in cohort.workflow.allowed_actions(dt, child_id, pep_id)
    new = cohort.workflow.start_next_term(dt, child_id)
    assert new.term_ref == submitted.term_ref.next() and new.previous_pep_id == pep_id
    # The targets carried forward are the submitted ones, as they stand while QA is pending.
    carried = [r["target_id"] for r in new.section("shared.previous_targets").get("reviews", [])]
    assert carried == [t.id for t in submitted.targets if t.outcome != "met"]
    assert stored(child_id, pep_id).status is PEPStatus.SUBMITTED

    # Neither PEP offers another start now, and none is accepted.
    for pep in (submitted, new):
        assert "start" not in cohort.workflow.allowed_actions(dt, child_id, pep.id)
    with pytest.raises(WorkflowError):
        cohort.workflow.start_next_term(dt, child_id)


def test_start_is_offered_exactly_when_it_is_accepted(cohort, as_login) -> None:
    vs = as_login("vs.head")
    offered = refused = 0
    for row in cohort.children.list(vs):
        child_id = row["child_id"]
        live = [p for p in cohort.store.load_child(child_id).peps if p.superseded_by is None]
        if not live:
            continue
        latest = max(live, key=lambda p: p.term_ref)
        listed = "start" in cohort.workflow.allowed_actions(vs, child_id, latest.id)
        try:
            cohort.workflow.start_next_term(vs, child_id)
            accepted = True
        except WorkflowError:
            accepted = False
        assert listed == accepted, (child_id, latest.term_ref.label, latest.status)
        offered += listed
        refused += not listed
    assert offered and refused


def test_a_pep_is_never_started_for_a_past_term_nor_more_than_a_term_ahead(cohort, as_login) -> None:
    vs = as_login("vs.head")
    row = next(r for r in cohort.children.list(vs) if r["current_status"] == "approved")
    child_id = row["child_id"]
    latest = _latest(cohort, child_id)
    assert latest.term_ref == TermRef(2025, Term.SPRING)

    cohort.ctx.clock = lambda: date(2025, 10, 1)  # autumn 2025: summer 2026 would be two terms ahead
    assert "start" not in cohort.workflow.allowed_actions(vs, child_id, latest.id)
    with pytest.raises(WorkflowError, match="at most one term ahead"):
        cohort.workflow.start_next_term(vs, child_id)

    cohort.ctx.clock = lambda: date(2026, 11, 2)  # autumn 2026: the summer 2026 PEP was never written
    pep = cohort.workflow.start_next_term(vs, child_id)
    assert pep.term_ref == TermRef(2026, Term.AUTUMN) and pep.previous_pep_id == latest.id


def test_an_unfinished_pep_of_a_past_term_does_not_block_this_terms(cohort, as_login) -> None:
    vs = as_login("vs.head")
    row = next(r for r in cohort.children.list(vs) if r["current_status"] == "in_progress")
    child_id = row["child_id"]
    latest = _latest(cohort, child_id)
    cohort.ctx.clock = lambda: latest.term_ref.next().start  # the term after it has begun
    assert "start" in cohort.workflow.allowed_actions(vs, child_id, latest.id)
    pep = cohort.workflow.start_next_term(vs, child_id)
    assert pep.term_ref == latest.term_ref.next()
    assert cohort.store.load_child(child_id).pep(latest.id).status is PEPStatus.IN_PROGRESS
