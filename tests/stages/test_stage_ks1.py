"""Key Stage 1: the phonics screening check and primary attainment."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pep_tui.domain import Term, TermRef
from pep_tui_stages.ks1 import PhonicsCheck

SPRING = TermRef(2025, Term.SPRING)
YEAR_1 = date(2020, 1, 15)
YEAR_2 = date(2019, 1, 15)


@pytest.mark.parametrize(("dob", "stage", "group"), [
    (date(2018, 9, 1), "ks1", 2),  # 1 September birthday: the oldest in Year 2
    (date(2018, 8, 31), "ks2", 3),  # 31 August birthday: Year 3
    (date(2020, 8, 31), "ks1", 1),
])
def test_stage_at_the_year_2_year_3_boundary(make_child, make_pep, section_ids, dob, stage, group):
    child = make_child(dob)
    pep = make_pep(child, SPRING)
    assert (pep.stage, pep.year_group) == (stage, group)
    ids = section_ids(child, pep)
    assert ("ks1.phonics" in ids) is (stage == "ks1")
    assert ("ks2.attainment" in ids) is (stage == "ks2")


def test_phonics_mark_is_out_of_40():
    assert PhonicsCheck(result="met_in_year_1", year1_mark=40).year1_mark == 40
    with pytest.raises(ValidationError, match="from 0 to 40"):
        PhonicsCheck(year1_mark=41)
    with pytest.raises(ValidationError, match="from 0 to 40"):
        PhonicsCheck(year2_retake_mark=-1)


def test_attainment_against_age_related_expectations_refuses_other_words():
    from pep_tui_stages.attainment import PrimaryAttainment

    assert PrimaryAttainment(reading="greater_depth").reading == "greater_depth"
    with pytest.raises(ValidationError):
        PrimaryAttainment(maths="level 3")


def test_year_2_with_the_check_still_not_due_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_2)
    pep = make_pep(child, SPRING, {"ks1.phonics": {"result": "not_yet_due"}})
    assert [(f.field, f.criterion) for f in findings(child, pep, "ks1.")] == [("result", "Q3")]


def test_retake_after_meeting_the_standard_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_2)
    pep = make_pep(child, SPRING, {"ks1.phonics": {"result": "met_in_year_1", "year1_mark": 35,
                                                   "year2_retake_mark": 36}})
    assert [f.field for f in findings(child, pep, "ks1.")] == ["year2_retake_mark"]


def test_not_met_needs_support_and_retake_needs_its_mark(make_child, make_pep, findings):
    child = make_child(YEAR_2)
    pep = make_pep(child, SPRING, {"ks1.phonics": {"result": "not_met_at_retake", "year1_mark": 25}})
    assert {f.field for f in findings(child, pep, "ks1.")} == {"year2_retake_mark", "phonics_support"}


def test_behind_without_catch_up_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_1)
    pep = make_pep(child, SPRING, {"ks1.attainment": {"reading": "working_towards", "writing": "expected",
                                                      "maths": "expected"}})
    assert [(f.field, f.criterion) for f in findings(child, pep, "ks1.catch_up")] == [("catch_up", "Q3")]
