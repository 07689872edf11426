"""SMART targets: specific, measurable, achievable, relevant, time-bound."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class TargetOutcome(StrEnum):
    """How a target was judged at review."""

    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


class TargetArea(StrEnum):
    """What a target is about (targets need not be academic)."""

    ACADEMIC = "academic"
    ATTENDANCE = "attendance"
    SOCIAL_EMOTIONAL = "social_emotional"
    WELLBEING = "wellbeing"
    CAREERS = "careers"
    OTHER = "other"


class Target(BaseModel):
    """One SMART target of a PEP, reviewed at the next PEP."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Target reference (PP+ requests and reviews refer to it)")
    area: TargetArea = Field(TargetArea.ACADEMIC, description="What the target is about")
    need: str = Field(default="", description="The identified need this target addresses")
    description: str = Field(default="", description="What the child will achieve")
    success_measure: str = Field(default="", description="How we will know it has been achieved")
    owner: str = Field(default="", description="Who is responsible (name or role)")
    actions: str = Field(default="", description="What will be done, by whom")
    frequency: str = Field(default="", description="How often, e.g. '3 x 20 minutes a week'")
    review_date: date | None = Field(None, description="When progress will be reviewed")
    outcome: TargetOutcome | None = Field(None, description="At review: met, partly met or not met")
    outcome_comment: str = Field("", description="What happened, in a sentence")
    carried_from: str | None = Field(default=None, description="Id of the PEP this target came from")

    def missing_smart_fields(self) -> list[str]:
        """Names of the SMART fields still empty (Q6)."""
        names = ["need", "description", "success_measure", "owner", "actions", "frequency"]
        missing = [n for n in names if not str(getattr(self, n)).strip()]
        if self.review_date is None:
            missing.append("review_date")
        return missing
