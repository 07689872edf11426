"""Key Stage 2: multiplication tables check, KS2 tests, transition to Year 7."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pep_tui.domain import Term, TermRef
from pep_tui.services import InvalidInput
from pep_tui_stages.ks2 import KS2Tests, MultiplicationCheck

SPRING = TermRef(2025, Term.SPRING)
SUMMER = TermRef(2025, Term.SUMMER)
YEAR_4 = date(2017, 1, 15)
YEAR_6 = date(2015, 1, 15)


@pytest.mark.parametrize(("dob", "stage", "group"), [
    (date(2014, 9, 1), "ks2", 6),  # 1 September birthday: the oldest in Year 6
    (date(2014, 8, 31), "ks3", 7),  # 31 August birthday: the youngest in Year 7
])
def test_stage_at_the_year_6_year_7_boundary(make_child, make_pep, section_ids, dob, stage, group):
    child = make_child(dob)
    pep = make_pep(child, SPRING)
    assert (pep.stage, pep.year_group) == (stage, group)
    ids = section_ids(child, pep)
    assert ("ks2.transition" in ids) is (group == 6)
    assert ("ks3.careers" in ids) is (group == 7)


def test_the_same_child_moves_stage_with_the_academic_year(make_child, make_pep):
    child = make_child(date(2014, 9, 1))
    assert make_pep(child, SUMMER).stage == "ks2"
    assert make_pep(child, TermRef(2026, Term.AUTUMN)).stage == "ks3"


def test_year_specific_sections(make_child, make_pep, section_ids):
    year_4 = make_child(YEAR_4)
    assert "ks2.mtc" in section_ids(year_4, make_pep(year_4, SPRING))
    assert "ks2.tests" not in section_ids(year_4, make_pep(year_4, SPRING))
    year_6 = make_child(YEAR_6)
    assert {"ks2.tests", "ks2.transition"} <= set(section_ids(year_6, make_pep(year_6, SPRING)))
    assert "ks2.mtc" not in section_ids(year_6, make_pep(year_6, SPRING))


def test_multiplication_check_of_26_is_refused():
    assert MultiplicationCheck(status="taken", score=25).score == 25
    with pytest.raises(ValidationError) as err:
        MultiplicationCheck(score=26)
    problem = InvalidInput.from_validation_error("Multiplication tables check", err.value).problems[0]
    assert (problem.field, problem.message) == ("score", "must be a whole number from 0 to 25")


@pytest.mark.parametrize("field", ["reading_scaled_score", "maths_scaled_score", "gps_scaled_score",
                                   "reading_predicted"])
@pytest.mark.parametrize("value", [79, 121])
def test_scaled_scores_outside_80_120_are_refused(field, value):
    with pytest.raises(ValidationError, match="from 80 to 120"):
        KS2Tests(**{field: value})
    assert getattr(KS2Tests(**{field: 80}), field) == 80


def test_year_6_summer_without_transition_plan_is_warned_q8(make_child, make_pep, findings):
    child = make_child(YEAR_6)
    found = findings(child, make_pep(child, SUMMER), "ks2.transition_due")
    assert [(f.section_id, f.criterion) for f in found] == [("ks2.transition", "Q8")]
    plan = {"secondary_school": "Hilltop High (fictional)", "application_made": True, "extra_visits": "Three visits"}
    assert findings(child, make_pep(child, SUMMER, {"ks2.transition": plan}), "ks2.transition_due") == []


def test_year_6_autumn_without_secondary_application_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_6)
    pep = make_pep(child, TermRef(2025, Term.AUTUMN), {"ks2.transition": {"secondary_school": "Hilltop (fictional)"}})
    assert [f.field for f in findings(child, pep, "ks2.transition_due")] == ["application_made"]


def test_mtc_taken_without_score_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_4)
    pep = make_pep(child, SUMMER, {"ks2.mtc": {"status": "taken"}})
    assert [f.field for f in findings(child, pep, "ks2.mtc_recorded")] == ["score"]
