"""Importing the cohort from a social-care system's CSV (SSDA903 header/episodes layout, plus names).

Three steps, so nothing is ever half-applied by a bad file:

1. **Read and check** every row (UPN check letter, dates, codes, duplicates); each rejected row is
   reported with its line number and reason.
2. **Plan** each child: add, update or leave alone. A field is only changed when pep-tui still holds
   the value last imported (or holds nothing): a field someone edited in pep-tui is never overwritten,
   the difference is reported instead. The values imported are kept on the child
   (``Child.import_snapshot``) for the next import to compare against. An empty cell never clears a value.
3. **Apply** the plan through the child services (unless it is a dry run, or rows were rejected and
   the user did not ask to import the rest). If a save fails part-way, the result says exactly which
   children were saved and which were not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import ValidationError

from pep_tui.domain import Child, UPNError, validate_upn
from pep_tui.services.cohort_allocations import (
    ALLOCATION_COLUMNS,
    ALLOCATION_FIELD_COLUMN,
    LoginCheck,
    PlannedAllocation,
    check_allocation_value,
    new_child_fields,
    plan_allocations,
)
from pep_tui.services.csv_input import CsvTable, Progress, RowProblem, find_column, parse_date
from pep_tui.services.ssda903 import (
    CHILD_COLUMNS,
    EPISODE_COLUMNS,
    LEGAL_STATUSES,
    OTHER_903_COLUMNS,
    PLACEMENT_TYPES,
    Episode,
    parse_sex,
    period_of_care,
    placement_text,
)
from pep_tui.services.text_input import control_character_problems

#: Child fields an import may set, in the order differences are reported.
IMPORTED_FIELDS = (
    "la_child_id", "first_name", "last_name", "date_of_birth", "sex", "upn", "school_urn", "school_name",
    "date_entered_care", "legal_status", "placement", "left_care_on",
)
#: The column named in messages about each field.
FIELD_COLUMN = {
    "la_child_id": "CHILD", "first_name": "FORENAME", "last_name": "SURNAME", "date_of_birth": "DOB",
    "sex": "SEX", "upn": "UPN", "school_urn": "SCHOOL_URN", "school_name": "SCHOOL_NAME",
    "date_entered_care": "DECOM", "legal_status": "LS", "placement": "PLACE", "left_care_on": "DEC",
    **ALLOCATION_FIELD_COLUMN,
}


@dataclass
class ImportedChild:
    """Everything the file says about one child, with the lines it came from."""

    la_child_id: str
    lines: list[int]
    values: dict[str, str]
    episodes: list[Episode] = field(default_factory=list)

    def derived(self) -> dict[str, str]:
        """The child fields, including those worked out from the episodes."""
        values = dict(self.values)
        if self.episodes:
            start, latest = period_of_care(self.episodes)
            values["date_entered_care"] = start.isoformat()
            if latest.legal_status:
                values["legal_status"] = latest.legal_status
            if latest.placement:
                values["placement"] = placement_text(latest.placement)
            if latest.end is not None:
                values["left_care_on"] = latest.end.isoformat()
        return values


@dataclass(frozen=True)
class Difference:
    """A field where pep-tui's value (edited in pep-tui) differs from the file's: pep-tui's is kept."""

    la_child_id: str
    line: int
    field: str
    in_pep_tui: str
    in_file: str

    def __str__(self) -> str:
        return (f"line {self.line}: CHILD {self.la_child_id}: {FIELD_COLUMN[self.field]} is {self.in_file!r} in the "
                f"file but {self.in_pep_tui!r} in pep-tui (edited in pep-tui; kept)")


@dataclass
class PlannedChange:
    """One child to add or update."""

    action: str  # "create" | "update"
    la_child_id: str
    line: int
    data: dict[str, Any]
    child_id: str | None = None
    expected_revision: int | None = None
    fields: list[str] = field(default_factory=list)
    allocations: list[PlannedAllocation] = field(default_factory=list)


@dataclass
class CohortImportResult:
    """What an import found and did. ``applied`` is true only when every planned change was saved."""

    source: str
    dry_run: bool
    rows: int = 0
    encoding: str = "utf-8"
    had_bom: bool = False
    unused_columns: list[str] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)
    planned: list[PlannedChange] = field(default_factory=list)
    unchanged: int = 0
    differences: list[Difference] = field(default_factory=list)
    saved: list[PlannedChange] = field(default_factory=list)
    failed: tuple[PlannedChange, str] | None = None
    blocked: bool = False
    missing: list[str] = field(default_factory=list)
    #: Columns needed to add a child that the file does not have (e.g. an episodes-only or bare 903 header file).
    missing_columns: list[str] = field(default_factory=list)
    #: Children not in pep-tui who cannot be added because of :attr:`missing_columns` (reported once, not per row).
    cannot_add: list[RowProblem] = field(default_factory=list)

    @property
    def refused(self) -> int:
        """Rows not imported: rejected rows plus the children that cannot be added."""
        return len(self.rejected) + len(self.cannot_add)

    @property
    def applied(self) -> bool:
        """Every planned change was saved."""
        return not self.dry_run and not self.blocked and self.failed is None

    @property
    def not_attempted(self) -> list[PlannedChange]:
        """Planned changes never tried because an earlier save failed."""
        if self.failed is None:
            return []
        done = len(self.saved) + 1
        return self.planned[done:]

    def lines(self) -> list[str]:
        """The result in words, for the CLI and the app."""
        creates = [p for p in self.planned if p.action == "create"]
        updates = [p for p in self.planned if p.action == "update"]
        out = []
        if self.missing_columns and self.cannot_add:
            ids = ", ".join(p.message for p in self.cannot_add[:5]) + (", ..." if len(self.cannot_add) > 5 else "")
            out.append(f"This file has no {', '.join(self.missing_columns)} column(s), which adding a child needs: "
                       f"{len(self.cannot_add)} child(ren) not in pep-tui cannot be added (CHILD {ids}). Import the "
                       f"file with the names (the 903 header with FORENAME and SURNAME) first, or add those columns.")
        out.append(f"{self.source}: {self.rows} rows read ({self.encoding}{', byte-order mark removed' if self.had_bom else ''}).")
        if self.unused_columns:
            out.append(f"Columns not used: {', '.join(self.unused_columns)}.")
        if self.dry_run or self.blocked:
            out.append(f"Children: would add {len(creates)}, would update {len(updates)}, unchanged {self.unchanged}.")
        else:
            added = sum(1 for p in self.saved if p.action == "create")
            out.append(f"Children: added {added}, updated {len(self.saved) - added}, unchanged {self.unchanged}"
                       + (f" (of {len(creates)} to add and {len(updates)} to update)." if self.failed else "."))
        for change in updates:
            out.append(f"  update CHILD {change.la_child_id} (line {change.line}): {', '.join(change.fields)}")
        if self.differences:
            out.append(f"{len(self.differences)} difference(s) kept as edited in pep-tui:")
            out += [f"  {d}" for d in self.differences]
        if self.rejected:
            out.append(f"{len(self.rejected)} row(s) rejected:")
            out += [f"  {p}" for p in self.rejected]
        if self.missing:
            out.append(f"{len(self.missing)} child(ren) open in pep-tui are not in this file (left as they are; "
                       f"record leaving care with 'pep-tui children close' if they have left): "
                       f"CHILD {', '.join(self.missing)}")
        if self.dry_run:
            out.append("Dry run: nothing was changed.")
        elif self.blocked:
            out.append("Nothing was imported: fix the rejected rows and import again, or use --skip-rejected "
                       "to import the other children now.")
        elif self.failed is not None:
            change, message = self.failed
            out.append(f"Stopped at CHILD {change.la_child_id} (line {change.line}): {message}")
            out.append(f"Saved before the stop ({len(self.saved)}): "
                       f"{', '.join(c.la_child_id for c in self.saved) or 'none'}.")
            out.append(f"Not saved ({len(self.not_attempted) + 1}): "
                       f"{', '.join(c.la_child_id for c in [change, *self.not_attempted])}.")
        return out


#: The child fields a new child needs, with the column named in messages.
NEEDED_TO_ADD = ("first_name", "last_name", "date_of_birth")


def missing_add_columns(table: CsvTable) -> list[str]:
    """The columns needed to add a child (``FORENAME``, ``SURNAME``, ``DOB``) that the file lacks."""
    return [FIELD_COLUMN[f] for f in NEEDED_TO_ADD if find_column(table.headers, *CHILD_COLUMNS[f]) is None]


def known_columns() -> set[str]:
    """Every column name the cohort importer reads or recognises."""
    names = {n for names in CHILD_COLUMNS.values() for n in names}
    names |= {n for names in ALLOCATION_COLUMNS.values() for n in names}
    return names | set(EPISODE_COLUMNS) | set(OTHER_903_COLUMNS)


def check_rows(table: CsvTable, today: date, progress: Progress | None = None,
               login_check: LoginCheck | None = None) -> tuple[dict[str, ImportedChild], list[RowProblem]]:
    """Check every row; group good rows by CHILD. A child with any rejected row is left out entirely.

    ``login_check`` checks the logins of the allocation columns (see
    :mod:`pep_tui.services.cohort_allocations`); an unknown login is that row's error.
    """
    columns = {f: find_column(table.headers, *names) for f, names in CHILD_COLUMNS.items()}
    allocation_columns = {f: find_column(table.headers, *names) for f, names in ALLOCATION_COLUMNS.items()}
    if columns["la_child_id"] is None:
        from pep_tui.services.csv_input import ImportFileError

        raise ImportFileError(f"{table.source}: no CHILD column (the council's child id, as in the SSDA903); "
                              f"the header is: {', '.join(table.headers)}")
    has_episodes = "DECOM" in table.headers
    problems = list(table.problems)
    children: dict[str, ImportedChild] = {}
    seen: dict[tuple, int] = {}
    bad_children: set[str] = set()
    for n, (line, row) in enumerate(table.rows, start=1):
        if progress is not None and n % 500 == 0:
            progress("checking", n, len(table.rows))
        errors: list[str] = []
        values: dict[str, str] = {}
        for field_name, column in columns.items():
            raw = row.get(column, "") if column else ""
            if not raw:
                continue
            try:
                values[field_name] = _check_value(field_name, column, raw, today)
            except (ValueError, UPNError) as exc:
                errors.append(str(exc))
        for field_name, column in allocation_columns.items():
            raw = row.get(column, "").strip() if column else ""
            if not raw:
                continue
            control = control_character_problems(raw)
            if control:
                errors.append(f"{column} {control[0].message}")
                continue
            try:
                values[field_name] = check_allocation_value(field_name, column, raw, login_check)
            except ValueError as exc:
                errors.append(str(exc))
        episode = None
        if has_episodes:
            episode, episode_errors = _check_episode(line, row, today)
            errors += episode_errors
        child_key = values.get("la_child_id", "")
        if not row.get(columns["la_child_id"], ""):
            errors.insert(0, "CHILD is empty; every row needs the council's child id")
        if errors:
            problems.append(RowProblem(line, "; ".join(errors)))
            if child_key:
                bad_children.add(child_key)
            continue
        identity = (child_key, episode.start if episode else None)
        key_full = (identity, tuple(sorted(values.items())),
                    (episode.legal_status, episode.placement, episode.end) if episode else None)
        if key_full in seen:
            problems.append(RowProblem(line, f"duplicate of line {seen[key_full]}; ignored"))
            continue
        seen[key_full] = line
        existing = children.get(child_key)
        if existing is None:
            children[child_key] = ImportedChild(child_key, [line], values, [episode] if episode else [])
            continue
        clash = _clash(existing, values, episode, has_episodes)
        if clash:
            problems.append(RowProblem(line, clash))
            bad_children.add(child_key)
            continue
        existing.lines.append(line)
        existing.values.update(values)
        if episode:
            existing.episodes.append(episode)
    for key in bad_children:
        children.pop(key, None)
    problems.sort(key=lambda p: p.line)
    return children, problems


def _check_value(field_name: str, column: str, raw: str, today: date) -> str:
    control = control_character_problems(raw, one_line=True)
    if control:  # refused here, row by row, rather than by the save part-way through the import
        raise ValueError(f"{column} {control[0].message}")
    if field_name == "upn":
        return validate_upn(raw)
    if field_name == "date_of_birth":
        born = parse_date(column, raw)
        if born > today:
            raise ValueError(f"{column} {raw!r} is in the future")
        return born.isoformat()
    if field_name == "sex":
        return parse_sex(raw)
    if field_name == "school_urn":
        if not (raw.isdigit() and len(raw) == 6):
            raise ValueError(f"{column} {raw!r} should be a school URN of 6 digits")
        return raw
    if field_name in ("first_name", "last_name", "school_name") and len(raw) > 100:
        raise ValueError(f"{column} is longer than 100 characters")
    return raw


def _check_episode(line: int, row: dict[str, str], today: date) -> tuple[Episode | None, list[str]]:
    errors: list[str] = []
    start = end = None
    raw_start = row.get("DECOM", "")
    if not raw_start:
        errors.append("DECOM is empty; each episode needs its start date")
    else:
        try:
            start = parse_date("DECOM", raw_start)
            if start > today:
                errors.append(f"DECOM {raw_start!r} is in the future")
        except ValueError as exc:
            errors.append(str(exc))
    if row.get("DEC"):
        try:
            end = parse_date("DEC", row["DEC"])
            if start is not None and end < start:
                errors.append(f"DEC {row['DEC']!r} is before DECOM {raw_start!r}")
        except ValueError as exc:
            errors.append(str(exc))
    status = row.get("LS", "").upper() or None
    if status is not None and status not in LEGAL_STATUSES:
        errors.append(f"LS {row['LS']!r} is not an SSDA903 legal status ({', '.join(sorted(LEGAL_STATUSES))})")
    place = row.get("PLACE", "").upper() or None
    if place is not None and place not in PLACEMENT_TYPES:
        errors.append(f"PLACE {row['PLACE']!r} is not an SSDA903 placement type (e.g. U4, K2, P1)")
    if errors or start is None:
        return None, errors
    return Episode(line, start, status, place, end), []


def _clash(existing: ImportedChild, values: dict[str, str], episode: Episode | None, has_episodes: bool) -> str | None:
    first = existing.lines[0]
    for name, value in values.items():
        before = existing.values.get(name)
        if before is not None and before != value:
            column = FIELD_COLUMN[name]
            return f"CHILD {existing.la_child_id}: {column} {value!r} differs from line {first} ({before!r})"
    if not has_episodes:
        return f"CHILD {existing.la_child_id} appears again (first on line {first})"
    if episode is not None:
        same_start = next((e for e in existing.episodes if e.start == episode.start), None)
        if same_start is not None:
            return (f"CHILD {existing.la_child_id} has a second episode starting "
                    f"{episode.start:%d/%m/%Y} (line {same_start.line}) with different values")
    return None


def plan_child(imported: ImportedChild, current: Child | None,
               today: date | None = None) -> tuple[PlannedChange | None, list[Difference], str | None]:
    """What to do for one child: ``(change or None, differences, rejection reason or None)``."""
    new = imported.derived()
    line = imported.lines[0]
    if current is None:
        missing = [FIELD_COLUMN[f] for f in NEEDED_TO_ADD if f not in new]
        if missing:
            return None, [], (f"CHILD {imported.la_child_id} is not in pep-tui; adding a child needs "
                              f"{', '.join(missing)}")
        data: dict[str, Any] = {**{k: v for k, v in new.items() if k in IMPORTED_FIELDS}, **new_child_fields(new),
                                "import_snapshot": dict(new)}
        try:
            Child.model_validate({"id": "check", **data})
        except ValidationError as exc:
            message = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            return None, [], f"CHILD {imported.la_child_id}: {message}"
        return PlannedChange("create", imported.la_child_id, line, data, fields=sorted(new)), [], None
    snapshot = current.import_snapshot or {}
    changes: dict[str, Any] = {}
    differences: list[Difference] = []
    for name in IMPORTED_FIELDS:
        if name not in new or name == "school_urn":  # a change of school is a move: see plan_allocations
            continue
        incoming = new[name]
        held = _as_text(getattr(current, name))
        if held == incoming:
            continue
        if name == "left_care_on" and any(p.end.isoformat() == incoming for p in current.past_care_periods):
            continue  # the file still describes a period of care that ended before the child came back
        last_imported = snapshot.get(name)
        if held == "" or (last_imported is not None and held == last_imported):
            changes[name] = incoming
        else:
            differences.append(Difference(imported.la_child_id, line, name, held, incoming))
    allocations, kept, reason = plan_allocations(new, current, snapshot, today or date.today())
    differences += [Difference(imported.la_child_id, line, name, held, incoming) for name, held, incoming in kept]
    if reason is not None:
        return None, differences, f"CHILD {imported.la_child_id}: {reason}"
    new_snapshot = {**snapshot, **new}
    if not changes and not allocations and new_snapshot == snapshot:
        return None, differences, None
    data = {**changes, "import_snapshot": new_snapshot}
    try:
        Child.model_validate({**current.model_dump(), **data})
    except ValidationError as exc:
        message = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return None, differences, f"CHILD {imported.la_child_id}: {message}"
    change = PlannedChange("update", imported.la_child_id, line, data, current.id, current.revision,
                           fields=[FIELD_COLUMN[f] for f in IMPORTED_FIELDS if f in changes]
                           + [f"{a.kind.value} from {a.start:%d/%m/%Y}" for a in allocations]
                           or ["(import record only)"], allocations=allocations)
    return change, differences, None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))
