"""Reference data read from the ``pep_tui_data`` package (shipped files, read once, never written)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files


def read_data_text(name: str) -> str:
    """The text of a file shipped in ``data/``."""
    return files("pep_tui_data").joinpath(name).read_text(encoding="utf-8")


def _data_lines(name: str) -> list[str]:
    return [
        line.strip()
        for line in read_data_text(name).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


@cache
def la_codes() -> frozenset[int]:
    """LA and pseudo-LA numbers accepted in a UPN (``data/la_codes.txt``)."""
    codes: set[int] = set()
    for line in _data_lines("la_codes.txt"):
        first, _, last = line.partition("-")
        codes.update(range(int(first), int(last or first) + 1))
    return frozenset(codes)


@dataclass(frozen=True)
class AttendanceCode:
    """One national attendance code (from August 2024) and what it counts as."""

    code: str
    category: str  # present | approved_off_site | authorised | unauthorised | not_counted
    meaning: str
    retired_from: date | None
    introduced_from: date | None = None

    def valid_on(self, day: date) -> bool:
        """Whether the code may be used on ``day``: not before it came in, not after it was retired."""
        return self.why_not_on(day) is None

    def why_not_on(self, day: date) -> str | None:
        """Why the code cannot be used on ``day`` (in words), or ``None`` if it can."""
        if self.introduced_from is not None and day < self.introduced_from:
            return f"came into use on {self.introduced_from:%d/%m/%Y}"
        if self.retired_from is not None and day >= self.retired_from:
            return f"was retired on {self.retired_from:%d/%m/%Y}"
        return None


@cache
def attendance_codes() -> dict[str, AttendanceCode]:
    """The national attendance codes by code (``data/attendance_codes.csv``)."""
    reader = csv.DictReader(io.StringIO(read_data_text("attendance_codes.csv")))
    return {
        row["code"]: AttendanceCode(
            code=row["code"],
            category=row["category"],
            meaning=row["meaning"],
            retired_from=date.fromisoformat(row["retired_from"]) if row["retired_from"] else None,
            introduced_from=date.fromisoformat(row["introduced_from"]) if row["introduced_from"] else None,
        )
        for row in reader
    }
