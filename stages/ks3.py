"""The Key Stage 3 stage plugin: Years 7 to 9.

Sections: progress in each subject against expectations; the Year 9 options; the careers conversation,
expected from Year 8 (careers guidance starts before Year 9).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

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
from pep_tui_stages.fields import flag, items, long_text, optional, text
from pep_tui_stages.ownership import EDUCATION
from pep_tui_stages.sample_content import first_name, meeting_day, person, pick, pick_some
from pep_tui_stages.scales import BEHIND, Progress
from pep_tui_stages.shared_checks import parsed
from pep_tui_stages.shared_models import Section

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="ks3",
    title="Key Stage 3",
    year_groups=(7, 8, 9),
    order=3,
    description="Years 7-9: subject progress, Year 9 options, careers conversation from Year 8 (before Year 9).",
    lead_role="designated_teacher",
)
STAGES = frozenset({STAGE.id})
CAREERS_SECTION = "ks3.careers"


class SubjectProgress(Section):
    """Progress in one subject."""

    subject: str = text("Subject, e.g. English", required=True)
    progress: Progress | None = optional("Progress against expectations from the child's starting point", required=True)
    working_at: str = text("Current working-at grade or band, as the school reports it")
    comment: str = text("Strengths or gaps in a sentence")


class KS3Progress(Section):
    """Progress in each subject against expectations, and catch-up where behind."""

    assessed_on: date | None = optional("Date of the school's latest assessment")
    subjects: list[SubjectProgress] = items("One row per subject (at least English, maths and science)", required=True)
    catch_up: str = long_text("Catch-up or tutoring where the child is behind (what, who, how often)")


class OptionChoice(Section):
    """One option subject chosen for Key Stage 4."""

    subject: str = text("Subject, e.g. Geography", required=True)
    reserve: bool = flag("A reserve choice rather than a first choice?")


class Year9Options(Section):
    """The Key Stage 4 options chosen in Year 9, and the guidance the child had."""

    options_evening: date | None = optional("Date of the options evening (and who went with the child)")
    choices: list[OptionChoice] = items("The subjects chosen (usually in the spring term)")
    guidance: str = long_text("Guidance given or planned: who helps the child choose, and how the choices fit "
                              "their aims", required=True)
    confirmed: bool = flag("Has the school confirmed the options?")


class CareersConversation(Section):
    """The careers conversation: aspirations and next steps (expected from Year 8, before Year 9)."""

    conversation_held: bool = flag("Has a careers conversation taken place?")
    held_on: date | None = optional("Date of the latest careers conversation")
    held_with: str = text("Who it was with (careers lead, tutor, adviser)")
    aspirations: str = long_text("What the child hopes to do and be, in their words", required=True)
    next_steps: str = long_text("Next steps: encounters with employers, visits, taster days")


def _year_9(ctx: SectionContext) -> bool:
    return ctx.pep.year_group == 9


_SUBJECTS = ("English", "Maths", "Science", "History", "Geography", "French", "Art", "Computing", "PE")


def sample_progress(ctx: SampleContext) -> KS3Progress:
    """English, maths, science and a few others; catch-up where behind."""
    rng = ctx.rng
    chosen = list(_SUBJECTS[:3]) + pick_some(rng, _SUBJECTS[3:], 2, 3)
    rows = []
    for subject in chosen:
        progress = pick(rng, (Progress.ON_TRACK, Progress.ON_TRACK, Progress.BELOW, Progress.ABOVE))
        rows.append(SubjectProgress(subject=subject, progress=progress, working_at=pick(rng, ("Developing", "Secure",
                                    "Mastering")), comment="Good effort in lessons." if progress is not Progress.BELOW
                                    else "Gaps from missed schooling; improving."))
    behind = [r.subject for r in rows if r.progress in BEHIND]
    return KS3Progress(
        assessed_on=meeting_day(ctx) - timedelta(days=rng.randint(5, 25)), subjects=rows,
        catch_up=f"{', '.join(behind)}: one-to-one tutoring funded by PP+, weekly." if behind else "",
    )


def sample_options(ctx: SampleContext) -> Year9Options:
    """Options chosen in the spring with the carer's help."""
    rng = ctx.rng
    if ctx.pep.term is Term.AUTUMN:
        return Year9Options(guidance="Options evening in February; a talk with the form tutor and the carer is "
                                     "planned for January.")
    picks = pick_some(rng, ("Geography", "History", "Art", "Computer Science", "Drama", "Spanish", "Food", "Music"), 3, 4)
    return Year9Options(
        options_evening=date(ctx.pep.academic_year + 1, 2, 5),
        choices=[OptionChoice(subject=s, reserve=i == len(picks) - 1) for i, s in enumerate(picks)],
        guidance=f"{first_name(ctx)} went to options evening with the carer and talked the choices through with "
                 "the careers lead.",
        confirmed=ctx.pep.term is Term.SUMMER,
    )


def sample_careers(ctx: SampleContext) -> CareersConversation:
    """In Year 9 a conversation has always happened; earlier, sometimes."""
    rng = ctx.rng
    held = ctx.pep.year_group == 9 or rng.random() < 0.5
    return CareersConversation(
        conversation_held=held,
        held_on=meeting_day(ctx) - timedelta(days=rng.randint(5, 40)) if held else None,
        held_with=person(rng, "careers lead") if held else "",
        aspirations=pick(rng, ("Wants to be a vet or work with animals.", "Interested in game design.",
                               "Would like to be a paramedic.", "Not sure yet; enjoys cooking and fixing bikes.")),
        next_steps="Employer encounter at the careers fair; taster day at the college in the summer term.",
    )


def check_progress(ctx: ValidationContext) -> Iterator[Finding]:
    """Q3: subject progress recorded, with catch-up where behind."""
    section = parsed(ctx, "ks3.progress", KS3Progress)
    if section is None:
        return
    if not section.subjects:
        yield Finding(Severity.WARNING, "Record progress in at least English, maths and science", "ks3.progress",
                      "subjects", "Q3")
    behind = [r.subject for r in section.subjects if r.progress in BEHIND]
    if behind and not section.catch_up.strip():
        yield Finding(Severity.WARNING, f"Behind in {', '.join(behind)}: record the catch-up support", "ks3.progress",
                      "catch_up", "Q3")


def check_careers(ctx: ValidationContext) -> Iterator[Finding]:
    """Q11: careers guidance starts before Year 9 (statutory guidance; DOMAIN.md), so from Year 8 a
    careers conversation is expected; in Year 9 one not yet held is late."""
    if ctx.pep.year_group < 8:
        return
    section = parsed(ctx, CAREERS_SECTION, CareersConversation)
    if section is not None and section.conversation_held:
        return
    if ctx.pep.year_group == 8:
        yield Finding(Severity.WARNING, "Year 8: no careers conversation recorded; careers guidance should start "
                      "before Year 9", CAREERS_SECTION, "conversation_held", "Q11")
        return
    yield Finding(Severity.WARNING, "Year 9: no careers conversation recorded; it should have started before "
                  "Year 9 - hold it this term", CAREERS_SECTION, "conversation_held", "Q11")


def check_options(ctx: ValidationContext) -> Iterator[Finding]:
    """Q11: Year 9 options recorded from the spring term."""
    if ctx.pep.year_group != 9 or ctx.pep.term is Term.AUTUMN:
        return
    section = parsed(ctx, "ks3.options", Year9Options)
    if section is None or not section.choices:
        yield Finding(Severity.WARNING, "Year 9: record the options chosen", "ks3.options", "choices", "Q11")


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(id="ks3.progress", title="Subject progress", model=KS3Progress, stages=STAGES, editors=EDUCATION,
                order=50, sample=sample_progress,
                help="Progress in each subject against expectations from the child's starting point."),
    SectionSpec(id="ks3.options", title="Year 9 options", model=Year9Options, stages=STAGES, applies=_year_9,
                editors=EDUCATION, order=56, sample=sample_options,
                help="Year 9: the Key Stage 4 subjects chosen and the guidance behind the choices."),
    SectionSpec(id=CAREERS_SECTION, title="Careers conversation", model=CareersConversation, stages=STAGES,
                editors=EDUCATION, order=60, sample=sample_careers,
                help="Aspirations and next steps; the conversation is expected from Year 8, before Year 9."),
)

VALIDATORS: tuple[ValidatorSpec, ...] = (
    ValidatorSpec(id="ks3.progress_recorded", check=check_progress, stages=STAGES, criterion="Q3",
                  description="Subject progress with catch-up where behind"),
    ValidatorSpec(id="ks3.careers_by_year_9", check=check_careers, stages=STAGES, criterion="Q11",
                  description="A careers conversation from Year 8 (before Year 9)"),
    ValidatorSpec(id="ks3.options_recorded", check=check_options, stages=STAGES, criterion="Q11",
                  description="Year 9 options recorded from the spring term"),
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Key Stage 3 stage."""
    register(STAGE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The Key Stage 3 sections."""
    for spec in SECTIONS:
        register(spec)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The Key Stage 3 checks."""
    for spec in VALIDATORS:
        register(spec)
