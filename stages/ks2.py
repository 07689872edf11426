"""The Key Stage 2 stage plugin: Years 3 to 6.

Sections: reading, writing and maths against age-related expectations; the multiplication tables check
(Year 4, June; a score out of 25); the KS2 tests (Year 6, May: scaled scores 80-120 in reading, maths
and grammar, punctuation and spelling; writing by teacher assessment); the Year 6 to Year 7 transition
plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from enum import StrEnum

from pep_tui.domain import Term
from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Finding,
    SampleContext,
    SectionContext,
    SectionSpec,
    Severity,
    StageDefinition,
    ValidationContext,
    ValidatorSpec,
)
from pep_tui_stages.attainment import PrimaryAttainment, catch_up_check, sample_attainment
from pep_tui_stages.fields import URN, flag, long_text, optional, text, whole_number
from pep_tui_stages.ownership import EDUCATION
from pep_tui_stages.sample_content import first_name, meeting_day, person, pick
from pep_tui_stages.shared_checks import parsed
from pep_tui_stages.shared_models import Section

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="ks2",
    title="Key Stage 2",
    year_groups=(3, 4, 5, 6),
    order=2,
    description="Years 3-6: multiplication tables check (Year 4); KS2 tests in Year 6; transition to Year 7.",
    lead_role="designated_teacher",
)
STAGES = frozenset({STAGE.id})

MTCScore = whole_number(0, 25)
ScaledScore = whole_number(80, 120)
#: A scaled score of 100 or more meets the expected standard.
EXPECTED_SCALED_SCORE = 100


class MTCStatus(StrEnum):
    """Where the child is with the multiplication tables check."""

    NOT_YET_DUE = "not_yet_due"
    TAKEN = "taken"
    NOT_TAKEN = "not_taken"  # absent, or working below the level of the check


class MultiplicationCheck(Section):
    """The multiplication tables check: 25 questions taken in June of Year 4."""

    status: MTCStatus | None = optional("Not yet due, taken or not taken", required=True)
    score: MTCScore | None = optional("Score out of 25")
    taken_on: date | None = optional("Date taken")
    not_taken_reason: str = text("If not taken: why (absent, working below the level of the check)")
    support: str = long_text("Times-tables support in place")


class WritingAssessment(StrEnum):
    """KS2 writing teacher assessment."""

    PRE_KEY_STAGE = "pre_key_stage"
    WORKING_TOWARDS = "working_towards"  # WTS
    EXPECTED = "expected"  # EXS
    GREATER_DEPTH = "greater_depth"  # GDS


class KS2Tests(Section):
    """The KS2 tests in May of Year 6 (scaled scores 80-120; 100 is the expected standard)."""

    reading_predicted: ScaledScore | None = optional("Predicted reading scaled score (80-120)", required=True)
    maths_predicted: ScaledScore | None = optional("Predicted maths scaled score (80-120)", required=True)
    gps_predicted: ScaledScore | None = optional("Predicted grammar, punctuation and spelling scaled score (80-120)",
                                                 required=True)
    reading_scaled_score: ScaledScore | None = optional("Reading scaled score, when results are out (80-120)")
    maths_scaled_score: ScaledScore | None = optional("Maths scaled score, when results are out (80-120)")
    gps_scaled_score: ScaledScore | None = optional("Grammar, punctuation and spelling scaled score (80-120)")
    writing_assessment: WritingAssessment | None = optional("Writing teacher assessment (final in June)")
    access_arrangements: str = long_text("Access arrangements for the tests (extra time, reader, rest breaks…)")
    booster_support: str = long_text("Booster support before the tests")


class TransitionToYear7(Section):
    """The plan for moving to secondary school (applications by 31 October; offers on 1 March)."""

    secondary_school: str = text("The secondary school the child will go to (or the preferences made)", required=True)
    secondary_urn: URN | None = optional("Its URN (6 digits)")
    application_made: bool = flag("Has the secondary application been made (looked-after children have priority)?")
    place_confirmed: bool = flag("Is the place confirmed?")
    secondary_designated_teacher: str = text("The secondary school's designated teacher")
    extra_visits: str = long_text("Extra transition visits and who goes with the child", required=True)
    information_shared: bool = flag("Have records and this PEP been shared with the secondary school?")
    summer_support: str = long_text("Support over the summer holiday (e.g. a summer school, a key adult's letter)")


def _year_4(ctx: SectionContext) -> bool:
    return ctx.pep.year_group == 4


def _year_6(ctx: SectionContext) -> bool:
    return ctx.pep.year_group == 6


def _after_june(ctx: SampleContext, month: int) -> bool:
    return ctx.pep.term is Term.SUMMER and meeting_day(ctx).month >= month


def sample_mtc(ctx: SampleContext) -> MultiplicationCheck:
    """Before June: not yet due; after: a score out of 25."""
    rng = ctx.rng
    if not _after_june(ctx, 6):
        return MultiplicationCheck(status=MTCStatus.NOT_YET_DUE,
                                   support="Times-tables practice online three times a week.")
    score = rng.randint(12, 25)
    return MultiplicationCheck(status=MTCStatus.TAKEN, score=score, taken_on=date(ctx.pep.academic_year + 1, 6, 10),
                               support="" if score >= 20 else "Daily 10-minute times-tables practice in a small group.")


def sample_tests(ctx: SampleContext) -> KS2Tests:
    """Predictions through the year; results from July."""
    rng = ctx.rng
    predicted = {k: rng.randint(92, 112) for k in ("reading_predicted", "maths_predicted", "gps_predicted")}
    results = {}
    if _after_june(ctx, 7):
        results = {k.replace("_predicted", "_scaled_score"): max(80, min(120, v + rng.randint(-4, 4)))
                   for k, v in predicted.items()}
    writing = pick(rng, (WritingAssessment.EXPECTED, WritingAssessment.WORKING_TOWARDS))
    return KS2Tests(**predicted, **results, writing_assessment=writing if _after_june(ctx, 6) else None,
                    access_arrangements=pick(rng, ("", "25% extra time and rest breaks (evidence of need held).")),
                    booster_support="Booster group for reading after school on Tuesdays from January.")


def sample_transition(ctx: SampleContext) -> TransitionToYear7:
    """A secondary place with enhanced transition visits."""
    rng = ctx.rng
    term = ctx.pep.term
    school, urn = pick(rng, (("Riverbend Academy (fictional)", "999105"), ("Hilltop High (fictional)", "999106")))
    return TransitionToYear7(
        secondary_school=school, secondary_urn=urn, application_made=True, place_confirmed=term is not Term.AUTUMN,
        secondary_designated_teacher=person(rng) if term is not Term.AUTUMN else "",
        extra_visits=f"Three extra visits in June and July with the teaching assistant {first_name(ctx)} knows best; "
                     "a photo book of the new school to share at home.",
        information_shared=term is Term.SUMMER,
        summer_support="Summer school in August; a welcome letter from the form tutor.",
    )


def check_mtc(ctx: ValidationContext) -> Iterator[Finding]:
    """Q3: a score when the check was taken, a reason when it was not."""
    section = parsed(ctx, "ks2.mtc", MultiplicationCheck)
    if section is None:
        return
    if section.status is MTCStatus.TAKEN and section.score is None:
        yield Finding(Severity.WARNING, "The check was taken: record the score out of 25", "ks2.mtc", "score", "Q3")
    if section.status is MTCStatus.NOT_TAKEN and not section.not_taken_reason.strip():
        yield Finding(Severity.WARNING, "Say why the check was not taken", "ks2.mtc", "not_taken_reason", "Q3")
    if section.status is not MTCStatus.TAKEN and section.score is not None:
        yield Finding(Severity.WARNING, "A score is recorded but the check is not marked as taken", "ks2.mtc",
                      "status", "Q3")


def check_tests(ctx: ValidationContext) -> Iterator[Finding]:
    """Q3: Year 6 predictions, and below-expected results with a plan."""
    section = parsed(ctx, "ks2.tests", KS2Tests)
    if section is None:
        return
    if all(v is None for v in (section.reading_predicted, section.maths_predicted, section.gps_predicted,
                                section.reading_scaled_score, section.maths_scaled_score, section.gps_scaled_score)):
        yield Finding(Severity.WARNING, "Record predicted (or actual) KS2 scaled scores", "ks2.tests",
                      "reading_predicted", "Q3")
    below = [name for name, value in (("reading", section.reading_scaled_score), ("maths", section.maths_scaled_score),
                                      ("GPS", section.gps_scaled_score))
             if value is not None and value < EXPECTED_SCALED_SCORE]
    if below:
        yield Finding(Severity.INFO, f"Below the expected standard (100) in {', '.join(below)}: pass this on to the "
                      "secondary school's catch-up plan", "ks2.tests", "reading_scaled_score", "Q3")


def check_transition(ctx: ValidationContext) -> Iterator[Finding]:
    """Q8: Year 6 needs a secondary application in the autumn and a transition plan by the summer."""
    if ctx.pep.year_group != 6:
        return
    section = parsed(ctx, "ks2.transition", TransitionToYear7)
    if ctx.pep.term is Term.SUMMER and (section is None or not section.secondary_school.strip()
                                        or not section.extra_visits.strip()):
        yield Finding(Severity.WARNING, "Year 6 summer term: record the transition plan to Year 7",
                      "ks2.transition", "extra_visits" if section and section.secondary_school.strip()
                      else "secondary_school", "Q8")
    elif (section is not None or ctx.pep.term is not Term.AUTUMN) and (section is None or not section.application_made):
        yield Finding(Severity.WARNING, "The secondary school application (closing 31 October) is not recorded as made",
                      "ks2.transition", "application_made", "Q8")


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(id="ks2.attainment", title="Reading, writing and maths", model=PrimaryAttainment, stages=STAGES,
                editors=EDUCATION, order=50, sample=sample_attainment,
                help="Reading, writing and maths against age-related expectations, strengths and catch-up support."),
    SectionSpec(id="ks2.mtc", title="Multiplication tables check", model=MultiplicationCheck, stages=STAGES,
                applies=_year_4, editors=EDUCATION, order=52, sample=sample_mtc,
                help="Year 4: the multiplication tables check taken in June, a score out of 25."),
    SectionSpec(id="ks2.tests", title="KS2 tests", model=KS2Tests, stages=STAGES, applies=_year_6,
                editors=EDUCATION, order=54, sample=sample_tests,
                help="Year 6: predicted and actual scaled scores (80-120) in reading, maths and grammar, "
                     "punctuation and spelling, and the writing teacher assessment."),
    SectionSpec(id="ks2.transition", title="Transition to Year 7", model=TransitionToYear7, stages=STAGES,
                applies=_year_6, editors=EDUCATION, order=70, sample=sample_transition,
                help="Year 6: the secondary school, extra visits, information shared and summer support."),
)

VALIDATORS: tuple[ValidatorSpec, ...] = (
    ValidatorSpec(id="ks2.catch_up", check=catch_up_check("ks2.attainment"), stages=STAGES, criterion="Q3",
                  description="Catch-up support where reading, writing or maths is behind"),
    ValidatorSpec(id="ks2.mtc_recorded", check=check_mtc, stages=STAGES, criterion="Q3",
                  description="The multiplication tables check score in the summer of Year 4"),
    ValidatorSpec(id="ks2.tests_recorded", check=check_tests, stages=STAGES, criterion="Q3",
                  description="KS2 predictions and results in Year 6"),
    ValidatorSpec(id="ks2.transition_due", check=check_transition, stages=STAGES, criterion="Q8",
                  description="A secondary application and a Year 7 transition plan in Year 6"),
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Key Stage 2 stage."""
    register(STAGE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The Key Stage 2 sections."""
    for spec in SECTIONS:
        register(spec)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The Key Stage 2 checks."""
    for spec in VALIDATORS:
        register(spec)
