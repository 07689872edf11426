"""The domain: pydantic models and pure rules (school years, UPN, working days). No I/O, no UI."""

from __future__ import annotations

from pep_tui.domain.audit import AuditEvent
from pep_tui.domain.child import Child, LegalStatus, SchoolMove, SENStatus
from pep_tui.domain.ids import new_id, utcnow
from pep_tui.domain.pep import PEP, Attendee, PEPStatus, QARating, SectionData, SignOff
from pep_tui.domain.school_year import (
    EarlyYearsStart,
    Term,
    TermRef,
    academic_year_label,
    academic_year_start,
    age_on,
    pep_required,
    year_group,
    year_group_label,
)
from pep_tui.domain.staff import StaffMember, StaffScope
from pep_tui.domain.target import Target, TargetArea, TargetOutcome
from pep_tui.domain.upn import UPNError, validate_upn
from pep_tui.domain.working_days import WorkingCalendar

__all__ = [
    "PEP",
    "Attendee",
    "AuditEvent",
    "Child",
    "EarlyYearsStart",
    "LegalStatus",
    "PEPStatus",
    "QARating",
    "SENStatus",
    "SchoolMove",
    "SectionData",
    "SignOff",
    "StaffMember",
    "StaffScope",
    "Target",
    "TargetArea",
    "TargetOutcome",
    "Term",
    "TermRef",
    "UPNError",
    "WorkingCalendar",
    "academic_year_label",
    "academic_year_start",
    "age_on",
    "new_id",
    "pep_required",
    "utcnow",
    "validate_upn",
    "year_group",
    "year_group_label",
]
