"""The two sections' data: pydantic models, from which pep-tui builds the forms.

Every field has a ``description``: the app shows it as the field's help, and
``pep-tui plugins check`` reports a field without one.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field


class ProviderType(StrEnum):
    """What kind of provider the child attends."""

    PUPIL_REFERRAL_UNIT = "pupil_referral_unit"
    AP_ACADEMY = "ap_academy"
    REGISTERED_INDEPENDENT = "registered_independent"
    UNREGISTERED = "unregistered"
    TUITION = "tuition"
    HOSPITAL_EDUCATION = "hospital_education"


class Commissioner(StrEnum):
    """Who arranged (and pays for) the placement."""

    LOCAL_AUTHORITY = "local_authority"
    SCHOOL = "school"


class APPlacement(BaseModel):
    """Section ``ap.placement``: where and how much the child is taught."""

    provider_name: str = Field(default="", max_length=200, description="The provider's name")
    provider_type: ProviderType | None = Field(default=None, description="What kind of provider it is")
    provider_urn: str | None = Field(
        default=None, pattern=r"^\d{6}$",
        description="The provider's URN (6 digits), if it is registered; unregistered providers have none",
    )
    commissioned_by: Commissioner | None = Field(default=None, description="Who arranged the placement")
    start_date: date | None = Field(default=None, description="When the child started at the provider")
    hours_per_week: int | None = Field(
        default=None, ge=0, le=40, description="Hours of education a week the child is offered"
    )
    part_time_reason: str = Field(
        default="", max_length=1000,
        description="If fewer hours than full time: why, and the plan to increase them",
    )
    safeguarding_checked: bool = Field(
        default=False,
        description="The commissioner has checked the provider's safeguarding (needed for unregistered providers)",
    )
    review_date: date | None = Field(default=None, description="When the placement will next be reviewed")


class APProgress(BaseModel):
    """Section ``ap.progress``: how the child is doing there and the way back to school."""

    attendance_percent: int | None = Field(
        default=None, ge=0, le=100, description="Attendance at the provider this term, in per cent"
    )
    english_and_maths: bool = Field(default=False, description="The timetable includes English and maths")
    progress_summary: str = Field(default="", max_length=2000, description="Progress since the last PEP")
    reintegration_plan: str = Field(
        default="", max_length=2000, description="The plan for a return to school, or why one is not planned"
    )
    planned_return_date: date | None = Field(default=None, description="When the child should return to school")
