"""The social worker role plugin: the role, and the "about me and care context" section.

The social worker initiates the PEP with the care plan and completes the personal and care context
before the meeting. Facts already on the child's record (legal status, placement, date entered care,
care-plan review dates) are not copied into the PEP: :func:`care_facts` gives them to the screen, and
the section holds what the PEP needs on top of them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from pep_tui.domain import Child
from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Capability,
    Finding,
    RoleDefinition,
    SampleCohort,
    SampleContext,
    SampleContributor,
    ScopeKind,
    SectionSpec,
    Severity,
    ValidationContext,
    ValidatorSpec,
    field_hints,
)

PEP_TUI_API_VERSION = "1.2"  # SectionSpec.purpose / carry_forward, field_hints

CARE_CONTEXT_SECTION = "social_worker.care_context"

ROLE = RoleDefinition(
    id="social_worker",
    title="Social worker",
    scope=ScopeKind.CASELOAD,
    capabilities=frozenset({
        Capability.VIEW_CHILD,
        Capability.EDIT_CHILD,
        Capability.CREATE_CHILD,
        Capability.START_PEP,
        Capability.EDIT_PEP,
        Capability.FINALISE_PEP,
        Capability.VIEW_AUDIT,
        Capability.GRANT_FAMILY_ACCESS,
    }),
    description="Initiates the PEP with the care plan, completes the personal and care context, makes sure reviews happen; sees their caseload.",
    limited_view=False,
    read_only=False,
    order=0,
)

_REQUIRED = field_hints(required=True)


class CareContext(BaseModel):
    """About me and my care context, as the PEP needs it (the record holds the legal facts)."""

    model_config = ConfigDict(extra="forbid")

    about_me: str = Field("", max_length=4000, description="About the child: personality, strengths, what matters to them",
                          json_schema_extra=_REQUIRED)
    lives_with: str = Field("", max_length=500, description="Who the child lives with (e.g. foster carers and two other children)",
                            json_schema_extra=_REQUIRED)
    care_context: str = Field("", max_length=4000, description="Care history and current plan, as far as it affects learning",
                              json_schema_extra=_REQUIRED)
    placement_stability: str = Field("", max_length=2000, description="Is the placement stable? Any planned move and how disruption to school is kept low")
    health_needs: str = Field("", max_length=2000, description="Health and mental-health needs relevant to learning (or 'none known')",
                              json_schema_extra=_REQUIRED)
    contact_arrangements: str = Field("", max_length=2000, description="Family time that affects the school day, if any")
    next_care_plan_review: date | None = Field(None, description="Date of the next care-plan review (reg 33)")


def care_facts(child: Child) -> dict[str, Any]:
    """The facts on the child's record a care-context screen shows beside the section (read-only there)."""
    return {
        "legal_status": child.legal_status.value if child.legal_status else None,
        "placement": child.placement,
        "date_entered_care": child.date_entered_care,
        "care_plan_reviews": list(child.care_plan_reviews),
        "placement_moves": list(child.placement_moves),
        "school": child.school_name,
        "sen_status": child.sen_status.value,
    }


_STRENGTHS = ["kind and funny", "curious about how things work", "loves drawing and building things",
              "a loyal friend", "determined once settled", "musical and chatty"]
_LIVES_WITH = ["two foster carers and their dog", "a foster carer and one other child in care",
               "their grandmother (kinship care)", "a small staffed children's home with two other young people"]
_HEALTH = ["None known.", "Asthma: inhaler kept in school.", "Seeing CAMHS monthly for anxiety; may need a quiet space.",
           "Glasses for reading; eye test due this year."]


def _sample(ctx: SampleContext) -> CareContext:
    rng = ctx.rng
    name = ctx.child.preferred_name or ctx.child.first_name
    new = bool(ctx.story.get("new_to_care"))
    moving = bool(ctx.story.get("ks4_placement_move"))
    stability = ("Planned placement move next month; the nominated officer has been asked to approve it (reg 10)."
                 if moving else "Settled placement; no move planned.")
    reviews = [d for d in ctx.child.care_plan_reviews if d >= ctx.pep.term_ref.start]
    return CareContext(
        about_me=f"{name} is {rng.choice(_STRENGTHS)}. (Fictional training record.)",
        lives_with=rng.choice(_LIVES_WITH),
        care_context=("Came into care recently; the care plan is being settled." if new
                      else "In care for some time; the care plan aims for stability through to adulthood."),
        placement_stability=stability,
        health_needs=rng.choice(_HEALTH),
        contact_arrangements=rng.choice(["", "Family time after school on Wednesdays (leaves at 14:30).",
                                         "Weekend family time only."]),
        next_care_plan_review=reviews[0] if reviews else ctx.pep.term_ref.start + timedelta(days=rng.randrange(20, 80)),
    )


def _check(ctx: ValidationContext):
    data = ctx.sections.get(CARE_CONTEXT_SECTION)
    if not isinstance(data, CareContext):
        return  # an empty section is reported by the core completeness check
    if ctx.child.placement_moves and any(d >= ctx.today for d in ctx.child.placement_moves) and ctx.pep.year_group in (10, 11) \
            and not data.placement_stability.strip():
        yield Finding(Severity.WARNING, "A placement move is planned during Key Stage 4: say how school will be protected (reg 10)",
                      CARE_CONTEXT_SECTION, "placement_stability", criterion="Q8")


SECTION = SectionSpec(
    id=CARE_CONTEXT_SECTION,
    carry_forward=True,
    title="About me and care context",
    model=CareContext,
    editors=frozenset({"social_worker"}),
    # Every full-view role (school, carer, Virtual School, IRO); not the child's or family's limited views,
    # because care history and contact arrangements are the social worker's to share.
    viewers=None,
    order=5,
    sample=_sample,
    help="The social worker completes this before the meeting. Legal status, placement and dates come from "
         "the child's record; write here what school needs to know to support learning.",
)


def add_care_plan_reviews(cohort: SampleCohort) -> None:
    """Give each sample child a plausible reg 33 review history and their next review booked.

    Reviews held: the first about four weeks after entering care, the second three months later, then
    every six months; the next one is booked a few weeks ahead (``cohort.rng`` only).
    """
    from pep_tui.services.due_dates import add_months

    today = cohort.today
    for n, child in enumerate(cohort.children):
        if child.date_entered_care is None:
            continue
        reviews = [child.date_entered_care + timedelta(days=cohort.rng.randrange(18, 27))]
        step = 3
        while True:
            following = add_months(reviews[-1], step) - timedelta(days=cohort.rng.randrange(0, 14))
            if following > today:
                break
            reviews.append(following)
            step = 6
        booked = today + timedelta(days=cohort.rng.randrange(15, 90))
        limit = add_months(reviews[-1], step)
        reviews.append(min(booked, limit) if limit > today else booked)
        cohort.children[n] = child.model_copy(update={"care_plan_reviews": reviews})


@hookimpl
def register_roles(register: Callable[[RoleDefinition], None]) -> None:
    """The social worker role."""
    register(ROLE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """About me and care context."""
    register(SECTION)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """Care context checks."""
    register(ValidatorSpec(id="social_worker.care_context", check=_check,
                           description="Care context completed; KS4 placement moves explained"))


@hookimpl
def register_sample_data(register: Callable[[SampleContributor], None]) -> None:
    """Care-plan review histories for the sample cohort."""
    register(add_care_plan_reviews)
