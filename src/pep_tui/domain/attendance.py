"""Attendance arithmetic shared by sections, imports, reports and lists.

Persistent absence follows the DfE definition: missing 10% or more of possible sessions, so an
attendance of exactly 90.0% *is* persistent absence. The 90 is a setting
(``Policy.persistent_absence_threshold``).
"""

from __future__ import annotations

DEFAULT_THRESHOLD = 90.0


def attendance_percent(possible: int, present: int) -> float | None:
    """Sessions present as a percentage of possible sessions (one decimal), or ``None`` with none possible."""
    if possible <= 0:
        return None
    return round(100 * present / possible, 1)


def is_persistent_absence(possible: int, present: int, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """Missing ``100 - threshold`` % of possible sessions or more, computed exactly from the sessions."""
    if possible <= 0:
        return False
    return (possible - present) * 100 >= possible * (100 - threshold) - 1e-9


def is_persistent_absence_percent(percent: float | None, threshold: float = DEFAULT_THRESHOLD) -> bool:
    """The same judgement from an attendance percentage (when only the percentage is known)."""
    return percent is not None and percent <= threshold
