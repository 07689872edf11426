"""The Personal Education Plan: one document per child per term."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pep_tui.domain.school_year import Term, TermRef
from pep_tui.domain.staff import Email
from pep_tui.domain.target import Target

# --- Core sections ------------------------------------------------------------------------------------
# The core itself reads these four sections (carry-forward, the summary and reports, the attendance
# import, the QA pre-check). Their ids and shapes are part of the core's contract, documented in
# docs/plugins/core-sections.md; they keep the ``shared.`` ids they have always been stored under, so every
# existing PEP document keeps loading. A plugin may read them; the built-in shared-sections plugin
# provides their forms.

#: The section that holds a PEP's SMART targets; PP+ requests and carry-forward refer to its target ids.
TARGETS_SECTION = "shared.targets"
#: The section that records the meeting: ``meeting_date``, ``attendees`` (list of Attendee), ``next_meeting_date``.
MEETING_SECTION = "shared.meeting"
#: The section that reviews the previous PEP's targets (outcome met / partly met / not met).
PREVIOUS_TARGETS_SECTION = "shared.previous_targets"
#: Attendance and exclusions: ``sessions_possible``, ``sessions_present``, ``suspensions`` and the rest of
#: the attendance import's columns.
ATTENDANCE_SECTION = "shared.attendance"
#: Every section id the core itself relies on.
CORE_SECTIONS: frozenset[str] = frozenset({TARGETS_SECTION, MEETING_SECTION, PREVIOUS_TARGETS_SECTION,
                                           ATTENDANCE_SECTION})


class PEPStatus(StrEnum):
    """Where a PEP is in its sign-off chain (the chain itself is a setting)."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    FINALISED = "finalised"  # optional social-worker finalisation step
    APPROVED = "approved"

    @property
    def label(self) -> str:
        """Words for a person: ``"In progress"``."""
        return self.value.replace("_", " ").capitalize()


class Attendee(BaseModel):
    """Someone invited to the PEP meeting."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, description="Name")
    role: str = Field(description="Their role, e.g. designated teacher, carer, young person")
    invited: bool = Field(True, description="Invited to the meeting")
    present: bool = Field(False, description="Took part in the meeting")
    email: Email = Field(None, description="Email for the meeting invitation (optional)")


class SectionData(BaseModel):
    """One section's content inside a PEP, stored under the section's namespaced id.

    ``data`` is the section model dumped to JSON-able values; ``version`` is the section's schema
    version when it was written, so the owning plugin can migrate it.
    """

    model_config = ConfigDict(extra="forbid")
    version: int = 1
    data: dict[str, Any] = Field(default_factory=dict)
    updated_by: str | None = None
    updated_at: datetime | None = None


class QARating(BaseModel):
    """A Virtual School quality-assurance rating of a PEP (the scale is a setting)."""

    model_config = ConfigDict(extra="forbid")
    scale: str = "rag"
    overall: str
    sections: dict[str, str] = Field(default_factory=dict, description="Per-section ratings, where the scale uses them")
    feedback: str = ""
    section_feedback: dict[str, str] = Field(default_factory=dict)
    by: str
    at: datetime


class SignOff(BaseModel):
    """A step of the sign-off chain: who did what and when (submit, return, approve, acknowledge…)."""

    model_config = ConfigDict(extra="forbid")
    step: str
    by: str
    role: str
    at: datetime
    note: str = ""


class PEP(BaseModel):
    """A termly Personal Education Plan.

    Shared and plugin content lives in ``sections`` keyed by namespaced section id (``ks2.attainment``);
    plugins never write outside their own keys.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str
    child_id: str
    academic_year: int = Field(description="Calendar year the academic year starts in: 2025 for 2025-26")
    term: Term
    stage: str = Field(description="Stage id, e.g. 'ks2'")
    year_group: int
    status: PEPStatus = PEPStatus.NOT_STARTED
    revision: int = 0
    initial: bool = Field(default=False, description="The child's first PEP after entering care")
    interim: bool = Field(default=False, description="An interim PEP led by the Virtual School (e.g. no school place)")
    due_date: date | None = None
    sections: dict[str, SectionData] = Field(default_factory=dict)
    previous_pep_id: str | None = None
    qa_ratings: list[QARating] = Field(default_factory=list)
    sign_offs: list[SignOff] = Field(default_factory=list)
    return_reason: str | None = None
    created_by: str
    created_at: datetime
    updated_by: str
    updated_at: datetime
    superseded_by: str | None = None
    plugin_data: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="Feature plugins' own data, keyed by plugin name"
    )

    @property
    def term_ref(self) -> TermRef:
        """The term this PEP is for."""
        return TermRef(self.academic_year, self.term)

    @property
    def qa_rating(self) -> QARating | None:
        """The latest QA rating, if any."""
        return self.qa_ratings[-1] if self.qa_ratings else None

    @property
    def read_only(self) -> bool:
        """Approved PEPs are never edited; a correction is a new revision (superseding PEP)."""
        return self.status is PEPStatus.APPROVED

    @property
    def meeting_date(self) -> date | None:
        """The PEP meeting's date, from the shared meeting section."""
        value = self.section(MEETING_SECTION).get("meeting_date")
        return date.fromisoformat(value) if isinstance(value, str) else value

    @property
    def next_meeting_date(self) -> date | None:
        """The next PEP meeting's date, from the shared meeting section."""
        value = self.section(MEETING_SECTION).get("next_meeting_date")
        return date.fromisoformat(value) if isinstance(value, str) else value

    @property
    def attendees(self) -> list[Attendee]:
        """Who was invited and who came, from the shared meeting section."""
        return [Attendee.model_validate(a) for a in self.section(MEETING_SECTION).get("attendees", [])]

    @property
    def targets(self) -> list[Target]:
        """The PEP's SMART targets, kept in the shared section ``shared.targets`` (``{"targets": [...]}``)."""
        return [Target.model_validate(t) for t in self.section(TARGETS_SECTION).get("targets", [])]

    def section(self, section_id: str) -> dict[str, Any]:
        """The stored data of a section (empty if not yet written)."""
        found = self.sections.get(section_id)
        return dict(found.data) if found else {}
