"""One PEP driven through the whole sign-off chain, each role acting through the services."""

from __future__ import annotations

import pytest

from pep_tui.domain import PEPStatus, Term
from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError
from pep_tui.store import Conflict


def _setup_child(cohort, as_login):
    """A child at school with an approved PEP this term, a young person's login and family involvement."""
    vs = as_login("vs.head")
    row = next(r for r in cohort.children.list(vs)
               if r["current_status"] == "approved" and r["designated_teacher"] and r["carer"] and r["iro"])
    child_id = row["child_id"]
    cohort.staff.add(vs, {"login": "yp.chain", "display_name": "Chain (young person)", "roles": ["child"]})
    record = cohort.children.record(vs, child_id)
    cohort.children.update(vs, child_id, {"young_person_login": "yp.chain"}, record.child.revision)
    sw = as_login(row["social_worker"])
    child = cohort.children.get(sw, child_id)
    cohort.children.update(sw, child_id, {"family_access": ["parent.pat"]}, child.revision)
    return row


def test_one_pep_through_the_whole_chain_as_each_role(cohort, as_login, use_policy, fill, stored) -> None:
    use_policy(signoff_chain=["submit", "finalise", "acknowledge", "approve"], qa_scale="ggar",
               qa_overall_rule="any_red_else_all_but_one_gold")
    row = _setup_child(cohort, as_login)
    child_id = row["child_id"]
    dt, sw, carer = as_login(row["designated_teacher"]), as_login(row["social_worker"]), as_login(row["carer"])
    young, parent, iro, vs = as_login("yp.chain"), as_login("parent.pat"), as_login(row["iro"]), as_login("vs.adviser")
    before = cohort.store.load_child(child_id)
    previous = before.peps[-1]

    # Next term: open targets carried forward for review, stable context copied and marked for review.
    pep = cohort.workflow.start_next_term(sw, child_id)
    assert pep.term_ref == previous.term_ref.next() and pep.term is Term.SUMMER
    assert pep.status is PEPStatus.NOT_STARTED and pep.previous_pep_id == previous.id
    reviews = pep.section("shared.previous_targets").get("reviews", [])
    assert {r["target_id"] for r in reviews} == {t.id for t in previous.targets if t.outcome != "met"}
    assert pep.section("social_worker.care_context") == previous.section("social_worker.care_context")
    from pep_tui.services.peps import sections_to_review

    assert "social_worker.care_context" in sections_to_review(pep)

    # Each role writes its own part (the child last, over what others wrote down for them).
    fill(dt, child_id, pep.id, seed=5)
    fill(sw, child_id, pep.id, seed=1)
    assert "social_worker.care_context" not in sections_to_review(stored(child_id, pep.id))
    fill(carer, child_id, pep.id, seed=3)
    fill(parent, child_id, pep.id, seed=4)
    fill(young, child_id, pep.id, seed=2)
    pep = stored(child_id, pep.id)
    assert pep.status is PEPStatus.IN_PROGRESS
    for section_id, who in [("child.my_views", "yp.chain"), ("carer.home_learning", row["carer"]),
                            ("parent.views", "parent.pat"), ("social_worker.care_context", row["social_worker"])]:
        assert pep.sections[section_id].updated_by == who

    # The designated teacher sees the pre-QA checks, then submits.
    assert isinstance(cohort.qa.precheck(dt, child_id, pep.id), list)
    assert cohort.workflow.allowed_actions(dt, child_id, pep.id) == ["submit"]
    pep = cohort.workflow.submit(dt, child_id, pep.id, pep.revision)
    assert pep.status is PEPStatus.SUBMITTED
    with pytest.raises(PermissionDenied):  # nobody edits a submitted PEP
        cohort.peps.save_section(carer, child_id, pep.id, "carer.home_learning", {"carer_views": "x"}, pep.revision)

    # The chain's order is kept: no approval before finalisation and acknowledgement.
    with pytest.raises(WorkflowError):
        cohort.workflow.approve(vs, child_id, pep.id, pep.revision)
    with pytest.raises(WorkflowError):
        cohort.workflow.acknowledge(carer, child_id, pep.id, pep.revision)
    assert "finalise" in cohort.workflow.allowed_actions(sw, child_id, pep.id)
    pep = cohort.workflow.finalise(sw, child_id, pep.id, pep.revision)
    assert pep.status is PEPStatus.FINALISED
    pep = cohort.workflow.acknowledge(carer, child_id, pep.id, pep.revision, note="Read it together.")
    assert pep.status is PEPStatus.FINALISED and pep.sign_offs[-1].step == "acknowledge"

    # The Virtual School sees it in the queue, rates it (overall by the rule) and returns it with a reason.
    assert any(r["pep_id"] == pep.id for r in cohort.qa.queue(vs))
    sections = {"child.my_views": "gold", "carer.home_learning": "amber"}
    pep = cohort.qa.rate(vs, child_id, pep.id, None, sections, "Targets need review dates.",
                         {"carer.home_learning": "Say how reading is supported."}, pep.revision)
    assert pep.qa_rating.overall == "amber" and pep.qa_rating.scale == "ggar"
    with pytest.raises(InvalidInput):
        cohort.workflow.return_pep(vs, child_id, pep.id, "   ", pep.revision)
    pep = cohort.workflow.return_pep(vs, child_id, pep.id, "Add review dates to every target.", pep.revision)
    assert pep.status is PEPStatus.RETURNED and pep.return_reason == "Add review dates to every target."
    assert not any(r["pep_id"] == pep.id for r in cohort.qa.queue(vs))

    # Fixed and resubmitted; the chain starts over.
    fill(dt, child_id, pep.id, seed=6)
    pep = stored(child_id, pep.id)
    pep = cohort.workflow.submit(dt, child_id, pep.id, pep.revision)
    assert pep.status is PEPStatus.SUBMITTED and pep.return_reason is None
    with pytest.raises(WorkflowError):
        cohort.workflow.approve(vs, child_id, pep.id, pep.revision)
    pep = cohort.workflow.finalise(sw, child_id, pep.id, pep.revision)
    pep = cohort.workflow.acknowledge(young, child_id, pep.id, pep.revision)
    with pytest.raises(WorkflowError, match="rate"):  # this submission has not been rated yet
        cohort.workflow.approve(vs, child_id, pep.id, pep.revision)
    pep = cohort.qa.rate(vs, child_id, pep.id, None, {"child.my_views": "gold", "carer.home_learning": "green"},
                         "Much improved.", {}, pep.revision)
    assert pep.qa_rating.overall == "gold" and [q.overall for q in pep.qa_ratings] == ["amber", "gold"]
    pep = cohort.workflow.approve(vs, child_id, pep.id, pep.revision)
    assert pep.status is PEPStatus.APPROVED and pep.read_only

    # Approved: read-only for every role and every transition.
    approved = stored(child_id, pep.id)
    for who, section in [(dt, "shared.attendance"), (sw, "social_worker.care_context"),
                         (carer, "carer.home_learning"), (young, "child.my_views"), (vs, "shared.attendance")]:
        with pytest.raises(PermissionDenied):
            cohort.peps.save_section(who, child_id, pep.id, section, {}, approved.revision)
    with pytest.raises(WorkflowError):
        cohort.workflow.return_pep(vs, child_id, pep.id, "late change", approved.revision)
    with pytest.raises(WorkflowError):
        cohort.qa.rate(vs, child_id, pep.id, "red", {}, "", {}, approved.revision)
    with pytest.raises(WorkflowError):
        cohort.workflow.submit(dt, child_id, pep.id, approved.revision)
    assert stored(child_id, pep.id) == approved

    # The IRO reads it and adds a note for the next review; nothing else changes.
    summary = cohort.views.review_summary(iro, child_id)
    assert summary["latest"][-1]["pep_id"] == pep.id
    with pytest.raises(PermissionDenied):
        cohort.peps.save_section(iro, child_id, pep.id, "iro.review_note", {"notes": []}, approved.revision)
    noted = cohort.workflow.add_review_note(iro, child_id, pep.id, "Ask about the reading support.", approved.revision)
    assert noted.section("iro.review_note")["notes"][-1]["written_by"] == row["iro"]
    assert {k: v for k, v in noted.sections.items() if k != "iro.review_note"} == \
        {k: v for k, v in approved.sections.items() if k != "iro.review_note"}
    assert noted.status is PEPStatus.APPROVED and noted.sign_offs == approved.sign_offs

    # Every transition is in the audit trail, with who did it.
    events = [(e.action, e.actor) for e in cohort.store.audit.for_child(child_id) if e.pep_id == pep.id]
    actions = [a for a, _ in events]
    for expected in ["pep.start", "pep.submit", "pep.finalise", "pep.acknowledge", "qa.rate", "pep.return",
                     "pep.approve", "pep.review_note"]:
        assert expected in actions
    assert ("pep.approve", "vs.adviser") in events and ("pep.finalise", row["social_worker"]) in events

    # A correction supersedes the approved PEP with a new revision; the original is kept.
    with pytest.raises(InvalidInput):
        cohort.workflow.correct(vs, child_id, pep.id, "", noted.revision)
    correction = cohort.workflow.correct(vs, child_id, pep.id, "Attendance was for the wrong term.", noted.revision)
    old = stored(child_id, pep.id)
    assert old.superseded_by == correction.id and old.status is PEPStatus.APPROVED
    assert old.sections == noted.sections and old.qa_ratings == noted.qa_ratings
    assert correction.status is PEPStatus.IN_PROGRESS and correction.term_ref == old.term_ref
    assert correction.plugin_data["correction"]["corrects"] == pep.id
    with pytest.raises(WorkflowError):
        cohort.workflow.correct(vs, child_id, pep.id, "again", old.revision)
    with pytest.raises(PermissionDenied):
        cohort.peps.save_section(dt, child_id, pep.id, "shared.attendance", {}, old.revision)
    actions = [e.action for e in cohort.store.audit.for_child(child_id)]
    assert "pep.supersede" in actions and "pep.correct" in actions


def test_stale_revision_is_refused_naming_who_saved(cohort, as_login, stored) -> None:
    vs = as_login("vs.adviser")
    row = next(r for r in cohort.qa.queue(vs))
    pep = stored(row["child_id"], row["pep_id"])
    with pytest.raises(Conflict, match="changed by"):
        cohort.workflow.return_pep(vs, row["child_id"], pep.id, "reason", pep.revision - 1)
    assert stored(row["child_id"], pep.id) == pep


def test_default_chain_submit_then_approve(cohort, as_login, fill, stored) -> None:
    vs = as_login("vs.adviser")
    row = next(r for r in cohort.children.list(vs) if r["current_status"] == "in_progress" and r["designated_teacher"])
    dt = as_login(row["designated_teacher"])
    child_id, pep_id = row["child_id"], row["current_pep_id"]
    fill(dt, child_id, pep_id, only_empty=True)
    pep = cohort.workflow.submit(dt, child_id, pep_id, stored(child_id, pep_id).revision)
    # Once submitted, next term's PEP may be started while this one awaits the Virtual School.
    assert cohort.workflow.allowed_actions(vs, child_id, pep_id) == ["start", "approve", "return", "rate"]
    assert cohort.workflow.allowed_actions(dt, child_id, pep_id) == ["start"]
    pep = cohort.qa.rate(vs, child_id, pep_id, "green", {}, "Good.", {}, pep.revision)
    pep = cohort.workflow.approve(vs, child_id, pep_id, pep.revision)
    assert pep.status is PEPStatus.APPROVED
    assert [s.step for s in pep.sign_offs] == ["submit", "approve"]
