"""The carer role plugin: the role, and the carer's contribution (home-learning support and views).

Schedule 1 para 2 of the Care Planning Regulations asks the PEP to record the carer's role in
supporting the child's learning; this section is where the carer writes it (QA criterion Q9).
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Capability, RoleDefinition, SampleContext, ScopeKind, SectionSpec

PEP_TUI_API_VERSION = "1.0"

HOME_LEARNING_SECTION = "carer.home_learning"

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

_REQUIRED = {"required": True}


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
