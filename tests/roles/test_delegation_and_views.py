"""Delegated school staff stay inside their named children and sections; each role's view data."""

from __future__ import annotations

from datetime import date

import pytest

from pep_tui.services import InvalidInput, PermissionDenied


def test_a_delegate_reaches_only_the_named_child_and_section(cohort, as_login, stored) -> None:
    ta = as_login("ta.harbourside")
    assert ta.role == "school_staff" and ta.scope.sections == ["shared.attendance"]
    mine = cohort.children.list(ta)
    assert [r["child_id"] for r in mine] == ta.scope.child_ids
    child_id = mine[0]["child_id"]
    pep_id = mine[0]["current_pep_id"] or mine[0]["latest_pep_id"]
    record = cohort.children.record(ta, child_id)
    visible = [s.spec.id for s in cohort.peps.visible_sections(ta, record, record.pep(pep_id))]
    assert visible == ["shared.attendance"]
    assert set(cohort.peps.get(ta, child_id, pep_id).sections) <= {"shared.attendance"}
    pep = stored(child_id, pep_id)
    for section in ("shared.targets", "child.my_views", "social_worker.care_context"):
        with pytest.raises(PermissionDenied):
            cohort.peps.save_section(ta, child_id, pep_id, section, {}, pep.revision)
    for attempt in (lambda: cohort.workflow.submit(ta, child_id, pep_id, pep.revision),
                    lambda: cohort.workflow.start_next_term(ta, child_id)):
        with pytest.raises(PermissionDenied):
            attempt()
    # Another Harbourside pupil is out of reach, though the designated teacher sees them.
    dt = as_login("dt.harbourside")
    other = next(r for r in cohort.children.list(dt) if r["child_id"] != child_id)
    with pytest.raises(PermissionDenied):
        cohort.children.record(ta, other["child_id"])
    assert stored(child_id, pep_id) == pep


def test_a_delegate_edits_the_named_section_while_the_pep_is_open(cohort, as_login, stored) -> None:
    vs = as_login("vs.head")
    row = next(r for r in cohort.children.list(vs) if r["designated_teacher"] and r["current_pep_id"]
               and r["current_status"] in ("in_progress", "returned"))
    dt = as_login(row["designated_teacher"])
    cohort.staff.add(vs, {"login": "ta.test", "display_name": "Test Assistant", "roles": ["school_staff"]})
    cohort.delegation.delegate(dt, "ta.test", row["child_id"], ["shared.attendance"])
    ta = as_login("ta.test")
    assert ta.scope.child_ids == [row["child_id"]]
    pep = stored(row["child_id"], row["current_pep_id"])
    attendance = {"sessions_possible": 100, "sessions_present": 95, "sessions_authorised_absence": 3,
                  "sessions_unauthorised_absence": 2}
    current = dict(pep.section("shared.attendance")) | attendance
    saved = cohort.peps.save_section(ta, row["child_id"], pep.id, "shared.attendance", current, pep.revision)
    assert saved.sections["shared.attendance"].updated_by == "ta.test"
    cohort.delegation.withdraw(dt, "ta.test", row["child_id"])
    with pytest.raises(PermissionDenied):
        cohort.children.record(as_login("ta.test"), row["child_id"])


def test_delegation_is_limited_to_the_delegators_children_and_sections(cohort, as_login) -> None:
    dt = as_login("dt.harbourside")
    outside = next(r for r in cohort.children.list(as_login("vs.head")) if r["designated_teacher"] != "dt.harbourside")
    with pytest.raises(PermissionDenied):
        cohort.delegation.delegate(dt, "ta.harbourside", outside["child_id"])
    mine = cohort.children.list(dt)[0]
    with pytest.raises(InvalidInput, match="not sections you edit"):
        cohort.delegation.delegate(dt, "ta.harbourside", mine["child_id"], ["social_worker.care_context"])
    with pytest.raises(InvalidInput, match="delegated"):
        cohort.delegation.delegate(dt, "carer.01", mine["child_id"])
    for login in ("sw.amara", "carer.01", "iro.ivy", "ta.harbourside"):
        with pytest.raises(PermissionDenied):
            cohort.delegation.delegate(as_login(login), "ta.harbourside", mine["child_id"])


def test_limited_views_see_only_sections_naming_them(cohort, as_login) -> None:
    parent = as_login("parent.pat")
    row = next(r for r in cohort.children.list(parent) if r["current_pep_id"])
    pep = cohort.peps.get(parent, row["child_id"], row["current_pep_id"])
    assert set(pep.sections) <= {"parent.views"}
    assert pep.qa_ratings == [] and pep.plugin_data == {}
    young = next(m.login for m in cohort.store.list_staff() if "child" in m.roles)
    yp = as_login(young)
    mine = cohort.children.list(yp)[0]
    visible = cohort.peps.get(yp, mine["child_id"], mine["latest_pep_id"]).sections
    assert "child.my_views" in visible
    assert not {"social_worker.care_context", "carer.home_learning", "parent.views", "iro.review_note"} & set(visible)


def test_social_worker_caseload_view(cohort, as_login) -> None:
    sw = as_login("sw.amara")
    rows = cohort.views.caseload(sw)
    assert {r["child_id"] for r in rows} == {s["child_id"] for s in cohort.children.list(sw)}
    dues = [r["next_due"] for r in rows if r["next_due"]]
    assert dues == sorted(dues)
    for r in rows:
        assert r["pep_status_label"] and (r["overdue"] == (r["next_due"] is not None and r["next_due"] < date(2026, 2, 9)))


def test_designated_teacher_pupils_view_puts_returned_peps_first(cohort, as_login) -> None:
    rows = cohort.views.my_pupils(as_login("dt.hilltop"))
    assert rows and all(r["action"] for r in rows)
    not_overdue = [r for r in rows if not r["overdue"]]
    statuses = [r["pep_status"] for r in not_overdue]
    if "returned" in statuses:
        assert statuses.index("returned") == 0


def test_cohort_compliance_adds_up(cohort, as_login) -> None:
    report = cohort.views.cohort_compliance(as_login("vs.head"))
    assert report["children"] == 60 and sum(report["by_status"].values()) == 60
    assert report["term"] == "Spring 2025-26"
    assert sum(r["children"] for r in report["by_school"]) == 60
    assert report["overdue"] == len(report["overdue_children"])
    with pytest.raises(PermissionDenied):
        cohort.views.cohort_compliance(as_login("dt.hilltop"))


def test_carer_view_and_childs_plan_in_plain_words(cohort, as_login) -> None:
    carer = as_login("carer.01")
    row = next(r for r in cohort.children.list(carer) if r["current_pep_id"])
    view = cohort.views.my_child(carer, row["child_id"])
    assert view["pep"].id == row["current_pep_id"]
    editable = {s["id"] for s in view["sections"] if s["editable"]}
    assert editable <= {"carer.home_learning"}
    young = next(m.login for m in cohort.store.list_staff() if "child" in m.roles)
    plan = cohort.views.my_plan(as_login(young))
    assert plan["status"] and all(set(g) == {"goal", "how_we_will_know", "who_helps", "check_by"} for g in plan["goals"])
    assert any("?" in prompt for prompt in plan["my_views"])
    with pytest.raises(PermissionDenied):
        cohort.views.my_plan(carer)


def test_iro_review_summary(cohort, as_login) -> None:
    iro = as_login("iro.omar")
    row = next(r for r in cohort.children.list(iro) if r["latest_pep_id"])
    summary = cohort.views.review_summary(iro, row["child_id"])
    assert summary["next_review"] is not None and summary["latest"]
    with pytest.raises(PermissionDenied):
        cohort.views.review_summary(iro, next(r["child_id"] for r in cohort.children.list(as_login("vs.head"))
                                              if r["iro"] != "iro.omar"))
