"""Attendance from a school's CSV: per session with the national codes, or termly totals.

Per-session files have ``CHILD`` or ``UPN``, ``DATE``, ``SESSION`` (AM/PM) and ``CODE`` columns; the
codes are the national set in force from 19 August 2024 (``data/attendance_codes.csv``): a retired
code (``H``, old ``Y``, ``J``) is accepted only before that day, a code introduced then only after. Totals files have
``POSSIBLE``, ``PRESENT``, ``AUTHORISED`` and ``UNAUTHORISED`` sessions (and optionally
``SUSPENSIONS``, ``SUSPENSION_DAYS``, ``PART_TIME``).

Counting (as the school census does): present and approved off-site codes count as attended;
"not counted" codes are not possible sessions; ``E`` sessions are suspension (a run of consecutive
``E`` sessions is one suspension; two sessions make a day); any ``C2`` session means a part-time timetable.
Sessions before this academic year are checked but not counted: the PEP records this academic year.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pep_tui.domain import academic_year_start
from pep_tui.domain.reference import attendance_codes
from pep_tui.services.csv_input import (
    CsvTable,
    ImportFileError,
    Progress,
    RowProblem,
    find_column,
    parse_date,
)
from pep_tui.services.reports import is_persistent_absence

ID_COLUMNS = ("CHILD", "LA_CHILD_ID", "UPN")
SESSION_VALUES = {"AM": "AM", "A": "AM", "MORNING": "AM", "1": "AM", "PM": "PM", "P": "PM", "AFTERNOON": "PM", "2": "PM"}
TOTAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "possible": ("POSSIBLE", "SESSIONS_POSSIBLE", "POSSIBLE_SESSIONS"),
    "present": ("PRESENT", "SESSIONS_PRESENT", "ATTENDED", "SESSIONS_ATTENDED"),
    "authorised": ("AUTHORISED", "SESSIONS_AUTHORISED_ABSENCE", "AUTHORISED_ABSENCE"),
    "unauthorised": ("UNAUTHORISED", "SESSIONS_UNAUTHORISED_ABSENCE", "UNAUTHORISED_ABSENCE"),
    "suspensions": ("SUSPENSIONS",),
    "suspension_days": ("SUSPENSION_DAYS",),
    "part_time": ("PART_TIME", "PART_TIME_TIMETABLE", "C2"),
}


@dataclass
class AttendanceFigures:
    """One child's attendance as the ``shared.attendance`` section records it."""

    key: str  # the file's identifier, e.g. "CHILD 1234" or "UPN P207..."
    lines: list[int]
    sessions_possible: int = 0
    sessions_present: int = 0
    sessions_authorised_absence: int = 0
    sessions_unauthorised_absence: int = 0
    suspensions: int = 0
    suspension_days: float = 0.0
    part_time_timetable: bool = False
    c2_sessions: int = 0
    e_sessions: int = 0
    earlier_sessions: int = 0
    first_date: date | None = None
    last_date: date | None = None
    sessions: dict[tuple[date, str], tuple[str, int]] = field(default_factory=dict)

    @property
    def percent(self) -> float | None:
        """Attendance % (present / possible), one decimal place."""
        if not self.sessions_possible:
            return None
        return round(100.0 * self.sessions_present / self.sessions_possible, 1)

    def section_data(self) -> dict[str, Any]:
        """The values written into ``shared.attendance``."""
        return {
            "sessions_possible": self.sessions_possible,
            "sessions_present": self.sessions_present,
            "sessions_authorised_absence": self.sessions_authorised_absence,
            "sessions_unauthorised_absence": self.sessions_unauthorised_absence,
            "suspensions": self.suspensions,
            "suspension_days": self.suspension_days,
            "part_time_timetable": self.part_time_timetable,
        }

    def flags(self, threshold: float) -> list[str]:
        """What the Virtual School watches: part-time timetable (C2), suspension (E), persistent absence."""
        found = []
        if self.part_time_timetable:
            found.append(f"C2 part-time timetable{f' ({self.c2_sessions} sessions)' if self.c2_sessions else ''}")
        if self.suspensions or self.e_sessions:
            found.append(f"E suspension ({self.suspensions} suspension(s), {self.suspension_days:g} day(s))")
        if is_persistent_absence(self.sessions_possible, self.sessions_present, threshold):
            found.append(f"persistent absence ({self.percent:.1f}% attendance)")
        return found


def layout_of(table: CsvTable) -> str:
    """``"sessions"`` or ``"totals"``; :class:`ImportFileError` if the columns fit neither."""
    if find_column(table.headers, *ID_COLUMNS) is None:
        raise ImportFileError(f"{table.source}: no CHILD or UPN column to say whose attendance each row is")
    if {"DATE", "SESSION"} <= set(table.headers) and find_column(table.headers, "CODE", "MARK", "ATTENDANCE_CODE"):
        return "sessions"
    if all(find_column(table.headers, *TOTAL_COLUMNS[k]) for k in ("possible", "present")):
        return "totals"
    raise ImportFileError(
        f"{table.source}: expected per-session columns (DATE, SESSION, CODE) or termly totals "
        f"(POSSIBLE, PRESENT, AUTHORISED, UNAUTHORISED); the header is: {', '.join(table.headers)}"
    )


def identifier(table: CsvTable, row: dict[str, str]) -> tuple[str, str] | None:
    """``("la_child_id" | "upn", value)`` for a row, from its first non-empty id column."""
    for column in ID_COLUMNS:
        value = row.get(column, "")
        if value:
            return ("upn", value.replace(" ", "").upper()) if column == "UPN" else ("la_child_id", value)
    return None


def _label(ident: tuple[str, str]) -> str:
    return f"{'UPN' if ident[0] == 'upn' else 'CHILD'} {ident[1]}"


def check_sessions(table: CsvTable, today: date, progress: Progress | None = None) -> tuple[dict[tuple[str, str], AttendanceFigures], list[RowProblem]]:
    """Check every session row and total each child's sessions. A child with a rejected row is left out."""
    codes = attendance_codes()
    code_column = find_column(table.headers, "CODE", "MARK", "ATTENDANCE_CODE") or "CODE"
    problems = list(table.problems)
    figures: dict[tuple[str, str], AttendanceFigures] = {}
    bad: set[tuple[str, str]] = set()
    for n, (line, row) in enumerate(table.rows, start=1):
        if progress is not None and n % 2000 == 0:
            progress("checking", n, len(table.rows))
        errors: list[str] = []
        ident = identifier(table, row)
        if ident is None:
            errors.append("no CHILD or UPN on this row")
        day = None
        try:
            day = parse_date("DATE", row.get("DATE", ""))
            if day > today:
                errors.append(f"DATE {row['DATE']!r} is in the future")
        except ValueError as exc:
            errors.append(str(exc))
        session = SESSION_VALUES.get(row.get("SESSION", "").upper())
        if session is None:
            errors.append(f"SESSION {row.get('SESSION', '')!r} should be AM or PM")
        raw_code = row.get(code_column, "")
        code = codes.get(raw_code) or codes.get(raw_code.upper())
        if code is None:
            errors.append(f"{code_column} {raw_code!r} is not a national attendance code" if raw_code
                          else f"{code_column} is empty")
        elif day is not None and (why := code.why_not_on(day)):
            errors.append(f"{code_column} {code.code!r} ({code.meaning}) {why} and cannot be used for "
                          f"{day:%d/%m/%Y}")
        if errors:
            problems.append(RowProblem(line, "; ".join(errors)))
            if ident is not None:
                bad.add(ident)
            continue
        assert ident is not None and day is not None and session is not None and code is not None
        child = figures.setdefault(ident, AttendanceFigures(_label(ident), []))
        earlier = child.sessions.get((day, session))
        if earlier is not None:
            if earlier[0] == code.code:
                problems.append(RowProblem(line, f"duplicate of line {earlier[1]}; ignored"))
            else:
                problems.append(RowProblem(line, f"{_label(ident)} already has code {earlier[0]!r} for "
                                                 f"{day:%d/%m/%Y} {session} (line {earlier[1]})"))
                bad.add(ident)
            continue
        child.sessions[(day, session)] = (code.code, line)
        child.lines.append(line)
    for ident in bad:
        figures.pop(ident, None)
    year_start = date(academic_year_start(today), 9, 1)
    for child in figures.values():
        _total_sessions(child, year_start)
    problems.sort(key=lambda p: p.line)
    return figures, problems


def _total_sessions(child: AttendanceFigures, year_start: date) -> None:
    codes = attendance_codes()
    in_e = False
    for (day, _session), (code_id, _line) in sorted(child.sessions.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        code = codes[code_id]
        if day < year_start:
            child.earlier_sessions += 1  # checked, but the PEP records this academic year only
            continue
        child.first_date = min(child.first_date or day, day)
        child.last_date = max(child.last_date or day, day)
        if code.category == "not_counted":
            continue
        child.sessions_possible += 1
        if code.category in ("present", "approved_off_site"):
            child.sessions_present += 1
        elif code.category == "authorised":
            child.sessions_authorised_absence += 1
        else:
            child.sessions_unauthorised_absence += 1
        if code_id == "C2":
            child.c2_sessions += 1
            child.part_time_timetable = True
        if code_id == "E":
            child.e_sessions += 1
            if not in_e:
                child.suspensions += 1
            in_e = True
        else:
            in_e = False
    child.suspension_days = child.e_sessions / 2


def check_totals(table: CsvTable) -> tuple[dict[tuple[str, str], AttendanceFigures], list[RowProblem]]:
    """Check every totals row (whole numbers, present within possible, parts adding up)."""
    columns = {k: find_column(table.headers, *names) for k, names in TOTAL_COLUMNS.items()}
    problems = list(table.problems)
    figures: dict[tuple[str, str], AttendanceFigures] = {}
    first_line: dict[tuple[str, str], tuple[int, tuple]] = {}
    bad: set[tuple[str, str]] = set()
    for line, row in table.rows:
        errors: list[str] = []
        ident = identifier(table, row)
        if ident is None:
            errors.append("no CHILD or UPN on this row")
        numbers: dict[str, float] = {}
        invalid: set[str] = set()
        for key, column in columns.items():
            if column is None or key == "part_time" or not row.get(column):
                continue
            raw = row[column]
            try:
                value = float(raw) if key == "suspension_days" else int(raw)
                if value < 0:
                    raise ValueError
                numbers[key] = value
            except ValueError:
                invalid.add(key)
                kind = "a number of days" if key == "suspension_days" else "a whole number of sessions"
                errors.append(f"{column} {raw!r} should be {kind}, 0 or more")
        for key in ("possible", "present"):
            if key not in numbers and key not in invalid:
                errors.append(f"{columns[key]} is empty")
        part_time = False
        if columns["part_time"] and row.get(columns["part_time"]):
            raw = row[columns["part_time"]].strip().upper()
            if raw in ("Y", "YES", "TRUE"):
                part_time = True
            elif raw.isdigit():
                part_time = int(raw) > 0
            elif raw not in ("N", "NO", "FALSE"):
                errors.append(f"{columns['part_time']} {row[columns['part_time']]!r} should be Y or N")
        if not errors:
            possible, present = int(numbers["possible"]), int(numbers["present"])
            if present > possible:
                errors.append(f"PRESENT ({present}) is more than POSSIBLE ({possible})")
            parts = [numbers.get(k) for k in ("present", "authorised", "unauthorised")]
            if all(p is not None for p in parts) and sum(parts) != possible:  # type: ignore[arg-type]
                errors.append(f"PRESENT + AUTHORISED + UNAUTHORISED ({int(sum(parts))}) should equal "  # type: ignore[arg-type]
                              f"POSSIBLE ({possible})")
        if errors:
            problems.append(RowProblem(line, "; ".join(errors)))
            if ident is not None:
                bad.add(ident)
            continue
        assert ident is not None
        signature = (tuple(sorted(numbers.items())), part_time)
        if ident in first_line:
            earlier_line, earlier_signature = first_line[ident]
            if earlier_signature == signature:
                problems.append(RowProblem(line, f"duplicate of line {earlier_line}; ignored"))
            else:
                problems.append(RowProblem(line, f"{_label(ident)} appears again (first on line {earlier_line}) "
                                                 f"with different figures"))
                bad.add(ident)
            continue
        first_line[ident] = (line, signature)
        possible = int(numbers["possible"])
        present = int(numbers["present"])
        authorised = int(numbers.get("authorised", 0))
        figures[ident] = AttendanceFigures(
            _label(ident), [line], sessions_possible=possible, sessions_present=present,
            sessions_authorised_absence=authorised,
            sessions_unauthorised_absence=int(numbers.get("unauthorised", possible - present - authorised)),
            suspensions=int(numbers.get("suspensions", 0)), suspension_days=float(numbers.get("suspension_days", 0)),
            part_time_timetable=part_time,
        )
    for ident in bad:
        figures.pop(ident, None)
    problems.sort(key=lambda p: p.line)
    return figures, problems
