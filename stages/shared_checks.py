"""Validations of the shared sections, each finding tied to a section, a field and a QA criterion.

Range and allowed-value rules live in the models (a save is refused); the checks here are about a PEP
being complete and good enough to submit: an ``error`` blocks submission.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeVar

from pydantic import BaseModel

from pep_tui.domain import SENStatus, TargetArea
from pep_tui.plugins.api import Finding, Severity, ValidationContext
from pep_tui_stages.circumstances import EHCP, NotOnRoll, SchoolMoveReview, Transition
from pep_tui_stages.shared_models import (
    Attendance,
    EducationSetting,
    Meeting,
    PreviousTargets,
    SENSupport,
    Targets,
    Wellbeing,
    sdq_band,
)

M = TypeVar("M", bound=BaseModel)

TARGETS = "shared.targets"
PREVIOUS_TARGETS = "shared.previous_targets"
ATTENDANCE = "shared.attendance"
MEETING = "shared.meeting"
WELLBEING = "shared.wellbeing"
SEN = "shared.sen"
EHCP_SECTION = "shared.ehcp"
SETTING = "shared.education_setting"
NOT_ON_ROLL = "shared.not_on_roll"
SCHOOL_MOVE = "shared.school_move"
SETTLING_IN = "shared.transition"

#: Hours of education a week that count as full-time for a child of school age.
FULL_TIME_HOURS = 25


def parsed(ctx: ValidationContext, section_id: str, model: type[M]) -> M | None:
    """The parsed section if it applies, is filled and is of the expected model; else None."""
    value = ctx.sections.get(section_id)
    return value if isinstance(value, model) else None


def check_targets(ctx: ValidationContext) -> Iterator[Finding]:
    """Q6: SMART targets, including a non-academic one; each needs an owner and a review date."""
    if TARGETS not in ctx.sections:
        return
    section = parsed(ctx, TARGETS, Targets)
    if section is None or not section.targets:
        yield Finding(Severity.ERROR, "This PEP has no SMART targets: add at least one, with an owner and a "
                      "review date", TARGETS, "targets", "Q6")
        return
    for n, target in enumerate(section.targets):
        label = f"Target {n + 1}" + (f" ({target.description[:40]})" if target.description else "")
        if not target.owner.strip():
            yield Finding(Severity.ERROR, f"{label} has no owner: say who is responsible", TARGETS,
                          f"targets.{n}.owner", "Q6")
        if target.review_date is None:
            yield Finding(Severity.ERROR, f"{label} has no review date", TARGETS, f"targets.{n}.review_date", "Q6")
        others = [f for f in target.missing_smart_fields() if f not in ("owner", "review_date")]
        if others:
            yield Finding(Severity.WARNING, f"{label} is not yet SMART: add {', '.join(f.replace('_', ' ') for f in others)}",
                          TARGETS, f"targets.{n}.{others[0]}", "Q6")
        term = ctx.pep.term_ref
        if target.review_date is not None and target.review_date < term.start:
            yield Finding(Severity.ERROR, f"{label}: the review date ({target.review_date:%d %b %Y}) is before this "
                          f"PEP's term ({term.label}); set a date ahead", TARGETS, f"targets.{n}.review_date", "Q6")
        elif target.review_date is not None and target.review_date < ctx.today and ctx.pep.status.value in (
                "not_started", "in_progress", "returned"):
            yield Finding(Severity.WARNING, f"{label}: the review date ({target.review_date:%d %b %Y}) has passed",
                          TARGETS, f"targets.{n}.review_date", "Q6")
        if target.review_date is not None and ctx.pep.meeting_date and target.review_date <= ctx.pep.meeting_date:
            yield Finding(Severity.WARNING, f"{label}: the review date is not after the PEP meeting", TARGETS,
                          f"targets.{n}.review_date", "Q6")
    if all(t.area is TargetArea.ACADEMIC for t in section.targets):
        yield Finding(Severity.WARNING, "Every target is academic: add a non-academic one (wellbeing, social, "
                      "attendance or careers)", TARGETS, "targets", "Q6")


def check_previous_targets(ctx: ValidationContext) -> Iterator[Finding]:
    """Q2: every target of the previous PEP judged met, partly met or not met."""
    section = parsed(ctx, PREVIOUS_TARGETS, PreviousTargets)
    if section is None:
        return
    for n, review in enumerate(section.reviews):
        if review.outcome is None:
            yield Finding(Severity.WARNING, f"Previous target {n + 1} ({review.description[:40] or review.target_id}) "
                          "has no outcome: met, partly met or not met", PREVIOUS_TARGETS, f"reviews.{n}.outcome", "Q2")
        elif not review.comment.strip():
            yield Finding(Severity.INFO, f"Previous target {n + 1}: add the evidence for the outcome",
                          PREVIOUS_TARGETS, f"reviews.{n}.comment", "Q2")


def check_attendance(ctx: ValidationContext) -> Iterator[Finding]:
    """Q4: persistent absence (below the policy threshold) and part-time timetables need a plan."""
    section = parsed(ctx, ATTENDANCE, Attendance)
    if section is None:
        return
    threshold = ctx.policy.persistent_absence_threshold
    percent = section.attendance_percent
    if section.is_persistently_absent(threshold):
        severity = Severity.INFO if section.support.strip() else Severity.WARNING
        yield Finding(severity, f"Persistent absence: attendance is {percent}%, below {threshold:g}%"
                      + ("" if section.support.strip() else "; record the support to improve it"),
                      ATTENDANCE, "support", "Q4")
    if section.part_time_timetable and not section.support.strip():
        yield Finding(Severity.WARNING, "Part-time timetable (C2): record the plan back to full time, with a "
                      "review date", ATTENDANCE, "support", "Q4")
    counted = section.sessions_present + section.sessions_authorised_absence + section.sessions_unauthorised_absence
    if counted > section.sessions_possible:
        yield Finding(Severity.WARNING, f"Present and absent sessions add up to {counted}, more than the "
                      f"{section.sessions_possible} possible", ATTENDANCE, "sessions_possible", "Q4")


def check_meeting(ctx: ValidationContext) -> Iterator[Finding]:
    """Q10: meeting date, attendees (who came) and the next meeting date recorded."""
    if MEETING not in ctx.sections:
        return
    section = parsed(ctx, MEETING, Meeting)
    if section is None:
        return
    term = ctx.pep.term_ref
    if section.meeting_date is None:
        yield Finding(Severity.WARNING, "Record the date of the PEP meeting", MEETING, "meeting_date", "Q10")
    elif not term.start <= section.meeting_date <= term.end:
        yield Finding(Severity.ERROR, f"Meeting date: {section.meeting_date:%d %b %Y} is outside this PEP's term "
                      f"({term.label}, {term.start:%d %b %Y} to {term.end:%d %b %Y})", MEETING, "meeting_date", "Q10")
    if section.next_meeting_date is not None and section.next_meeting_date < max(ctx.today, section.meeting_date or ctx.today):
        yield Finding(Severity.WARNING, f"Next meeting date: {section.next_meeting_date:%d %b %Y} is not ahead; set a "
                      "future date", MEETING, "next_meeting_date", "Q10")
    if not section.attendees:
        yield Finding(Severity.WARNING, "Record who was invited to the meeting and who came", MEETING, "attendees", "Q10")
    elif not any(a.present for a in section.attendees):
        yield Finding(Severity.WARNING, "No attendee is marked present", MEETING, "attendees", "Q10")
    if section.next_meeting_date is None:
        yield Finding(Severity.WARNING, "Set the date of the next PEP meeting", MEETING, "next_meeting_date", "Q10")


def check_wellbeing(ctx: ValidationContext) -> Iterator[Finding]:
    """Q5: an SDQ for children of 4-16 and support recorded when the score is high."""
    section = parsed(ctx, WELLBEING, Wellbeing)
    if section is None:
        return
    if section.sdq_score is None:
        if 0 <= ctx.pep.year_group <= 11:
            yield Finding(Severity.INFO, "No SDQ score recorded: looked-after children aged 4-16 have one each year",
                          WELLBEING, "sdq_score", "Q5")
        return
    if section.sdq_score >= 17 and not section.support_in_place.strip():
        yield Finding(Severity.WARNING, f"SDQ score {section.sdq_score} is {sdq_band(section.sdq_score)}: record the "
                      "support in place", WELLBEING, "support_in_place", "Q5")
    as_of = ctx.pep.meeting_date or ctx.today
    if section.sdq_date is not None and (as_of - section.sdq_date).days > 366:
        yield Finding(Severity.INFO, "The SDQ is more than a year older than this PEP's meeting", WELLBEING,
                      "sdq_date", "Q5")


def check_sen(ctx: ValidationContext) -> Iterator[Finding]:
    """Q5: SEN status agrees with the child record; the EHCP has a review date that has not passed."""
    sen = parsed(ctx, SEN, SENSupport)
    if sen is not None and sen.sen_status is not ctx.child.sen_status:
        yield Finding(Severity.INFO, f"SEN status here is {sen.sen_status.value} but the child record says "
                      f"{ctx.child.sen_status.value}: update whichever is out of date", SEN, "sen_status", "Q5")
    if sen is not None and sen.sen_status is not SENStatus.NONE and sen.primary_need is None:
        yield Finding(Severity.WARNING, "Record the primary type of need", SEN, "primary_need", "Q5")
    ehcp = parsed(ctx, EHCP_SECTION, EHCP)
    if ehcp is None:
        return
    if ehcp.annual_review_date is None:
        yield Finding(Severity.WARNING, "Record the date of the next EHCP annual review", EHCP_SECTION,
                      "annual_review_date", "Q5")
    elif ehcp.annual_review_date < ctx.today:
        yield Finding(Severity.WARNING, f"The EHCP annual review date ({ehcp.annual_review_date:%d %b %Y}) has passed: "
                      "record the new date", EHCP_SECTION, "annual_review_date", "Q5")
    if not ehcp.named_provision_delivered and not ehcp.provision_gaps.strip():
        yield Finding(Severity.WARNING, "The EHCP provision is not all delivered: say what is missing", EHCP_SECTION,
                      "provision_gaps", "Q5")


def check_setting(ctx: ValidationContext) -> Iterator[Finding]:
    """The setting has a URN when the child is on roll at a school; no place means the Virtual School leads."""
    setting = parsed(ctx, SETTING, EducationSetting)
    if setting is not None and setting.on_roll and setting.school_urn is None and ctx.pep.year_group >= 0:
        yield Finding(Severity.WARNING, "Add the school's URN (6 digits)", SETTING, "school_urn", "Q3")
    if setting is not None and setting.on_roll != ctx.child.on_roll:
        yield Finding(Severity.INFO, "On roll here differs from the child record: update whichever is out of date",
                      SETTING, "on_roll")
    off_roll = parsed(ctx, NOT_ON_ROLL, NotOnRoll)
    if off_roll is None:
        return
    if not off_roll.lead_officer.strip():
        yield Finding(Severity.WARNING, "Name the Virtual School officer leading this PEP", NOT_ON_ROLL, "lead_officer")
    if off_roll.hours_per_week is not None and off_roll.hours_per_week < FULL_TIME_HOURS:
        yield Finding(Severity.INFO, f"{off_roll.hours_per_week:g} hours a week is less than full-time education "
                      f"({FULL_TIME_HOURS} hours)", NOT_ON_ROLL, "hours_per_week")


def check_school_move(ctx: ValidationContext) -> Iterator[Finding]:
    """Q8: after a school move since the last PEP, the move and the support to settle are recorded."""
    if SCHOOL_MOVE not in ctx.sections:
        return  # the section does not apply: no move since the last PEP
    section = parsed(ctx, SCHOOL_MOVE, SchoolMoveReview)
    if section is None:
        yield Finding(Severity.WARNING, "The child moved school since the last PEP: record the move and the support "
                      "to settle", SCHOOL_MOVE, "settling_support", "Q8")
        return
    for name, words in (("previous_school", "the school the child left"), ("reason", "why the move happened"),
                        ("settling_support", "the support to settle in the new school")):
        if not getattr(section, name).strip():
            yield Finding(Severity.WARNING, f"School move: record {words}", SCHOOL_MOVE, name, "Q8")


def check_settling_in(ctx: ValidationContext) -> Iterator[Finding]:
    """Q8: in Reception, Year 7 and the first post-16 year, how the child has settled and the support continuing."""
    if SETTLING_IN not in ctx.sections:
        return  # not a year after a transition
    section = parsed(ctx, SETTLING_IN, Transition)
    if section is None or not section.how_it_went.strip():
        yield Finding(Severity.WARNING, "The first year after a transition: record how the child has settled",
                      SETTLING_IN, "how_it_went", "Q8")
    elif not section.continuing_support.strip():
        yield Finding(Severity.WARNING, "Record the support that continues after the transition, and when it is "
                      "reviewed", SETTLING_IN, "continuing_support", "Q8")
