"""The Post-16 stage plugin: Years 12 and 13, to age 18.

Sections: the route (``post16.route``: in education or training, apprenticeship or employment, NEET,
or in custody, each with its own fields); the 16-19 bursary, personal adviser and pathway plan; the
destination plan. The lead may be the provider's designated person or the personal adviser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta

from pep_tui.domain.attendance import is_persistent_absence_percent
from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import (
    Finding,
    SampleContext,
    SectionSpec,
    Severity,
    StageDefinition,
    ValidationContext,
    ValidatorSpec,
)
from pep_tui_stages.ownership import EDUCATION_AND_CARE
from pep_tui_stages.post16_models import (
    BursaryStatus,
    Destination,
    DestinationPlan,
    EmploymentType,
    NEETReason,
    Post16RouteSection,
    Post16Support,
    QualificationLevel,
    Route,
)
from pep_tui_stages.sample_content import first_name, meeting_day, person, pick
from pep_tui_stages.shared_checks import parsed

PEP_TUI_API_VERSION = "1.2"  # SectionSpec.purpose / carry_forward, field_hints

STAGE = StageDefinition(
    id="post16",
    title="Post-16",
    year_groups=(12, 13),
    order=5,
    description="Years 12-13, to 18: education, employment or training (or NEET, or in custody), the pathway plan, 16-19 bursary.",
    lead_role="designated_person",
)
STAGES = frozenset({STAGE.id})
ROUTE_SECTION = "post16.route"

#: Fields each route must have before the PEP can be submitted (an error names the first missing one).
REQUIRED_BY_ROUTE: dict[Route, tuple[tuple[str, str], ...]] = {
    Route.EDUCATION: (("provider", "the provider"), ("course", "the course")),
    Route.EMPLOYMENT: (("employer", "the employer"), ("employment_type", "whether it is an apprenticeship or a job")),
    Route.NEET: (("action_plan", "a re-engagement action plan"),),
    Route.CUSTODY: (("establishment", "the establishment"), ("education_offer", "the education offer there")),
}


def _route(ctx: SampleContext) -> Route:
    return Route(ctx.story.get("post16_route", Route.EDUCATION.value))


# --- sample content ---------------------------------------------------------------------------------------------


def sample_route(ctx: SampleContext) -> Post16RouteSection:
    """The route from the child's story, with its own fields filled."""
    rng = ctx.rng
    route = _route(ctx)
    name = first_name(ctx)
    year_end = date(ctx.pep.academic_year + 1, 7, 10)
    if route is Route.EDUCATION:
        return Post16RouteSection(
            route=route, provider=ctx.child.school_name or "Northgate College (fictional)",
            course=pick(rng, ("Level 3 Extended Diploma in Sport", "A levels: biology, chemistry, psychology",
                              "Level 2 Motor Vehicle Maintenance")),
            qualification_aims="Main qualification, plus GCSE maths resit (grade 4 aim).",
            level=pick(rng, (QualificationLevel.LEVEL_2, QualificationLevel.LEVEL_3)),
            course_end_date=date(ctx.pep.academic_year + (2 if ctx.pep.year_group == 12 else 1), 6, 30),
            attendance_percent=round(rng.uniform(78, 88) if ctx.story.get("attendance_concern") else
                                     rng.uniform(91, 99), 1), designated_person=person(rng, "college designated person"),
            attendance_support="Weekly attendance review with the course tutor; the bursary is paid against "
                               "attendance; the personal adviser helps with morning routines."
            if ctx.story.get("attendance_concern") else "",
        )
    if route is Route.EMPLOYMENT:
        return Post16RouteSection(
            route=route, employment_type=EmploymentType.APPRENTICESHIP,
            employer=pick(rng, ("Bramblewick Bakery Co-operative (fictional)", "Tinker's Garage Ltd (fictional)")),
            framework_or_standard=pick(rng, ("Level 2 Baker apprenticeship standard",
                                             "Level 3 Motor Vehicle Service and Maintenance Technician")),
            training_provider="Northgate College (fictional)", end_date=year_end + timedelta(days=365),
            hours_per_week=float(rng.choice((30, 37.5))),
        )
    if route is Route.NEET:
        return Post16RouteSection(
            route=route, neet_reason=pick(rng, (NEETReason.LEFT_COURSE, NEETReason.LOOKING, NEETReason.NOT_READY)),
            neet_since=ctx.pep.term_ref.start - timedelta(days=rng.randint(20, 90)),
            action_plan=f"1. {name} meets the personal adviser weekly to look at courses starting in January. "
                        "2. Referral to the re-engagement programme at the youth hub (fictional) this month. "
                        "3. Travel pass paid by the leaving-care team. Reviewed every four weeks.",
            adviser=person(rng, "personal adviser"),
        )
    return Post16RouteSection(
        route=route, establishment="Fernbridge Secure Centre (fictional)",
        education_offer="25 hours a week: functional skills English and maths at level 1, and a construction "
                        "skills course in the workshop.",
        expected_release=ctx.pep.term_ref.end + timedelta(days=rng.randint(30, 120)),
        education_on_release="Place held on a college construction course; the youth offending team and personal "
                             "adviser meet before release to plan the start.",
    )


def sample_support(ctx: SampleContext) -> Post16Support:
    """Bursary for the education route; a personal adviser and a reviewed pathway plan for everyone."""
    rng = ctx.rng
    route = _route(ctx)
    receiving = route is Route.EDUCATION
    return Post16Support(
        bursary_status=BursaryStatus.RECEIVING if receiving else BursaryStatus.NOT_ELIGIBLE,
        bursary_pence_per_year=120_000 if receiving else None,
        personal_adviser=person(rng, "personal adviser"), personal_adviser_contact="leaving.care@council.invalid",
        pathway_plan_reviewed_on=meeting_day(ctx) - timedelta(days=rng.randint(10, 80)),
        pathway_plan_reference=f"PP-{rng.randint(1000, 9999)} (fictional case record)",
        pep_informs_pathway_plan=True,
    )


def sample_destination(ctx: SampleContext) -> DestinationPlan:
    """A next step that fits the route."""
    rng = ctx.rng
    route = _route(ctx)
    destination = {Route.EDUCATION: pick(rng, (Destination.UNIVERSITY, Destination.HIGHER_LEVEL_COURSE,
                                               Destination.APPRENTICESHIP)),
                   Route.EMPLOYMENT: Destination.EMPLOYMENT, Route.NEET: Destination.RE_ENGAGE,
                   Route.CUSTODY: Destination.RE_ENGAGE}[route]
    return DestinationPlan(
        aspirations=pick(rng, ("I want my own flat and a steady job I enjoy.", "I'd like to be a sports coach.",
                               "I want to finish my qualification and then see.")),
        planned_destination=destination,
        steps="Meet the careers adviser this term; visit two options; apply before the spring deadline.",
        by_when=ctx.pep.term_ref.next().end, careers_adviser=person(rng, "careers adviser"),
    )


# --- checks ---------------------------------------------------------------------------------------------------


def check_route(ctx: ValidationContext) -> Iterator[Finding]:
    """Each route has what it needs: a NEET young person without an action plan is an error (Q11)."""
    if ROUTE_SECTION not in ctx.sections:
        return
    section = parsed(ctx, ROUTE_SECTION, Post16RouteSection)
    if section is None or section.route is None:
        yield Finding(Severity.ERROR, "Choose the route: education, employment, neet or custody", ROUTE_SECTION,
                      "route", "Q11")
        return
    for field_name, words in REQUIRED_BY_ROUTE[section.route]:
        value = getattr(section, field_name)
        if value is None or (isinstance(value, str) and not value.strip()):
            yield Finding(Severity.ERROR, f"Route {section.route.value}: record {words}", ROUTE_SECTION, field_name, "Q11")
    if section.route is Route.NEET and not section.adviser.strip():
        yield Finding(Severity.WARNING, "Name the adviser supporting re-engagement", ROUTE_SECTION, "adviser", "Q11")
    if (section.route is Route.EMPLOYMENT and section.employment_type is EmploymentType.APPRENTICESHIP
            and (not section.framework_or_standard.strip() or section.end_date is None)):
        yield Finding(Severity.WARNING, "Apprenticeship: record the standard and the planned end date", ROUTE_SECTION,
                      "framework_or_standard" if not section.framework_or_standard.strip() else "end_date", "Q11")
    threshold = ctx.policy.persistent_absence_threshold
    if (section.route is Route.EDUCATION and section.attendance_percent is not None
            and is_persistent_absence_percent(section.attendance_percent, threshold)
            and not section.attendance_support.strip()):
        yield Finding(Severity.WARNING, f"Attendance at the provider is {section.attendance_percent:g}%, at or below "
                      f"{threshold:g}%: record what is being done", ROUTE_SECTION, "attendance_support", "Q4")
    if section.route is Route.CUSTODY and not section.education_on_release.strip():
        yield Finding(Severity.WARNING, "Record the education or training plan for release", ROUTE_SECTION,
                      "education_on_release", "Q8")


def check_support(ctx: ValidationContext) -> Iterator[Finding]:
    """A personal adviser and the pathway plan link; the bursary considered for those in education."""
    section = parsed(ctx, "post16.support", Post16Support)
    if section is None:
        return
    if not section.personal_adviser.strip():
        yield Finding(Severity.WARNING, "Name the personal adviser", "post16.support", "personal_adviser")
    route = parsed(ctx, ROUTE_SECTION, Post16RouteSection)
    if route is not None and route.route is Route.EDUCATION and section.bursary_status is BursaryStatus.NOT_APPLIED:
        yield Finding(Severity.INFO, "In education: the 16-19 bursary (vulnerable group, up to £1,200 a year) has "
                      "not been applied for", "post16.support", "bursary_status", "Q7")


def check_destination(ctx: ValidationContext) -> Iterator[Finding]:
    """Q11: a destination plan with aspirations and steps."""
    section = parsed(ctx, "post16.destination", DestinationPlan)
    if section is None or not section.steps.strip():
        yield Finding(Severity.WARNING, "No destination plan: record aspirations and the steps to the next "
                      "destination", "post16.destination", "steps", "Q11")


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(id=ROUTE_SECTION, title="Education, employment or training", model=Post16RouteSection, stages=STAGES,
                editors=EDUCATION_AND_CARE, order=50, sample=sample_route, purpose="post16_route",
                help="The route (in education or training, apprenticeship or employment, NEET, or in custody) and "
                     "the details that route needs."),
    SectionSpec(id="post16.support", title="Bursary, personal adviser and pathway plan", model=Post16Support,
                stages=STAGES, editors=EDUCATION_AND_CARE, order=55, sample=sample_support,
                help="The 16-19 bursary, the personal adviser and where the pathway plan this PEP feeds is held."),
    SectionSpec(id="post16.destination", title="Destination plan", model=DestinationPlan, stages=STAGES,
                editors=EDUCATION_AND_CARE, order=60, sample=sample_destination,
                help="Aspirations and the steps to the next destination."),
)

VALIDATORS: tuple[ValidatorSpec, ...] = (
    ValidatorSpec(id="post16.route_complete", check=check_route, stages=STAGES, criterion="Q11",
                  description="Each route has what it needs (a NEET young person has an action plan)"),
    ValidatorSpec(id="post16.support_recorded", check=check_support, stages=STAGES,
                  description="A personal adviser; the bursary for those in education"),
    ValidatorSpec(id="post16.destination_plan", check=check_destination, stages=STAGES, criterion="Q11",
                  description="A destination plan"),
)


@hookimpl
def register_stages(register: Callable[[StageDefinition], None]) -> None:
    """The Post-16 stage."""
    register(STAGE)


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    """The Post-16 sections."""
    for spec in SECTIONS:
        register(spec)


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    """The Post-16 checks."""
    for spec in VALIDATORS:
        register(spec)
