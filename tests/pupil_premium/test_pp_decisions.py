"""Virtual School decisions: approve, part-approve, decline with a reason, refer to panel; a second
approver above the exceptional limit; every other role refused; every decision audited."""

from __future__ import annotations

import pytest

from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError
from pep_tui.store import Conflict
from pep_tui_plugins.pupil_premium.models import RequestStatus
from pep_tui_plugins.pupil_premium.money import Period
from pep_tui_plugins.pupil_premium.service import funding_of


def test_approval_becomes_an_allocation_in_the_ledger(cohort, pp, pending_request, as_login):
    vs = as_login("vs.adviser")
    before = pp.budget.ledger(as_login("vs.head"), Period.financial("2025-26")).allocated_pence
    child_id, pep_id, request_id = pending_request(amount="800.00")
    assert any(v.request.id == request_id for v in pp.queue(vs))
    decision = pp.decide(vs, child_id, pep_id, request_id, "approve")
    assert decision.status is RequestStatus.APPROVED
    assert decision.approved_pence == 80_000
    assert not any(v.request.id == request_id for v in pp.queue(vs))
    after = pp.budget.ledger(as_login("vs.head"), Period.financial("2025-26")).allocated_pence
    assert after - before == 80_000
    events = [e for e in cohort.store.audit.for_child(child_id) if e.action == "pupil_premium.decide"]
    assert events[-1].actor == "vs.adviser" and events[-1].detail["request_id"] == request_id


def test_part_approval_needs_a_smaller_amount_and_a_reason(pp, pending_request, as_login):
    vs = as_login("vs.adviser")
    child_id, pep_id, request_id = pending_request(amount="800.00")
    with pytest.raises(InvalidInput, match="reason"):
        pp.decide(vs, child_id, pep_id, request_id, "part_approve", amount_pence=40_000)
    with pytest.raises(InvalidInput, match="less than"):
        pp.decide(vs, child_id, pep_id, request_id, "part_approve", amount_pence=90_000, reason="too much")
    decision = pp.decide(vs, child_id, pep_id, request_id, "part_approve", amount_pence=40_000, reason="One term first")
    assert decision.status is RequestStatus.PART_APPROVED and decision.approved_pence == 40_000


def test_decline_needs_a_reason_and_allocates_nothing(pp, pending_request, as_login):
    vs = as_login("vs.adviser")
    child_id, pep_id, request_id = pending_request()
    with pytest.raises(InvalidInput, match="reason"):
        pp.decide(vs, child_id, pep_id, request_id, "decline")
    decision = pp.decide(vs, child_id, pep_id, request_id, "decline", reason="Met from school funds")
    assert decision.status is RequestStatus.DECLINED and decision.approved_pence == 0
    with pytest.raises(WorkflowError, match="already declined"):
        pp.decide(vs, child_id, pep_id, request_id, "approve")


def test_referral_to_panel_stays_in_the_queue_until_decided(pp, pending_request, as_login):
    vs = as_login("vs.adviser")
    child_id, pep_id, request_id = pending_request()
    assert pp.decide(vs, child_id, pep_id, request_id, "refer").status is RequestStatus.REFERRED
    queued = next(v for v in pp.queue(vs) if v.request.id == request_id)
    assert queued.status is RequestStatus.REFERRED
    assert pp.decide(vs, child_id, pep_id, request_id, "approve").status is RequestStatus.APPROVED


def test_exceptional_request_needs_a_second_different_approver(pp, pending_request, as_login):
    child_id, pep_id, request_id = pending_request(amount="2000.00")  # above the £1,500 default limit
    first = pp.decide(as_login("vs.adviser"), child_id, pep_id, request_id, "approve")
    assert first.status is RequestStatus.AWAITING_SECOND_APPROVAL and first.approved_pence == 0
    with pytest.raises(PermissionDenied, match="second"):
        pp.decide(as_login("vs.adviser"), child_id, pep_id, request_id, "approve")
    final = pp.decide(as_login("vs.head"), child_id, pep_id, request_id, "approve")
    assert final.status is RequestStatus.APPROVED and final.approved_pence == 200_000
    assert [s.by for s in final.steps] == ["vs.adviser", "vs.head"]


@pytest.mark.parametrize("role", ["designated_teacher", "social_worker", "carer", "child", "parent", "iro"])
def test_every_other_role_is_refused_a_decision(cohort, pp, pending_request, registry, role):
    assert role in registry.roles
    staff = [m for m in cohort.store.list_staff() if role in m.roles]
    # prefer someone who reaches a child with PEPs, so the refusal is about the role, not the scope
    for member in staff:
        principal = cohort.principal_for(member.login)
        reachable = [s["child_id"] for s in cohort.children.list(principal)
                     if cohort.store.load_child(s["child_id"]).peps] if principal else []
        if reachable:
            break
    else:
        pytest.fail(f"no {role} in the sample cohort reaches a child with a PEP")
    child_id, pep_id, request_id = pending_request(reachable[0])
    with pytest.raises(PermissionDenied):
        pp.decide(principal, child_id, pep_id, request_id, "approve")
    with pytest.raises(PermissionDenied):
        pp.queue(principal)
    assert request_id not in funding_of(cohort.store.load_child(child_id).pep(pep_id)).decisions


def test_no_decision_before_the_pep_is_submitted(pp, setup, as_login):
    child_id, pep, targets = setup.editable_pep_for("dt.larkspur")
    _saved, request = pp.add_request(as_login("dt.larkspur"), child_id, pep.id, setup.request_data(targets), pep.revision)
    with pytest.raises(WorkflowError, match="not been submitted"):
        pp.decide(as_login("vs.head"), child_id, pep.id, request.id, "approve")


def test_a_decision_on_a_stale_revision_is_refused(cohort, pp, pending_request, as_login):
    child_id, pep_id, request_id = pending_request()
    stale = cohort.store.load_child(child_id).pep(pep_id).revision - 1
    with pytest.raises(Conflict):
        pp.decide(as_login("vs.head"), child_id, pep_id, request_id, "approve", expected_revision=stale)


def test_payments_cannot_exceed_the_allocation(pp, pending_request, as_login):
    from datetime import date

    vs = as_login("vs.head")
    child_id, pep_id, request_id = pending_request(amount="800.00")
    with pytest.raises(WorkflowError):
        pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 2, 20), 10_000)
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 2, 20), 50_000, "INV-1")
    with pytest.raises(InvalidInput, match="£300.00"):
        pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 2, 21), 30_001)
    with pytest.raises(PermissionDenied):
        pp.record_payment(as_login("dt.larkspur"), child_id, pep_id, request_id, date(2026, 2, 21), 100)
