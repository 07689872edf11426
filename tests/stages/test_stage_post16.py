"""Post-16: the four routes and their fields, bursary and pathway plan, destination plan."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pep_tui.domain import Term, TermRef
from pep_tui.plugins.api import Severity
from pep_tui.services import InvalidInput
from pep_tui_stages.post16_models import Post16RouteSection, Post16Support

SPRING = TermRef(2025, Term.SPRING)
YEAR_12 = date(2009, 1, 15)


@pytest.mark.parametrize(("dob", "stage"), [
    (date(2007, 9, 1), "post16"),  # 1 September birthday: the oldest in Year 13
    (date(2009, 8, 31), "post16"),  # 31 August birthday: the youngest in Year 12
])
def test_post16_stage_covers_years_12_and_13(make_child, make_pep, section_ids, dob, stage):
    child = make_child(dob)
    pep = make_pep(child, SPRING)
    assert pep.stage == stage
    assert {"post16.route", "post16.support", "post16.destination"} <= set(section_ids(child, pep))
    assert "shared.attendance" not in section_ids(child, pep)  # attendance is recorded per route


def test_no_stage_after_year_13(registry):
    assert registry.stage_for_year_group(14) is None
    assert registry.stage_for_year_group(13).id == "post16"


def test_route_is_one_of_four():
    for route in ("education", "employment", "neet", "custody"):
        assert Post16RouteSection(route=route).route == route
    with pytest.raises(ValidationError) as err:
        Post16RouteSection(route="gap_year")
    problem = InvalidInput.from_validation_error("Route", err.value).problems[0]
    assert problem.field == "route" and "'education', 'employment', 'neet' or 'custody'" in problem.message


def test_route_fields_say_which_route_they_belong_to():
    fields = Post16RouteSection.model_fields
    assert fields["action_plan"].json_schema_extra["when"] == {"route": ["neet"]}
    assert fields["employer"].json_schema_extra["when"] == {"route": ["employment"]}


def test_neet_without_action_plan_is_an_error(make_child, make_pep, findings):
    child = make_child(YEAR_12, on_roll=False)
    pep = make_pep(child, SPRING, {"post16.route": {"route": "neet", "neet_reason": "left_a_course"}})
    found = findings(child, pep, "post16.route_complete")
    errors = [(f.field, f.criterion) for f in found if f.severity is Severity.ERROR]
    assert errors == [("action_plan", "Q11")]
    planned = make_pep(child, SPRING, {"post16.route": {"route": "neet", "action_plan": "Weekly meetings",
                                                        "adviser": "Mx P. Adviser (fictional)"}})
    assert findings(child, planned, "post16.route_complete") == []


@pytest.mark.parametrize(("route", "missing"), [
    ("education", {"provider", "course"}),
    ("employment", {"employer", "employment_type"}),
    ("custody", {"establishment", "education_offer"}),
])
def test_each_route_needs_its_own_fields(make_child, make_pep, findings, route, missing):
    child = make_child(YEAR_12)
    pep = make_pep(child, SPRING, {"post16.route": {"route": route}})
    errors = {f.field for f in findings(child, pep, "post16.route_complete") if f.severity is Severity.ERROR}
    assert errors == missing


def test_education_attendance_below_threshold_needs_support(make_child, make_pep, findings):
    child = make_child(YEAR_12)
    route = {"route": "education", "provider": "Northgate (fictional)", "course": "Level 3", "attendance_percent": 84}
    found = findings(child, make_pep(child, SPRING, {"post16.route": route}), "post16.route_complete")
    assert [(f.field, f.criterion) for f in found] == [("attendance_support", "Q4")]
    with pytest.raises(ValidationError, match="from 0 to 100"):
        Post16RouteSection(route="education", attendance_percent=101)


def test_uln_is_ten_digits_and_bursary_in_pence():
    assert Post16Support(uln="1234567890", bursary_pence_per_year=120_000).uln == "1234567890"
    with pytest.raises(ValidationError, match="10 digits"):
        Post16Support(uln="123456789")
    with pytest.raises(ValidationError):
        Post16Support(bursary_pence_per_year=-1)


def test_missing_destination_plan_is_warned_q11(make_child, make_pep, findings):
    child = make_child(YEAR_12)
    found = findings(child, make_pep(child, SPRING), "post16.destination_plan")
    assert [(f.section_id, f.criterion) for f in found] == [("post16.destination", "Q11")]
