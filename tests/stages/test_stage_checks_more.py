"""The checks not covered elsewhere: each finding below disappears once the gap is filled."""

from __future__ import annotations

from datetime import date

from pep_tui.domain import SchoolMove, Term, TermRef
from pep_tui.plugins.api import Severity
from pep_tui_stages.early_years_models import ELGS

SPRING = TermRef(2025, Term.SPRING)
SUMMER = TermRef(2025, Term.SUMMER)
AUTUMN = TermRef(2025, Term.AUTUMN)
RECEPTION = date(2021, 1, 15)
YEAR_5 = date(2016, 3, 1)
YEAR_6 = date(2015, 1, 15)
YEAR_7 = date(2014, 1, 10)
YEAR_11 = date(2010, 1, 15)
YEAR_12 = date(2009, 1, 15)


def test_elgs_not_all_judged_are_warned_naming_the_first_missing(make_child, make_pep, findings):
    child = make_child(RECEPTION)
    some = {k: "expected" for k in list(ELGS)[:15]}
    found = findings(child, make_pep(child, SUMMER, {"early_years.elg": some}), "early_years.elg_complete")
    assert [(f.severity, f.criterion, f.field) for f in found] == [(Severity.WARNING, "Q3", list(ELGS)[15])]
    assert "2 Early Learning Goal(s) not judged" in found[0].message
    every = {k: "emerging" for k in ELGS}
    assert findings(child, make_pep(child, SUMMER, {"early_years.elg": every}), "early_years.elg_complete") == []


def test_ks2_tests_without_any_score_are_warned_and_low_results_noted(make_child, make_pep, findings):
    child = make_child(YEAR_6)
    empty = make_pep(child, SPRING, {"ks2.tests": {"access_arrangements": "Extra time"}})
    assert [(f.field, f.criterion) for f in findings(child, empty, "ks2.tests_recorded")] == [("reading_predicted", "Q3")]
    low = make_pep(child, SUMMER, {"ks2.tests": {"reading_scaled_score": 96, "maths_scaled_score": 104}})
    found = findings(child, low, "ks2.tests_recorded")
    assert [(f.severity, f.field) for f in found] == [(Severity.INFO, "reading_scaled_score")]
    assert "reading" in found[0].message and "maths" not in found[0].message
    fine = make_pep(child, SUMMER, {"ks2.tests": {"reading_scaled_score": 100, "maths_scaled_score": 120}})
    assert findings(child, fine, "ks2.tests_recorded") == []


def test_year_11_results_consent_is_asked_from_the_spring(make_child, make_pep, findings):
    child = make_child(YEAR_11)
    asked = {"consent_to_share_results": False}
    assert [f.field for f in findings(child, make_pep(child, SPRING), "ks4.results_consent")] == ["consent_to_share_results"]
    assert findings(child, make_pep(child, SPRING, {"ks4.exams": asked}), "ks4.results_consent") == []
    assert findings(child, make_pep(child, AUTUMN), "ks4.results_consent") == []


def test_post16_support_needs_an_adviser_and_the_bursary_considered(make_child, make_pep, findings):
    child = make_child(YEAR_12)
    route = {"route": "education", "provider": "Northgate College (fictional)", "course": "Level 3 Sport"}
    support = {"bursary_status": "not_applied", "personal_adviser": ""}
    found = findings(child, make_pep(child, SPRING, {"post16.route": route, "post16.support": support}),
                     "post16.support_recorded")
    assert {(f.field, f.severity) for f in found} == {("personal_adviser", Severity.WARNING),
                                                      ("bursary_status", Severity.INFO)}
    assert "£1,200" in next(f.message for f in found if f.field == "bursary_status")
    done = {"bursary_status": "receiving", "personal_adviser": "A. Adviser (fictional)"}
    assert findings(child, make_pep(child, SPRING, {"post16.route": route, "post16.support": done}),
                    "post16.support_recorded") == []


def test_post16_without_any_route_is_an_error(make_child, make_pep, findings):
    child = make_child(YEAR_12)
    found = findings(child, make_pep(child, SPRING), "post16.route_complete")
    assert [(f.severity, f.field, f.criterion) for f in found] == [(Severity.ERROR, "route", "Q11")]
    assert "education, employment, neet or custody" in found[0].message


def test_setting_on_roll_needs_a_urn_and_off_roll_education_is_checked(make_child, make_pep, findings):
    child = make_child(YEAR_5)
    setting = {"setting_name": "Harbourside Primary (fictional)", "on_roll": True}
    found = findings(child, make_pep(child, SPRING, {"shared.education_setting": setting}), "shared.setting")
    assert [f.field for f in found] == ["school_urn"]
    with_urn = {**setting, "school_urn": "999102"}
    assert findings(child, make_pep(child, SPRING, {"shared.education_setting": with_urn}), "shared.setting") == []
    off_roll = make_child(YEAR_5, on_roll=False, school_urn=None, school_name=None)
    tuition = {"current_provision": "Tuition", "hours_per_week": 10, "lead_officer": ""}
    found = findings(off_roll, make_pep(off_roll, SPRING, {"shared.not_on_roll": tuition}), "shared.setting")
    assert {(f.field, f.severity) for f in found} == {("lead_officer", Severity.WARNING),
                                                      ("hours_per_week", Severity.INFO)}


def test_sessions_counted_more_than_possible_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_5)
    over = {"sessions_possible": 100, "sessions_present": 95, "sessions_authorised_absence": 4,
            "sessions_unauthorised_absence": 3}
    found = findings(child, make_pep(child, SPRING, {"shared.attendance": over}), "shared.attendance_concerns")
    assert [(f.field, f.criterion) for f in found] == [("sessions_possible", "Q4")]
    exact = {**over, "sessions_unauthorised_absence": 1}
    assert findings(child, make_pep(child, SPRING, {"shared.attendance": exact}), "shared.attendance_concerns") == []


def test_no_sdq_is_noted_for_school_age_only(make_child, make_pep, findings):
    child = make_child(YEAR_5)
    wellbeing = {"emotional_wellbeing": "Settled and happy"}
    found = findings(child, make_pep(child, SPRING, {"shared.wellbeing": wellbeing}), "shared.wellbeing_needs")
    assert [(f.severity, f.field) for f in found] == [(Severity.INFO, "sdq_score")]
    older = make_child(YEAR_12)
    assert findings(older, make_pep(older, SPRING, {"shared.wellbeing": wellbeing}), "shared.wellbeing_needs") == []


def test_previous_target_judged_without_evidence_is_noted(make_child, make_pep, findings):
    child = make_child(YEAR_5)
    previous = make_pep(child, AUTUMN)
    review = {"target_id": "t1", "description": "Read daily", "owner": "Carer", "outcome": "met", "comment": ""}
    pep = make_pep(child, SPRING, {"shared.previous_targets": {"reviews": [review]}}, previous=previous)
    found = findings(child, pep, "shared.previous_targets", previous=previous)
    assert [(f.severity, f.field) for f in found] == [(Severity.INFO, "reviews.0.comment")]
    evidenced = {"reviews": [{**review, "comment": "Reading log signed every day"}]}
    pep = make_pep(child, SPRING, {"shared.previous_targets": evidenced}, previous=previous)
    assert findings(child, pep, "shared.previous_targets", previous=previous) == []


def test_school_move_since_the_last_pep_needs_the_move_recorded_q8(make_child, make_pep, findings):
    moved = make_child(YEAR_5, school_moves=[SchoolMove(on=date(2026, 1, 12), from_urn="999103", to_urn="999102")])
    previous = make_pep(moved, AUTUMN, {"shared.meeting": {"meeting_date": "2025-10-01"}})
    found = findings(moved, make_pep(moved, SPRING, previous=previous), "shared.school_move_recorded", previous=previous)
    assert [(f.section_id, f.criterion) for f in found] == [("shared.school_move", "Q8")]
    recorded = {"moved_on": "2026-01-12", "previous_school": "Moorland (fictional)", "reason": "Placement move",
                "settling_support": "A buddy and a named adult"}
    pep = make_pep(moved, SPRING, {"shared.school_move": recorded}, previous=previous)
    assert findings(moved, pep, "shared.school_move_recorded", previous=previous) == []
    partial = make_pep(moved, SPRING, {"shared.school_move": {**recorded, "settling_support": ""}}, previous=previous)
    assert [f.field for f in findings(moved, partial, "shared.school_move_recorded", previous=previous)] == [
        "settling_support"]
    stayed = make_child(YEAR_5)
    assert findings(stayed, make_pep(stayed, SPRING, previous=previous), "shared.school_move_recorded",
                    previous=previous) == []


def test_settling_in_after_a_transition_is_recorded_q8(make_child, make_pep, findings):
    child = make_child(YEAR_7)
    found = findings(child, make_pep(child, SPRING), "shared.settling_in_recorded")
    assert [(f.field, f.criterion) for f in found] == [("how_it_went", "Q8")]
    settled = {"transition": "into_year_7", "how_it_went": "Settled well", "continuing_support": "Weekly check-in"}
    assert findings(child, make_pep(child, SPRING, {"shared.transition": settled}), "shared.settling_in_recorded") == []
    year_5 = make_child(YEAR_5)
    assert findings(year_5, make_pep(year_5, SPRING), "shared.settling_in_recorded") == []


def test_fractions_and_words_in_number_fields_are_refused_naming_what_is_allowed():
    import pytest
    from pydantic import ValidationError

    from pep_tui.services import InvalidInput
    from pep_tui_stages.ks2 import MultiplicationCheck
    from pep_tui_stages.post16_models import Post16Support

    def problem(model, data):
        with pytest.raises(ValidationError) as err:
            model.model_validate(data)
        (only,) = InvalidInput.from_validation_error(model.__name__, err.value).problems
        return only.field, only.message

    assert problem(MultiplicationCheck, {"score": 12.5}) == ("score", "must be a whole number from 0 to 25")
    assert problem(MultiplicationCheck, {"score": "lots"}) == ("score", "must be a whole number from 0 to 25")
    pence = ("bursary_pence_per_year", "must be a whole number of pence, 0 or more (e.g. 120000 for £1,200)")
    assert problem(Post16Support, {"bursary_pence_per_year": 1200.50}) == pence
    assert problem(Post16Support, {"bursary_pence_per_year": -1}) == pence


def test_school_applications_are_asked_for_once_the_autumn_is_over(make_child, make_pep, findings):
    year_6 = make_child(YEAR_6)
    assert findings(year_6, make_pep(year_6, AUTUMN), "ks2.transition_due") == []
    assert [f.field for f in findings(year_6, make_pep(year_6, SPRING), "ks2.transition_due")] == ["application_made"]
    applied = {"secondary_school": "Hilltop High (fictional)", "application_made": True}
    assert findings(year_6, make_pep(year_6, SPRING, {"ks2.transition": applied}), "ks2.transition_due") == []
    nursery = make_child(date(2022, 1, 15))  # the year before Reception
    assert findings(nursery, make_pep(nursery, AUTUMN), "early_years.transition_due") == []
    assert [f.field for f in findings(nursery, make_pep(nursery, SPRING), "early_years.transition_due")] == [
        "application_made"]
    reception = {"reception_school": "Moorland (fictional)", "application_made": True}
    assert findings(nursery, make_pep(nursery, SPRING, {"early_years.transition": reception}),
                    "early_years.transition_due") == []
