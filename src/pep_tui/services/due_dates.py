"""When each child's next PEP is due (every timescale comes from the policy settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pep_tui.domain import PEP, Child, PEPStatus, TermRef, pep_required
from pep_tui.settings import Policy


@dataclass(frozen=True)
class DueDate:
    """The next PEP due for a child and why."""

    due: date
    reason: str
    term: TermRef

    def overdue(self, today: date) -> bool:
        """True when the due date has passed."""
        return today > self.due


def next_due(child: Child, peps: list[PEP], policy: Policy, today: date) -> DueDate | None:
    """The next PEP due date, or ``None`` when no PEP is required (under the start age, 18+, left care).

    Rules, earliest applicable first: an initial PEP within ``initial_pep_working_days`` of entering
    care; a new PEP within ``school_move_pep_working_days`` of a school move since the last approved
    PEP; otherwise this term's PEP, ``termly_pep_due_working_days`` after the term starts.
    """
    if child.left_care_on is not None and child.left_care_on <= today:
        return None
    if not pep_required(child.date_of_birth, today, policy.early_years_start):
        return None
    calendar = policy.calendar()
    term = TermRef.containing(today)
    done = [p for p in peps if p.status is PEPStatus.APPROVED]
    if not peps and child.date_entered_care is not None:
        entered = child.date_entered_care
        return DueDate(calendar.add(entered, policy.initial_pep_working_days), "initial PEP after entering care",
                       TermRef.containing(entered))
    last_done = max((p.updated_at.date() for p in done), default=None)
    moves = [m.on for m in child.school_moves if last_done is None or m.on > last_done]
    if moves:
        move = max(moves)
        return DueDate(calendar.add(move, policy.school_move_pep_working_days), "new PEP after a school move",
                       TermRef.containing(move))
    this_term = [p for p in peps if p.term_ref == term]
    if any(p.status is PEPStatus.APPROVED for p in this_term):
        nxt = term.next()
        return DueDate(calendar.add(nxt.start, policy.termly_pep_due_working_days), "next term's PEP", nxt)
    return DueDate(calendar.add(term.start, policy.termly_pep_due_working_days), "this term's PEP", term)
