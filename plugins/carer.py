"""The carer role plugin: the role, and the carer's contribution (home-learning support and views).

Schedule 1 para 2 of the Care Planning Regulations asks the PEP to record the carer's role in
supporting the child's learning; this section is where the carer writes it (QA criterion Q9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Capability,
    Finding,
    RoleDefinition,
    SampleContext,
    ScopeKind,
    SectionSpec,
    Severity,
    ValidationContext,
    ValidatorSpec,
    field_hints,
)

PEP_TUI_API_VERSION = "1.2"  # SectionSpec.purpose / carry_forward, field_hints

HOME_LEARNING_SECTION = "carer.home_learning"
#: The family's views (parent plugin): when they are written, the home's contribution is there (Q9).
FAMILY_VIEWS_SECTION = "parent.views"

ROLE = RoleDefinition(
    id="carer",
    title="Carer",
    scope=ScopeKind.PLACEMENT,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_PEP,
        Capability.ACKNOWLEDGE_PEP,
    }),
    description="Contributes home-learning support and views; sees the children placed with them.",
    limited_view=False,
    read_only=False,
    order=3,
)

_REQUIRED = field_hints(required=True)


class HomeLearning(BaseModel):
    """How learning is supported at home, and the carer's views."""

    model_config = ConfigDict(extra="forbid")

    home_learning_support: str = Field("", max_length=2000, description="How I support learning at home (homework, reading, routines)",
                                       json_schema_extra=_REQUIRED)
    reading_at_home: str = Field("", max_length=1000, description="Reading at home: how often, what, with whom")
    activities: str = Field("", max_length=1000, description="Clubs, hobbies and activities outside school")
    carer_views: str = Field("", max_length=2000, description="My views on how school is going",
                             json_schema_extra=_REQUIRED)
    support_needed: str = Field("", max_length=1000, description="Support I need from school or the Virtual School")
    carer_attended_training: bool = Field(False, description="I have attended Virtual School training for carers this year")


_SUPPORT = ["Homework at the kitchen table after tea, 20 minutes", "Reading together every night",
            "A quiet desk in their room and a set bedtime", "Times tables practice in the car"]
_ACTIVITIES = ["Swimming on Saturdays", "Scouts", "Football club", "Drama group", "Library visits"]
_VIEWS = ["Much happier at school this term.", "Still anxious on Monday mornings.",
          "Enjoying the new teacher; homework is a battle.", "Settled well; wants more challenge in maths."]
_NEEDS = ["", "Ideas for supporting phonics at home.", "A copy of the homework timetable.", "Help with the laptop for homework."]


def _sample(ctx: SampleContext) -> HomeLearning:
    rng = ctx.rng
    return HomeLearning(
        home_learning_support=rng.choice(_SUPPORT),
        reading_at_home=rng.choice(["Every night, 10 minutes", "Three times a week", "Audiobooks at bedtime"]),
        activities=rng.choice(_ACTIVITIES),
        carer_views=rng.choice(_VIEWS),
        support_needed=rng.choice(_NEEDS),
        carer_attended_training=rng.random() < 0.5,
    )


SECTION = SectionSpec(
    id=HOME_LEARNING_SECTION,
    title="Home learning (carer)",
    model=HomeLearning,
    editors=frozenset({"carer"}),
    # Every full-view role; not the child's or family's limited views (a carer's frank view of how things
    # are going is for the professionals around the child).
    viewers=None,
    order=60,
    sample=_sample,
    help="The carer's part of the PEP: how learning is supported at home and how they think school is going.",
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The carer role."""
    register(ROLE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """Home learning (carer)."""
    register(SECTION)


def contributed(data: dict[str, Any]) -> bool:
    """Whether a contribution section's stored data has anything written or ticked in it."""
    return any(v not in (None, "", [], {}, False) for v in data.values())


def check_contribution(ctx: ValidationContext) -> Iterator[Finding]:
    """Q9: the carer's (or, where involved, the family's) contribution is in the PEP.

    One finding when the home-learning section applies and neither it nor the family's views hold
    anything; the parent plugin's check stays silent whenever this section applies, so it is said once.
    """
    if HOME_LEARNING_SECTION not in ctx.sections:
        return  # does not apply to this PEP (or the section is hidden from it)
    if contributed(ctx.pep.section(HOME_LEARNING_SECTION)) or contributed(ctx.pep.section(FAMILY_VIEWS_SECTION)):
        return
    yield Finding(Severity.WARNING, "The carer's contribution (home learning and views) is missing",
                  HOME_LEARNING_SECTION, criterion="Q9", validator_id="carer.contribution")


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The carer's contribution (Q9)."""
    register(ValidatorSpec(id="carer.contribution", check=check_contribution, criterion="Q9",
                           description="The carer's (or family's) contribution to learning at home is recorded"))
