"""Building blocks for the training cohort's section content: fictional people, dates in a term, ids.

Every function takes the sample context's seeded ``rng`` (never the global one), so the same seed
gives the same cohort. Names are invented and plainly fictional.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TypeVar

from pep_tui.domain import PEP, TermRef
from pep_tui.plugins.api import SampleContext

T = TypeVar("T")

_TITLES = ("Ms", "Mr", "Mx", "Mrs")
_INITIALS = "ABCDEFGHJKLMNPRSTW"
_SURNAMES = (
    "Quill", "Inkwell", "Chalkley", "Ledger", "Satchel", "Primer", "Marbles", "Crayon", "Abacus",
    "Tallyman", "Easel", "Compass", "Protractor", "Jotter", "Bookend", "Rubber", "Sharpener",
)


def person(rng: random.Random, note: str = "") -> str:
    """A plainly fictional adult's name, e.g. ``"Ms K. Inkwell"`` (with ``note`` in brackets)."""
    name = f"{rng.choice(_TITLES)} {rng.choice(_INITIALS)}. {rng.choice(_SURNAMES)}"
    return f"{name} ({note})" if note else name


def pick(rng: random.Random, options: Sequence[T]) -> T:
    """One of ``options``."""
    return options[rng.randrange(len(options))]


def pick_some(rng: random.Random, options: Sequence[T], low: int, high: int) -> list[T]:
    """Between ``low`` and ``high`` distinct options, in their given order."""
    count = min(len(options), rng.randint(low, high))
    chosen = sorted(rng.sample(range(len(options)), count))
    return [options[i] for i in chosen]


def day_in_term(rng: random.Random, term: TermRef, earliest: int = 10, latest: int = 40) -> date:
    """A weekday between ``earliest`` and ``latest`` days after the term's nominal start."""
    day = term.start + timedelta(days=rng.randint(earliest, latest))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def meeting_day(ctx: SampleContext) -> date:
    """The PEP meeting's date: the stored one if the meeting section is already written, else three weeks in."""
    if ctx.pep.meeting_date is not None:
        return ctx.pep.meeting_date
    day = ctx.pep.term_ref.start + timedelta(days=21)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def sample_id(rng: random.Random, prefix: str) -> str:
    """A short id derived from the seeded RNG (``t_3f9a0c1d``)."""
    return f"{prefix}_{rng.getrandbits(32):08x}"


def first_name(ctx: SampleContext) -> str:
    """The child's preferred (or first) name, for sample text written about them."""
    return ctx.child.preferred_name or ctx.child.first_name


def next_term_review(rng: random.Random, pep: PEP) -> date:
    """A review date early in the next term, at or before the next PEP meeting."""
    return day_in_term(rng, pep.term_ref.next(), 14, 35)
