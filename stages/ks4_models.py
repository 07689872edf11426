"""The models of the Key Stage 4 sections: GCSEs, exams, careers guidance, post-16 plan, placement move."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pep_tui_stages.fields import flag, items, long_text, optional, text, whole_number
from pep_tui_stages.shared_models import Section

#: GCSE grades, 9 (highest) to 1, and U (ungraded). Letter grades (A*-G) are refused.
GCSEGrade = Literal["9", "8", "7", "6", "5", "4", "3", "2", "1", "U"]
GCSE_GRADES: tuple[str, ...] = ("9", "8", "7", "6", "5", "4", "3", "2", "1", "U")
#: A "standard pass".
STANDARD_PASS = "4"

ExtraTime = whole_number(0, 100)


class GCSESubject(Section):
    """One GCSE subject: predicted and (after results day) actual grade."""

    subject: str = text("Subject, e.g. English language", required=True)
    tier: Literal["foundation", "higher"] | None = optional("Entry tier, where the subject has tiers")
    predicted_grade: GCSEGrade | None = optional("Predicted grade: 9 (highest) to 1, or U", required=True)
    actual_grade: GCSEGrade | None = optional("Actual grade after results day: 9 to 1, or U")


class GCSEs(Section):
    """GCSE subjects with predicted and actual grades (9-1, U)."""

    subjects: list[GCSESubject] = items("One row per GCSE subject", required=True)
    catch_up: str = long_text("Tutoring or catch-up where a predicted grade is below 4 in English or maths")


class ExamArrangements(Section):
    """Exam access arrangements and consent to share results."""

    access_arrangements_assessed: bool = flag("Has the child been assessed for exam access arrangements?")
    extra_time_percent: ExtraTime | None = optional("Extra time granted, in percent (e.g. 25)")
    reader: bool = flag("A reader (or computer reader)?")
    scribe: bool = flag("A scribe (or speech recognition)?")
    word_processor: bool = flag("A word processor?")
    rest_breaks: bool = flag("Supervised rest breaks?")
    separate_room: bool = flag("A separate room?")
    other_arrangements: str = long_text("Other arrangements or adjustments")
    consent_to_share_results: bool | None = optional(
        "Has the young person agreed that the school shares their results with the Virtual School?", required=True
    )
    results_day_contact: str = text("Who will be with the young person on results day")


class CareersGuidance(Section):
    """Independent careers guidance (schools must provide it from Year 8; a PEP records it in KS4)."""

    guidance_received: bool = flag("Has the young person had an independent careers guidance interview?")
    guidance_on: date | None = optional("Date of the interview")
    adviser: str = text("Careers adviser's name and organisation")
    aspirations: str = long_text("What the young person hopes to do, in their words", required=True)
    work_experience: str = long_text("Work experience or employer encounters")
    next_steps: str = long_text("Agreed next steps")


class Post16Route(StrEnum):
    """The post-16 route the young person intends."""

    SIXTH_FORM = "sixth_form"
    COLLEGE = "college"
    APPRENTICESHIP = "apprenticeship"
    SUPPORTED_INTERNSHIP = "supported_internship"
    TRAINING = "training_provider"
    EMPLOYMENT_WITH_TRAINING = "employment_with_training"
    UNDECIDED = "undecided"


class OfferStatus(StrEnum):
    """Where an application stands."""

    NOT_APPLIED = "not_applied"
    APPLIED = "applied"
    INTERVIEW = "interview"
    CONDITIONAL = "conditional_offer"
    UNCONDITIONAL = "unconditional_offer"
    DECLINED = "declined"


class Post16Application(Section):
    """An application to a post-16 provider."""

    provider: str = text("College, sixth form, training provider or employer", required=True)
    course: str = text("Course or apprenticeship")
    status: OfferStatus | None = optional("Where the application stands")


class Post16Plan(Section):
    """The post-16 transition plan: route, applications, bursary and handover."""

    intended_route: Post16Route | None = optional("The route the young person intends", required=True)
    applications: list[Post16Application] = items("Applications and offers")
    bursary_discussed: bool = flag("Has the 16-19 bursary (vulnerable group, up to £1,200 a year) been discussed?")
    pep_shared_with_provider: bool = flag("Will this PEP be shared with the post-16 provider (with consent)?")
    transition_support: str = long_text("Visits, taster days and support for the move", required=True)


class PlacementMoveApproval(Section):
    """A placement move during Key Stage 4 disrupts exams: it needs a nominated officer's approval (reg 10)."""

    planned_move_on: date | None = optional("Date of the planned placement move", required=True)
    nominated_officer: str = text("The council's nominated officer", required=True)
    approved: bool = flag("Has the nominated officer approved the move?")
    approved_on: date | None = optional("Date of approval")
    keeping_school_place: str = long_text("How the school place and exam courses will be kept (transport, tutoring)",
                                          required=True)
