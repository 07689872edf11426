"""A child's record over time: dated allocations (who works with the child, which school, which
placement), periods of care and leaving care. Pure rules, no I/O.

An :class:`Allocation` says "from ``start``, this part of the child's arrangements is ``value``". The
child's current fields (``social_worker``, ``carer`` and ``joint_carers``, ``iro``, ``school_urn``,
``placement``, ``designated_teacher``, ``family_access``) hold what was in effect when the record was
last brought up to date; an allocation dated in the future is *pending* (``applied`` false) until its
day comes, and :func:`effective` applies the ones that have become due. Scopes are computed from the
current fields, so a moved child leaves the old carer's or school's list on the day of the move.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from pep_tui.domain.child import Child


class AllocationKind(StrEnum):
    """What an allocation assigns."""

    SOCIAL_WORKER = "social_worker"
    CARERS = "carers"
    IRO = "iro"
    SCHOOL = "school"
    DESIGNATED_TEACHER = "designated_teacher"
    PLACEMENT = "placement"
    FAMILY = "family_access"


#: The words for each kind, for screens and messages.
KIND_LABELS: dict[AllocationKind, str] = {
    AllocationKind.SOCIAL_WORKER: "Social worker",
    AllocationKind.CARERS: "Carer(s)",
    AllocationKind.IRO: "IRO",
    AllocationKind.SCHOOL: "School (URN)",
    AllocationKind.DESIGNATED_TEACHER: "Designated teacher",
    AllocationKind.PLACEMENT: "Placement",
    AllocationKind.FAMILY: "Family access",
}


class Allocation(BaseModel):
    """One dated change of a child's arrangements. ``value`` is a list: logins, one URN, one placement
    description; an empty list means "none from this date"."""

    model_config = ConfigDict(extra="forbid")

    kind: AllocationKind
    value: list[str] = Field(default_factory=list)
    start: date
    recorded_by: str = ""
    recorded_at: datetime | None = None
    source: str = Field(default="pep-tui", description="pep-tui, import or migration")
    applied: bool = Field(default=True, description="False while the start date is still to come")
    label: str = Field(default="", max_length=200, description="A name for the value (the new school's name)")


class LeavingReason(StrEnum):
    """Why a child left care (the broad groups of the SSDA903 reasons episode ceased)."""

    RETURNED_HOME = "returned_home"
    ADOPTED = "adopted"
    SPECIAL_GUARDIANSHIP = "special_guardianship"
    TURNED_18 = "turned_18"
    OTHER = "other"


class CarePeriod(BaseModel):
    """A finished period of care, kept when the child comes back into care."""

    model_config = ConfigDict(extra="forbid")

    start: date | None = None
    end: date
    reason: LeavingReason | None = None


def current_value(child: Child, kind: AllocationKind) -> list[str]:
    """What the child's current fields say for ``kind`` (as an allocation value)."""
    match kind:
        case AllocationKind.CARERS:
            return ([child.carer] if child.carer else []) + list(child.joint_carers)
        case AllocationKind.SCHOOL:
            return [child.school_urn] if child.school_urn else []
        case AllocationKind.FAMILY:
            return list(child.family_access)
        case _:
            value = getattr(child, kind.value)
            return [value] if value else []


def fields_for(kind: AllocationKind, value: list[str]) -> dict[str, Any]:
    """The child fields that an allocation of ``kind`` with ``value`` sets."""
    match kind:
        case AllocationKind.CARERS:
            return {"carer": value[0] if value else None, "joint_carers": list(value[1:])}
        case AllocationKind.SCHOOL:
            return {"school_urn": value[0] if value else None}
        case AllocationKind.FAMILY:
            return {"family_access": list(value)}
        case _:
            return {kind.value: value[0] if value else None}


def apply_allocation(child: Child, allocation: Allocation) -> dict[str, Any]:
    """The field changes that putting ``allocation`` into effect makes (a school move also clears the
    designated teacher named for the old school, unless the move names one, and marks the child on roll)."""
    changes = fields_for(allocation.kind, allocation.value)
    if allocation.kind is AllocationKind.SCHOOL and allocation.value != current_value(child, AllocationKind.SCHOOL):
        changes["designated_teacher"] = None
        changes["school_name"] = allocation.label or None
        changes["on_roll"] = bool(allocation.value)
    return changes


def effective(child: Child, today: date) -> Child:
    """The child as on ``today``: pending allocations whose start has come are put into effect, in
    date order (a designated teacher allocated with a school move is applied after the move)."""
    due = [a for a in child.allocations if not a.applied and a.start <= today]
    if not due:
        return child
    order = {AllocationKind.SCHOOL: 0}
    current = child
    allocations = list(child.allocations)
    for allocation in sorted(due, key=lambda a: (a.start, order.get(a.kind, 1))):
        current = current.model_copy(update=apply_allocation(current, allocation))
        allocations[allocations.index(allocation)] = allocation.model_copy(update={"applied": True})
    return current.model_copy(update={"allocations": allocations})


def next_change(child: Child, today: date) -> date | None:
    """The next day on which the child's record changes by itself (a pending allocation takes effect
    or a recorded leaving date comes), or ``None``."""
    days = [a.start for a in child.allocations if not a.applied and a.start > today]
    if child.left_care_on is not None and child.left_care_on > today:
        days.append(child.left_care_on)
    return min(days) if days else None


def is_closed(child: Child, today: date) -> bool:
    """Whether the child has left care on or before ``today``."""
    return child.left_care_on is not None and child.left_care_on <= today


def history(child: Child, kind: AllocationKind) -> list[tuple[date, date | None, Allocation]]:
    """Every allocation of ``kind`` as ``(from, until, allocation)``, oldest first; ``until`` is the day
    the next one started (``None`` for the latest)."""
    rows = sorted((a for a in child.allocations if a.kind is kind), key=lambda a: a.start)
    return [(a.start, rows[i + 1].start if i + 1 < len(rows) else None, a) for i, a in enumerate(rows)]


def value_on(child: Child, kind: AllocationKind, day: date) -> list[str] | None:
    """What ``kind`` was on ``day`` by the allocation history (``None`` if the history does not say)."""
    found = [a for a in child.allocations if a.kind is kind and a.start <= day]
    return max(found, key=lambda a: a.start).value if found else None


def initial_allocations(child: Child, recorded_by: str, source: str, recorded_at: datetime | None = None) -> list[Allocation]:
    """A history to start from for a record that has none: one allocation per arrangement the record
    holds, from the date the child entered care (or was born, when that is not known)."""
    start = child.date_entered_care or child.date_of_birth
    found: list[Allocation] = []
    for kind in AllocationKind:
        value = current_value(child, kind)
        if value:
            found.append(Allocation(kind=kind, value=value, start=start, recorded_by=recorded_by,
                                    recorded_at=recorded_at, source=source))
    return found
