"""The child or young person role plugin: the role, and "my views" in plain words.

The child's views are sought for every PEP: at the meeting, beforehand, in writing or through an
advocate; when they could not be gathered, the reason is recorded (QA criterion Q1). The prompts are
worded for the child's age (:func:`prompts_for`); the screen shows them as the field labels.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

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

MY_VIEWS_SECTION = "child.my_views"

ROLE = RoleDefinition(
    id="child",
    title="Child or young person",
    scope=ScopeKind.OWN,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_PEP,
        Capability.ACKNOWLEDGE_PEP,
    }),
    description="My views, in plain words; sees their own PEP only.",
    limited_view=True,
    read_only=False,
    order=4,
)


class HowGathered(StrEnum):
    """How the child's views were gathered for this PEP."""

    ATTENDED_MEETING = "attended_meeting"
    GATHERED_BEFOREHAND = "gathered_beforehand"
    WRITTEN = "written"
    ADVOCATE = "advocate"
    NOT_GATHERED = "not_gathered"

    @property
    def label(self) -> str:
        """Words for a person."""
        return {
            "attended_meeting": "I came to the meeting",
            "gathered_beforehand": "Someone asked me before the meeting",
            "written": "I wrote my views down",
            "advocate": "An advocate shared my views",
            "not_gathered": "My views were not gathered this time",
        }[self.value]


_VIEW_FIELDS = ("going_well", "hard", "would_like", "who_helps", "dreams")


class MyViews(BaseModel):
    """My views, in my own words."""

    model_config = ConfigDict(extra="forbid")

    going_well: str = Field("", max_length=2000, description="What's going well at school?")
    hard: str = Field("", max_length=2000, description="What's hard at school?")
    would_like: str = Field("", max_length=2000, description="What would I like to happen or change?")
    who_helps: str = Field("", max_length=1000, description="Who helps me?")
    dreams: str = Field("", max_length=2000, description="My dreams for the future")
    how_gathered: HowGathered | None = Field(None, description="How were my views gathered?",
                                             json_schema_extra=field_hints(required=True))
    why_not: str = Field("", max_length=1000, validate_default=True,
                         description="If my views were not gathered: why not, and what will happen next time")
    gathered_by: str = Field("", max_length=200, description="Who gathered or wrote down the views (name or role)")

    @field_validator("why_not")
    @classmethod
    def _reason_when_not_gathered(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("how_gathered") is HowGathered.NOT_GATHERED and not value.strip():
            raise ValueError("say why the views were not gathered this time")
        return value

    @classmethod
    def prompts(cls, year_group: int) -> dict[str, str]:
        """The prompt for each view field, worded for the child's year group (see :func:`prompts_for`)."""
        return prompts_for(year_group)

    @property
    def has_views(self) -> bool:
        """True when at least one view is written down."""
        return any(str(getattr(self, name)).strip() for name in _VIEW_FIELDS)


def prompts_for(year_group: int) -> dict[str, str]:
    """The prompt for each view field, worded for the child's year group (nursery is negative)."""
    if year_group <= 2:
        return {
            "going_well": "What do you like doing at nursery or school?",
            "hard": "What is tricky or makes you sad?",
            "would_like": "What would make school even better?",
            "who_helps": "Who helps you?",
            "dreams": "What do you want to be when you grow up?",
        }
    if year_group <= 6:
        return {
            "going_well": "What's going well at school?",
            "hard": "What's hard at school?",
            "would_like": "What would you like to be different?",
            "who_helps": "Who helps you, at school and at home?",
            "dreams": "What are your dreams for the future?",
        }
    return {
        "going_well": "What's going well for you in education right now?",
        "hard": "What's difficult, and what gets in the way?",
        "would_like": "What support would you like, and what should change?",
        "who_helps": "Who helps you, and who would you go to if things went wrong?",
        "dreams": "What are your plans and hopes: courses, work, the future?",
    }


_WELL = ["Playing with my friends", "Reading with Miss in the morning", "Football at lunch", "Art and drawing",
         "Science experiments", "My new class is nice"]
_HARD = ["Spelling tests", "When it's noisy", "Maths homework", "Getting up in the morning", "Lunchtimes sometimes"]
_LIKE = ["More time on the computer", "A quiet place to go", "Help with reading", "To join the choir", "To stay at this school"]
_HELPS = ["My carer and my teacher", "My key worker", "Mr Field the mentor", "My foster mum"]
_DREAMS = ["Be a vet", "Be a footballer", "Work with computers", "Be a nurse", "Go to college to do art", "Be a chef"]


def _sample(ctx: SampleContext) -> MyViews:
    rng = ctx.rng
    if ctx.pep.year_group < 0:
        # Very young children: views gathered through play and observation by the key person.
        return MyViews(going_well=rng.choice(["Sand and water play", "Story time", "The climbing frame"]),
                       who_helps="My key person", how_gathered=HowGathered.GATHERED_BEFOREHAND,
                       gathered_by="Key person (observation)")
    if rng.random() < 0.08:
        return MyViews(how_gathered=HowGathered.NOT_GATHERED,
                       why_not="Did not want to talk this time; the social worker will try again at the next visit.")
    how = rng.choice([HowGathered.ATTENDED_MEETING, HowGathered.GATHERED_BEFOREHAND, HowGathered.WRITTEN,
                      HowGathered.ADVOCATE])
    return MyViews(
        going_well=rng.choice(_WELL), hard=rng.choice(_HARD), would_like=rng.choice(_LIKE),
        who_helps=rng.choice(_HELPS), dreams=rng.choice(_DREAMS), how_gathered=how,
        gathered_by="" if how is HowGathered.WRITTEN else rng.choice(["Designated teacher", "Social worker", "Advocate"]),
    )


def _check(ctx: ValidationContext):
    if MY_VIEWS_SECTION not in ctx.sections:
        return  # the section does not apply to this PEP
    views = ctx.sections.get(MY_VIEWS_SECTION)
    if not isinstance(views, MyViews):
        yield Finding(Severity.WARNING, "The child's views are not recorded, nor why they could not be gathered",
                      MY_VIEWS_SECTION, criterion="Q1")
        return
    if views.how_gathered is HowGathered.NOT_GATHERED and not views.why_not.strip():
        yield Finding(Severity.WARNING, "The child's views are not recorded, nor why they could not be gathered",
                      MY_VIEWS_SECTION, "why_not", criterion="Q1")
    elif views.how_gathered is None and not views.has_views:
        yield Finding(Severity.WARNING, "The child's views are not recorded, nor why they could not be gathered",
                      MY_VIEWS_SECTION, "going_well", criterion="Q1")
    elif views.how_gathered is None:
        yield Finding(Severity.WARNING, "Say how the child's views were gathered", MY_VIEWS_SECTION, "how_gathered",
                      criterion="Q1")
    elif views.how_gathered is not HowGathered.NOT_GATHERED and not views.has_views:
        yield Finding(Severity.WARNING, "The child's views are marked as gathered but none are written down",
                      MY_VIEWS_SECTION, "going_well", criterion="Q1")


SECTION = SectionSpec(
    id=MY_VIEWS_SECTION,
    title="My views",
    model=MyViews,
    purpose="child_views",
    # The child writes their own views; the designated teacher or social worker may write them down for
    # the child (gathered beforehand or at the meeting).
    editors=frozenset({"child", "designated_teacher", "social_worker"}),
    # Every full-view role and the child (named as an editor); not the family view: a child may speak
    # about home and family here.
    viewers=None,
    order=1,
    sample=_sample,
    help="In the child's own words. If their views could not be gathered, record why not.",
)


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The child or young person role."""
    register(ROLE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """My views."""
    register(SECTION)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The child's voice (Q1)."""
    register(ValidatorSpec(id="child.my_views", check=_check, criterion="Q1",
                           description="How the views were gathered, and views written when gathered"))
