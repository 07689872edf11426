"""The optional allocation columns of the cohort import: who works with each child, from when.

Columns (any may be left out; an empty cell never clears anything):

``SW_LOGIN``
    the social worker's pep-tui login.
``CARER_LOGINS``
    the carer's login; joint carers separated by ``;`` (the first is the main carer).
``IRO_LOGIN``
    the independent reviewing officer's login.
``PLACEMENT_START``
    the day the current placement began: the effective date of a change of carers (default: the day
    of the import).
``SCHOOL_START``
    the day the child started at ``SCHOOL_URN``: the date of a school move (default: the day of the import).

Each login must be an active pep-tui login holding the matching role: otherwise the row is rejected,
naming the column and the login. Like the other imported fields, an allocation changes only when the
file's value changed since the last import (or pep-tui holds none): a change made in pep-tui is never
undone by a file that has not caught up; the difference is reported instead. A change becomes a dated
allocation (and a school or placement move), never an overwrite, so importing the same file again
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from pep_tui.domain import Child
from pep_tui.domain.care import AllocationKind, current_value

#: Column names accepted for each allocation value, first preferred.
ALLOCATION_COLUMNS: dict[str, tuple[str, ...]] = {
    "social_worker": ("SW_LOGIN", "SOCIAL_WORKER_LOGIN"),
    "carers": ("CARER_LOGINS", "CARER_LOGIN"),
    "iro": ("IRO_LOGIN",),
    "placement_start": ("PLACEMENT_START",),
    "school_start": ("SCHOOL_START",),
}
#: The column named in messages for each value.
ALLOCATION_FIELD_COLUMN = {name: names[0] for name, names in ALLOCATION_COLUMNS.items()}
#: The allocation each login column sets.
LOGIN_KINDS: dict[str, AllocationKind] = {
    "social_worker": AllocationKind.SOCIAL_WORKER,
    "carers": AllocationKind.CARERS,
    "iro": AllocationKind.IRO,
}
#: A check of logins for an allocation kind: the problems in words (empty when all is well).
LoginCheck = Callable[[AllocationKind, list[str]], list[str]]


def split_logins(text: str) -> list[str]:
    """``"a; b"`` → ``["a", "b"]``."""
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def check_allocation_value(name: str, column: str, raw: str, login_check: LoginCheck | None) -> str:
    """The value of an allocation column as kept (logins joined by ``;``, dates ISO), or ``ValueError``."""
    from pep_tui.services.csv_input import parse_date

    if name in ("placement_start", "school_start"):
        return parse_date(column, raw).isoformat()
    logins = split_logins(raw)
    kind = LOGIN_KINDS[name]
    if kind is not AllocationKind.CARERS and len(logins) > 1:
        raise ValueError(f"{column} {raw!r} should be one login")
    if login_check is not None:
        problems = login_check(kind, logins)
        if problems:
            raise ValueError(f"{column}: {'; '.join(problems)}")
    return ";".join(logins)


@dataclass
class PlannedAllocation:
    """One allocation an import makes: what, to whom, from when."""

    kind: AllocationKind
    value: list[str]
    start: date


def new_child_fields(values: dict[str, str]) -> dict[str, object]:
    """The child fields a new child gets from the allocation columns; ``PLACEMENT_START`` and
    ``SCHOOL_START`` date the first carers' and school allocations (the others start when the child
    entered care)."""
    out: dict[str, object] = {}
    dated = []
    for kind, name, start in ((AllocationKind.CARERS, "carers", "placement_start"),
                              (AllocationKind.SCHOOL, "school_urn", "school_start")):
        if values.get(name) and values.get(start):
            dated.append({"kind": kind.value, "value": split_logins(values[name]), "start": values[start],
                          "source": "import"})
    if dated:
        out["allocations"] = dated
    if values.get("social_worker"):
        out["social_worker"] = values["social_worker"]
    if values.get("iro"):
        out["iro"] = values["iro"]
    if values.get("carers"):
        carers = split_logins(values["carers"])
        out["carer"], out["joint_carers"] = carers[0], carers[1:]
    return out


def plan_allocations(values: dict[str, str], current: Child, snapshot: dict[str, str], today: date,
                     ) -> tuple[list[PlannedAllocation], list[tuple[str, str, str]], str | None]:
    """For an existing child: ``(allocations to make, differences, rejection)``.

    A difference is ``(field, in pep-tui, in the file)``: pep-tui's value kept because it was changed
    in pep-tui since the file last said so.
    """
    planned: list[PlannedAllocation] = []
    differences: list[tuple[str, str, str]] = []
    starts = {
        AllocationKind.CARERS: values.get("placement_start"),
        AllocationKind.SCHOOL: values.get("school_start"),
    }
    for name, kind in (("social_worker", AllocationKind.SOCIAL_WORKER), ("carers", AllocationKind.CARERS),
                       ("iro", AllocationKind.IRO), ("school_urn", AllocationKind.SCHOOL)):
        if name not in values:
            continue
        incoming = split_logins(values[name])
        held = current_value(current, kind)
        if incoming == held:
            continue
        last = snapshot.get(name)
        if held and (last is None or split_logins(last) != held):
            differences.append((name, ";".join(held), values[name]))
            continue
        start = date.fromisoformat(starts[kind]) if starts.get(kind) else today
        latest = max((a.start for a in current.allocations if a.kind is kind), default=None)
        if latest is not None and start < latest:
            start_column = "PLACEMENT_START" if kind is AllocationKind.CARERS else "SCHOOL_START"
            if starts.get(kind):
                return [], differences, (f"{start_column} {start:%d/%m/%Y} is before the {kind.value.replace('_', ' ')} "
                                         f"change already recorded from {latest:%d/%m/%Y}")
            start = latest
        planned.append(PlannedAllocation(kind, incoming, start))
    return planned, differences, None
