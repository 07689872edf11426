"""The training cohort shows every workflow state and QA ratings on both scales."""

from __future__ import annotations

from pep_tui.domain import PEPStatus
from pep_tui.services.qa import scale_values


def test_sample_cohort_has_every_state_and_both_scales(cohort) -> None:
    peps = [p for cid in cohort.store.child_ids() for p in cohort.store.load_child(cid).peps]
    assert {p.status for p in peps} == set(PEPStatus)
    steps = {s.step for p in peps for s in p.sign_offs}
    assert {"submit", "return", "finalise", "acknowledge", "approve"} <= steps
    resubmitted = [p for p in peps if p.status is PEPStatus.SUBMITTED and any(s.step == "return" for s in p.sign_offs)]
    assert resubmitted and all(len(p.qa_ratings) >= 1 for p in resubmitted)
    superseded = [p for p in peps if p.superseded_by]
    assert superseded and all(any(q.id == p.superseded_by for q in peps) for p in superseded)
    ratings = [q for p in peps for q in p.qa_ratings]
    for scale in ("rag", "ggar"):
        values = {q.overall for q in ratings if q.scale == scale}
        assert values == set(scale_values(scale)), scale
    assert any(q.sections for q in ratings if q.scale == "ggar")


def test_sample_due_dates_are_mostly_on_track(cohort, as_login) -> None:
    rows = cohort.views.caseload(as_login("vs.head"))
    overdue = [r for r in rows if r["overdue"]]
    assert 0 < len(overdue) < len(rows) // 4
