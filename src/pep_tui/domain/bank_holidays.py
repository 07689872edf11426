"""England's bank holidays from the ``holidays`` package (``GB``, subdivision ``ENG``).

The package computes the regular rules (New Year's Day, Good Friday, Easter Monday, the May and spring
bank holidays, the summer bank holiday, Christmas and Boxing Day, with substitute days when one falls
at a weekend) for every year the package supports (:func:`package_years`: 1872 to 2100 in current releases), and lists the one-off bank
holidays the government has announced (a coronation, a jubilee, a state funeral) in the release that
is installed. A one-off day announced after that release is not in it: that is why pep-tui also has a
*trusted until* year (``policy.bank_holidays_trusted_until``), past which it warns.
"""

from __future__ import annotations

from datetime import date
from functools import cache


@cache
def _uk_years() -> tuple[int, int]:
    from holidays.countries.united_kingdom import UnitedKingdom

    return int(getattr(UnitedKingdom, "start_year", 1872)), int(getattr(UnitedKingdom, "end_year", 2100))


def package_years() -> tuple[int, int]:
    """The first and last year the installed ``holidays`` package computes for England."""
    return _uk_years()


@cache
def england_bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in ``year`` (substitute days included; empty outside the package's years)."""
    # The class itself, not holidays.country_holidays("GB", ...): the same days, without loading the
    # registry of every country (about 0.2 s on first use).
    from holidays.countries.united_kingdom import UnitedKingdom

    first, last = _uk_years()
    if not first <= year <= last:
        return frozenset()
    return frozenset(UnitedKingdom(subdiv="ENG", years=year).keys())
