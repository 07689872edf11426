"""The plugin's two checks. Each yields findings tied to a section, a field and a QA criterion."""

from __future__ import annotations

from collections.abc import Iterator

from pep_tui.plugins.api import Finding, Severity, ValidationContext
from pep_tui_ap.models import APPlacement, APProgress, ProviderType

PLACEMENT = "ap.placement"
PROGRESS = "ap.progress"

#: Fewer hours than this a week is treated as a part-time timetable. There is no statutory number:
#: the duty is "suitable full-time education"; 25 hours is a common working threshold. Change it here.
FULL_TIME_HOURS = 25

#: Attendance at the provider below this (per cent) is flagged, as it is for school attendance.
ATTENDANCE_CONCERN_PERCENT = 90


def check_full_time_education(ctx: ValidationContext) -> Iterator[Finding]:
    """A part-time timetable needs a reason and a plan; low attendance at the provider is flagged."""
    placement = ctx.sections.get(PLACEMENT)
    if isinstance(placement, APPlacement) and placement.hours_per_week is not None:
        hours = placement.hours_per_week
        if hours < FULL_TIME_HOURS and not placement.part_time_reason.strip():
            yield Finding(
                Severity.WARNING,
                f"{hours} hours a week is less than full time ({FULL_TIME_HOURS}); "
                "say why and how the hours will increase",
                PLACEMENT, "part_time_reason", criterion="Q4",
            )
    progress = ctx.sections.get(PROGRESS)
    attendance = progress.attendance_percent if isinstance(progress, APProgress) else None
    if attendance is not None and attendance < ATTENDANCE_CONCERN_PERCENT:
        yield Finding(
            Severity.WARNING,
            f"attendance at the provider is {attendance}% (below {ATTENDANCE_CONCERN_PERCENT}%)",
            PROGRESS, "attendance_percent", criterion="Q4",
        )


def check_provider(ctx: ValidationContext) -> Iterator[Finding]:
    """An unregistered provider must be safeguarding-checked (blocks submission); reviews must be on time."""
    placement = ctx.sections.get(PLACEMENT)
    if not isinstance(placement, APPlacement):
        return
    if placement.provider_type is ProviderType.UNREGISTERED and not placement.safeguarding_checked:
        yield Finding(
            Severity.ERROR,
            "the provider is unregistered: the commissioner must check its safeguarding before this PEP is submitted",
            PLACEMENT, "safeguarding_checked",
        )
    if placement.review_date is not None and placement.review_date < ctx.today:
        yield Finding(
            Severity.WARNING,
            f"the placement review was due on {placement.review_date:%d %B %Y}",
            PLACEMENT, "review_date",
        )
    progress = ctx.sections.get(PROGRESS)
    if isinstance(progress, APProgress) and not progress.reintegration_plan.strip():
        yield Finding(
            Severity.INFO,
            "record the plan for a return to school (or why none is planned)",
            PROGRESS, "reintegration_plan", criterion="Q6",
        )
