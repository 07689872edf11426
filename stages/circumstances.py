"""Circumstance sections: shown only when they apply to the child and the PEP.

* EHCP — the child has an education, health and care plan (child record, or the SEN section says so);
* not on roll — the child has no school place or is educated otherwise (led by the Virtual School);
* settling in after a transition — Reception, Year 7 and the first post-16 year;
* school move — the child changed school since the last PEP.

The plans *ahead* of a transition are stage sections (transition to Reception, Year 6 to Year 7,
post-16 plan), because what they must cover differs by stage.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from pep_tui.domain import SENStatus
from pep_tui.plugins.api import SampleContext, SectionContext
from pep_tui_stages.fields import URN, flag, long_text, number, optional, text
from pep_tui_stages.sample_content import first_name, person, pick
from pep_tui_stages.shared_models import Section

SEN_SECTION = "shared.sen"

#: Year groups whose PEPs include the "settling in after a transition" section.
TRANSITION_YEARS = frozenset({0, 7, 12})

HoursPerWeek = number(0, 40)


# --- EHCP ---------------------------------------------------------------------------------------------


class EHCP(Section):
    """The education, health and care plan: the PEP complements it, never repeats it."""

    issued_on: date | None = optional("Date the EHCP was issued")
    maintaining_authority: str = text("The council that maintains the plan", required=True)
    sen_caseworker: str = text("The council's SEN caseworker for the plan")
    annual_review_date: date | None = optional("Date of the next EHCP annual review", required=True)
    last_review_date: date | None = optional("Date of the last annual review")
    outcomes_and_pep_links: str = long_text("The EHCP outcomes this PEP's targets support", required=True)
    named_provision_delivered: bool = flag("Is the provision named in the plan being delivered in full?", default=True)
    provision_gaps: str = long_text("If not, what is missing and what is being done")


def has_ehcp(ctx: SectionContext) -> bool:
    """The child has an EHC plan (child record, or this PEP's SEN section records one)."""
    return ctx.child.has_ehcp or ctx.pep.section(SEN_SECTION).get("sen_status") == SENStatus.EHCP.value


def sample_ehcp(ctx: SampleContext) -> EHCP:
    """A plan issued some years ago, reviewed annually, with outcomes linked to targets."""
    rng = ctx.rng
    review = ctx.child.ehcp_review_date or ctx.pep.term_ref.end
    return EHCP(
        issued_on=review - timedelta(days=365 * rng.randint(1, 4)),
        maintaining_authority="Fictional Borough Council",
        sen_caseworker=person(rng, "SEN caseworker"),
        annual_review_date=review,
        last_review_date=review - timedelta(days=365),
        outcomes_and_pep_links=pick(rng, (
            "Outcome 2 (communicating needs to adults) is supported by the speaking target; outcome 4 "
            "(reading fluency) by the daily reading target.",
            "Outcome 1 (managing change) is supported by the transition target; outcome 3 (number) by the "
            "maths intervention target.",
        )),
        named_provision_delivered=True,
    )


# --- not on roll ------------------------------------------------------------------------------------------


class OffRollReason(StrEnum):
    """Why a child of school age has no school place."""

    AWAITING_PLACE = "awaiting_school_place"
    PERMANENTLY_EXCLUDED = "permanently_excluded"
    MOVED_OUT_OF_AREA = "moved_out_of_area"
    MEDICAL = "medical_needs"
    ELECTIVE_HOME_EDUCATION = "elective_home_education"
    OTHER = "other"


class NotOnRoll(Section):
    """Education while the child has no school place (the Virtual School leads this PEP)."""

    reason: OffRollReason | None = optional("Why the child has no school place", required=True)
    off_roll_since: date | None = optional("Date the child came off roll (or arrived without a place)")
    current_provision: str = long_text("The education the child receives now (tuition, alternative provision…)",
                                       required=True)
    provider: str = text("Who provides it")
    hours_per_week: HoursPerWeek | None = optional("Hours of education a week (0-40)")
    school_place_applied_for: str = text("School(s) applied to, or the in-year admission / fair access route")
    school_urn_sought: URN | None = optional("URN of the school a place is sought at, if known")
    applied_on: date | None = optional("Date the application or referral was made")
    actions_to_secure_place: str = long_text("What is being done to secure a school place, by whom and by when",
                                             required=True)
    lead_officer: str = text("Virtual School officer leading the PEP", required=True)


def not_on_roll(ctx: SectionContext) -> bool:
    """A child from Reception to Year 11 who is not on a school's roll."""
    return not ctx.child.on_roll and 0 <= ctx.pep.year_group <= 11


def sample_not_on_roll(ctx: SampleContext) -> NotOnRoll:
    """A child awaiting a school place after a placement move, with interim tuition."""
    rng = ctx.rng
    since = ctx.pep.term_ref.start - timedelta(days=rng.randint(5, 30))
    return NotOnRoll(
        reason=pick(rng, (OffRollReason.AWAITING_PLACE, OffRollReason.MOVED_OUT_OF_AREA)),
        off_roll_since=since,
        current_provision=f"{rng.choice((10, 12, 15))} hours a week of one-to-one tuition at the local library and "
                          f"online English and maths while a school place is found for {first_name(ctx)}.",
        provider="Brightpath Tuition (fictional)",
        hours_per_week=float(rng.choice((10, 12, 15))),
        school_place_applied_for="In-year admission to Hilltop High (fictional); fair access panel referral made",
        applied_on=since + timedelta(days=3),
        actions_to_secure_place="Virtual School adviser to attend the fair access panel this month and chase the "
                                "admission weekly; the social worker to arrange a visit to the school.",
        lead_officer=person(rng, "Virtual School"),
    )


# --- settling in after a transition ---------------------------------------------------------------------------


class TransitionKind(StrEnum):
    """Which transition the child has made."""

    INTO_RECEPTION = "into_reception"
    INTO_YEAR_7 = "into_year_7"
    INTO_POST_16 = "into_post_16"
    OTHER = "other"


class Transition(Section):
    """How the child has settled after a key transition, and what support continues (QA criterion Q8)."""

    transition: TransitionKind | None = optional("Which transition", required=True)
    from_setting: str = text("The setting the child came from")
    to_setting: str = text("The setting the child is in now")
    information_passed_on: bool = flag("Did the previous setting pass on records and the last PEP?")
    key_adult: str = text("The key adult the child goes to in the new setting")
    how_it_went: str = long_text("How the child has settled: friendships, routines, learning", required=True)
    continuing_support: str = long_text("Support that continues, and when it will be reviewed", required=True)


def in_transition_year(ctx: SectionContext) -> bool:
    """Reception, Year 7 and the first post-16 year (Year 12)."""
    return ctx.pep.year_group in TRANSITION_YEARS


_POST16_SETTLING = {
    "education": ("{school}", "{name} enjoys the course and has made friends; travel is tiring."),
    "employment": ("Apprenticeship (see the post-16 route)", "{name} is proud of the apprenticeship wage and is "
                   "learning to manage early starts."),
    "neet": ("Not in education, employment or training", "{name} left the college course in the first term and is "
             "working with the personal adviser on a new start."),
    "custody": ("Secure establishment (see the post-16 route)", "{name} attends education in the establishment; the "
                "move from school was abrupt and needs a clear plan for release."),
}


def sample_transition(ctx: SampleContext) -> Transition:
    """A transition that went reasonably well (or, post-16, as the route says), with support continuing."""
    rng = ctx.rng
    group = ctx.pep.year_group
    kind = {0: TransitionKind.INTO_RECEPTION, 7: TransitionKind.INTO_YEAR_7, 12: TransitionKind.INTO_POST_16}.get(
        group, TransitionKind.OTHER)
    before = {0: "Larkspur Nursery (fictional)", 7: "Harbourside Primary (fictional)",
              12: "Riverbend Academy (fictional)"}.get(group, "previous setting")
    name = first_name(ctx)
    school = ctx.child.school_name or "not yet on roll"
    if group >= 12:
        where, how = _POST16_SETTLING[ctx.story.get("post16_route", "education")]
        where, how = where.format(school=school), how.format(name=name)
    else:
        where = school
        how = pick(rng, (
            f"{name} found the first weeks tiring but now knows the routines and has two good friends.",
            f"{name} settled quickly; lunchtimes are still hard and a quiet space is available.",
            f"{name} was anxious about the bigger building; the buddy system and a map helped.",
        ))
    return Transition(
        transition=kind, from_setting=before, to_setting=where, information_passed_on=True, key_adult=person(rng),
        how_it_went=how,
        continuing_support="Weekly check-in with the key adult until half term, then reviewed at the next PEP.",
    )


# --- school move since the last PEP ---------------------------------------------------------------------------


class SchoolMoveReview(Section):
    """A change of school since the last PEP: why, how it was managed, and support to settle.

    A new PEP is due within 10 working days of a school move (a policy setting).
    """

    moved_on: date | None = optional("Date the child started at the new school", required=True)
    previous_school: str = text("The school the child left", required=True)
    reason: str = long_text("Why the move happened, and whether it was planned", required=True)
    planned: bool = flag("Was the move planned (rather than an emergency)?")
    records_transferred: bool = flag("Have the child's records and last PEP reached the new school?")
    learning_lost: str = long_text("School days or learning lost, and how it will be caught up")
    settling_support: str = long_text("Support to settle in the new school", required=True)


def moved_school_since_last_pep(ctx: SectionContext) -> bool:
    """The child moved school after the previous PEP's meeting (or in this PEP's term if it is the first)."""
    if ctx.previous is not None:
        since = ctx.previous.meeting_date or ctx.previous.term_ref.start
    else:
        since = ctx.pep.term_ref.start - timedelta(days=1)
    until = ctx.pep.term_ref.end
    return any(since < move.on <= until for move in ctx.child.school_moves)


def sample_school_move(ctx: SampleContext) -> SchoolMoveReview:
    """The child's latest school move, planned with a placement move."""
    rng = ctx.rng
    move = ctx.child.school_moves[-1] if ctx.child.school_moves else None
    moved_on = move.on if move else ctx.pep.term_ref.start + timedelta(days=14)
    previous = f"School with URN {move.from_urn}" if move and move.from_urn else "Moorland Primary (fictional)"
    return SchoolMoveReview(
        moved_on=moved_on,
        previous_school=previous,
        reason=f"{move.reason.capitalize() if move and move.reason else 'Placement move'}: the new home is too far "
               "from the old school for a daily journey.",
        planned=rng.random() < 0.5,
        records_transferred=True,
        learning_lost=f"{rng.randint(2, 8)} school days; catch-up reading sessions are in place.",
        settling_support="A buddy for the first fortnight, a named adult and a check-in with the designated teacher "
                         "each Friday.",
    )
