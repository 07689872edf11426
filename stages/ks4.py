"""The Key Stage 4 stage plugin: Years 10 and 11.

Sections: GCSE subjects with predicted and actual grades (9-1, U); exam access arrangements and consent
to share results; independent careers guidance; the post-16 transition plan; and, when a placement move
is planned during Key Stage 4, the nominated officer's approval (Care Planning Regulations 2010, reg 10).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from pep_tui.domain import Child, Term, TermRef, year_group
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
from pep_tui_stages.ks4_models import (
    GCSE_GRADES,
    STANDARD_PASS,
    CareersGuidance,
    ExamArrangements,
    GCSEs,
    GCSESubject,
    OfferStatus,
    PlacementMoveApproval,
    Post16Application,
    Post16Plan,
    Post16Route,
)
from pep_tui_stages.ownership import EDUCATION, EDUCATION_AND_CARE
from pep_tui_stages.sample_content import first_name, meeting_day, person, pick, pick_some
from pep_tui_stages.shared_checks import parsed

PEP_TUI_API_VERSION = "1.0"

STAGE = StageDefinition(
    id="ks4",
    title="Key Stage 4",
    year_groups=(10, 11),
    order=4,
    description="Years 10-11: GCSE predicted and actual grades, access arrangements, careers guidance, post-16 transition plan.",
    lead_role="designated_teacher",
)
STAGES = frozenset({STAGE.id})
KS4_YEARS = frozenset({10, 11})
PLACEMENT_SECTION = "ks4.placement_move"


def ks4_placement_moves(child: Child, term: TermRef) -> list[date]:
    """Placement moves planned from the start of ``term`` to the end of the next term, while in Years 10-11."""
    horizon = term.next().end
    return [d for d in sorted(child.placement_moves)
            if term.start <= d <= horizon and year_group(child.date_of_birth, d) in KS4_YEARS]


def _placement_move_planned(ctx: SectionContext) -> bool:
    return bool(ks4_placement_moves(ctx.child, ctx.pep.term_ref))


# --- sample content ---------------------------------------------------------------------------------------------

_GCSE_CORE = ("English language", "English literature", "Maths", "Combined science")
_GCSE_OPTIONS = ("Geography", "History", "Art and design", "Computer science", "Drama", "Spanish", "Food preparation",
                 "Music", "Religious studies")


def below_standard_pass(grade: str | None) -> bool:
    """A grade below 4 (the standard pass), U included."""
    return grade is not None and (grade == "U" or int(grade) < int(STANDARD_PASS))


def english_or_maths(subject: str) -> bool:
    """English language or maths: the subjects a grade 4 is needed in for post-16 study."""
    return subject.strip().lower().startswith(("english language", "english", "maths", "mathematics")) and \
        "literature" not in subject.lower()


def _grade_near(rng: random.Random, centre: int) -> str:
    value = max(1, min(9, centre + rng.randint(-1, 1)))
    return str(value)


def sample_gcses(ctx: SampleContext) -> GCSEs:
    """Core subjects and three or four options, predictions around grade 4-5."""
    rng = ctx.rng
    centre = rng.randint(3, 6)
    rows = [GCSESubject(subject=s, tier=("foundation" if centre <= 4 else "higher") if s in ("Maths", "Combined science")
                        else None, predicted_grade=_grade_near(rng, centre))
            for s in (*_GCSE_CORE, *pick_some(rng, _GCSE_OPTIONS, 3, 4))]
    weak = [r.subject for r in rows if english_or_maths(r.subject) and below_standard_pass(r.predicted_grade)]
    return GCSEs(subjects=rows, catch_up=f"{', '.join(weak)}: weekly one-to-one tutoring funded by PP+." if weak else "")


def sample_exams(ctx: SampleContext) -> ExamArrangements:
    """Access arrangements for some; consent asked in Year 11."""
    rng = ctx.rng
    assessed = ctx.child.sen_status.value != "none" or rng.random() < 0.3
    return ExamArrangements(
        access_arrangements_assessed=assessed, extra_time_percent=25 if assessed else None,
        rest_breaks=assessed, separate_room=assessed and rng.random() < 0.5,
        consent_to_share_results=True if ctx.pep.year_group == 11 else rng.random() < 0.5,
        results_day_contact="Carer, with the designated teacher on the phone" if ctx.pep.year_group == 11 else "",
    )


def sample_careers(ctx: SampleContext) -> CareersGuidance:
    """Year 11 has had the interview; Year 10 often has."""
    rng = ctx.rng
    had = ctx.pep.year_group == 11 or rng.random() < 0.6
    return CareersGuidance(
        guidance_received=had,
        guidance_on=meeting_day(ctx) - timedelta(days=rng.randint(10, 60)) if had else None,
        adviser=person(rng, "Pathways Careers, fictional") if had else "",
        aspirations=pick(rng, ("Wants to train as an electrician.", "Hopes to do A levels and study psychology.",
                               "Interested in childcare; would like an apprenticeship.",
                               "Wants to work in a professional kitchen.")),
        work_experience="A week at a fictional garage in Year 10." if rng.random() < 0.5 else "Careers fair in school.",
        next_steps="College open evening in November; apply by January.",
    )


def sample_post16_plan(ctx: SampleContext) -> Post16Plan:
    """Year 10: a route in mind; Year 11: applications and offers."""
    rng = ctx.rng
    route = pick(rng, (Post16Route.COLLEGE, Post16Route.SIXTH_FORM, Post16Route.APPRENTICESHIP))
    applications = []
    if ctx.pep.year_group == 11:
        status = {Term.AUTUMN: OfferStatus.APPLIED, Term.SPRING: OfferStatus.INTERVIEW,
                  Term.SUMMER: OfferStatus.CONDITIONAL}[ctx.pep.term]
        applications = [Post16Application(provider="Northgate College (fictional)", course=pick(rng, (
            "Level 2 Electrical Installation", "A levels: psychology, sociology, English", "Level 3 Childcare")),
            status=status)]
    return Post16Plan(
        intended_route=route, applications=applications, bursary_discussed=ctx.pep.year_group == 11,
        pep_shared_with_provider=ctx.pep.year_group == 11,
        transition_support=f"Taster day at the college; the designated teacher will introduce {first_name(ctx)} to "
                           "the college's designated person before the summer.",
    )


def sample_placement_move(ctx: SampleContext) -> PlacementMoveApproval:
    """The planned move, approved by the nominated officer, keeping the school place."""
    rng = ctx.rng
    moves = ks4_placement_moves(ctx.child, ctx.pep.term_ref)
    planned = moves[0] if moves else ctx.pep.term_ref.end
    return PlacementMoveApproval(
        planned_move_on=planned, nominated_officer=person(rng, "Director of Children's Services, nominated officer"),
        approved=True, approved_on=meeting_day(ctx) - timedelta(days=rng.randint(1, 7)),
        keeping_school_place="Taxi to the current school every day until the exams end; tutoring for missed lessons.",
    )


# --- checks ---------------------------------------------------------------------------------------------------


def check_gcses(ctx: ValidationContext) -> Iterator[Finding]:
    """Q3: GCSE subjects with predicted grades, and tutoring where English or maths is below a 4."""
    section = parsed(ctx, "ks4.gcse", GCSEs)
    if section is None:
        return
    if not section.subjects:
        yield Finding(Severity.WARNING, "Record the GCSE subjects and predicted grades", "ks4.gcse", "subjects", "Q3")
    for n, row in enumerate(section.subjects):
        if row.predicted_grade is None:
            yield Finding(Severity.WARNING, f"{row.subject}: record the predicted grade ({', '.join(GCSE_GRADES)})",
                          "ks4.gcse", f"subjects.{n}.predicted_grade", "Q3")
    weak = [r.subject for r in section.subjects if english_or_maths(r.subject) and below_standard_pass(r.predicted_grade)]
    if weak and not section.catch_up.strip():
        yield Finding(Severity.WARNING, f"Predicted below a 4 in {', '.join(weak)}: record the catch-up or tutoring",
                      "ks4.gcse", "catch_up", "Q3")


def check_careers(ctx: ValidationContext) -> Iterator[Finding]:
    """Q11: Years 10-11 record careers guidance (no careers entry after Year 9 is a warning)."""
    section = parsed(ctx, "ks4.careers", CareersGuidance)
    if section is None or (not section.guidance_received and not section.aspirations.strip()):
        yield Finding(Severity.WARNING, "No careers entry: record the young person's aspirations and careers guidance",
                      "ks4.careers", "aspirations", "Q11")
    elif not section.guidance_received and ctx.pep.year_group == 11:
        yield Finding(Severity.WARNING, "Year 11: no independent careers guidance interview recorded", "ks4.careers",
                      "guidance_received", "Q11")


def check_post16_plan(ctx: ValidationContext) -> Iterator[Finding]:
    """Q8: a post-16 plan in Year 11, with applications from the spring term."""
    if ctx.pep.year_group != 11:
        return
    section = parsed(ctx, "ks4.post16_plan", Post16Plan)
    if section is None or section.intended_route is None:
        yield Finding(Severity.WARNING, "Year 11: record the post-16 transition plan", "ks4.post16_plan",
                      "intended_route", "Q8")
    elif ctx.pep.term is not Term.AUTUMN and not section.applications:
        yield Finding(Severity.WARNING, "Year 11: no post-16 application recorded", "ks4.post16_plan", "applications", "Q8")


def check_placement_move(ctx: ValidationContext) -> Iterator[Finding]:
    """Q8: a placement move planned during Key Stage 4 needs a nominated officer's approval (reg 10)."""
    moves = ks4_placement_moves(ctx.child, ctx.pep.term_ref)
    if not moves:
        return
    section = parsed(ctx, PLACEMENT_SECTION, PlacementMoveApproval)
    if section is None or not section.approved or not section.nominated_officer.strip():
        yield Finding(Severity.WARNING, f"A placement move is planned on {moves[0]:%d %b %Y}, during Key Stage 4: it "
                      "needs the nominated officer's approval (reg 10); record it and how the school place is kept",
                      PLACEMENT_SECTION, "approved", "Q8")


def check_results_consent(ctx: ValidationContext) -> Iterator[Finding]:
    """Year 11: consent to share exam results asked before results day."""
    if ctx.pep.year_group != 11 or ctx.pep.term is Term.AUTUMN:
        return
    section = parsed(ctx, "ks4.exams", ExamArrangements)
    if section is None or section.consent_to_share_results is None:
        yield Finding(Severity.INFO, "Ask the young person whether results may be shared with the Virtual School",
                      "ks4.exams", "consent_to_share_results", "Q3")


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(id="ks4.gcse", title="GCSE subjects and grades", model=GCSEs, stages=STAGES, editors=EDUCATION,
                order=50, sample=sample_gcses,
                help="Each GCSE subject with its predicted grade and, after results day, the actual grade (9-1 or U)."),
    SectionSpec(id="ks4.exams", title="Exam arrangements and results", model=ExamArrangements, stages=STAGES,
                editors=EDUCATION, order=52, sample=sample_exams,
                help="Access arrangements (extra time, reader, scribe…) and consent to share results."),
    SectionSpec(id="ks4.careers", title="Careers guidance", model=CareersGuidance, stages=STAGES, editors=EDUCATION,
                order=60, sample=sample_careers,
                help="Independent careers guidance, aspirations, work experience and next steps."),
    SectionSpec(id="ks4.post16_plan", title="Post-16 transition plan", model=Post16Plan, stages=STAGES,
                editors=EDUCATION_AND_CARE, order=70, sample=sample_post16_plan,
                help="The intended route, applications and offers, the 16-19 bursary and the handover."),
    SectionSpec(id=PLACEMENT_SECTION, title="Placement move during KS4", model=PlacementMoveApproval, stages=STAGES,
                applies=_placement_move_planned, editors=EDUCATION_AND_CARE, order=72, sample=sample_placement_move,
                help="A placement move is planned during Years 10-11: the nominated officer's approval and how "
                     "the school place and courses are kept."),
)

VALIDATORS: tuple[ValidatorSpec, ...] = (
    ValidatorSpec(id="ks4.gcse_recorded", check=check_gcses, stages=STAGES, criterion="Q3",
                  description="GCSE subjects with predicted grades, tutoring below a 4 in English or maths"),
    ValidatorSpec(id="ks4.careers_recorded", check=check_careers, stages=STAGES, criterion="Q11",
                  description="Aspirations and independent careers guidance"),
    ValidatorSpec(id="ks4.post16_plan_due", check=check_post16_plan, stages=STAGES, criterion="Q8",
                  description="A post-16 plan and applications in Year 11"),
    ValidatorSpec(id="ks4.placement_move_approval", check=check_placement_move, stages=STAGES, criterion="Q8",
                  description="A placement move during KS4 has a nominated officer's approval"),
    ValidatorSpec(id="ks4.results_consent", check=check_results_consent, stages=STAGES, criterion="Q3",
                  description="Consent to share results asked in Year 11"),
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Key Stage 4 stage."""
    register(STAGE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The Key Stage 4 sections."""
    for spec in SECTIONS:
        register(spec)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The Key Stage 4 checks."""
    for spec in VALIDATORS:
        register(spec)
