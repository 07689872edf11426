"""Money and the two kinds of year: pence, pounds in users' words, financial and academic years.

Money is always held as integer pence. Amounts a person types ("£1,500", "400", "62.50") are pounds;
:func:`parse_pounds` turns them into pence without ever passing through a float.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Literal

from pep_tui.domain import academic_year_label, academic_year_start


def format_pence(pence: int) -> str:
    """``150000`` → ``"£1,500.00"``; ``-2500`` → ``"-£25.00"``."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(int(pence)), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"


def parse_pounds(text: str | int | Decimal) -> int:
    """Pounds as a person writes them (``"£1,500"``, ``"62.50"``, ``Decimal("400")``) → pence.

    Raises ``ValueError`` naming what is expected. An ``int`` is taken as whole pounds.
    """
    if isinstance(text, bool):
        raise ValueError("an amount in pounds is expected, e.g. 400 or £1,250.50")
    if isinstance(text, int):
        return text * 100
    raw = str(text).strip().replace(",", "").replace(" ", "")
    if raw.startswith("£"):
        raw = raw[1:]
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount in pounds; write it like 400 or £1,250.50") from None
    if not value.is_finite():
        raise ValueError(f"{text!r} is not an amount in pounds")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(f"{text!r} has more than two decimal places (pence)")
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def pence_from_decimal(value: Decimal) -> int:
    """A Decimal amount of pounds (as stored in a request) → pence."""
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def decimal_from_pence(pence: int) -> Decimal:
    """Pence → a Decimal amount of pounds with two places."""
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))


def financial_year_start(on: date) -> int:
    """The calendar year the financial year containing ``on`` began (1 April)."""
    return on.year if on.month >= 4 else on.year - 1


def financial_year_of(on: date) -> str:
    """The financial year (April-March) containing ``on``: ``date(2026, 3, 31)`` → ``"2025-26"``."""
    return academic_year_label(financial_year_start(on))


def parse_year_label(label: str) -> int:
    """``"2025-26"`` → ``2025``; ``ValueError`` naming the expected form."""
    try:
        first, second = label.split("-")
        start = int(first)
        if len(first) != 4 or len(second) != 2 or int(second) != (start + 1) % 100:
            raise ValueError
    except ValueError:
        raise ValueError(f"year {label!r} should look like 2025-26") from None
    return start


@dataclass(frozen=True)
class Period:
    """A financial year (1 April to 31 March) or an academic year (1 September to 31 August)."""

    kind: Literal["fy", "ay"]
    start_year: int

    @classmethod
    def financial(cls, label: str) -> Period:
        """The financial year ``"2025-26"`` (1 April 2025 to 31 March 2026)."""
        return cls("fy", parse_year_label(label))

    @classmethod
    def academic(cls, label: str) -> Period:
        """The academic year ``"2025-26"`` (1 September 2025 to 31 August 2026)."""
        return cls("ay", parse_year_label(label))

    @classmethod
    def containing(cls, kind: Literal["fy", "ay"], on: date) -> Period:
        """The year of the given kind that contains ``on``."""
        return cls(kind, financial_year_start(on) if kind == "fy" else academic_year_start(on))

    @property
    def start(self) -> date:
        """First day."""
        return date(self.start_year, 4 if self.kind == "fy" else 9, 1)

    @property
    def end(self) -> date:
        """Last day (31 March or 31 August)."""
        return date(self.start_year + 1, 3, 31) if self.kind == "fy" else date(self.start_year + 1, 8, 31)

    @property
    def label(self) -> str:
        """``"2025-26"``."""
        return academic_year_label(self.start_year)

    @property
    def title(self) -> str:
        """``"Financial year 2025-26"`` or ``"Academic year 2025-26"``."""
        return f"{'Financial' if self.kind == 'fy' else 'Academic'} year {self.label}"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end
