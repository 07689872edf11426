"""Allocations with effective dates: scopes follow them from their day; moves keep history and set due dates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pep_tui.domain.care import AllocationKind, history
from pep_tui.services import InvalidInput, PermissionDenied
from pep_tui.services.due_dates import obligations


def test_a_school_move_on_a_date_moves_the_child_between_designated_teachers_from_that_date(live) -> None:
    child = live.add_child()
    pep = live.s.peps.start(live.p("dt.one"), child.id)  # written at the old school
    move_day = live.day[0] + timedelta(days=7)
    live.s.care.move_school(live.vs, child.id, "100002", move_day, school_name="New School (fictional)")

    assert child.id in live.ids("dt.one") and child.id not in live.ids("dt.two")  # not yet
    live.advance(6)
    assert child.id in live.ids("dt.one")
    live.advance(1)  # the day of the move: the index follows without anyone saving the child
    assert child.id in live.ids("dt.two") and child.id not in live.ids("dt.one")
    with pytest.raises(PermissionDenied):
        live.s.children.record(live.p("dt.one"), child.id)

    moved = live.s.children.get(live.p("dt.two"), child.id)
    assert moved.school_urn == "100002" and moved.school_name == "New School (fictional)"
    assert [(m.from_urn, m.to_urn, m.on) for m in moved.school_moves] == [("100001", "100002", move_day)]
    schools = history(moved, AllocationKind.SCHOOL)
    assert [(a.value, start, until) for start, until, a in schools] == [
        (["100001"], child.date_entered_care, move_day), (["100002"], move_day, None)]
    # the new PEP within 10 working days of the move, by the existing due-date rules and calendar
    policy = live.s.ctx.settings.policy
    record = live.s.children.record(live.p("dt.two"), child.id)
    due = next(d for d in obligations(record.child, record.peps, policy, live.day[0]) if d.kind == "school_move")
    assert due.due == policy.calendar().add(move_day, policy.school_move_pep_working_days)
    assert record.pep(pep.id).created_by == "dt.one"  # a PEP already written keeps who wrote it


def test_a_placement_move_changes_the_carers_lists_and_is_kept_for_the_next_pep(live) -> None:
    child = live.add_child()
    assert child.id in live.ids("carer.cat")
    day = live.day[0]
    live.s.care.move_placement(live.p("sw.ann"), child.id, day, placement="Foster care (agency)",
                               carers=["carer.dan", "carer.eve"])
    assert child.id not in live.ids("carer.cat")
    assert child.id in live.ids("carer.dan") and child.id in live.ids("carer.eve")  # joint carers both see
    moved = live.s.children.get(live.vs, child.id)
    assert moved.carers == ["carer.dan", "carer.eve"] and moved.placement_moves == [day]
    assert [a.value for _s, _u, a in history(moved, AllocationKind.CARERS)] == [["carer.cat"], ["carer.dan", "carer.eve"]]


def test_the_same_allocation_again_changes_nothing(live) -> None:
    child = live.add_child()
    again = live.s.care.allocate(live.vs, child.id, {"social_worker": "sw.ann", "carers": ["carer.cat"]})
    assert again.revision == child.revision


def test_history_is_never_rewritten_by_a_backdated_change(live) -> None:
    child = live.add_child()
    live.s.care.allocate(live.vs, child.id, {"iro": None}, start=live.day[0])
    before = live.s.children.get(live.vs, child.id)
    with pytest.raises(InvalidInput, match="iro: a change from"):
        live.s.care.allocate(live.vs, child.id, {"iro": "iro.ivy"}, start=live.day[0] - timedelta(days=30))
    assert live.s.children.get(live.vs, child.id).revision == before.revision


def test_unknown_or_wrong_role_logins_are_refused_naming_them(live) -> None:
    child = live.add_child()
    with pytest.raises(InvalidInput) as refused:
        live.s.care.allocate(live.vs, child.id, {"social_worker": "sw.nobody", "iro": "carer.dan"})
    assert "'sw.nobody' is not an active pep-tui login" in str(refused.value)
    assert "'carer.dan' does not hold the iro role" in str(refused.value)
    with pytest.raises(InvalidInput, match="school URN of 6 digits"):
        live.s.care.allocate(live.vs, child.id, {"school": "12345"})
    assert live.s.children.get(live.vs, child.id).revision == child.revision


def test_every_role_sees_exactly_the_children_allocated_to_it(live) -> None:
    first = live.add_child()
    second = live.add_child(first_name="Other", social_worker="sw.bob", school_urn="100002", carer="carer.dan",
                            iro=None)
    live.s.care.grant_family(live.p("sw.ann"), first.id, "parent.pam")
    assert live.ids("sw.ann") == {first.id} and live.ids("sw.bob") == {second.id}
    assert live.ids("carer.cat") == {first.id} and live.ids("carer.dan") == {second.id}
    assert live.ids("dt.one") == {first.id} and live.ids("dt.two") == {second.id}
    assert live.ids("iro.ivy") == {first.id} and live.ids("parent.pam") == {first.id}
    assert live.ids("vs.admin") == {first.id, second.id}
