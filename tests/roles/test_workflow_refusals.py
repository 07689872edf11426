"""Every out-of-role or out-of-scope transition is refused, and nothing is written when it is."""

from __future__ import annotations

import pytest

from pep_tui.domain import PEPStatus, SectionData
from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError

LOGINS = {
    "social_worker": "sw.amara",
    "designated_teacher": "dt.harbourside",
    "carer": "carer.01",
    "parent": "parent.pat",
    "iro": "iro.ivy",
    "school_staff": "ta.harbourside",
}


def _young_person(cohort) -> str:
    return next(m.login for m in cohort.store.list_staff() if "child" in m.roles)


def _logins(cohort) -> dict[str, str]:
    return {**LOGINS, "child": _young_person(cohort)}


def _transitions(cohort, principal, child_id: str, pep_id: str, revision: int):
    wf = cohort.workflow
    return {
        "submit": lambda: wf.submit(principal, child_id, pep_id, revision),
        "finalise": lambda: wf.finalise(principal, child_id, pep_id, revision),
        "acknowledge": lambda: wf.acknowledge(principal, child_id, pep_id, revision),
        "approve": lambda: wf.approve(principal, child_id, pep_id, revision),
        "return": lambda: wf.return_pep(principal, child_id, pep_id, "a reason", revision),
        "rate": lambda: cohort.qa.rate(principal, child_id, pep_id, "green", {}, "", {}, revision),
        "start": lambda: wf.start_next_term(principal, child_id),
        "correct": lambda: wf.correct(principal, child_id, pep_id, "a reason", revision),
        "review_note": lambda: wf.add_review_note(principal, child_id, pep_id, "a note", revision),
        "precheck": lambda: cohort.qa.precheck(principal, child_id, pep_id),
        "allowed": lambda: wf.allowed_actions(principal, child_id, pep_id),
    }


@pytest.mark.parametrize("role", [*LOGINS, "child"])
def test_every_transition_on_a_child_outside_scope_is_refused(cohort, as_login, role: str) -> None:
    principal = as_login(_logins(cohort)[role])
    mine = {s["child_id"] for s in cohort.children.list(principal)}
    assert mine, f"{principal.login} should reach someone in the sample"
    vs = as_login("vs.head")
    tried = 0
    for status in ("submitted", "finalised", "returned", "approved", "in_progress"):
        row = next((s for s in cohort.children.list(vs) if s["child_id"] not in mine and s["current_status"] == status), None)
        if row is None:
            continue
        tried += 1
        before = cohort.store.load_child(row["child_id"])
        pep = before.pep(row["current_pep_id"])
        for name, attempt in _transitions(cohort, principal, row["child_id"], pep.id, pep.revision).items():
            with pytest.raises(PermissionDenied):
                attempt()
                pytest.fail(f"{role} was allowed to {name} a PEP outside their scope")
        with pytest.raises(PermissionDenied):
            cohort.peps.get(principal, row["child_id"], pep.id)
        with pytest.raises(PermissionDenied):
            cohort.peps.save_section(principal, row["child_id"], pep.id, "shared.attendance", {}, pep.revision)
        after = cohort.store.load_child(row["child_id"])
        assert after.peps == before.peps and after.child == before.child
    assert tried >= 2


#: What each role may do, by transition, to a child in its own scope (the default chain plus finalise
#: and acknowledge, so that every step exists).
ROLE_MAY = {
    "social_worker": {"finalise", "start", "correct"},
    "designated_teacher": {"submit", "start", "correct"},
    "carer": {"acknowledge"},
    "child": {"acknowledge"},
    "parent": set(),
    "iro": {"review_note"},
    "school_staff": set(),
}
CAPABILITY_STEPS = {"submit", "finalise", "acknowledge", "approve", "return", "rate", "start", "correct", "review_note"}


@pytest.mark.parametrize("role", [*LOGINS, "child"])
def test_out_of_role_transitions_on_own_children_are_refused(cohort, as_login, use_policy, role: str) -> None:
    use_policy(signoff_chain=["submit", "finalise", "acknowledge", "approve"])
    principal = as_login(_logins(cohort)[role])
    for row in cohort.children.list(principal):
        if not row["current_pep_id"]:
            continue
        before = cohort.store.load_child(row["child_id"])
        pep = before.pep(row["current_pep_id"])
        attempts = _transitions(cohort, principal, row["child_id"], pep.id, pep.revision)
        for name in sorted(CAPABILITY_STEPS - ROLE_MAY[role]):
            with pytest.raises(PermissionDenied):
                attempts[name]()
                pytest.fail(f"{role} was allowed to {name}")
        assert cohort.store.load_child(row["child_id"]).peps == before.peps


def test_a_return_needs_a_reason_and_nothing_is_saved_without_one(cohort, as_login, stored) -> None:
    vs = as_login("vs.adviser")
    row = cohort.qa.queue(vs)[0]
    pep = stored(row["child_id"], row["pep_id"])
    for reason in ("", "   ", "\n\t"):
        with pytest.raises(InvalidInput, match="reason"):
            cohort.workflow.return_pep(vs, row["child_id"], pep.id, reason, pep.revision)
    assert stored(row["child_id"], pep.id) == pep
    returned = cohort.workflow.return_pep(vs, row["child_id"], pep.id, "  Add the child's\x1b[31m views.\x07 ", pep.revision)
    # Control characters never reach a terminal: the escape and bell are dropped, the rest kept as text.
    expected = "Add the child's[31m views."
    assert returned.return_reason == expected and returned.sign_offs[-1].note == expected


def test_submission_with_error_findings_is_refused(cohort, as_login, stored) -> None:
    vs = as_login("vs.adviser")
    row = next(r for r in cohort.children.list(vs) if r["current_status"] == "in_progress" and r["designated_teacher"])
    pep = stored(row["child_id"], row["current_pep_id"])
    # Stored data that no longer fits its section model is an error finding (written below the services).
    broken = pep.model_copy(update={"sections": {**pep.sections, "child.my_views": SectionData(
        data={"how_gathered": "telepathy"})}})
    pep = cohort.store.save_pep(broken, pep.revision, "test", "system")
    dt = as_login(row["designated_teacher"])
    with pytest.raises(WorkflowError, match="must be fixed before submitting"):
        cohort.workflow.submit(dt, row["child_id"], pep.id, pep.revision)
    assert stored(row["child_id"], pep.id).status is PEPStatus.IN_PROGRESS


def test_transitions_out_of_order_are_refused(cohort, as_login, stored) -> None:
    vs = as_login("vs.adviser")
    row = next(r for r in cohort.children.list(vs) if r["current_status"] == "in_progress" and r["designated_teacher"])
    pep = stored(row["child_id"], row["current_pep_id"])
    with pytest.raises(WorkflowError):
        cohort.workflow.approve(vs, row["child_id"], pep.id, pep.revision)
    with pytest.raises(WorkflowError):
        cohort.workflow.return_pep(vs, row["child_id"], pep.id, "reason", pep.revision)
    with pytest.raises(WorkflowError):  # finalise is not in the default chain
        cohort.workflow.finalise(as_login(row["social_worker"]), row["child_id"], pep.id, pep.revision)
    not_started = next(r for r in cohort.children.list(vs) if r["current_status"] == "not_started" and r["current_pep_id"])
    empty = stored(not_started["child_id"], not_started["current_pep_id"])
    with pytest.raises(WorkflowError, match="nothing written"):
        cohort.workflow.submit(vs, not_started["child_id"], empty.id, empty.revision)


def test_review_notes_are_for_the_iro_only_and_append_only(cohort, as_login, stored) -> None:
    iro = as_login("iro.ivy")
    row = next(r for r in cohort.children.list(iro) if r["current_status"] == "approved")
    child_id, pep_id = row["child_id"], row["current_pep_id"]
    pep = stored(child_id, pep_id)
    for login in ("vs.head", row["social_worker"], row["carer"]):
        with pytest.raises(PermissionDenied):
            cohort.workflow.add_review_note(as_login(login), child_id, pep_id, "note", pep.revision)
    with pytest.raises(PermissionDenied):  # the ordinary edit path stays closed to the read-only IRO
        cohort.peps.save_section(iro, child_id, pep_id, "iro.review_note", {"notes": []}, pep.revision)
    with pytest.raises(InvalidInput):
        cohort.workflow.add_review_note(iro, child_id, pep_id, "  ", pep.revision)
    first = cohort.workflow.add_review_note(iro, child_id, pep_id, "First note.", pep.revision)
    second = cohort.workflow.add_review_note(iro, child_id, pep_id, "Second note.", first.revision)
    notes = [n["note"] for n in second.section("iro.review_note")["notes"]]
    assert notes[-2:] == ["First note.", "Second note."]
    assert len(notes) == len(pep.section("iro.review_note").get("notes", [])) + 2
    # The carer and the child never see the IRO's notes.
    assert "iro.review_note" not in cohort.peps.get(as_login(row["carer"]), child_id, pep_id).sections
