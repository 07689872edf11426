"""Reconciling the Virtual School's cohort with an SSDA903 extract.

Children are matched on the council's child id (``CHILD`` ↔ ``Child.la_child_id``), then on UPN for
those that did not match. The result lists children missing on either side, UPN and date-of-birth
mismatches, children matched only by UPN (their child ids differ), and children the 903 shows as having
left care while pep-tui still has them in care. Nothing is changed.
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
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def differences(self) -> int:
        """How many differences were found in all."""
        return (len(self.missing_in_pep_tui) + len(self.missing_in_903) + len(self.upn_mismatches)
                + len(self.dob_mismatches) + len(self.matched_by_upn) + len(self.left_care_in_903))

    def lines(self) -> list[str]:
        """The reconciliation in words."""
        out = [f"{self.source}: {self.extract_children} children looked after in the 903 extract; "
               f"{self.cohort_children} in care in pep-tui; {self.matched} matched; {self.differences} difference(s)."]

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
        if self.upn_mismatches:
            out.append(f"UPN differs ({len(self.upn_mismatches)}):")
            out += [f"  {who(c)}: pep-tui {upn(c.upn)}, 903 {upn(e.upn)} (line {e.line})" for c, e in self.upn_mismatches]
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
            problems.append(RowProblem(line, "CHILD is empty"))
            continue
        entry = entries.setdefault(key, ExtractEntry(key, line, upn_given="UPN" in table.headers))
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
    """Compare the extract with the cohort (both already read)."""
    result = Reconciliation(source, problems=problems)
    result.extract_children = sum(1 for e in extract.values() if e.in_care)
    in_care = [c for c in cohort if c.in_care]
    result.cohort_children = len(in_care)
    by_id = {c.la_child_id: c for c in cohort if c.la_child_id}
    by_upn = {c.upn: c for c in cohort if c.upn and c.upn not in UNKNOWN_UPN_CODES}
    matched_children: set[str] = set()
    for entry in sorted(extract.values(), key=lambda e: e.line):
        child = by_id.get(entry.la_child_id)
        if child is None and entry.upn and entry.upn in by_upn:
            child = by_upn[entry.upn]
            if child.child_id not in matched_children:
                result.matched_by_upn.append((child, entry))
        if child is None:
            if entry.in_care:
                result.missing_in_pep_tui.append(entry)
            continue
        matched_children.add(child.child_id)
        if not entry.in_care:
            if child.in_care:
                result.left_care_in_903.append((child, entry))
            continue
        result.matched += 1
        if entry.upn_given and (entry.upn or None) != (child.upn or None):
            result.upn_mismatches.append((child, entry))
        if entry.date_of_birth is not None and entry.date_of_birth != child.date_of_birth:
            result.dob_mismatches.append((child, entry))
    result.missing_in_903 = [c for c in in_care if c.child_id not in matched_children]
    return result
