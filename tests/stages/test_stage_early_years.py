"""Early Years: EYFS areas, 2-year check, EYPP, ELGs at the end of Reception, transition to Reception."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pep_tui.domain import Term, TermRef
from pep_tui.plugins.api import Severity
from pep_tui_stages.early_years_models import (
    ELGS,
    EarlyLearningGoals,
    EarlyYearsProvision,
    EYFSProgress,
)

SPRING = TermRef(2025, Term.SPRING)
SUMMER = TermRef(2025, Term.SUMMER)
NURSERY_3 = date(2022, 1, 15)  # age 3 on 31 Aug 2025: the year before Reception
NURSERY_2 = date(2023, 1, 15)  # age 2 on 31 Aug 2025
RECEPTION = date(2021, 1, 15)


def ids_of(section_ids, make_child, make_pep, dob, term=SPRING):
    child = make_child(dob)
    pep = make_pep(child, term)
    return pep, [s for s in section_ids(child, pep)]


@pytest.mark.parametrize(("dob", "stage", "group"), [
    (date(2020, 9, 1), "early_years", 0),  # 1 September birthday: youngest in Reception
    (date(2020, 8, 31), "ks1", 1),  # 31 August birthday: the youngest in Year 1
    (date(2023, 8, 31), "early_years", -2),
])
def test_stage_at_the_reception_year_1_boundary(make_child, make_pep, dob, stage, group):
    pep = make_pep(make_child(dob), SPRING)
    assert (pep.stage, pep.year_group) == (stage, group)


def test_sections_by_year_group_and_term(make_child, make_pep, section_ids):
    pep, nursery = ids_of(section_ids, make_child, make_pep, NURSERY_3)
    assert {"early_years.provision", "early_years.progress", "early_years.progress_check", "early_years.eypp",
            "early_years.transition"} <= set(nursery)
    assert "early_years.elg" not in nursery and not any(s.startswith("ks1.") for s in nursery)
    _, reception_spring = ids_of(section_ids, make_child, make_pep, RECEPTION)
    assert "early_years.elg" not in reception_spring and "early_years.eypp" not in reception_spring
    assert "shared.transition" in reception_spring  # settling into Reception
    _, reception_summer = ids_of(section_ids, make_child, make_pep, RECEPTION, SUMMER)
    assert "early_years.elg" in reception_summer
    _, year_1 = ids_of(section_ids, make_child, make_pep, date(2020, 8, 31))
    assert not any(s.startswith("early_years.") for s in year_1) and "ks1.phonics" in year_1


def test_seventeen_elgs_judged_emerging_or_expected():
    assert len(ELGS) == 17
    goals = EarlyLearningGoals.model_validate({k: "expected" for k in ELGS})
    assert goals.good_level_of_development() is True
    with pytest.raises(ValidationError) as err:
        EarlyLearningGoals(speaking="secure")
    assert "'emerging' or 'expected'" in str(err.value)


def test_seven_eyfs_areas_each_judged():
    areas = [n for n in EYFSProgress.model_fields if not n.endswith("next_steps") and n != "assessed_on"]
    assert len(areas) == 7
    with pytest.raises(ValidationError):
        EYFSProgress(literacy="excellent")


def test_funded_hours_are_0_to_30():
    assert EarlyYearsProvision(funded_hours_per_week=30).funded_hours_per_week == 30
    with pytest.raises(ValidationError, match="from 0 to 30"):
        EarlyYearsProvision(funded_hours_per_week=31)


def test_area_behind_without_next_steps_is_warned(make_child, make_pep, findings):
    child = make_child(NURSERY_3)
    pep = make_pep(child, SPRING, {"early_years.progress": {"literacy": "below"}})
    found = findings(child, pep, "early_years.progress_areas")
    assert ("literacy_next_steps", "Q3") in {(f.field, f.criterion) for f in found}
    assert sum(1 for f in found if f.message.startswith("No judgement")) == 6


def test_progress_check_done_without_date_is_an_error(make_child, make_pep, findings):
    child = make_child(NURSERY_3)
    pep = make_pep(child, SPRING, {"early_years.progress_check": {"completed": True, "outcome": "on_track"}})
    found = findings(child, pep, "early_years.progress_check_done")
    assert [(f.severity, f.field) for f in found] == [(Severity.ERROR, "completed_on")]


def test_summer_before_reception_without_transition_plan_is_warned_q8(make_child, make_pep, findings):
    child = make_child(NURSERY_3)
    found = findings(child, make_pep(child, SUMMER), "early_years.transition_due")
    assert [(f.section_id, f.criterion) for f in found] == [("early_years.transition", "Q8")]
    planned = make_pep(child, SUMMER, {"early_years.transition": {"reception_school": "Moorland (fictional)",
                                                                  "application_made": True}})
    assert findings(child, planned, "early_years.transition_due") == []


def test_eypp_not_claimed_is_warned_q7(make_child, make_pep, findings):
    child = make_child(NURSERY_2)
    pep = make_pep(child, SPRING, {"early_years.eypp": {"eligible": True, "claimed_by_setting": False}})
    assert [f.criterion for f in findings(child, pep, "early_years.eypp_claimed")] == ["Q7"]
