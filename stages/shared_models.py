"""The models of the sections every PEP shares, whatever the stage.

Section ids and field names here are read by other parts of pep-tui (carry-forward, summaries, QA
checks): ``shared.attendance``, ``shared.targets`` (``{"targets": [Target, …]}``),
``shared.previous_targets`` (``{"reviews": [...]}``) and ``shared.meeting``. Change them only with a
schema version and a migration.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)

from pep_tui.domain import Attendee, SENStatus, Target, TargetOutcome
from pep_tui.domain.attendance import is_persistent_absence
from pep_tui_stages.fields import URN, flag, items, long_text, number, optional, text, whole_number

#: Attendance below this percentage is persistent absence unless the council's policy says otherwise.
DEFAULT_PERSISTENT_ABSENCE = 90.0

Sessions = whole_number(0, 500)
Suspensions = whole_number(0, 50)
SuspensionDays = number(0, 200)
SDQScore = whole_number(0, 40)


class Section(BaseModel):
    """Base of the shared section models: unknown fields are refused, so a typo is never silently lost."""

    model_config = ConfigDict(extra="forbid")


# --- education setting -----------------------------------------------------------------------------


class SettingType(StrEnum):
    """The kind of place where the child is educated."""

    MAINTAINED = "maintained_school"
    ACADEMY = "academy"
    SPECIAL = "special_school"
    INDEPENDENT = "independent_school"
    ALTERNATIVE_PROVISION = "alternative_provision"
    NURSERY = "nursery"
    COLLEGE = "college"
    NONE = "no_setting"


class SchoolMoveEntry(Section):
    """One change of school or setting."""

    moved_on: date = Field(description="Date the child started at the new setting")
    from_setting: str = text("The setting the child left")
    to_setting: str = text("The setting the child joined")
    reason: str = text("Why the child moved (e.g. placement move, exclusion, needs better met)")


class EducationSetting(Section):
    """Where the child is educated now, whether they are on roll, who leads, and school moves."""

    setting_name: str = text("Name of the school or setting", required=True)
    school_urn: URN | None = optional("The school's URN (6 digits), if it has one")
    setting_type: SettingType | None = optional("What kind of setting it is", required=True)
    on_roll: bool = flag("Is the child on the school's roll? (If not, the Virtual School leads the PEP)", default=True)
    designated_teacher: str = text("Name of the designated teacher (or key person in early years)", required=True)
    designated_teacher_contact: str = text("Work email or telephone of the designated teacher")
    year_group_note: str = text("If the child is taught outside their chronological year group, say which and why")
    started_on: date | None = optional("Date the child joined this setting")
    school_moves: list[SchoolMoveEntry] = items("Every change of school or setting since coming into care")


# --- attendance --------------------------------------------------------------------------------------


class Attendance(Section):
    """Attendance and exclusions this academic year, from the school's register (sessions are half-days).

    ``attendance_percent`` and ``persistent_absence`` are computed (and stored with the data so that
    lists and reports can read them); the persistent-absence flag here uses the default threshold of
    90%, the validators use the council's policy.
    """

    sessions_possible: Sessions = Field(description="Possible sessions (half-days) so far this academic year")
    sessions_present: Sessions = Field(description="Sessions present, including approved off-site education")
    sessions_authorised_absence: Sessions = Field(0, description="Sessions of authorised absence (codes C, C1, C2, E, I, M, R, S, T, J1)")
    sessions_unauthorised_absence: Sessions = Field(0, description="Sessions of unauthorised absence (codes G, N, O, U)")
    suspensions: Suspensions = Field(0, description="Number of suspensions (fixed-term exclusions) this year")
    suspension_days: SuspensionDays = Field(0, description="School days lost to suspensions this year")
    permanent_exclusion: bool = flag("Has the child been permanently excluded this year?")
    part_time_timetable: bool = flag("Is the child on a part-time timetable (code C2)?")
    support: str = long_text("What is being done to improve attendance or to return to a full timetable, by whom and by when")

    @model_validator(mode="before")
    @classmethod
    def _drop_computed(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if k not in ("attendance_percent", "persistent_absence")}
        return data

    @field_validator("sessions_present")
    @classmethod
    def _present_within_possible(cls, value: int, info: ValidationInfo) -> int:
        possible = info.data.get("sessions_possible")
        if possible is not None and value > possible:
            raise ValueError(f"cannot be more than sessions possible ({possible}); you entered {value}")
        return value

    @field_validator("suspension_days")
    @classmethod
    def _days_need_suspensions(cls, value: float, info: ValidationInfo) -> float:
        if value > 0 and info.data.get("suspensions") == 0:
            raise ValueError("days lost to suspensions are recorded but the number of suspensions is 0")
        return value

    @computed_field(description="Attendance this year: sessions present as a percentage of possible sessions")
    @property
    def attendance_percent(self) -> float | None:
        """Sessions present as a percentage of possible sessions (one decimal), or None with no sessions."""
        if self.sessions_possible == 0:
            return None
        return round(100 * self.sessions_present / self.sessions_possible, 1)

    @computed_field(description="Persistent absence: missing 10% or more of sessions (attendance 90% or less)")
    @property
    def persistent_absence(self) -> bool:
        """Whether the child misses 10% or more of sessions (the default threshold)."""
        return self.is_persistently_absent(DEFAULT_PERSISTENT_ABSENCE)

    def is_persistently_absent(self, threshold: float) -> bool:
        """Whether attendance is at or below ``threshold`` percent (the council's policy), from the sessions."""
        return is_persistent_absence(self.sessions_possible, self.sessions_present, threshold)


# --- SEN ----------------------------------------------------------------------------------------


class PrimaryNeed(StrEnum):
    """Primary type of special educational need, as the school census codes it."""

    SPLD = "SpLD"  # specific learning difficulty
    MLD = "MLD"  # moderate learning difficulty
    SLD = "SLD"  # severe learning difficulty
    PMLD = "PMLD"  # profound and multiple learning difficulty
    SEMH = "SEMH"  # social, emotional and mental health
    SLCN = "SLCN"  # speech, language and communication needs
    HI = "HI"  # hearing impairment
    VI = "VI"  # visual impairment
    MSI = "MSI"  # multi-sensory impairment
    PD = "PD"  # physical disability
    ASD = "ASD"  # autistic spectrum disorder
    OTH = "OTH"  # other difficulty or disability


class SENSupport(Section):
    """Special educational needs: the child's status, need and the support in place.

    The EHCP's own details (review date, outcomes) are in the EHCP section, shown when a plan exists.
    """

    sen_status: SENStatus = Field(SENStatus.NONE, description="none, sen_support, ehcp or under_assessment",
                                  json_schema_extra={"required": True})
    primary_need: PrimaryNeed | None = optional(
        "Primary need (census code: SpLD, MLD, SLD, PMLD, SEMH, SLCN, HI, VI, MSI, PD, ASD, OTH)"
    )
    secondary_need: PrimaryNeed | None = optional("Secondary need, if any (census code)")
    support_in_place: str = long_text("The support the school gives now (interventions, staff, equipment)", required=True)
    senco: str = text("Name of the SENCO (special educational needs co-ordinator)")
    assessment_requested_on: date | None = optional("If an EHC needs assessment has been requested, the date")


# --- targets ------------------------------------------------------------------------------------


class TargetReview(Section):
    """One of the previous PEP's targets and how it went."""

    target_id: str = Field(description="Id of the target in the previous PEP")
    description: str = text("What the target was")
    owner: str = text("Who was responsible")
    outcome: TargetOutcome | None = optional("met, partly_met or not_met", required=True)
    comment: str = long_text("Evidence for the outcome, and what happens next")


class PreviousTargets(Section):
    """The previous PEP's targets reviewed: met, partly met or not met, with evidence (QA criterion Q2)."""

    reviews: list[TargetReview] = items("Each target of the previous PEP with its outcome", required=True)


class Targets(Section):
    """This term's SMART targets (specific, measurable, achievable, relevant, time-bound), including
    non-academic ones, each with an owner, actions, frequency and review date (QA criterion Q6)."""

    targets: list[Target] = items("The targets for this term", required=True)

    @field_validator("targets")
    @classmethod
    def _unique_ids(cls, targets: list[Target]) -> list[Target]:
        seen: set[str] = set()
        for target in targets:
            if target.id in seen:
                raise ValueError(f"two targets share the id {target.id!r}; each target needs its own id")
            seen.add(target.id)
        return targets


# --- leisure, wellbeing, meeting ---------------------------------------------------------------------


class Activity(Section):
    """A club, hobby or activity."""

    activity: str = text("What it is, e.g. swimming club", required=True)
    when: str = text("When or how often, e.g. Saturday mornings")
    funded_by: str = text("Who pays, if anyone (carer, school, PP+, the council)")


class LeisureInterests(Section):
    """Leisure interests, hobbies and clubs (Schedule 1 para 2 of the care planning regulations)."""

    interests: str = long_text("What the child enjoys doing and is good at outside lessons", required=True)
    activities: list[Activity] = items("Clubs and regular activities")
    would_like_to_try: str = long_text("Anything the child would like to try, and what would help")


class Wellbeing(Section):
    """Mental health and wellbeing as it affects learning (QA criterion Q5)."""

    sdq_score: SDQScore | None = optional("Latest SDQ total difficulties score (0-40), where known")
    sdq_date: date | None = optional("Date of that SDQ")
    emotional_wellbeing: str = long_text("How the child is doing emotionally and socially, and what affects learning",
                                         required=True)
    support_in_place: str = long_text("Support in place (e.g. ELSA, school counsellor, CAMHS, therapeutic work)")
    camhs_involved: bool = flag("Is CAMHS (or another mental-health service) involved?")
    trusted_adult: str = text("A trusted adult in school the child can go to")

    @field_validator("sdq_date")
    @classmethod
    def _date_needs_score(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is not None and info.data.get("sdq_score") is None:
            raise ValueError("an SDQ date is given without an SDQ score")
        return value


def sdq_band(score: int) -> str:
    """The SDQ total-difficulties band: close to average 0-13, slightly raised 14-16, high 17-19, very high 20-40."""
    if score <= 13:
        return "close to average"
    if score <= 16:
        return "slightly raised"
    if score <= 19:
        return "high"
    return "very high"


_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _clock_time(value: str, field: str) -> str:
    """``"9.30"`` or ``"09:30"`` as ``"09:30"``; blank stays blank."""
    value = (value or "").strip()
    if not value:
        return ""
    match = _TIME.match(value)
    if match is None:
        raise ValueError(f"{field}: expected a 24-hour time such as 14:30")
    return f"{int(match.group(1)):02d}:{match.group(2)}"


class Meeting(Section):
    """The PEP meeting: when, who was invited and came, and when the next one is (QA criterion Q10).

    Version 2 added the time, place, video link, cancellation and each invitee's email address, so
    that ``pep-tui remind`` can send calendar invitations that update when the meeting moves.
    """

    meeting_date: date | None = optional("Date of the PEP meeting", required=True)
    start_time: str = text("Start time (24-hour, e.g. 14:30); needed for a calendar invitation")
    end_time: str = text("End time (24-hour, e.g. 15:30); default one hour after the start")
    place: str = text("Where: room and school, or 'online'")
    link: str = text("Video call link, if the meeting is online (https://…)")
    cancelled: bool = flag("The meeting is cancelled (invitees are sent a cancellation)")
    chair: str = text("Who chaired the meeting")
    attendees: list[Attendee] = items("Everyone invited: name, role, whether they came, email for the invitation",
                                      required=True)
    next_meeting_date: date | None = optional("Date of the next PEP meeting", required=True)

    @field_validator("start_time", "end_time")
    @classmethod
    def _times(cls, value: str, info: ValidationInfo) -> str:
        return _clock_time(value, info.field_name or "time")

    @field_validator("link")
    @classmethod
    def _https_link(cls, value: str) -> str:
        value = (value or "").strip()
        if value and not re.match(r"^https://[^\s]+$", value):
            raise ValueError("expected a link starting https://")
        return value

    @model_validator(mode="after")
    def _end_after_start(self) -> Meeting:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValueError(f"end_time: must be after the start time ({self.start_time})")
        if self.end_time and not self.start_time:
            raise ValueError("start_time: give the start time as well as the end time")
        return self

    @field_validator("next_meeting_date")
    @classmethod
    def _next_after_this(cls, value: date | None, info: ValidationInfo) -> date | None:
        this = info.data.get("meeting_date")
        if value is not None and this is not None and value <= this:
            raise ValueError(f"must be after the meeting date ({this.isoformat()})")
        return value


def migrate_meeting(from_version: int, data: dict[str, Any]) -> dict[str, Any]:
    """Meeting data from an older version: version 1 had no time, place, link, cancellation or emails,
    which all default to blank, so its data is already valid version 2 data."""
    return dict(data)
