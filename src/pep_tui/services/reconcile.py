"""Reconciling the Virtual School's cohort with an SSDA903 extract.

Children are matched on the council's child id (``CHILD`` ↔ ``Child.la_child_id``) first, for every
child of the extract, then on UPN for those that did not match. Each child of the extract ends up in
exactly one place, so the counts add up (:meth:`Reconciliation.accounted`)::

    children in the extract = matched (agree) + each listed difference + left care (not compared)

The lists: children missing on either side, a UPN shared with another child (an extract child whose
UPN belongs to a pep-tui child already matched to another CHILD, or a child matched by id who carries
another child's UPN), children matched only by UPN (their child ids differ), children the 903 shows as
having left care while pep-tui still has them in care, UPN and date-of-birth mismatches. Nothing is
changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pep_tui.domain import UPNError, validate_upn
from pep_tui.domain.upn import UNKNOWN_UPN_CODES
from pep_tui.services.csv_input import (
    CsvTable,
    ImportFileError,
    RowProblem,
    find_column,
    parse_date,
)
from pep_tui.services.ssda903 import CHILD_COLUMNS

#: The problem of a row that cannot be placed with any child of the extract.
EMPTY_CHILD = "CHILD is empty"


@dataclass
class CohortEntry:
    """A pep-tui child as the reconciliation sees them."""

    child_id: str
    name: str
    la_child_id: str | None
    upn: str | None
    date_of_birth: date
    in_care: bool


@dataclass
class ExtractEntry:
    """A child of the 903 extract (all their rows folded together)."""

    la_child_id: str
    line: int
    upn: str | None = None
    date_of_birth: date | None = None
    in_care: bool = True
    episodes: int = 0
    upn_given: bool = False
    rows: int = 0


@dataclass
class Reconciliation:
    """What differs between pep-tui and the 903 extract."""

    source: str
    extract_children: int = 0
    cohort_children: int = 0
    matched: int = 0
    missing_in_pep_tui: list[ExtractEntry] = field(default_factory=list)
    missing_in_903: list[CohortEntry] = field(default_factory=list)
    upn_mismatches: list[tuple[CohortEntry, ExtractEntry]] = field(default_factory=list)
    dob_mismatches: list[tuple[CohortEntry, ExtractEntry]] = field(default_factory=list)
    matched_by_upn: list[tuple[CohortEntry, ExtractEntry]] = field(default_factory=list)
    left_care_in_903: list[tuple[CohortEntry, ExtractEntry]] = field(default_factory=list)
    #: (extract child, the pep-tui child whose UPN it carries, the pep-tui child it matched by id or None)
    shared_upn: list[tuple[ExtractEntry, CohortEntry, CohortEntry | None]] = field(default_factory=list)
    #: Extract children whose episodes have all ended and whom pep-tui does not have in care (not compared).
    ended_in_903: int = 0
    #: Every child in the extract (in care or not) and the rows read for them.
    extract_total: int = 0
    extract_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def differences(self) -> int:
        """How many differences were found in all."""
        return (len(self.missing_in_pep_tui) + len(self.missing_in_903) + len(self.upn_mismatches)
                + len(self.dob_mismatches) + len(self.matched_by_upn) + len(self.left_care_in_903)
                + len(self.shared_upn))

    def accounted(self) -> dict[str, int]:
        """Where each child of the extract went; the values add up to :attr:`extract_total`."""
        return {
            "matched": self.matched,
            "not in pep-tui": len(self.missing_in_pep_tui),
            "UPN shared with another child": len(self.shared_upn),
            "same UPN, different child id": len(self.matched_by_upn),
            "left care in the 903, in care in pep-tui": len(self.left_care_in_903),
            "UPN differs": len(self.upn_mismatches),
            "date of birth differs": len(self.dob_mismatches),
            "left care, not compared": self.ended_in_903,
        }

    def lines(self) -> list[str]:
        """The reconciliation in words."""
        out = [f"{self.source}: {self.extract_children} children looked after in the 903 extract; "
               f"{self.cohort_children} in care in pep-tui; {self.matched} matched; {self.differences} difference(s)."]
        parts = " + ".join(f"{n} {what}" for what, n in self.accounted().items() if n)
        unread = sum(1 for p in self.problems if p.message == EMPTY_CHILD)
        out.append(f"Every child of the extract accounted for: {self.extract_total} children "
                   f"({self.extract_rows} rows) = {parts or '0'}"
                   + (f"; {unread} row(s) without a CHILD could not be placed." if unread else "."))

        def who(entry: CohortEntry) -> str:
            return f"{entry.name} ({entry.child_id}, CHILD {entry.la_child_id or 'not recorded'})"

        def upn(value: str | None) -> str:
            return value or "none"

        if self.missing_in_pep_tui:
            out.append(f"In the 903 but not in pep-tui ({len(self.missing_in_pep_tui)}):")
            out += [f"  CHILD {e.la_child_id} (line {e.line}), UPN {upn(e.upn)}" for e in self.missing_in_pep_tui]
        if self.missing_in_903:
            out.append(f"In care in pep-tui but not in the 903 ({len(self.missing_in_903)}):")
            out += [f"  {who(c)}, UPN {upn(c.upn)}" for c in self.missing_in_903]
        if self.shared_upn:
            out.append(f"UPN shared with another child ({len(self.shared_upn)}):")
            for e, owner, matched in self.shared_upn:
                if matched is None:
                    out.append(f"  CHILD {e.la_child_id} (line {e.line}) has UPN {upn(e.upn)}, which is {who(owner)}'s; "
                               f"that child is matched to another CHILD")
                else:
                    out.append(f"  {who(matched)} (line {e.line}) has UPN {upn(e.upn)} in the 903, which is "
                               f"{who(owner)}'s; pep-tui has {upn(matched.upn)}")
        if self.upn_mismatches:
            out.append(f"UPN differs ({len(self.upn_mismatches)}):")
            out += [f"  {who(c)}: pep-tui {upn(c.upn)}, 903 {upn(e.upn)} (line {e.line})"
                    + (f"; date of birth differs too: pep-tui {c.date_of_birth:%d/%m/%Y}, 903 {e.date_of_birth:%d/%m/%Y}"
                       if e.date_of_birth and e.date_of_birth != c.date_of_birth else "")
                    for c, e in self.upn_mismatches]
        if self.dob_mismatches:
            out.append(f"Date of birth differs ({len(self.dob_mismatches)}):")
            out += [f"  {who(c)}: pep-tui {c.date_of_birth:%d/%m/%Y}, 903 {e.date_of_birth:%d/%m/%Y} (line {e.line})"
                    for c, e in self.dob_mismatches if e.date_of_birth]
        if self.matched_by_upn:
            out.append(f"Same UPN, different child id ({len(self.matched_by_upn)}):")
            out += [f"  {who(c)}: 903 CHILD {e.la_child_id} (line {e.line})" for c, e in self.matched_by_upn]
        if self.left_care_in_903:
            out.append(f"Left care in the 903 but in care in pep-tui ({len(self.left_care_in_903)}):")
            out += [f"  {who(c)} (line {e.line})" for c, e in self.left_care_in_903]
        if self.problems:
            out.append(f"{len(self.problems)} row(s) of the extract could not be read:")
            out += [f"  {p}" for p in self.problems]
        if not self.differences and not self.problems:
            out.append("The cohort and the 903 extract agree.")
        return out


def read_extract(table: CsvTable) -> tuple[dict[str, ExtractEntry], list[RowProblem]]:
    """Fold the extract's rows into one entry per CHILD (in care unless every episode has ended)."""
    child_col = find_column(table.headers, *CHILD_COLUMNS["la_child_id"])
    if child_col is None:
        raise ImportFileError(f"{table.source}: no CHILD column; the header is: {', '.join(table.headers)}")
    dob_col = find_column(table.headers, *CHILD_COLUMNS["date_of_birth"])
    has_episodes = "DECOM" in table.headers
    problems = list(table.problems)
    entries: dict[str, ExtractEntry] = {}
    open_episode: dict[str, bool] = {}
    for line, row in table.rows:
        key = row.get(child_col, "")
        if not key:
            problems.append(RowProblem(line, EMPTY_CHILD))
            continue
        entry = entries.setdefault(key, ExtractEntry(key, line, upn_given="UPN" in table.headers))
        entry.rows += 1
        errors = []
        if row.get("UPN"):
            try:
                upn = validate_upn(row["UPN"])
            except UPNError as exc:
                errors.append(str(exc))
                upn = row["UPN"].replace(" ", "").upper()
            if entry.upn and entry.upn != upn:
                errors.append(f"UPN {upn!r} differs from line {entry.line} ({entry.upn!r})")
            entry.upn = entry.upn or upn
        if dob_col and row.get(dob_col):
            try:
                born = parse_date(dob_col, row[dob_col])
                if entry.date_of_birth and entry.date_of_birth != born:
                    errors.append(f"{dob_col} differs from line {entry.line}")
                entry.date_of_birth = entry.date_of_birth or born
            except ValueError as exc:
                errors.append(str(exc))
        if has_episodes:
            entry.episodes += 1
            ended = bool(row.get("DEC"))
            open_episode[key] = open_episode.get(key, False) or not ended
        if errors:
            problems.append(RowProblem(line, "; ".join(errors)))
    if has_episodes:
        for key, entry in entries.items():
            entry.in_care = open_episode.get(key, True)
    return entries, problems


def reconcile(source: str, extract: dict[str, ExtractEntry], cohort: list[CohortEntry],
              problems: list[RowProblem]) -> Reconciliation:
    """Compare the extract with the cohort (both already read). Every extract child lands in exactly one
    of the counts of :meth:`Reconciliation.accounted`."""
    result = Reconciliation(source, problems=problems)
    result.extract_children = sum(1 for e in extract.values() if e.in_care)
    result.extract_total = len(extract)
    result.extract_rows = sum(e.rows for e in extract.values())
    in_care = [c for c in cohort if c.in_care]
    result.cohort_children = len(in_care)
    by_id = {c.la_child_id: c for c in cohort if c.la_child_id}
    by_upn = {c.upn: c for c in cohort if c.upn and c.upn not in UNKNOWN_UPN_CODES}
    entries = sorted(extract.values(), key=lambda e: e.line)
    # Pass 1: by child id, for every child of the extract, so a later row's id match is never taken by an
    # earlier row's UPN.
    matched_children: set[str] = {by_id[e.la_child_id].child_id for e in entries if e.la_child_id in by_id}
    for entry in entries:
        child = by_id.get(entry.la_child_id)
        owner = by_upn.get(entry.upn) if entry.upn else None
        if child is None and owner is not None:
            if owner.child_id in matched_children:  # that child is already another CHILD's
                result.shared_upn.append((entry, owner, None))
                continue
            matched_children.add(owner.child_id)  # pass 2: matched by UPN alone
            result.matched_by_upn.append((owner, entry))
            continue
        if child is None:
            if entry.in_care:
                result.missing_in_pep_tui.append(entry)
            else:
                result.ended_in_903 += 1
            continue
        if not entry.in_care:
            if child.in_care:
                result.left_care_in_903.append((child, entry))
            else:
                result.ended_in_903 += 1
            continue
        if owner is not None and owner.child_id != child.child_id:  # given another child's UPN
            result.shared_upn.append((entry, owner, child))
        elif entry.upn_given and (entry.upn or None) != (child.upn or None):
            result.upn_mismatches.append((child, entry))
        elif entry.date_of_birth is not None and entry.date_of_birth != child.date_of_birth:
            result.dob_mismatches.append((child, entry))
        else:
            result.matched += 1
    result.missing_in_903 = [c for c in in_care if c.child_id not in matched_children]
    return result
