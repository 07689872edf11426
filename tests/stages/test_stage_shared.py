"""The sections every PEP shares: models refuse bad values, checks find gaps, circumstance sections apply."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from pep_tui.domain import PEPStatus, SchoolMove, SENStatus, Target, TargetArea, Term, TermRef
from pep_tui.plugins.api import Severity
from pep_tui.services import InvalidInput, PermissionDenied
from pep_tui_stages.shared_models import Attendance, Meeting, PreviousTargets, Targets, Wellbeing

SPRING = TermRef(2025, Term.SPRING)
YEAR_5_DOB = date(2016, 3, 1)  # Year 5 in 2025-26


def _target(**changes) -> Target:
    values = dict(id="t1", area=TargetArea.WELLBEING, need="Worries at bedtime", description="Use a calm-down plan",
                  success_measure="Fewer upset mornings", owner="Carer", actions="Worry box", frequency="daily",
                  review_date=date(2026, 5, 1))
    return Target(**{**values, **changes})


# --- attendance --------------------------------------------------------------------------------------------


def test_attendance_computes_percent_and_persistent_absence():
    good = Attendance(sessions_possible=200, sessions_present=190)
    poor = Attendance(sessions_possible=200, sessions_present=179)
    assert good.attendance_percent == 95.0 and good.persistent_absence is False
    assert poor.attendance_percent == 89.5 and poor.persistent_absence is True
    assert Attendance(sessions_possible=0, sessions_present=0).attendance_percent is None


def test_attendance_stored_with_computed_fields_reads_back():
    stored = Attendance(sessions_possible=200, sessions_present=170).model_dump(mode="json")
    assert stored["attendance_percent"] == 85.0 and stored["persistent_absence"] is True
    assert Attendance.model_validate(stored).sessions_present == 170


def test_present_more_than_possible_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as err:
        Attendance(sessions_possible=100, sessions_present=101)
    assert err.value.errors()[0]["loc"] == ("sessions_present",)
    assert "more than sessions possible (100)" in str(err.value)


def test_attendance_field_names_match_the_contract():
    names = set(Attendance.model_fields)
    assert {"sessions_possible", "sessions_present", "sessions_authorised_absence", "sessions_unauthorised_absence",
            "suspensions", "suspension_days", "permanent_exclusion", "part_time_timetable"} <= names


def test_persistent_absence_uses_the_policy_threshold(make_child, make_pep, findings):
    from pep_tui.settings import Policy

    child = make_child(YEAR_5_DOB)
    pep = make_pep(child, SPRING, {"shared.attendance": {"sessions_possible": 200, "sessions_present": 184}})  # 92%
    assert not [f for f in findings(child, pep, "shared.attendance") if "Persistent" in f.message]
    strict = findings(child, pep, "shared.attendance", policy=Policy(persistent_absence_threshold=95))
    assert [f for f in strict if "Persistent absence" in f.message and f.severity is Severity.WARNING
            and f.criterion == "Q4"]


def test_part_time_timetable_without_a_plan_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_5_DOB)
    pep = make_pep(child, SPRING, {"shared.attendance": {"sessions_possible": 200, "sessions_present": 150,
                                                         "part_time_timetable": True}})
    found = findings(child, pep, "shared.attendance")
    assert any("C2" in f.message and f.field == "support" for f in found)


# --- targets ---------------------------------------------------------------------------------------------------


def test_target_without_owner_or_review_date_is_an_error(make_child, make_pep, findings):
    child = make_child(YEAR_5_DOB)
    targets = Targets(targets=[_target(id="a", owner=""), _target(id="b", review_date=None)])
    found = findings(child, make_pep(child, SPRING, {"shared.targets": targets}), "shared.targets")
    errors = {(f.field, f.criterion) for f in found if f.severity is Severity.ERROR}
    assert errors == {("targets.0.owner", "Q6"), ("targets.1.review_date", "Q6")}


def test_no_targets_is_an_error_and_all_academic_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_5_DOB)
    empty = findings(child, make_pep(child, SPRING), "shared.targets")
    assert [f for f in empty if f.severity is Severity.ERROR and f.criterion == "Q6"]
    academic = Targets(targets=[_target(area=TargetArea.ACADEMIC)])
    found = findings(child, make_pep(child, SPRING, {"shared.targets": academic}), "shared.targets")
    assert [f for f in found if f.severity is Severity.WARNING and "non-academic" in f.message]
    complete = Targets(targets=[_target()])
    assert findings(child, make_pep(child, SPRING, {"shared.targets": complete}), "shared.targets") == []


def test_two_targets_with_one_id_are_refused():
    with pytest.raises(ValidationError, match="share the id"):
        Targets(targets=[_target(), _target()])


def test_previous_targets_match_carry_forward_and_refuse_unknown_outcomes():
    review = {"target_id": "t1", "description": "Read daily", "owner": "Carer", "outcome": None, "comment": ""}
    assert PreviousTargets.model_validate({"reviews": [review]}).reviews[0].outcome is None
    with pytest.raises(ValidationError) as err:
        PreviousTargets.model_validate({"reviews": [{**review, "outcome": "mostly"}]})
    problem = InvalidInput.from_validation_error("Previous targets", err.value).problems[0]
    assert problem.field == "reviews.0.outcome" and "'met', 'partly_met' or 'not_met'" in problem.message


def test_unreviewed_previous_target_is_warned_q2(make_child, make_pep, findings):
    child = make_child(YEAR_5_DOB)
    previous = make_pep(child, TermRef(2025, Term.AUTUMN), {"shared.targets": Targets(targets=[_target()])})
    review = {"reviews": [{"target_id": "t1", "description": "x", "owner": "Carer", "outcome": None, "comment": ""}]}
    pep = make_pep(child, SPRING, {"shared.previous_targets": review}, previous=previous)
    found = findings(child, pep, "shared.previous_targets", previous=previous)
    assert [(f.field, f.criterion) for f in found] == [("reviews.0.outcome", "Q2")]


# --- meeting and wellbeing ---------------------------------------------------------------------------------------


def test_next_meeting_must_follow_the_meeting():
    with pytest.raises(ValidationError, match="after the meeting date"):
        Meeting(meeting_date=date(2026, 2, 1), next_meeting_date=date(2026, 1, 1))


def test_meeting_without_attendees_or_next_date_is_warned_q10(make_child, make_pep, findings):
    child = make_child(YEAR_5_DOB)
    pep = make_pep(child, SPRING, {"shared.meeting": {"meeting_date": "2026-01-20"}})
    found = findings(child, pep, "shared.meeting")
    assert {f.field for f in found} == {"attendees", "next_meeting_date"}
    assert all(f.criterion == "Q10" for f in found)


def test_sdq_score_is_0_to_40():
    assert Wellbeing(sdq_score=40, emotional_wellbeing="ok").sdq_score == 40
    with pytest.raises(ValidationError, match="from 0 to 40"):
        Wellbeing(sdq_score=41)


def test_high_sdq_without_support_is_warned_q5(make_child, make_pep, findings):
    child = make_child(YEAR_5_DOB)
    pep = make_pep(child, SPRING, {"shared.wellbeing": {"sdq_score": 22, "emotional_wellbeing": "Struggling"}})
    found = findings(child, pep, "shared.wellbeing")
    assert [(f.field, f.criterion) for f in found] == [("support_in_place", "Q5")]


def test_ehcp_review_date_passed_is_warned(make_child, make_pep, findings):
    child = make_child(YEAR_5_DOB, sen_status=SENStatus.EHCP)
    pep = make_pep(child, SPRING, {"shared.ehcp": {"maintaining_authority": "Fictional Borough",
                                                   "annual_review_date": "2025-12-01"}})
    found = findings(child, pep, "shared.sen_ehcp")
    assert any(f.section_id == "shared.ehcp" and f.field == "annual_review_date" for f in found)


# --- circumstance sections ----------------------------------------------------------------------------------------


def test_every_pep_gets_the_shared_spine(make_child, make_pep, section_ids):
    child = make_child(YEAR_5_DOB)
    ids = section_ids(child, make_pep(child, SPRING))
    for sid in ("shared.meeting", "shared.education_setting", "shared.attendance", "shared.sen", "shared.wellbeing",
                "shared.targets", "shared.leisure"):
        assert sid in ids
    for sid in ("shared.ehcp", "shared.not_on_roll", "shared.school_move", "shared.transition",
                "shared.previous_targets"):
        assert sid not in ids
    assert not any(s.startswith(("shared.about", "shared.views", "shared.carer")) for s in ids)


def test_ehcp_section_from_the_child_record_or_the_sen_section(make_child, make_pep, section_ids):
    with_plan = make_child(YEAR_5_DOB, sen_status=SENStatus.EHCP)
    assert "shared.ehcp" in section_ids(with_plan, make_pep(with_plan, SPRING))
    child = make_child(YEAR_5_DOB)
    recorded = make_pep(child, SPRING, {"shared.sen": {"sen_status": "ehcp", "support_in_place": "x"}})
    assert "shared.ehcp" in section_ids(child, recorded)


def test_not_on_roll_is_led_by_the_virtual_school(registry, make_child, make_pep, section_ids):
    child = make_child(YEAR_5_DOB, on_roll=False, school_urn=None, school_name=None)
    ids = section_ids(child, make_pep(child, SPRING))
    assert "shared.not_on_roll" in ids and "shared.attendance" not in ids
    spec = registry.sections["shared.not_on_roll"]
    assert "virtual_school" in spec.editors and "designated_teacher" not in spec.editors


@pytest.mark.parametrize(("dob", "expected"), [
    (date(2021, 1, 10), True),   # Reception
    (date(2020, 1, 10), False),  # Year 1
    (date(2014, 1, 10), True),   # Year 7
    (date(2013, 1, 10), False),  # Year 8
    (date(2009, 1, 10), True),   # Year 12
])
def test_transition_section_in_transition_years(make_child, make_pep, section_ids, dob, expected):
    child = make_child(dob)
    assert ("shared.transition" in section_ids(child, make_pep(child, SPRING))) is expected


def test_school_move_since_the_last_pep(make_child, make_pep, section_ids):
    previous_term = TermRef(2025, Term.AUTUMN)
    moved = make_child(YEAR_5_DOB, school_moves=[SchoolMove(on=date(2026, 1, 12), from_urn="999103", to_urn="999102")])
    previous = make_pep(moved, previous_term, {"shared.meeting": {"meeting_date": "2025-10-01"}})
    assert "shared.school_move" in section_ids(moved, make_pep(moved, SPRING, previous=previous), previous)
    earlier = make_child(YEAR_5_DOB, school_moves=[SchoolMove(on=date(2025, 9, 2))])
    assert "shared.school_move" not in section_ids(earlier, make_pep(earlier, SPRING, previous=previous), previous)


def test_section_ownership(registry):
    education = {"designated_teacher", "virtual_school"}
    for sid in ("shared.attendance", "shared.targets", "shared.sen", "shared.previous_targets"):
        assert registry.sections[sid].editors == education, sid
        assert registry.sections[sid].viewers is None
    assert "social_worker" in registry.sections["shared.meeting"].editors


# --- through the services -----------------------------------------------------------------------------------------


def _editable_pep(cohort, stage: str | None = None, year: int | None = None, on_roll: bool = True):
    for child_id in cohort.store.child_ids():
        record = cohort.store.load_child(child_id)
        for pep in record.peps:
            if (pep.status in (PEPStatus.IN_PROGRESS, PEPStatus.NOT_STARTED, PEPStatus.RETURNED)
                    and (stage is None or pep.stage == stage) and (year is None or pep.year_group == year)
                    and record.child.on_roll is on_roll and pep.superseded_by is None):
                return record, pep
    raise AssertionError(f"no editable {stage} PEP in the sample cohort")


def test_save_refuses_present_over_possible_and_keeps_the_pep(cohort, as_login):
    record, pep = _editable_pep(cohort, "ks2")
    vs = as_login("vs.head")
    with pytest.raises(InvalidInput) as err:
        cohort.peps.save_section(vs, record.child.id, pep.id, "shared.attendance",
                                 {"sessions_possible": 100, "sessions_present": 120}, pep.revision)
    assert "sessions_present" in str(err.value) and "more than sessions possible" in str(err.value)
    assert cohort.store.load_child(record.child.id).pep(pep.id).revision == pep.revision
    saved = cohort.peps.save_section(vs, record.child.id, pep.id, "shared.attendance",
                                     {"sessions_possible": 100, "sessions_present": 95}, pep.revision)
    assert saved.section("shared.attendance")["attendance_percent"] == 95.0


def test_a_carer_cannot_edit_attendance(cohort, as_login):
    record, pep = _editable_pep(cohort)
    carer = as_login(record.child.carer)
    with pytest.raises(PermissionDenied):
        cohort.peps.save_section(carer, record.child.id, pep.id, "shared.attendance",
                                 {"sessions_possible": 100, "sessions_present": 95}, pep.revision)
