"""Delegated roles: their own sections count, the section limit is the delegate's, and changing it is guarded."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import BaseModel

from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind, SectionSpec
from pep_tui.services import PermissionDenied


class _Sessions(BaseModel):
    """Mentoring sessions."""

    sessions: str = ""


def _sections(cohort, principal, child_id: str, pep_id: str) -> dict[str, bool]:
    record = cohort.children.record(principal, child_id)
    return {s.spec.id: s.editable for s in cohort.peps.visible_sections(principal, record, record.pep(pep_id))}


def _open_pep_row(cohort, as_login):
    return next(r for r in cohort.children.list(as_login("vs.head")) if r["designated_teacher"] and r["current_pep_id"]
                and r["current_status"] in ("in_progress", "returned"))


def test_a_third_party_delegated_role_edits_its_own_section(cohort, as_login, stored) -> None:
    registry = cohort.ctx.registry
    own = replace(registry, roles=dict(registry.roles), sections=dict(registry.sections), owner=dict(registry.owner))
    own.add_role("acme", RoleDefinition(id="mentor", title="Learning mentor", scope=ScopeKind.DELEGATED,
                                        capabilities=frozenset({Capability.VIEW_CHILD, Capability.EDIT_PEP})))
    own.add_section("acme", SectionSpec(id="mentor.sessions", title="Mentoring sessions", model=_Sessions,
                                        editors=frozenset({"mentor"}),
                                        viewers=frozenset({"mentor", "designated_teacher", "virtual_school"})))
    cohort.ctx.registry = own
    row = _open_pep_row(cohort, as_login)
    child_id, pep_id = row["child_id"], row["current_pep_id"]
    vs, dt = as_login("vs.head"), as_login(row["designated_teacher"])
    cohort.staff.add(vs, {"login": "mentor.test", "display_name": "Test Mentor", "roles": ["mentor"]})
    cohort.delegation.delegate(dt, "mentor.test", child_id, ["shared.attendance"])
    mentor = as_login("mentor.test")

    # Its own section (which the designated teacher cannot edit) and the one section lent to it.
    assert _sections(cohort, mentor, child_id, pep_id) == {"shared.attendance": True, "mentor.sessions": True}
    assert _sections(cohort, dt, child_id, pep_id)["mentor.sessions"] is False
    saved = cohort.peps.save_section(mentor, child_id, pep_id, "mentor.sessions", {"sessions": "Weekly, Tuesdays"},
                                     stored(child_id, pep_id).revision)
    assert saved.section("mentor.sessions") == {"sessions": "Weekly, Tuesdays"}
    with pytest.raises(PermissionDenied):
        cohort.peps.save_section(mentor, child_id, pep_id, "shared.targets", {"targets": []}, saved.revision)
    with pytest.raises(PermissionDenied):
        cohort.peps.save_section(dt, child_id, pep_id, "mentor.sessions", {"sessions": "x"}, saved.revision)


def test_the_section_limit_is_the_delegates_and_only_those_answering_for_all_their_children_change_it(
        cohort, as_login) -> None:
    vs, harbourside, hilltop = as_login("vs.head"), as_login("dt.harbourside"), as_login("dt.hilltop")
    ta = as_login("ta.harbourside")
    (first,) = ta.scope.child_ids
    other = next(r for r in cohort.children.list(hilltop) if r["current_pep_id"])
    other_pep = other["current_pep_id"]

    # Another school's designated teacher may give the delegate a child: under the same limit.
    cohort.delegation.delegate(hilltop, "ta.harbourside", other["child_id"])
    ta = as_login("ta.harbourside")
    assert ta.scope.sections == ["shared.attendance"]
    assert set(_sections(cohort, ta, other["child_id"], other_pep)) == {"shared.attendance"}
    cohort.delegation.delegate(hilltop, "ta.harbourside", other["child_id"], ["shared.attendance"])  # unchanged: fine

    # …but not change the limit, which would change the delegate's rights over a Harbourside pupil.
    with pytest.raises(PermissionDenied, match="every child they work on"):
        cohort.delegation.delegate(hilltop, "ta.harbourside", other["child_id"], ["shared.sen"])
    for who in (hilltop, harbourside):
        with pytest.raises(PermissionDenied, match="every child they work on"):
            cohort.delegation.limit_sections(who, "ta.harbourside", ["shared.sen"])
    assert as_login("ta.harbourside").scope.sections == ["shared.attendance"]

    # The Virtual School answers for every child: the new limit applies to both children at once.
    cohort.delegation.limit_sections(vs, "ta.harbourside", ["shared.attendance", "shared.sen"])
    ta = as_login("ta.harbourside")
    first_pep = cohort.store.load_child(first).peps[-1].id
    for child_id, pep_id in ((first, first_pep), (other["child_id"], other_pep)):
        assert set(_sections(cohort, ta, child_id, pep_id)) == {"shared.attendance", "shared.sen"}

    # Once the delegate works only on Harbourside pupils, their designated teacher may lift the limit.
    cohort.delegation.withdraw(hilltop, "ta.harbourside", other["child_id"])
    cohort.delegation.limit_sections(harbourside, "ta.harbourside", [])
    ta = as_login("ta.harbourside")
    assert ta.scope.sections == [] and "shared.targets" in _sections(cohort, ta, first, first_pep)


def test_a_delegates_review_summary_shows_no_targets_outside_their_sections(cohort, as_login) -> None:
    ta = as_login("ta.harbourside")
    (child_id,) = ta.scope.child_ids
    latest = [p for p in cohort.store.load_child(child_id).peps if p.superseded_by is None][-1]
    assert latest.targets, "the sample pupil's latest PEP has targets"
    summary = cohort.views.review_summary(ta, child_id)
    assert summary["targets"] == [] and summary["review_notes"] == []
    full = cohort.views.review_summary(as_login("dt.harbourside"), child_id)
    assert [t["description"] for t in full["targets"]] == [t.description for t in latest.targets]
