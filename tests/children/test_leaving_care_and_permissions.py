"""Leaving care and coming back; who may change allocations; CHILD by id, UPN or LA child id."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pep_tui.services import InvalidInput, PermissionDenied
from pep_tui.services.care_rules import ChildClosed
from pep_tui.services.child_lookup import AmbiguousChild

UPN = "P207000016049"  # the worked example of DOMAIN.md


def _snapshot(live, child_id: str) -> dict:
    return live.s.store.load_child(child_id).child.model_dump(mode="json")


def test_leaving_care_takes_the_child_off_active_lists_makes_peps_read_only_and_reports_keep_the_period(live) -> None:
    child = live.add_child()
    pep = live.s.peps.start(live.p("dt.one"), child.id)
    leaving = live.day[0] + timedelta(days=3)
    live.s.care.close(live.p("sw.ann"), child.id, leaving, "special_guardianship")
    # while still looked after, they are on every list and in the compliance report
    assert child.id in live.ids("sw.ann") and live.s.reports.compliance(live.vs).total.children == 1
    live.advance(3)
    assert child.id not in live.ids("sw.ann") and child.id not in live.ids("dt.one")
    assert child.id in live.ids("sw.ann", include_closed=True)
    assert live.s.reports.compliance(live.vs).total.children == 0  # not in care today
    with pytest.raises(ChildClosed, match="read-only"):
        live.s.peps.save_section(live.p("dt.one"), child.id, pep.id, "shared.views", {}, pep.revision)
    with pytest.raises(ChildClosed):
        live.s.peps.start(live.p("dt.one"), child.id)
    assert live.s.workflow.allowed_actions(live.vs, child.id, pep.id) == []
    with pytest.raises(ChildClosed):
        live.s.care.allocate(live.vs, child.id, {"iro": None})
    assert live.s.peps.history(live.p("sw.ann"), child.id)  # still readable

    back = live.advance(30)
    live.s.care.reopen(live.p("sw.ann"), child.id, back)
    reopened = live.s.children.get(live.vs, child.id)
    assert reopened.left_care_on is None and reopened.date_entered_care == back
    assert [(p.start, p.end, p.reason) for p in reopened.past_care_periods] == [
        (date(2025, 9, 1), leaving, "special_guardianship")]
    assert child.id in live.ids("sw.ann")
    assert live.s.peps.history(live.p("sw.ann"), child.id)[0].id == pep.id  # old history kept


def test_leaving_care_needs_a_known_reason_and_a_date_in_care(live) -> None:
    child = live.add_child()
    with pytest.raises(InvalidInput, match="reason: 'moved away' is not one of returned_home, adopted"):
        live.s.care.close(live.vs, child.id, live.day[0], "moved away")
    with pytest.raises(InvalidInput, match="before the child entered care"):
        live.s.care.close(live.vs, child.id, date(2020, 1, 1), "adopted")
    with pytest.raises(InvalidInput, match="open already"):
        live.s.care.reopen(live.vs, child.id, live.day[0])


def test_a_social_worker_cannot_change_a_child_outside_their_caseload(live) -> None:
    child = live.add_child()
    before = _snapshot(live, child.id)
    bob = live.p("sw.bob")
    with pytest.raises(PermissionDenied):
        live.s.care.allocate(bob, child.id, {"social_worker": "sw.bob"})
    with pytest.raises(PermissionDenied):
        live.s.care.close(bob, child.id, live.day[0], "adopted")
    with pytest.raises(PermissionDenied):
        live.s.children.update(bob, child.id, {"first_name": "Changed"}, child.revision)
    with pytest.raises(PermissionDenied):
        live.s.care.grant_family(bob, child.id, "parent.pam")
    assert _snapshot(live, child.id) == before


def test_designated_teachers_carers_iros_and_families_change_no_allocation(live) -> None:
    child = live.add_child()
    live.s.care.grant_family(live.p("sw.ann"), child.id, "parent.pam")
    before = _snapshot(live, child.id)
    for login in ("dt.one", "carer.cat", "iro.ivy", "parent.pam"):
        who = live.p(login)
        with pytest.raises(PermissionDenied):
            live.s.care.allocate(who, child.id, {"carers": ["carer.dan"]})
        with pytest.raises(PermissionDenied):
            live.s.care.move_school(who, child.id, "100002", live.day[0])
        with pytest.raises(PermissionDenied):
            live.s.care.revoke_family(who, child.id, "parent.pam")
        with pytest.raises(PermissionDenied):
            live.s.care.close(who, child.id, live.day[0], "adopted")
    assert _snapshot(live, child.id) == before


def test_family_access_is_granted_by_the_childs_social_worker_to_parent_logins_only(live) -> None:
    child = live.add_child()
    with pytest.raises(InvalidInput, match="'carer.dan' does not hold the parent role"):
        live.s.care.grant_family(live.p("sw.ann"), child.id, "carer.dan")
    live.s.care.grant_family(live.p("sw.ann"), child.id, "parent.pam")
    assert live.ids("parent.pam") == {child.id}
    live.s.care.revoke_family(live.p("sw.ann"), child.id, "parent.pam")
    assert live.ids("parent.pam") == set()


def test_a_child_is_found_by_internal_id_upn_or_la_child_id_and_ambiguity_is_refused(live) -> None:
    child = live.add_child(upn=UPN, la_child_id="LA-100")
    twin_a = live.add_child(la_child_id="LA-200")
    twin_b = live.add_child(la_child_id="LA-200")
    vs = live.vs
    assert live.s.children.resolve(vs, child.id) == child.id
    assert live.s.children.resolve(vs, UPN.lower()) == child.id
    assert live.s.children.resolve(vs, "LA-100") == child.id
    with pytest.raises(AmbiguousChild) as ambiguous:
        live.s.children.resolve(vs, "LA-200")
    assert twin_a.id in str(ambiguous.value) and twin_b.id in str(ambiguous.value)
    with pytest.raises(PermissionDenied, match="no child in your scope"):
        live.s.children.resolve(live.p("sw.bob"), "LA-100")  # exists, but not Bob's: same answer as none
    assert [s["child_id"] for s in live.s.children.find(vs, "testa fict")][:1] in ([child.id], [twin_a.id], [twin_b.id])
    assert [s["child_id"] for s in live.s.children.find(vs, "LA-100")] == [child.id]


def test_a_child_who_left_care_leaves_the_qa_queue_and_cannot_be_rated(cohort) -> None:
    vs = cohort.principal_for("vs.head")
    row = cohort.qa.queue(vs)[0]
    cohort.care.close(vs, row["child_id"], cohort.ctx.today(), "returned_home")
    assert row["child_id"] not in {r["child_id"] for r in cohort.qa.queue(vs)}
    pep = cohort.store.load_child(row["child_id"]).pep(row["pep_id"])
    with pytest.raises(ChildClosed):
        cohort.qa.rate(vs, row["child_id"], row["pep_id"], "green", {}, "", {}, pep.revision)
