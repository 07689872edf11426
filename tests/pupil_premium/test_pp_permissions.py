"""Every PP+ call, tried by every role: the service refuses whoever may not, before anything is saved."""

from __future__ import annotations

from datetime import date

import pytest

from pep_tui.domain import TermRef
from pep_tui.domain.school_year import Term
from pep_tui.services import PermissionDenied
from pep_tui.testing import principal_for_role
from pep_tui_plugins.pupil_premium.money import Period

DECIDERS = {"virtual_school"}
REQUESTERS = {"virtual_school", "designated_teacher"}
FY = Period.financial("2025-26")


def calls(pp, child_id: str, pep_id: str, request_id: str, revision: int) -> dict[str, tuple[set[str], object]]:
    """Each PP+ call: the roles allowed past the permission check, and the call."""
    return {
        "queue": (DECIDERS, lambda p: pp.queue(p)),
        "decide": (DECIDERS, lambda p: pp.decide(p, child_id, pep_id, request_id, "refer")),
        "pay": (DECIDERS, lambda p: pp.record_payment(p, child_id, pep_id, request_id, date(2026, 2, 20), 100)),
        "release base payments": (DECIDERS, lambda p: pp.release_base_payments(p, TermRef(2025, Term.SPRING))),
        "ledger": (DECIDERS, lambda p: pp.budget.ledger(p, FY)),
        "ledger csv": (DECIDERS, lambda p: pp.budget.ledger_csv(p, FY)),
        "budget year": (DECIDERS, lambda p: pp.budget.year(p, "2025-26")),
        "budget line": (DECIDERS, lambda p: pp.budget.add_line(p, "2025-26", "Tutoring", 100)),
        "adjustment": (DECIDERS, lambda p: pp.budget.add_adjustment(p, "2025-26", 100, "DfE correction")),
        "children counted": (DECIDERS, lambda p: pp.budget.set_children_counted(p, "2025-26", 3)),
        "history": (REQUESTERS, lambda p: pp.history(p, child_id)),
        "base payments": (REQUESTERS, lambda p: pp.base_payments(p, child_id)),
        "add request": (REQUESTERS, lambda p: pp.add_request(p, child_id, pep_id, {"target_ids": ["1"]}, revision)),
        "funded for review": (REQUESTERS, lambda p: pp.funded_for_review(p, child_id, pep_id)),
        "record impact": (REQUESTERS, lambda p: pp.record_impact(p, child_id, pep_id, request_id, "met")),
    }


def someone_reaching_a_child(cohort, role: str):
    """A principal in ``role`` and a child with a PEP in their scope (so a refusal is about the role)."""
    for member in sorted(cohort.store.list_staff(), key=lambda m: m.login):
        if role not in member.roles:
            continue
        principal = cohort.principal_for(member.login, role)
        for summary in cohort.children.list(principal):
            if cohort.store.load_child(summary["child_id"]).peps:
                return principal, summary["child_id"]
    vs = cohort.principal_for("vs.head")
    child_id = next(s["child_id"] for s in cohort.children.list(vs) if cohort.store.load_child(s["child_id"]).peps)
    return principal_for_role(cohort, role, child_id), child_id


def test_every_role_of_the_app_is_tried(registry):
    assert {"virtual_school", "designated_teacher", "school_staff", "social_worker", "carer", "child", "parent",
            "iro"} <= set(registry.roles)


@pytest.mark.parametrize("role", ["virtual_school", "designated_teacher", "school_staff", "social_worker", "carer",
                                  "child", "parent", "iro"])
def test_each_pp_call_refuses_every_role_that_may_not_make_it(cohort, pp, pending_request, role):
    principal, child_id = someone_reaching_a_child(cohort, role)
    _child, pep_id, request_id = pending_request(child_id)
    revision = cohort.store.load_child(child_id).pep(pep_id).revision
    for name, (allowed, call) in calls(pp, child_id, pep_id, request_id, revision).items():
        events = len(cohort.store.audit.for_child(child_id))
        budget_revision = pp.budget.year(cohort.principal_for("vs.head"), "2025-26")[1]
        if role in allowed:
            try:
                call(principal)
            except PermissionDenied as exc:  # other refusals (the PEP's state, the input) are fine here
                pytest.fail(f"{role} was refused {name}: {exc}")
            except Exception:  # noqa: S110 - only the permission check is under test
                pass
        else:
            with pytest.raises(PermissionDenied):
                call(principal)
            assert len(cohort.store.audit.for_child(child_id)) == events, f"{role}: {name} changed the child"
            assert pp.budget.year(cohort.principal_for("vs.head"), "2025-26")[1] == budget_revision, \
                f"{role}: {name} changed the budget"


def test_every_decision_payment_and_budget_change_is_audited(cohort, pp, pending_request, as_login):
    vs = as_login("vs.adviser")
    child_id, pep_id, request_id = pending_request(amount="800.00")
    pp.decide(vs, child_id, pep_id, request_id, "refer", reason="For the panel")
    pp.decide(vs, child_id, pep_id, request_id, "approve", on=date(2026, 2, 10))
    pp.record_payment(vs, child_id, pep_id, request_id, date(2026, 2, 20), 30_000, "INV-7")
    trail = [(e.action, e.actor, e.detail.get("request_id")) for e in cohort.store.audit.for_child(child_id)
             if e.action.startswith("pupil_premium.")]
    assert trail[-3:] == [("pupil_premium.decide", "vs.adviser", request_id)] * 2 + [
        ("pupil_premium.payment", "vs.adviser", request_id)]
    payment = next(e for e in reversed(cohort.store.audit.for_child(child_id)) if e.action == "pupil_premium.payment")
    assert payment.detail["amount_pence"] == 30_000 and payment.detail["on"] == "2026-02-20"
    pp.budget.add_adjustment(vs, "2025-26", -26_300, "DfE correction")
    change = [e for e in cohort.store.audit.store_events() if e.action == "pupil_premium.budget.adjust"][-1]
    assert change.actor == "vs.adviser" and change.detail["amount_pence"] == -26_300
