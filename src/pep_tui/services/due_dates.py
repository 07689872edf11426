"""When each child's next PEP is due. Every timescale comes from the policy settings.

A child can owe several PEPs at once; :func:`obligations` lists every one not yet met, and
:func:`next_due` gives the earliest. The rules (defaults in brackets, all in ``Policy``):

* **Initial PEP**: started within ``initial_pep_working_days`` (10) working days of entering care, and
  done (ready for the first care-plan review) within ``initial_pep_ready_working_days`` (20): until a PEP
  is started for the term the child entered care (or later) the due date is the first; once one is
  started, the second. Met when such a PEP is done, or once a PEP exists for a later term.
* **School move**: within ``school_move_pep_working_days`` (10) working days of a school move, until a
  PEP is done on or after the move.
* **Termly**: this term's PEP ``termly_pep_due_working_days`` (30) working days after the term starts
  (its first day in ``term_dates``, or the default pattern: see :mod:`pep_tui.domain.term_dates`); once
  it is done, next term's. In the term a child enters care, the initial PEP is the term's PEP.
* **Before each care-plan review** (reg 33: the first within ``first_review_working_days`` (20) working
  days of coming into care, the second within ``second_review_months`` (3) months of the first, later
  ones at most ``later_review_months`` (6) months apart): the PEP must be current
  ``pep_before_review_working_days`` (5) working days before the review (reviews from today on); before
  the *first* review, ``pep_before_first_review_working_days`` (0: the first PEP is due at the first
  review, 20 working days after entering care, as the statutory guidance has it). A PEP
  is *current* for a review when one is done for the review's term or, when the review falls before
  that term's PEP is due, for the term before.

A PEP is *done* once approved (or once submitted, with ``pep_done_at = "submitted"``). Working days
skip weekends and the policy's bank holidays; with ``deadline_days = "school"`` the PEP deadlines count
school days instead (the care-plan reviews of reg 33 always count working days). A due date past the
year the bank holidays are trusted for, or set from default term dates, carries a note saying so
(:attr:`DueDate.notes`); :func:`calendar_warnings` gives the same warnings for a whole store.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta

from pep_tui.domain import (
    PEP,
    Child,
    PEPStatus,
    TermRef,
    WorkingCalendar,
    academic_year_label,
    pep_required,
)
from pep_tui.domain.school_year import academic_year_start
from pep_tui.settings import Policy


@dataclass(frozen=True)
class DueDate:
    """A PEP a child owes: by when, why, for which term, and which rule (``kind``) set it."""

    due: date
    reason: str
    term: TermRef
    kind: str = "termly"  # initial | school_move | termly | care_plan_review
    notes: tuple[str, ...] = ()  # why the date may be wrong (bank holidays not yet trusted, default term dates)

    def overdue(self, today: date) -> bool:
        """True when the due date has passed."""
        return today > self.due

    def days_overdue(self, today: date) -> int:
        """Calendar days past the due date (0 when not overdue)."""
        return max(0, (today - self.due).days)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 August + 6 months → 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def working_days_before(calendar: WorkingCalendar, day: date, days: int) -> date:
    """The working day ``days`` working days before ``day`` (``day`` itself when ``days`` is 0)."""
    out = day
    remaining = days
    while remaining:
        out -= timedelta(days=1)
        if calendar.is_working_day(out):
            remaining -= 1
    return out


def is_done(pep: PEP, policy: Policy) -> bool:
    """Whether a PEP counts as done for due dates (approved, or submitted when the policy says so)."""
    if pep.status is PEPStatus.APPROVED:
        return True
    return policy.pep_done_at == "submitted" and pep.status in (PEPStatus.SUBMITTED, PEPStatus.FINALISED)


def done_on(pep: PEP, policy: Policy) -> date | None:
    """The date a PEP became done (its approve, or first submit, sign-off), or ``None`` if it is not done."""
    if not is_done(pep, policy):
        return None
    step = "submit" if policy.pep_done_at == "submitted" else "approve"
    dates = [s.at.date() for s in pep.sign_offs if s.step == step]
    if dates:
        return dates[-1] if step == "approve" else dates[0]
    return pep.updated_at.date()


def termly_due(term: TermRef, policy: Policy, calendar: WorkingCalendar | None = None) -> date:
    """When a term's PEP is due: ``termly_pep_due_working_days`` working (or school) days after the
    term's first day in the term dates."""
    cal = calendar or policy.calendar()
    return cal.add(policy.term_start(term, cal), policy.termly_pep_due_working_days)


#: How far ahead pep-tui computes dates for a store (the longest rule: a review up to 6 months away).
HORIZON_MONTHS = 7


def untrusted_note(day: date, calendar: WorkingCalendar) -> str | None:
    """A warning when ``day`` falls after the last year whose bank holidays are trusted, else ``None``."""
    if calendar.trusted(day):
        return None
    return (f"{day:%d %b %Y} is after {calendar.trusted_until}, the last year of checked bank holidays: a one-off "
            f"bank holiday may be missing (check gov.uk/bank-holidays and set policy.bank_holidays_trusted_until)")


def default_terms_note(academic_year: int, policy: Policy) -> str | None:
    """A warning when an academic year's term dates are the default pattern, else ``None``."""
    if academic_year_label(academic_year) in policy.term_dates:
        return None
    return (f"term dates for {academic_year_label(academic_year)} are the default pattern, not the council's "
            f"(set policy.term_dates.\"{academic_year_label(academic_year)}\")")


def calendar_warnings(policy: Policy, today: date) -> list[str]:
    """What may make due dates wrong for the next :data:`HORIZON_MONTHS` months: bank holidays past the
    trusted year, and term dates that are the default pattern. Shown by ``store check``, the app and the CLI."""
    out: list[str] = []
    cal = policy.calendar(school_days=False)
    horizon = add_months(today, HORIZON_MONTHS)
    if not cal.trusted(horizon):
        out.append(f"Bank holidays are checked up to {cal.trusted_until}; dates pep-tui computes after "
                   f"31 Dec {cal.trusted_until} follow the regular rules but may miss a one-off bank holiday "
                   f"(check gov.uk/bank-holidays, then raise policy.bank_holidays_trusted_until).")
    years = sorted({academic_year_start(today), academic_year_start(horizon)})
    defaults = [academic_year_label(y) for y in years if academic_year_label(y) not in policy.term_dates]
    if defaults:
        out.append(f"Term dates for {', '.join(defaults)} are the default pattern, not the council's: termly due "
                   f"dates are estimates (set policy.term_dates).")
    return out


def _with_notes(due: DueDate, policy: Policy, calendar: WorkingCalendar) -> DueDate:
    notes = [n for n in (untrusted_note(due.due, calendar),
                         default_terms_note(due.term.academic_year, policy) if due.kind == "termly" else None) if n]
    return replace(due, notes=tuple(notes)) if notes else due


def next_care_plan_review(child: Child, policy: Policy, today: date, calendar: WorkingCalendar | None = None) -> date | None:
    """The child's next care-plan review: the earlier of the next one scheduled on the record and the
    latest date reg 33 allows after the reviews held so far (which may be in the past: overdue)."""
    entered = child.date_entered_care
    reviews = [d for d in child.care_plan_reviews if entered is None or d >= entered]
    held = sorted(d for d in reviews if d <= today)
    scheduled = sorted(d for d in reviews if d > today)
    latest: date | None
    if not held:
        cal = calendar or policy.calendar(school_days=False)
        latest = cal.add(entered, policy.first_review_working_days) if entered else None
    elif len(held) == 1:
        latest = add_months(held[-1], policy.second_review_months)
    else:
        latest = add_months(held[-1], policy.later_review_months)
    candidates = [d for d in (latest, scheduled[0] if scheduled else None) if d is not None]
    return min(candidates) if candidates else None


def obligations(child: Child, peps: list[PEP], policy: Policy, today: date) -> list[DueDate]:
    """Every PEP the child owes, earliest first (empty when no PEP is required: under the start age,
    18 or over, or left care)."""
    if child.left_care_on is not None and child.left_care_on <= today:
        return []
    if not pep_required(child.date_of_birth, today, policy.early_years_start):
        return []
    cal = policy.calendar()
    working = cal if cal.closed is None else policy.calendar(school_days=False)  # reg 33 counts working days
    done = [p for p in peps if is_done(p, policy)]
    done_terms = {p.term_ref for p in done}
    found: list[DueDate] = []

    entered = child.date_entered_care
    if entered is not None:
        entered_term = TermRef.containing(entered)
        later = any(p.term_ref > entered_term for p in peps)  # past the first term: the termly rule has taken over
        if not later and not any(t >= entered_term for t in done_terms):
            if any(p.term_ref >= entered_term for p in peps):
                found.append(DueDate(cal.add(entered, policy.initial_pep_ready_working_days),
                                     "initial PEP ready for the first care-plan review", entered_term, "initial"))
            else:
                found.append(DueDate(cal.add(entered, policy.initial_pep_working_days),
                                     "initial PEP to start after entering care", entered_term, "initial"))

    last_done = max((d for d in (done_on(p, policy) for p in done) if d is not None), default=None)
    moves = [m.on for m in child.school_moves if last_done is None or m.on > last_done]
    if moves:
        move = max(moves)
        found.append(DueDate(cal.add(move, policy.school_move_pep_working_days), "new PEP after a school move",
                             TermRef.containing(move), "school_move"))

    term = TermRef.containing(today)
    if any(d.kind == "initial" and d.term == term for d in found):
        pass  # the initial PEP is this term's PEP
    elif term in done_terms:
        nxt = term.next()
        found.append(DueDate(termly_due(nxt, policy, cal), "next term's PEP", nxt, "termly"))
    else:
        found.append(DueDate(termly_due(term, policy, cal), "this term's PEP", term, "termly"))

    review = next_care_plan_review(child, policy, today, working)
    if review is not None and review >= today:  # a PEP cannot be made ready before a review already missed
        review_term = TermRef.containing(review)
        current_terms = {review_term}
        if review <= termly_due(review_term, policy, cal):
            current_terms.add(review_term.previous())
        if not current_terms & done_terms:
            first = entered is not None and not any(entered <= d <= today for d in child.care_plan_reviews)
            margin = policy.pep_before_first_review_working_days if first else policy.pep_before_review_working_days
            found.append(DueDate(
                working_days_before(cal, review, margin),
                f"PEP current before the care-plan review on {review:%d %b %Y}", review_term, "care_plan_review",
            ))
    return sorted((_with_notes(d, policy, cal) for d in found), key=lambda d: d.due)


def next_due(child: Child, peps: list[PEP], policy: Policy, today: date) -> DueDate | None:
    """The earliest PEP the child owes (see :func:`obligations`), or ``None`` when none is required."""
    found = obligations(child, peps, policy, today)
    return found[0] if found else None
