"""The children list's model: filtering as you type, saved filters and sorting over index summaries.

Pure Python (no Textual), so it is cheap to test and to time. A keystroke that extends the query
filters the previous matches only; clearing the filter reuses the sorted full list.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from pep_tui.domain.attendance import is_persistent_absence_percent
from pep_tui.tui.text import clean

#: PEP status values → words for the list.
STATUS_WORDS: dict[str, str] = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "submitted": "Submitted",
    "returned": "Returned",
    "finalised": "Finalised",
    "approved": "Approved",
}


@dataclass(frozen=True)
class SavedFilter:
    """A named filter a user can pick with one key (``id`` is stable; ``title`` is shown)."""

    id: str
    title: str
    test: Callable[[dict[str, Any], date, float], bool]


def _overdue(s: dict[str, Any], today: date, _threshold: float) -> bool:
    due = s.get("next_due")
    return bool(due) and due < today.isoformat() and s.get("current_status") not in ("approved",)


SAVED_FILTERS: tuple[SavedFilter, ...] = (
    SavedFilter("all", "All children", lambda s, t, a: True),
    SavedFilter("overdue", "Overdue", _overdue),
    SavedFilter("returned", "Returned", lambda s, t, a: s.get("current_status") == "returned"),
    SavedFilter("awaiting_qa", "Awaiting QA", lambda s, t, a: s.get("current_status") == "submitted"),
    SavedFilter("neet", "NEET", lambda s, t, a: s.get("post16_route") == "neet"),
    SavedFilter(
        "low_attendance", "Attendance ≤ 90% (persistent absence)",
        lambda s, t, a: is_persistent_absence_percent(s.get("attendance"), a),
    ),
)


@dataclass(frozen=True)
class SortKey:
    """A column the list can be sorted by."""

    id: str
    title: str
    key: Callable[[dict[str, Any]], Any]


def _none_last(value: Any, fallback: Any) -> tuple[int, Any]:
    return (1, fallback) if value is None else (0, value)


SORT_KEYS: tuple[SortKey, ...] = (
    SortKey("name", "name", lambda s: (str(s.get("last_name") or ""), str(s.get("first_name") or ""))),
    SortKey("next_due", "next due", lambda s: _none_last(s.get("next_due"), "")),
    SortKey("year", "year group", lambda s: _none_last(s.get("year_group"), 0)),
    SortKey("school", "school", lambda s: str(s.get("school_name") or "~")),
    SortKey("status", "PEP status", lambda s: str(s.get("current_status") or "")),
    SortKey("attendance", "attendance", lambda s: _none_last(s.get("attendance"), 0.0)),
    SortKey("last_qa", "last QA", lambda s: str(s.get("last_qa") or "~")),
)


def _is_year(word: str) -> bool:
    number = word[1:] if word[:1] == "y" else word
    return number.isdigit() and len(number) <= 2


def _word_token(word: str) -> str:
    """What to look for in a child's words: a year number ("9", "y9") as the whole token " y9 "."""
    if _is_year(word):
        return f" y{int(word.lstrip('y'))} "
    return word


class CohortView:
    """The rows on show: summaries in scope → saved filter → typed query → sort order.

    ``rows`` is a list of indices into ``summaries``; widgets read only the visible slice.
    """

    def __init__(self, summaries: Sequence[dict[str, Any]], today: date, attendance_threshold: float = 90.0) -> None:
        self.today = today
        self.threshold = attendance_threshold
        self.summaries: list[dict[str, Any]] = []
        self._hay: list[str] = []
        self._names: list[tuple[str, ...]] = []
        self.query = ""
        self.saved = SAVED_FILTERS[0]
        self.sort = SORT_KEYS[0]
        self.reverse = False
        self._base: list[int] = []  # sorted, saved filter applied, no query
        self.rows: list[int] = []
        self.load(summaries)

    def load(self, summaries: Sequence[dict[str, Any]]) -> None:
        """Replace the summaries (after a save or a reload), keeping query, filter and sort."""
        self.summaries = list(summaries)
        # The year as the Year column shows it ("y9") is a word of its own; a UPN is matched only by a
        # typed word of four or more characters, so "9" finds Year 9, not every UPN with a 9 in it.
        self._hay = [
            " " + " ".join(
                [clean(s.get(k) or "").lower() for k in ("name", "school_name", "year_label", "current_status")]
                + ([f"y{s['year_group']}"] if isinstance(s.get("year_group"), int) else [])
            ) + " "
            for s in self.summaries
        ]
        self._upns = [clean(s.get("upn") or "").lower() for s in self.summaries]
        self._names = [tuple(clean(s.get("name") or "").lower().split()) for s in self.summaries]
        self._rebuild_base()

    def _rebuild_base(self) -> None:
        test, today, threshold = self.saved.test, self.today, self.threshold
        keyed = [i for i, s in enumerate(self.summaries) if test(s, today, threshold)]
        key = self.sort.key
        keyed.sort(key=lambda i: key(self.summaries[i]), reverse=self.reverse)
        self._base = keyed
        self._apply_query(self.query, previous=None)

    def _apply_query(self, query: str, previous: list[int] | None) -> None:
        words = query.lower().split()
        if not words:
            self.rows = self._base
            return
        hay, names, upns = self._hay, self._names, self._upns
        pool = previous if previous is not None else self._base
        # plain substring tests in one tight loop (the common case, and all a keystroke costs at 10,000);
        # a year number must match a whole " y9 " token; a word of four or more may match the UPN instead
        plain = [_word_token(w) for w in words if len(w) < 4 or _is_year(w)]
        upn_words = [w for w in words if len(w) >= 4 and not _is_year(w)]
        if len(plain) == 1:
            token = plain[0]
            found = [i for i in pool if token in hay[i]]
        else:
            found = [i for i in pool if all(t in hay[i] for t in plain)]
        for word in upn_words:
            found = [i for i in found if word in hay[i] or word in upns[i]]
        # Children whose name has a word starting with each typed word come first ("yasmin p" finds
        # Yasmin Puddleby before Yasmin Brightwater of Moorland Primary), each part in the sort order.
        first = [i for i in found if all(any(n.startswith(w) for n in names[i]) for w in words)]
        if 0 < len(first) < len(found):
            chosen = set(first)
            found = first + [i for i in found if i not in chosen]
        self.rows = found

    def set_query(self, query: str) -> None:
        """Filter by typed text (every word must appear in name, school, year, UPN or status); children
        whose name matches come first."""
        old = self.query
        self.query = query
        extends = bool(old.strip()) and query.lower().startswith(old.lower()) and not query.endswith(" ")
        # "y1" matches Year 1 only, so "y12" does not narrow it: a year word is matched afresh
        extends = extends and not _is_year(old.lower().split()[-1])
        self._apply_query(query, previous=self.rows if extends else None)

    def set_saved(self, filter_id: str) -> None:
        """Choose a saved filter by id."""
        self.saved = next(f for f in SAVED_FILTERS if f.id == filter_id)
        self._rebuild_base()

    def next_saved(self) -> SavedFilter:
        """Step to the next saved filter (wrapping to "All children")."""
        index = SAVED_FILTERS.index(self.saved)
        self.set_saved(SAVED_FILTERS[(index + 1) % len(SAVED_FILTERS)].id)
        return self.saved

    def set_sort(self, sort_id: str, reverse: bool | None = None) -> None:
        """Sort by a column id (see :data:`SORT_KEYS`)."""
        self.sort = next(k for k in SORT_KEYS if k.id == sort_id)
        if reverse is not None:
            self.reverse = reverse
        self._rebuild_base()

    def next_sort(self) -> SortKey:
        """Step to the next sort column."""
        index = SORT_KEYS.index(self.sort)
        self.set_sort(SORT_KEYS[(index + 1) % len(SORT_KEYS)].id)
        return self.sort

    def toggle_reverse(self) -> bool:
        """Reverse the sort order."""
        self.reverse = not self.reverse
        self._rebuild_base()
        return self.reverse

    def __len__(self) -> int:
        return len(self.rows)

    def summary(self, row: int) -> dict[str, Any]:
        """The summary at a visible row."""
        return self.summaries[self.rows[row]]

    def is_overdue(self, summary: dict[str, Any]) -> bool:
        """Whether a child's next PEP is overdue."""
        return _overdue(summary, self.today, self.threshold)
