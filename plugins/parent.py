"""The parent or family role plugin: the role, and the family's views.

Family involvement is the social worker's decision: the section applies only to children whose record
lists at least one family login in ``family_access`` (granted with ``Capability.GRANT_FAMILY_ACCESS``),
and the parent role reaches only those children (``ScopeKind.FAMILY``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from pydantic import BaseModel, ConfigDict, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Capability,
    Finding,
    RoleDefinition,
    SampleContext,
    ScopeKind,
    SectionContext,
    SectionSpec,
    Severity,
    ValidationContext,
    ValidatorSpec,
    field_hints,
)

PEP_TUI_API_VERSION = "1.2"  # SectionSpec.purpose / carry_forward, field_hints

FAMILY_VIEWS_SECTION = "parent.views"
#: The carer's contribution (carer plugin): where it applies, the carer plugin judges Q9 for both.
HOME_LEARNING_SECTION = "carer.home_learning"

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
                       json_schema_extra=field_hints(required=True))
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


def check_contribution(ctx: ValidationContext) -> Iterator[Finding]:
    """Q9 when the family contributes and no carer section applies: the family's views are written."""
    if FAMILY_VIEWS_SECTION not in ctx.sections or HOME_LEARNING_SECTION in ctx.sections:
        return
    data = ctx.pep.section(FAMILY_VIEWS_SECTION)
    if not any(v not in (None, "", [], {}, False) for v in data.values()):
        yield Finding(Severity.WARNING, "The family's contribution (their views and how they help) is missing",
                      FAMILY_VIEWS_SECTION, criterion="Q9", validator_id="parent.contribution")


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The family's contribution (Q9)."""
    register(ValidatorSpec(id="parent.contribution", check=check_contribution, criterion="Q9",
                           description="The family's views are recorded where the family is involved"))
