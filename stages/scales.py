"""Judgement scales that more than one stage uses, in teachers' words."""

from __future__ import annotations

from enum import StrEnum


class AgeRelated(StrEnum):
    """Attainment against age-related expectations (reading, writing, maths in primary school)."""

    BELOW = "working_below"
    TOWARDS = "working_towards"
    EXPECTED = "expected"
    GREATER_DEPTH = "greater_depth"


class Progress(StrEnum):
    """Progress in a subject against what is expected from the child's starting point."""

    WELL_BELOW = "well_below"
    BELOW = "below"
    ON_TRACK = "on_track"
    ABOVE = "above"


#: Ratings that mean "behind": a catch-up plan is expected where these are recorded.
BEHIND = frozenset({AgeRelated.BELOW, AgeRelated.TOWARDS, Progress.WELL_BELOW, Progress.BELOW})
