"""The parent or family role plugin: the role, and the family's views.

Family involvement is the social worker's decision: the section applies only to children whose record
lists at least one family login in ``family_access`` (granted with ``Capability.GRANT_FAMILY_ACCESS``),
and the parent role reaches only those children (``ScopeKind.FAMILY``).
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Capability,
    RoleDefinition,
    SampleContext,
    ScopeKind,
    SectionContext,
    SectionSpec,
)

PEP_TUI_API_VERSION = "1.0"

FAMILY_VIEWS_SECTION = "parent.views"

ROLE = RoleDefinition(
    id="parent",
    title="Parent or family",
    scope=ScopeKind.FAMILY,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_PEP,
    }),
    description="Contributes where the social worker has enabled involvement; sees only what is shared with family.",
    limited_view=True,
    read_only=False,
    order=5,
)


class FamilyViews(BaseModel):
    """What the family would like school to know."""

    model_config = ConfigDict(extra="forbid")

    views: str = Field("", max_length=2000, description="Our views on how school is going",
                       json_schema_extra={"required": True})
    hopes: str = Field("", max_length=2000, description="Our hopes for their education")
    how_we_help: str = Field("", max_length=1000, description="How we can help (e.g. at family time)")


def family_involved(ctx: SectionContext) -> bool:
    """The section applies when the social worker has enabled family involvement for this child."""
    return bool(ctx.child.family_access)


def _sample(ctx: SampleContext) -> FamilyViews:
    rng = ctx.rng
    return FamilyViews(
        views=rng.choice(["Glad they are going to school every day.", "Worried about friendships this term."]),
        hopes=rng.choice(["To do well in their exams.", "To be happy and keep going to school."]),
        how_we_help=rng.choice(["We read together at family time.", "We ask about school when we see them."]),
    )


SECTION = SectionSpec(
    id=FAMILY_VIEWS_SECTION,
    title="Family views",
    model=FamilyViews,
    applies=family_involved,
    editors=frozenset({"parent"}),
    # The family, and the professionals who plan with them; not the carer, since relations between the
    # birth family and the placement can be sensitive, and not the child's own view.
    viewers=frozenset({"parent", "social_worker", "designated_teacher", "virtual_school", "iro"}),
    order=65,
    required=False,
    sample=_sample,
    help="Only where the social worker has enabled family involvement.",
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The parent or family role."""
    register(ROLE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """Family views."""
    register(SECTION)
