"""The child's and family's views, walked over every section of every sample PEP they reach."""

from __future__ import annotations

import pytest

from pep_tui.services import PermissionDenied


def _limited_principals(cohort, as_login):
    """Every young person's and family member's principal in the cohort, with the children they reach."""
    logins = {m.login for m in cohort.store.list_staff() if {"child", "parent"} & set(m.roles)}
    return [as_login(login) for login in sorted(logins)]


def _give_a_returned_pep_a_young_person_and_family(cohort, as_login) -> str:
    """So that the walk meets return reasons, QA ratings and others' sign-off notes."""
    vs = as_login("vs.head")
    for child_id in cohort.store.child_ids():
        record = cohort.store.load_child(child_id)
        if any(s.step == "return" for p in record.peps for s in p.sign_offs) and any(p.qa_ratings for p in record.peps):
            break
    else:
        raise AssertionError("the sample has a returned and rated PEP")
    cohort.staff.add(vs, {"login": "yp.walk", "display_name": "Walk (young person)", "roles": ["child"]})
    child = record.child
    cohort.children.update(vs, child_id, {"young_person_login": "yp.walk",
                                          "family_access": [*child.family_access, "parent.pat"]}, child.revision)
    return child_id


def test_every_section_a_child_or_parent_sees_names_their_role(cohort, as_login) -> None:
    special = _give_a_returned_pep_a_young_person_and_family(cohort, as_login)
    registry = cohort.registry
    walked = sections_seen = 0
    met_return = False
    for principal in _limited_principals(cohort, as_login):
        for row in cohort.children.list(principal):
            child_id = row["child_id"]
            stored = {p.id: p for p in cohort.store.load_child(child_id).peps}
            for pep in cohort.peps.history(principal, child_id):
                assert pep == cohort.peps.get(principal, child_id, pep.id)
                walked += 1
                for section_id in pep.sections:
                    spec = registry.sections[section_id]
                    named = principal.role in spec.editors or (spec.viewers is not None and principal.role in spec.viewers)
                    assert named, (principal.login, section_id)
                    sections_seen += 1
                assert pep.qa_ratings == [] and pep.plugin_data == {} and pep.return_reason is None
                for shown, kept in zip(pep.sign_offs, stored[pep.id].sign_offs, strict=True):
                    assert shown.note == (kept.note if kept.by == principal.login else "")
                    met_return |= kept.step == "return" and bool(kept.note)
            view = cohort.views.my_child(principal, child_id)
            for section in view["sections"]:
                spec = registry.sections[section["id"]]
                assert principal.role in spec.editors or principal.role in (spec.viewers or ())
            with pytest.raises(PermissionDenied):
                cohort.views.review_summary(principal, child_id)
            if row["latest_pep_id"]:
                with pytest.raises(PermissionDenied):
                    cohort.qa.precheck(principal, child_id, row["latest_pep_id"])
    assert walked and sections_seen and met_return
    assert special in {r["child_id"] for r in cohort.children.list(as_login("yp.walk"))}


def test_the_childs_plan_tells_goals_but_no_professional_notes(cohort, as_login) -> None:
    young = next(m.login for m in cohort.store.list_staff() if "child" in m.roles)
    plan = cohort.views.my_plan(as_login(young))
    assert set(plan) == {"name", "term", "status", "my_views", "goals", "next_meeting", "can_acknowledge"}
    for goal in plan["goals"]:
        assert set(goal) == {"goal", "how_we_will_know", "who_helps", "check_by"}
