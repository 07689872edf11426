"""The independent reviewing officer role plugin: the read-only role, and its note for the next review.

The IRO reads the PEP before each care-plan review and holds no capability that edits it. The one
thing an IRO writes is a note for the next care-plan review, and only through
``services.workflow.add_review_note``: notes are appended, never changed or removed, may be added even
to an approved PEP (they annotate the plan, they are not part of what was approved), and each is
audited. The section's ordinary edit path refuses everyone (the IRO role is read-only and no other
role edits it).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, SampleContext, ScopeKind, SectionSpec

PEP_TUI_API_VERSION = "1.2"  # SectionSpec.purpose / carry_forward, field_hints

REVIEW_NOTE_SECTION = "iro.review_note"

ROLE = RoleDefinition(
    id="iro",
    title="Independent reviewing officer",
    scope=ScopeKind.REVIEWING,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.VIEW_AUDIT,
    }),
    description="Reads the PEP before each care-plan review; read-only apart from a note for the next review.",
    limited_view=False,
    read_only=True,
    order=6,
)


class ReviewNote(BaseModel):
    """One note for a care-plan review."""

    model_config = ConfigDict(extra="forbid")

    note: str = Field(min_length=1, max_length=4000, description="What the review should look at in the child's education")
    review_date: date | None = Field(None, description="The care-plan review this note is for")
    written_by: str = Field("", description="Login of the IRO who wrote it (set by the service)")
    written_on: date | None = Field(None, description="When it was written (set by the service)")


class ReviewNotes(BaseModel):
    """The IRO's notes on this PEP, oldest first (append-only)."""

    model_config = ConfigDict(extra="forbid")

    notes: list[ReviewNote] = Field(default_factory=list, description="Notes for care-plan reviews")


def _sample(ctx: SampleContext) -> ReviewNotes | None:
    if ctx.rng.random() < 0.6:
        return None
    start = ctx.pep.term_ref.start
    return ReviewNotes(notes=[ReviewNote(
        note=ctx.rng.choice([
            "Ask at review whether the reading support agreed last term started.",
            "Check that the school move did not interrupt the EHCP provision.",
            "Attendance improving; review whether the part-time timetable can end.",
            "Young person wants to talk about college options at the review.",
        ]),
        review_date=start + timedelta(days=ctx.rng.randrange(30, 80)),
        written_by=ctx.child.iro or "iro",
        written_on=start + timedelta(days=25),
    )])


SECTION = SectionSpec(
    id=REVIEW_NOTE_SECTION,
    title="IRO note for the next review",
    model=ReviewNotes,
    editors=frozenset({"iro"}),  # written only through services.workflow.add_review_note
    purpose="review_notes",
    # The professionals who prepare the review; not carers, the child or family (the note may concern
    # care planning they hear about at the review itself).
    viewers=frozenset({"iro", "social_worker", "virtual_school", "designated_teacher"}),
    order=90,
    required=False,
    sample=_sample,
    help="Notes from the independent reviewing officer for the next care-plan review. Added, never changed.",
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The independent reviewing officer role."""
    register(ROLE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The IRO's review note."""
    register(SECTION)
