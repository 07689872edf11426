"""Primary attainment: reading, writing and maths against age-related expectations (KS1 and KS2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, timedelta

from pep_tui.plugins.api import Finding, SampleContext, Severity, ValidationContext
from pep_tui_stages.fields import long_text, optional
from pep_tui_stages.sample_content import first_name, meeting_day, pick
from pep_tui_stages.scales import BEHIND, AgeRelated
from pep_tui_stages.shared_checks import parsed
from pep_tui_stages.shared_models import Section

SUBJECTS = ("reading", "writing", "maths")


class PrimaryAttainment(Section):
    """Reading, writing and maths against age-related expectations, from the school's assessment."""

    assessed_on: date | None = optional("Date of the assessment")
    reading: AgeRelated | None = optional("Reading against age-related expectations", required=True)
    writing: AgeRelated | None = optional("Writing against age-related expectations", required=True)
    maths: AgeRelated | None = optional("Maths against age-related expectations", required=True)
    strengths: str = long_text("What the child does well in learning")
    catch_up: str = long_text("Catch-up support where the child is behind (what, who, how often)")


def sample_attainment(ctx: SampleContext) -> PrimaryAttainment:
    """Mostly at or working towards expectations."""
    rng = ctx.rng
    scale = (AgeRelated.EXPECTED, AgeRelated.EXPECTED, AgeRelated.TOWARDS, AgeRelated.BELOW, AgeRelated.GREATER_DEPTH)
    values = {s: pick(rng, scale) for s in ("reading", "writing", "maths")}
    behind = [s for s, v in values.items() if v in BEHIND]
    return PrimaryAttainment(
        assessed_on=meeting_day(ctx) - timedelta(days=rng.randint(3, 20)), **values,
        strengths=f"{first_name(ctx)} is curious, loves number games and listens well to stories.",
        catch_up=(f"{', '.join(behind).capitalize()}: small-group booster three times a week with the class teacher."
                  if behind else ""),
    )


def catch_up_check(section_id: str) -> Callable[[ValidationContext], Iterable[Finding]]:
    """A check that catch-up support is recorded when a subject of ``section_id`` is behind (Q3)."""

    def check(ctx: ValidationContext) -> Iterator[Finding]:
        section = parsed(ctx, section_id, PrimaryAttainment)
        if section is None:
            return
        behind = [s for s in SUBJECTS if getattr(section, s) in BEHIND]
        if behind and not section.catch_up.strip():
            yield Finding(Severity.WARNING, f"Behind in {', '.join(behind)}: record the catch-up support",
                          section_id, "catch_up", "Q3")

    return check
