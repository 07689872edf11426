"""The models of the Early Years sections: provision, EYFS progress, the 2-year check, ELGs, EYPP, transition."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import Field

from pep_tui_stages.fields import URN, Pence, flag, long_text, number, optional, text
from pep_tui_stages.scales import Progress
from pep_tui_stages.shared_models import Section

FundedHours = number(0, 30)


# --- provision ------------------------------------------------------------------------------------------


class EarlyYearsSettingType(StrEnum):
    """The kind of early years provision."""

    NURSERY_CLASS = "school_nursery_class"
    DAY_NURSERY = "day_nursery"
    PRE_SCHOOL = "pre_school"
    CHILDMINDER = "childminder"
    RECEPTION = "reception_class"
    NONE = "no_place_yet"


class FundedEntitlement(StrEnum):
    """The government-funded early education the child receives."""

    TWO_YEAR_OLD = "two_year_old_15_hours"  # looked-after 2-year-olds are eligible
    UNIVERSAL = "universal_15_hours"
    EXTENDED = "extended_30_hours"
    NONE = "none"


class EarlyYearsProvision(Section):
    """The child's early years place: setting, funded hours and key person."""

    setting_type: EarlyYearsSettingType | None = optional("What kind of setting", required=True)
    provider_urn: URN | None = optional("The setting's Ofsted URN (6 digits), if known")
    funded_entitlement: FundedEntitlement | None = optional("Funded entitlement used", required=True)
    funded_hours_per_week: FundedHours | None = optional("Funded hours a week (0-30)", required=True)
    days_attended: str = text("Days or sessions attended, e.g. Mon-Wed mornings")
    key_person: str = text("The child's key person at the setting", required=True)


# --- progress in the seven areas -------------------------------------------------------------------------

#: The seven EYFS areas: field name → users' words. The first three are the prime areas.
EYFS_AREAS: dict[str, str] = {
    "communication_and_language": "Communication and language",
    "physical_development": "Physical development",
    "personal_social_emotional": "Personal, social and emotional development",
    "literacy": "Literacy",
    "mathematics": "Mathematics",
    "understanding_the_world": "Understanding the world",
    "expressive_arts_and_design": "Expressive arts and design",
}


class EYFSProgress(Section):
    """Progress in each of the seven EYFS areas against what is typical for the child's age, with next steps."""

    assessed_on: date | None = optional("Date of this assessment")
    communication_and_language: Progress | None = optional("Prime area: communication and language", required=True)
    communication_and_language_next_steps: str = long_text("Next steps: communication and language")
    physical_development: Progress | None = optional("Prime area: physical development", required=True)
    physical_development_next_steps: str = long_text("Next steps: physical development")
    personal_social_emotional: Progress | None = optional("Prime area: personal, social and emotional development",
                                                          required=True)
    personal_social_emotional_next_steps: str = long_text("Next steps: personal, social and emotional development")
    literacy: Progress | None = optional("Specific area: literacy", required=True)
    literacy_next_steps: str = long_text("Next steps: literacy")
    mathematics: Progress | None = optional("Specific area: mathematics", required=True)
    mathematics_next_steps: str = long_text("Next steps: mathematics")
    understanding_the_world: Progress | None = optional("Specific area: understanding the world", required=True)
    understanding_the_world_next_steps: str = long_text("Next steps: understanding the world")
    expressive_arts_and_design: Progress | None = optional("Specific area: expressive arts and design", required=True)
    expressive_arts_and_design_next_steps: str = long_text("Next steps: expressive arts and design")


# --- 2-year progress check ---------------------------------------------------------------------------------


class CheckOutcome(StrEnum):
    """What the 2-year progress check found."""

    ON_TRACK = "on_track"
    SOME_CONCERNS = "some_concerns"
    SIGNIFICANT_CONCERNS = "significant_concerns"


class ProgressCheck(Section):
    """The progress check at age 2 (between 24 and 36 months) in the prime areas."""

    completed: bool = Field(False, description="Has the 2-year progress check been done?",
                            json_schema_extra={"required": True})
    completed_on: date | None = optional("Date of the check")
    integrated_with_health_review: bool = flag("Was it combined with the health visitor's 2-year review?")
    outcome: CheckOutcome | None = optional("What the check found")
    concerns_and_actions: str = long_text("Any concerns and what is being done (e.g. speech and language referral)")


# --- Early Learning Goals ----------------------------------------------------------------------------------

ELGJudgement = Literal["emerging", "expected"]

#: The 17 Early Learning Goals: field name → (area, goal in users' words).
ELGS: dict[str, tuple[str, str]] = {
    "listening_attention_understanding": ("Communication and language", "Listening, attention and understanding"),
    "speaking": ("Communication and language", "Speaking"),
    "self_regulation": ("Personal, social and emotional development", "Self-regulation"),
    "managing_self": ("Personal, social and emotional development", "Managing self"),
    "building_relationships": ("Personal, social and emotional development", "Building relationships"),
    "gross_motor_skills": ("Physical development", "Gross motor skills"),
    "fine_motor_skills": ("Physical development", "Fine motor skills"),
    "comprehension": ("Literacy", "Comprehension"),
    "word_reading": ("Literacy", "Word reading"),
    "writing": ("Literacy", "Writing"),
    "number": ("Mathematics", "Number"),
    "numerical_patterns": ("Mathematics", "Numerical patterns"),
    "past_and_present": ("Understanding the world", "Past and present"),
    "people_culture_communities": ("Understanding the world", "People, culture and communities"),
    "the_natural_world": ("Understanding the world", "The natural world"),
    "creating_with_materials": ("Expressive arts and design", "Creating with materials"),
    "being_imaginative_expressive": ("Expressive arts and design", "Being imaginative and expressive"),
}
#: A good level of development: expected in every ELG of the prime areas, literacy and mathematics.
GLD_GOALS = tuple(k for k, (area, _) in ELGS.items() if area not in ("Understanding the world", "Expressive arts and design"))


def _elg_field(key: str) -> object:
    area, goal = ELGS[key]
    return Field(default=None, description=f"{area}: {goal} (emerging or expected)", json_schema_extra={"required": True})


class EarlyLearningGoals(Section):
    """The EYFS profile at the end of Reception: each of the 17 Early Learning Goals emerging or expected."""

    listening_attention_understanding: ELGJudgement | None = _elg_field("listening_attention_understanding")
    speaking: ELGJudgement | None = _elg_field("speaking")
    self_regulation: ELGJudgement | None = _elg_field("self_regulation")
    managing_self: ELGJudgement | None = _elg_field("managing_self")
    building_relationships: ELGJudgement | None = _elg_field("building_relationships")
    gross_motor_skills: ELGJudgement | None = _elg_field("gross_motor_skills")
    fine_motor_skills: ELGJudgement | None = _elg_field("fine_motor_skills")
    comprehension: ELGJudgement | None = _elg_field("comprehension")
    word_reading: ELGJudgement | None = _elg_field("word_reading")
    writing: ELGJudgement | None = _elg_field("writing")
    number: ELGJudgement | None = _elg_field("number")
    numerical_patterns: ELGJudgement | None = _elg_field("numerical_patterns")
    past_and_present: ELGJudgement | None = _elg_field("past_and_present")
    people_culture_communities: ELGJudgement | None = _elg_field("people_culture_communities")
    the_natural_world: ELGJudgement | None = _elg_field("the_natural_world")
    creating_with_materials: ELGJudgement | None = _elg_field("creating_with_materials")
    being_imaginative_expressive: ELGJudgement | None = _elg_field("being_imaginative_expressive")

    def good_level_of_development(self) -> bool | None:
        """Expected in all 12 prime-area, literacy and maths goals; None until they are all judged."""
        values = [getattr(self, key) for key in GLD_GOALS]
        return None if None in values else all(v == "expected" for v in values)


# --- Early Years Pupil Premium and transition --------------------------------------------------------------


class EarlyYearsPupilPremium(Section):
    """Early Years Pupil Premium for a looked-after 3- or 4-year-old in funded early education."""

    eligible: bool = flag("Is the child eligible (aged 3-4 and taking up funded early education)?", default=True)
    claimed_by_setting: bool = flag("Has the setting claimed it?")
    amount_pence: Pence | None = optional("Amount for this year, in pence (e.g. 38800 for £388)", required=True)
    planned_use: str = long_text("What it pays for, linked to the child's targets", required=True)
    impact: str = long_text("The difference it made (reviewed at the next PEP)")


class TransitionToReception(Section):
    """The plan for starting Reception (applications close on 15 January; offers on 16 April)."""

    reception_school: str = text("The school the child will start Reception at", required=True)
    school_urn: URN | None = optional("That school's URN (6 digits)")
    application_made: bool = flag("Has the school application been made (looked-after children have priority)?")
    place_confirmed: bool = flag("Is the place confirmed?")
    start_date: date | None = optional("Date the child starts Reception")
    visits_planned: str = long_text("Visits to the school and home visits by the Reception teacher", required=True)
    information_shared: bool = flag("Has the setting shared records and the PEP with the school?")
    handover: str = long_text("What the key person will tell the Reception teacher about the child")
