"""The Early Years stage plugin: from the council's early-years start age to the end of Reception.

Sections: early years provision (setting type, funded hours, key person); progress in the seven EYFS
areas; the 2-year progress check (nursery years); Early Years Pupil Premium (nursery years); the 17
Early Learning Goals at the end of Reception (summer term); transition to Reception (the year before).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from pep_tui.domain import Term, age_on
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
from pep_tui_stages.early_years_models import (
    ELGS,
    EYFS_AREAS,
    CheckOutcome,
    EarlyLearningGoals,
    EarlyYearsProvision,
    EarlyYearsPupilPremium,
    EarlyYearsSettingType,
    EYFSProgress,
    FundedEntitlement,
    ProgressCheck,
    TransitionToReception,
)
from pep_tui_stages.ownership import EDUCATION
from pep_tui_stages.sample_content import first_name, meeting_day, person, pick
from pep_tui_stages.scales import Progress
from pep_tui_stages.shared_checks import parsed

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="early_years",
    title="Early Years",
    year_groups=(-3, -2, -1, 0),  # -3: turns 2 during the year (PEPs from the 2nd birthday by default)
    order=0,
    description="From the council's early-years start age to the end of Reception: EYFS areas, the 2-year progress check, funded hours, Early Years Pupil Premium, transition to Reception. The lead may be a key person rather than a designated teacher.",
    lead_role="key_person",
)
STAGES = frozenset({STAGE.id})
RECEPTION = 0

def _nursery_years(ctx: SectionContext) -> bool:
    return ctx.pep.year_group < RECEPTION


def _end_of_reception(ctx: SectionContext) -> bool:
    return ctx.pep.year_group == RECEPTION and ctx.pep.term is Term.SUMMER


def _year_before_reception(ctx: SectionContext) -> bool:
    return ctx.pep.year_group == RECEPTION - 1


# --- sample content ------------------------------------------------------------------------------------------


def sample_provision(ctx: SampleContext) -> EarlyYearsProvision:
    """A nursery place with funded hours that match the child's age."""
    rng = ctx.rng
    if ctx.pep.year_group == RECEPTION:
        return EarlyYearsProvision(setting_type=EarlyYearsSettingType.RECEPTION, funded_entitlement=FundedEntitlement.NONE,
                                   funded_hours_per_week=0, days_attended="Full time", key_person=person(rng, "class teacher"))
    two = ctx.pep.year_group == -2 and age_on(ctx.child.date_of_birth, meeting_day(ctx)) < 3
    entitlement = FundedEntitlement.TWO_YEAR_OLD if two else pick(rng, (FundedEntitlement.UNIVERSAL, FundedEntitlement.EXTENDED))
    hours = 30.0 if entitlement is FundedEntitlement.EXTENDED else 15.0
    return EarlyYearsProvision(
        setting_type=pick(rng, (EarlyYearsSettingType.DAY_NURSERY, EarlyYearsSettingType.NURSERY_CLASS,
                                EarlyYearsSettingType.PRE_SCHOOL, EarlyYearsSettingType.CHILDMINDER)),
        provider_urn=ctx.child.school_urn, funded_entitlement=entitlement, funded_hours_per_week=hours,
        days_attended="Monday to Friday mornings" if hours == 15 else "Monday to Friday, 9am-3pm",
        key_person=person(rng, "key person"),
    )


_NEXT_STEPS = {
    "communication_and_language": "Model new words during play; share a word of the week with the carer.",
    "physical_development": "Daily outdoor climbing and mark-making with chunky crayons.",
    "personal_social_emotional": "Turn-taking games with one friend, supported by the key person.",
    "literacy": "Share a picture book each day; point out print in the environment.",
    "mathematics": "Count during routines; spot shapes on walks.",
    "understanding_the_world": "Talk about the seasons and visit the local park.",
    "expressive_arts_and_design": "Free painting and music-making each week.",
}


def sample_progress(ctx: SampleContext) -> EYFSProgress:
    """Mostly on track, one or two areas behind with next steps."""
    rng = ctx.rng
    values: dict[str, object] = {"assessed_on": meeting_day(ctx) - timedelta(days=rng.randint(3, 14))}
    for key in EYFS_AREAS:
        values[key] = pick(rng, (Progress.ON_TRACK, Progress.ON_TRACK, Progress.ON_TRACK, Progress.BELOW, Progress.ABOVE))
        values[f"{key}_next_steps"] = _NEXT_STEPS[key]
    return EYFSProgress.model_validate(values)


def sample_progress_check(ctx: SampleContext) -> ProgressCheck:
    """A check done soon after the child turned two."""
    rng = ctx.rng
    dob = ctx.child.date_of_birth
    done = date(dob.year + 2, dob.month, 28 if dob.month == 2 else min(dob.day, 28)) + timedelta(days=rng.randint(20, 150))
    if done > meeting_day(ctx):
        return ProgressCheck(completed=False, concerns_and_actions="Due before the child is 2½; the health visitor "
                             "and key person will do it together.")
    outcome = pick(rng, (CheckOutcome.ON_TRACK, CheckOutcome.ON_TRACK, CheckOutcome.SOME_CONCERNS))
    return ProgressCheck(completed=True, completed_on=done, integrated_with_health_review=rng.random() < 0.7,
                         outcome=outcome,
                         concerns_and_actions="" if outcome is CheckOutcome.ON_TRACK else
                         "Fewer words than expected: referred to the speech and language therapy drop-in.")


def sample_elg(ctx: SampleContext) -> EarlyLearningGoals:
    """Most goals expected, a few emerging."""
    rng = ctx.rng
    return EarlyLearningGoals.model_validate({k: "emerging" if rng.random() < 0.25 else "expected" for k in ELGS})


def sample_eypp(ctx: SampleContext) -> EarlyYearsPupilPremium:
    """Claimed and spent on language and play."""
    rng = ctx.rng
    return EarlyYearsPupilPremium(
        eligible=True, claimed_by_setting=True, amount_pence=rng.choice((19_400, 38_800)),
        planned_use=pick(rng, ("Small-group language sessions (Talk Boost style) and a book bag for home.",
                               "Extra key-person time for settling and sensory play resources.")),
        impact="Reviewed at the next PEP against the communication target.",
    )


def sample_transition(ctx: SampleContext) -> TransitionToReception:
    """A Reception place at a fictional primary school."""
    rng = ctx.rng
    term = ctx.pep.term
    start = date(ctx.pep.academic_year + 1, 9, 3)
    return TransitionToReception(
        reception_school=pick(rng, ("Harbourside Primary (fictional)", "Moorland Primary (fictional)")),
        application_made=term is not Term.AUTUMN, place_confirmed=term is Term.SUMMER,
        start_date=start if term is Term.SUMMER else None,
        visits_planned=f"Two stay-and-play visits with the carer in June; the Reception teacher visits {first_name(ctx)} "
                       "at nursery in July.",
        information_shared=term is Term.SUMMER,
        handover="Settles best with a familiar adult at drop-off; loves the construction area.",
    )


# --- checks ---------------------------------------------------------------------------------------------------


def check_progress(ctx: ValidationContext) -> Iterator[Finding]:
    """Q3: a judgement in every EYFS area, with next steps where the child is behind."""
    section = parsed(ctx, "early_years.progress", EYFSProgress)
    if section is None:
        return
    for key, label in EYFS_AREAS.items():
        value = getattr(section, key)
        if value is None:
            yield Finding(Severity.WARNING, f"No judgement for {label}", "early_years.progress", key, "Q3")
        elif value in (Progress.BELOW, Progress.WELL_BELOW) and not getattr(section, f"{key}_next_steps").strip():
            yield Finding(Severity.WARNING, f"{label} is behind: record the next steps", "early_years.progress",
                          f"{key}_next_steps", "Q3")


def check_elg(ctx: ValidationContext) -> Iterator[Finding]:
    """Q3: all 17 Early Learning Goals judged at the end of Reception."""
    section = parsed(ctx, "early_years.elg", EarlyLearningGoals)
    if section is None:
        return
    missing = [ELGS[k][1] for k in ELGS if getattr(section, k) is None]
    if missing:
        yield Finding(Severity.WARNING, f"{len(missing)} Early Learning Goal(s) not judged: {', '.join(missing)}",
                      "early_years.elg", next(k for k in ELGS if getattr(section, k) is None), "Q3")


def check_progress_check(ctx: ValidationContext) -> Iterator[Finding]:
    """Q3: the 2-year progress check should be done by the time the child is 3."""
    if "early_years.progress_check" not in ctx.sections:
        return
    section = parsed(ctx, "early_years.progress_check", ProgressCheck)
    if section is not None and section.completed and (section.completed_on is None or section.outcome is None):
        missing = "completed_on" if section.completed_on is None else "outcome"
        yield Finding(Severity.ERROR, "The 2-year progress check is marked done: give its date and outcome",
                      "early_years.progress_check", missing, "Q3")
    if age_on(ctx.child.date_of_birth, ctx.today) >= 3 and (section is None or not section.completed):
        yield Finding(Severity.WARNING, "The 2-year progress check is not recorded as done and the child is 3 or "
                      "older: record it or why it was missed", "early_years.progress_check", "completed", "Q3")


def check_transition(ctx: ValidationContext) -> Iterator[Finding]:
    """Q8: the year before Reception needs a school application and, by summer, a transition plan."""
    if ctx.pep.year_group != RECEPTION - 1:
        return
    section = parsed(ctx, "early_years.transition", TransitionToReception)
    if ctx.pep.term is Term.SUMMER and (section is None or not section.reception_school.strip()):
        yield Finding(Severity.WARNING, "Summer term before Reception: record the transition plan to Reception",
                      "early_years.transition", "reception_school", "Q8")
    elif ctx.pep.term is not Term.AUTUMN and (section is None or not section.application_made):
        yield Finding(Severity.WARNING, "The Reception application (closing 15 January) is not recorded as made",
                      "early_years.transition", "application_made", "Q8")


def check_eypp(ctx: ValidationContext) -> Iterator[Finding]:
    """Q7: Early Years Pupil Premium claimed when the child is eligible, and its use recorded."""
    section = parsed(ctx, "early_years.eypp", EarlyYearsPupilPremium)
    if section is not None and section.eligible and not section.claimed_by_setting:
        yield Finding(Severity.WARNING, "The child is eligible for Early Years Pupil Premium but the setting has not "
                      "claimed it", "early_years.eypp", "claimed_by_setting", "Q7")


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(id="early_years.provision", title="Early years provision", model=EarlyYearsProvision, stages=STAGES,
                editors=EDUCATION, order=50, sample=sample_provision,
                help="The setting, the funded early education the child gets and their key person."),
    SectionSpec(id="early_years.progress", title="Progress in the EYFS areas", model=EYFSProgress, stages=STAGES,
                editors=EDUCATION, order=52, sample=sample_progress,
                help="A judgement in each of the seven areas of the Early Years Foundation Stage, with next steps."),
    SectionSpec(id="early_years.progress_check", title="2-year progress check", model=ProgressCheck, stages=STAGES,
                applies=_nursery_years, editors=EDUCATION, order=54, sample=sample_progress_check,
                help="The check at age 2 in the prime areas, often combined with the health visitor's review."),
    SectionSpec(id="early_years.elg", title="Early Learning Goals", model=EarlyLearningGoals, stages=STAGES,
                applies=_end_of_reception, editors=EDUCATION, order=56, sample=sample_elg,
                help="End of Reception: each of the 17 Early Learning Goals judged emerging or expected."),
    SectionSpec(id="early_years.eypp", title="Early Years Pupil Premium", model=EarlyYearsPupilPremium, stages=STAGES,
                applies=_nursery_years, editors=EDUCATION, order=58, sample=sample_eypp,
                help="Early Years Pupil Premium for 3- and 4-year-olds in funded early education: claimed, used, impact."),
    SectionSpec(id="early_years.transition", title="Transition to Reception", model=TransitionToReception,
                stages=STAGES, applies=_year_before_reception, editors=EDUCATION, order=70, sample=sample_transition,
                help="The school place, visits and handover for starting Reception."),
)

VALIDATORS: tuple[ValidatorSpec, ...] = (
    ValidatorSpec(id="early_years.progress_areas", check=check_progress, stages=STAGES, criterion="Q3",
                  description="A judgement in every EYFS area, with next steps where behind"),
    ValidatorSpec(id="early_years.elg_complete", check=check_elg, stages=STAGES, criterion="Q3",
                  description="All 17 Early Learning Goals judged at the end of Reception"),
    ValidatorSpec(id="early_years.progress_check_done", check=check_progress_check, stages=STAGES, criterion="Q3",
                  description="The 2-year progress check done by age 3"),
    ValidatorSpec(id="early_years.transition_due", check=check_transition, stages=STAGES, criterion="Q8",
                  description="A Reception application and transition plan in the year before Reception"),
    ValidatorSpec(id="early_years.eypp_claimed", check=check_eypp, stages=STAGES, criterion="Q7",
                  description="Early Years Pupil Premium claimed when eligible"),
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Early Years stage."""
    register(STAGE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The Early Years sections."""
    for spec in SECTIONS:
        register(spec)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The Early Years checks."""
    for spec in VALIDATORS:
        register(spec)
