"""The models of the Post-16 sections: the route (four kinds), support and the pathway plan, destination.

``post16.route`` is one flat model: ``route`` says which of the four routes applies, and each other
field is marked (``json_schema_extra["when"]``) with the route it belongs to, so the form can show
only those. Route-specific completeness (e.g. a NEET young person's action plan) is checked by the
stage's validators rather than refused on save, so a half-filled form is never lost.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pep_tui_stages.fields import Pence, flag, long_text, matching, number, optional, text
from pep_tui_stages.shared_models import Section

Percent = number(0, 100)
Hours = number(0, 48)
ULN = matching(r"^\d{10}$", "must be the unique learner number: 10 digits")


class Route(StrEnum):
    """Education, employment or training status: the four post-16 routes."""

    EDUCATION = "education"  # in education or training (college, sixth form, training provider)
    EMPLOYMENT = "employment"  # apprenticeship or job
    NEET = "neet"  # not in education, employment or training
    CUSTODY = "custody"  # in custody


class EmploymentType(StrEnum):
    """The kind of work."""

    APPRENTICESHIP = "apprenticeship"
    JOB_WITH_TRAINING = "job_with_training"
    JOB_WITHOUT_TRAINING = "job_without_training"


class NEETReason(StrEnum):
    """Why the young person is not in education, employment or training."""

    LOOKING = "looking_for_a_place"
    LEFT_COURSE = "left_a_course"
    AWAITING_START = "awaiting_a_start_date"
    ILLNESS = "illness_or_mental_health"
    CARING_OR_PARENTING = "caring_or_parenting"
    NOT_READY = "not_ready_to_engage"
    OTHER = "other"


class QualificationLevel(StrEnum):
    """Level of the main qualification aim."""

    ENTRY = "entry"
    LEVEL_1 = "level_1"
    LEVEL_2 = "level_2"
    LEVEL_3 = "level_3"
    LEVEL_4_PLUS = "level_4_plus"


EDU = {"route": [Route.EDUCATION.value]}
EMP = {"route": [Route.EMPLOYMENT.value]}
NEET = {"route": [Route.NEET.value]}
CUS = {"route": [Route.CUSTODY.value]}


class Post16RouteSection(Section):
    """What the young person is doing now: in education or training, an apprenticeship or job, NEET or in custody."""

    route: Route | None = optional("education, employment, neet or custody", required=True)
    # in education or training
    provider: str = text("College, sixth form or training provider", when=EDU)
    course: str = text("Course title", when=EDU)
    qualification_aims: str = long_text("Qualifications aimed for (e.g. Level 3 BTEC, GCSE maths resit)", when=EDU)
    level: QualificationLevel | None = optional("Level of the main qualification", when=EDU)
    course_end_date: date | None = optional("Expected end of the course", when=EDU)
    attendance_percent: Percent | None = optional("Attendance at the provider this year, in percent (0-100)", when=EDU)
    attendance_support: str = long_text("What is being done to improve attendance, if it is a concern", when=EDU)
    designated_person: str = text("The provider's designated person for looked-after young people", when=EDU)
    # apprenticeship or employment
    employment_type: EmploymentType | None = optional("Apprenticeship, job with training or job without", when=EMP)
    employer: str = text("Employer", when=EMP)
    framework_or_standard: str = text("Apprenticeship standard (or framework) and level", when=EMP)
    training_provider: str = text("Training provider for the off-the-job training", when=EMP)
    end_date: date | None = optional("Planned end date of the apprenticeship or contract", when=EMP)
    hours_per_week: Hours | None = optional("Hours a week", when=EMP)
    # NEET
    neet_reason: NEETReason | None = optional("Why the young person is not in education, employment or training",
                                              when=NEET)
    neet_since: date | None = optional("Since when", when=NEET)
    action_plan: str = long_text("Re-engagement action plan: steps, who does what, by when", when=NEET)
    adviser: str = text("The adviser supporting re-engagement (personal adviser, youth worker)", when=NEET)
    # custody
    establishment: str = text("Secure establishment", when=CUS)
    education_offer: str = long_text("Education and training the young person receives there (hours, courses)",
                                     when=CUS)
    expected_release: date | None = optional("Expected release date, if known", when=CUS)
    education_on_release: str = long_text("The education or training plan for release", when=CUS)


class BursaryStatus(StrEnum):
    """16-19 bursary (vulnerable group: up to £1,200 a year for a looked-after young person or care leaver)."""

    RECEIVING = "receiving"
    APPLIED = "applied"
    NOT_APPLIED = "not_applied"
    NOT_ELIGIBLE = "not_eligible"  # e.g. not on a course


class Post16Support(Section):
    """The 16-19 bursary, the personal adviser and the link to the pathway plan."""

    bursary_status: BursaryStatus | None = optional("16-19 bursary status", required=True)
    bursary_pence_per_year: Pence | None = optional("Bursary a year, in pence (e.g. 120000 for £1,200)")
    personal_adviser: str = text("Personal adviser (leaving-care)", required=True)
    personal_adviser_contact: str = text("Their work email or telephone")
    pathway_plan_reviewed_on: date | None = optional("Date the pathway plan was last reviewed", required=True)
    pathway_plan_reference: str = text("Where the pathway plan is held (its case-record reference)")
    pep_informs_pathway_plan: bool = flag("Has this PEP been shared with the personal adviser for the pathway plan?")
    uln: ULN | None = optional("Unique learner number (10 digits)")


class Destination(StrEnum):
    """Where the young person plans to go next."""

    CONTINUE = "continue_current_course"
    HIGHER_LEVEL_COURSE = "higher_level_course"
    UNIVERSITY = "university"
    APPRENTICESHIP = "apprenticeship"
    EMPLOYMENT = "employment"
    RE_ENGAGE = "re_engage_in_learning"
    UNDECIDED = "undecided"


class DestinationPlan(Section):
    """The destination plan: aspirations and the steps to the next destination (QA criterion Q11)."""

    aspirations: str = long_text("What the young person wants to do, in their words", required=True)
    planned_destination: Destination | None = optional("The next destination planned", required=True)
    steps: str = long_text("Steps to get there, who helps and by when", required=True)
    by_when: date | None = optional("When the next step should be in place")
    careers_adviser: str = text("Careers adviser, if any")
