"""A plugin of sections covering every kind of field the form builder handles, for the app's tests.

Namespaced ``tuitest`` so it never collides with the built-in stage and role sections.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from pep_tui.plugins import hookimpl
from pep_tui.plugins.api import Finding, SectionSpec, Severity, ValidationContext, ValidatorSpec

PEP_TUI_API_VERSION = "1.0"

STAFF_EDITORS = frozenset({"designated_teacher", "virtual_school", "social_worker"})
EVERYONE = frozenset({"designated_teacher", "virtual_school", "social_worker", "carer", "child", "parent", "iro"})


class Working(StrEnum):
    BELOW = "below"
    AT = "at"
    ABOVE = "above"


class Subject(BaseModel):
    """Subject"""

    subject: str = Field(min_length=1, description="Subject name")
    working_at: Working = Working.AT
    score: int | None = Field(default=None, ge=0, le=100)


class Goal(BaseModel):
    """Goal"""

    description: str = Field(min_length=5, description="What will be achieved", json_schema_extra={"long": True})
    owner: Literal["designated_teacher", "carer", "social_worker"] = "designated_teacher"
    review_by: date | None = None
    funded: bool = False
    notes: str = ""
    priority: int = 1


class About(BaseModel):
    summary: str = Field(min_length=1, description="A short summary of the child's education")
    strengths: str = Field(default="", max_length=2000, description="What is going well")
    meeting_date: date | None = Field(default=None, description="When the PEP meeting was held")
    attendance_percent: float | None = Field(default=None, ge=0, le=100, description="Attendance this year")
    views_heard: bool = Field(default=False, description="The child's views were heard")
    hobbies: list[str] = Field(default_factory=list, description="One per line")


class Attainment(BaseModel):
    subjects: list[Subject] = Field(default_factory=list, description="Core subjects")


class Goals(BaseModel):
    goals: list[Goal] = Field(default_factory=list, description="SMART goals")


class HomeLearning(BaseModel):
    reading_at_home: str = Field(default="", description="Reading at home")


def _check(ctx: ValidationContext) -> Iterable[Finding]:
    about = ctx.sections.get("tuitest.about")
    if about is None:
        yield Finding(Severity.ERROR, "Summary is missing", "tuitest.about", "summary", criterion="Q1")
    goals = ctx.sections.get("tuitest.goals")
    if goals is None or not goals.goals:
        yield Finding(Severity.WARNING, "No goals set", "tuitest.goals", "goals", criterion="Q7")


@hookimpl
def register_sections(register: Callable[[SectionSpec], None]) -> None:
    register(SectionSpec("tuitest.about", "About", About, editors=STAFF_EDITORS, order=1,
                         viewers=EVERYONE, help="The child's education in a few lines."))
    register(SectionSpec("tuitest.attainment", "Attainment", Attainment, editors=STAFF_EDITORS, order=2,
                         required=False))
    register(SectionSpec("tuitest.goals", "Goals", Goals, editors=STAFF_EDITORS, order=3))
    register(SectionSpec("tuitest.home", "Home learning", HomeLearning, editors=frozenset({"carer", "parent", "child"}),
                         viewers=EVERYONE, order=4, required=False))


@hookimpl
def register_validators(register: Callable[[ValidatorSpec], None]) -> None:
    register(ValidatorSpec("tuitest.checks", _check))
