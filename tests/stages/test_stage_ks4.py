"""Key Stage 4: GCSE grades, exam arrangements, careers guidance, post-16 plan, placement moves in KS4."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pep_tui.domain import PEPStatus, Term, TermRef
from pep_tui.plugins.api import Severity
from pep_tui.services import InvalidInput
from pep_tui_stages.ks4_models import GCSEs

SPRING = TermRef(2025, Term.SPRING)
YEAR_10 = date(2011, 1, 15)
YEAR_11 = date(2010, 1, 15)


@pytest.mark.parametrize(("dob", "stage", "group"), [
    (date(2009, 9, 1), "ks4", 11),  # 1 September birthday: the oldest in Year 11
    (date(2009, 8, 31), "post16", 12),  # 31 August birthday: the youngest in Year 12
])
def test_stage_at_the_year_11_year_12_boundary(make_child, make_pep, section_ids, dob, stage, group):
    child = make_child(dob)
    pep = make_pep(child, SPRING)
    assert (pep.stage, pep.year_group) == (stage, group)
    ids = section_ids(child, pep)
    assert ("ks4.post16_plan" in ids) is (stage == "ks4")
    assert ("post16.route" in ids) is (stage == "post16")


def test_ks4_sections(make_child, make_pep, section_ids):
    child = make_child(YEAR_10)
    ids = section_ids(child, make_pep(child, SPRING))
    assert {"ks4.gcse", "ks4.exams", "ks4.careers", "ks4.post16_plan"} <= set(ids)
    assert "ks4.placement_move" not in ids


@pytest.mark.parametrize("grade", ["10", "A*", "0", "u"])
def test_gcse_grades_outside_9_to_1_and_u_are_refused(grade):
    with pytest.raises(ValidationError) as err:
        GCSEs(subjects=[{"subject": "Maths", "predicted_grade": grade}])
    problem = InvalidInput.from_validation_error("GCSE subjects", err.value).problems[0]
    assert problem.field == "subjects.0.predicted_grade"
    assert problem.message == "must be one of '9', '8', '7', '6', '5', '4', '3', '2', '1' or 'U'"


def test_saving_a_grade_of_10_names_the_field_and_allowed_grades(cohort, as_login):
    vs = as_login("vs.head")
    for child_id in cohort.store.child_ids():
        record = cohort.store.load_child(child_id)
        pep = next((p for p in record.peps if p.stage == "ks4" and p.status is PEPStatus.RETURNED), None)
        if pep is not None:
            break
    else:
        pytest.fail("the sample cohort has no returned KS4 PEP to edit")
    for grade in ("10", "A*"):
        with pytest.raises(InvalidInput) as err:
            cohort.peps.save_section(vs, child_id, pep.id, "ks4.gcse",
                                     {"subjects": [{"subject": "Maths", "actual_grade": grade}]}, pep.revision)
        assert "subjects.0.actual_grade" in str(err.value) and "'9', '8'" in str(err.value) and "'U'" in str(err.value)
    assert cohort.store.load_child(child_id).pep(pep.id).section("ks4.gcse") == pep.section("ks4.gcse")
    saved = cohort.peps.save_section(vs, child_id, pep.id, "ks4.gcse",
                                     {"subjects": [{"subject": "Maths", "predicted_grade": "U"}]}, pep.revision)
    assert saved.section("ks4.gcse")["subjects"][0]["predicted_grade"] == "U"


def test_placement_move_in_ks4_is_flagged_until_approved(make_child, make_pep, section_ids, findings):
    child = make_child(YEAR_10, placement_moves=[date(2026, 3, 2)])
    pep = make_pep(child, SPRING)
    assert "ks4.placement_move" in section_ids(child, pep)
    found = findings(child, pep, "ks4.placement_move_approval")
    assert [(f.severity, f.section_id, f.criterion) for f in found] == [(Severity.WARNING, "ks4.placement_move", "Q8")]
    assert "nominated officer" in found[0].message
    approved = make_pep(child, SPRING, {"ks4.placement_move": {
        "planned_move_on": "2026-03-02", "nominated_officer": "Ms N. Officer (fictional)", "approved": True,
        "keeping_school_place": "Taxi to school"}})
    assert findings(child, approved, "ks4.placement_move_approval") == []


def test_placement_move_before_ks4_is_not_flagged(make_child, make_pep, section_ids, findings):
    year_9 = make_child(date(2012, 1, 15), placement_moves=[date(2026, 3, 2)])
    pep = make_pep(year_9, SPRING)
    assert "ks4.placement_move" not in section_ids(year_9, pep)
    past = make_child(YEAR_10, placement_moves=[date(2025, 10, 1)])
    assert findings(past, make_pep(past, SPRING), "ks4.placement_move_approval") == []


def test_no_careers_entry_is_warned_q11(make_child, make_pep, findings):
    child = make_child(YEAR_10)
    found = findings(child, make_pep(child, SPRING), "ks4.careers_recorded")
    assert [(f.section_id, f.criterion) for f in found] == [("ks4.careers", "Q11")]
    entry = {"guidance_received": True, "aspirations": "An electrician"}
    assert findings(child, make_pep(child, SPRING, {"ks4.careers": entry}), "ks4.careers_recorded") == []


def test_year_11_without_post16_applications_is_warned_q8(make_child, make_pep, findings):
    child = make_child(YEAR_11)
    pep = make_pep(child, SPRING, {"ks4.post16_plan": {"intended_route": "college", "transition_support": "Visits"}})
    assert [(f.field, f.criterion) for f in findings(child, pep, "ks4.post16_plan_due")] == [("applications", "Q8")]


def test_english_below_4_without_tutoring_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_11)
    pep = make_pep(child, SPRING, {"ks4.gcse": {"subjects": [
        {"subject": "English language", "predicted_grade": "3"}, {"subject": "Art", "predicted_grade": "2"}]}})
    found = findings(child, pep, "ks4.gcse_recorded")
    assert [f.field for f in found] == ["catch_up"] and "English language" in found[0].message
