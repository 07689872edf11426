"""The sections every PEP shares, whatever the stage (a built-in feature plugin).

Always present: the meeting, the education setting, attendance (from Reception to Year 11 and early
years, while on roll), SEN support, mental health and wellbeing, previous targets reviewed (when there
is a previous PEP), new SMART targets and leisure interests. Shown when they apply: the EHCP, education
while not on roll (led by the Virtual School), settling in after a transition (Reception, Year 7,
post-16) and a school move since the last PEP.

"About me and care context", "my views" and the carer's contribution belong to the social worker,
child and carer plugins.
"""

from __future__ import annotations

from collections.abc import Callable

from pep_tui.domain.pep import MEETING_SECTION, PREVIOUS_TARGETS_SECTION, TARGETS_SECTION
from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import SectionContext, SectionSpec, ValidatorSpec
from pep_tui_stages import circumstances as cs
from pep_tui_stages import shared_checks as checks
from pep_tui_stages import shared_models as models
from pep_tui_stages import shared_samples as samples
from pep_tui_stages.ownership import (
    EDUCATION,
    EDUCATION_AND_CARE,
    LEISURE,
    MEETING,
    VIRTUAL_SCHOOL_LED,
)

PEP_TUI_API_VERSION = "1.2"  # SectionSpec.purpose / carry_forward, field_hints
PEP_TUI_PLUGIN_KIND = "feature"


def _school_age_on_roll(ctx: SectionContext) -> bool:
    """Early years to Year 11, on a school's (or setting's) roll: sessions are counted."""
    return ctx.pep.year_group <= 11 and ctx.child.on_roll


def _up_to_year_11(ctx: SectionContext) -> bool:
    """Early years to Year 11 (post-16 records its provider in the post-16 route)."""
    return ctx.pep.year_group <= 11


def _has_previous_pep(ctx: SectionContext) -> bool:
    """A previous PEP exists (or its targets were already carried forward into this one)."""
    return ctx.previous is not None or bool(ctx.pep.section(PREVIOUS_TARGETS_SECTION))


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        id=MEETING_SECTION, title="PEP meeting", model=models.Meeting, editors=MEETING, order=10,
        sample=samples.sample_meeting, version=2, migrate=models.migrate_meeting,
        help="When and where the PEP meeting is (time, place or video link), who is invited (with an email "
             "address for a calendar invitation) and who came, and the date of the next one.",
    ),
    SectionSpec(
        id="shared.education_setting", title="Education setting", model=models.EducationSetting, carry_forward=True,
        applies=_up_to_year_11, editors=EDUCATION_AND_CARE, order=20, sample=samples.sample_education_setting,
        help="The school or setting, its URN, whether the child is on roll, the designated teacher and every "
             "school move since coming into care.",
    ),
    SectionSpec(
        id="shared.school_move", title="School move", model=cs.SchoolMoveReview, applies=cs.moved_school_since_last_pep,
        editors=EDUCATION_AND_CARE, order=22, sample=cs.sample_school_move,
        help="The child changed school since the last PEP: why, how it was managed and the support to settle. "
             "A new PEP is due within 10 working days of the move.",
    ),
    SectionSpec(
        id="shared.not_on_roll", title="Education while not on roll", model=cs.NotOnRoll, applies=cs.not_on_roll,
        editors=VIRTUAL_SCHOOL_LED, order=24, sample=cs.sample_not_on_roll,
        help="The child has no school place or is educated otherwise: the Virtual School leads this PEP and "
             "records the education received now and the plan to secure a place.",
    ),
    SectionSpec(
        id="shared.attendance", title="Attendance and exclusions", model=models.Attendance,
        applies=_school_age_on_roll, editors=EDUCATION, order=30, sample=samples.sample_attendance,
        help="Sessions (half-days) this academic year from the register, suspensions and exclusions, and "
             "whether the child is on a part-time timetable (C2). Missing 10% or more of sessions (attendance of 90% or less) is persistent absence.",
    ),
    SectionSpec(
        id="shared.sen", title="Special educational needs", model=models.SENSupport, editors=EDUCATION, order=40,
        carry_forward=True,
        sample=samples.sample_sen,
        help="SEN status (none, SEN support, EHCP, under assessment), the type of need and the support in place.",
    ),
    SectionSpec(
        id="shared.ehcp", title="EHCP", model=cs.EHCP, applies=cs.has_ehcp, editors=EDUCATION, order=42,
        sample=cs.sample_ehcp,
        help="The education, health and care plan: its annual review date and how this PEP's targets support "
             "its outcomes.",
    ),
    SectionSpec(
        id="shared.wellbeing", title="Mental health and wellbeing", model=models.Wellbeing,
        editors=EDUCATION_AND_CARE, order=45, sample=samples.sample_wellbeing,
        help="Emotional wellbeing as it affects learning, the latest SDQ score (0-40) and the support in place.",
    ),
    SectionSpec(
        id="shared.transition", title="Settling in after a transition", model=cs.Transition,
        applies=cs.in_transition_year, editors=EDUCATION_AND_CARE, order=75, sample=cs.sample_transition,
        help="In Reception, Year 7 and the first post-16 year: how the child has settled and the support that "
             "continues.",
    ),
    SectionSpec(
        id=PREVIOUS_TARGETS_SECTION, title="Previous targets reviewed", model=models.PreviousTargets,
        applies=_has_previous_pep, editors=EDUCATION, order=80, sample=samples.sample_previous_targets,
        help="Each target of the last PEP, judged met, partly met or not met, with the evidence.",
    ),
    SectionSpec(
        id=TARGETS_SECTION, title="SMART targets", model=models.Targets, editors=EDUCATION, order=85,
        sample=samples.sample_targets,
        help="Specific, measurable, achievable, relevant and time-bound targets, at least one of them "
             "non-academic, each with an owner, actions, frequency and a review date.",
    ),
    SectionSpec(
        id="shared.leisure", title="Leisure interests", model=models.LeisureInterests, editors=LEISURE, order=90,
        carry_forward=True,
        sample=samples.sample_leisure,
        help="What the child enjoys outside lessons, clubs and activities, and what they would like to try.",
    ),
)

VALIDATORS: tuple[ValidatorSpec, ...] = (
    ValidatorSpec(id="shared.targets_smart", check=checks.check_targets, criterion="Q6",
                  description="Targets are SMART, include a non-academic one, and each has an owner and review date"),
    ValidatorSpec(id="shared.previous_targets_reviewed", check=checks.check_previous_targets, criterion="Q2",
                  description="Every previous target is judged met, partly met or not met"),
    ValidatorSpec(id="shared.attendance_concerns", check=checks.check_attendance, criterion="Q4",
                  description="Persistent absence and part-time timetables have a recorded plan"),
    ValidatorSpec(id="shared.meeting_recorded", check=checks.check_meeting, criterion="Q10",
                  description="The meeting date, attendees and next meeting date are recorded"),
    ValidatorSpec(id="shared.wellbeing_needs", check=checks.check_wellbeing, criterion="Q5",
                  description="An SDQ where expected, with support recorded for a high score"),
    ValidatorSpec(id="shared.sen_ehcp", check=checks.check_sen, criterion="Q5",
                  description="SEN status, primary need and the EHCP review date"),
    ValidatorSpec(id="shared.setting", check=checks.check_setting,
                  description="The setting's URN; education and its lead when the child is not on roll"),
    ValidatorSpec(id="shared.school_move_recorded", check=checks.check_school_move, criterion="Q8",
                  description="After a school move since the last PEP: the move and the support to settle"),
    ValidatorSpec(id="shared.settling_in_recorded", check=checks.check_settling_in, criterion="Q8",
                  description="After a transition (Reception, Year 7, post-16): how the child has settled"),
)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The sections every PEP shares, and the circumstance sections."""
    for spec in SECTIONS:
        register(spec)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The checks of the shared sections."""
    for spec in VALIDATORS:
        register(spec)
