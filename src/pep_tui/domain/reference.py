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


@cache
def default_bank_holidays() -> tuple[date, ...]:
    """England and Wales bank holidays shipped as the default (``data/bank_holidays_england.txt``)."""
    return tuple(date.fromisoformat(line) for line in _data_lines("bank_holidays_england.txt"))


@dataclass(frozen=True)
class AttendanceCode:
    """One national attendance code (from August 2024) and what it counts as."""

    code: str
    category: str  # present | approved_off_site | authorised | unauthorised | not_counted
    meaning: str
    retired_from: date | None

    def valid_on(self, day: date) -> bool:
        """Whether the code may be used on ``day`` (retired codes only before their retirement)."""
        return self.retired_from is None or day < self.retired_from


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
        )
        for row in reader
    }
