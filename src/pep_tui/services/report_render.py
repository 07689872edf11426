"""The compliance dashboard as plain text (tables and ``#`` bar charts) and as CSV rows.

Plain text only: the same lines are printed by ``pep-tui report compliance`` and shown by the app's
compliance screen, so they must read well in an 80-column terminal over a slow SSH link.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from pep_tui.domain.text import show_control
from pep_tui.services.reports import Breakdown, ComplianceReport

BAR_WIDTH = 30


def fmt_pct(value: float | None) -> str:
    """``87.5`` → ``"87.5%"``; ``None`` → ``"-"``."""
    return "-" if value is None else f"{value:.1f}%"


def bar_chart(title: str, values: dict[str, int], width: int = BAR_WIDTH) -> list[str]:
    """A horizontal bar chart of counts, one line per label, bars drawn with ``#``."""
    lines = [title]
    if not values:
        return [*lines, "  (none)"]
    values = {show_control(k, one_line=True): v for k, v in values.items()}  # labels can be stored text
    label_width = max(len(k) for k in values)
    top = max(values.values()) or 1
    for label, count in values.items():
        length = round(width * count / top)
        bar = "#" * length if count else ""
        lines.append(f"  {label.ljust(label_width)}  {bar.ljust(width)} {count}")
    return lines


def _status_label(status: str) -> str:
    return status.replace("_", " ").capitalize()


def breakdown_table(rows: list[Breakdown], heading: str) -> list[str]:
    """A table of per-group figures."""
    headers = [heading, "children", "need PEP", "in date", "overdue", "approved", "good+", "attend.", "PA", "C2"]
    body = [
        [
            show_control(b.group, one_line=True), str(b.children), str(b.pep_required), fmt_pct(b.in_date_pct), str(b.overdue), str(b.approved),
            fmt_pct(b.good_pct), fmt_pct(b.attendance_pct), str(b.persistent_absence), str(b.part_time_timetable),
        ]
        for b in rows
    ]
    widths = [max(len(r[i]) for r in [headers, *body]) for i in range(len(headers))]
    widths[0] = min(widths[0], 32)

    def line(cells: list[str]) -> str:
        first = cells[0] if len(cells[0]) <= widths[0] else cells[0][: widths[0] - 1] + "~"
        rest = [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join([first.ljust(widths[0]), *rest])

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in body)]


def text_report(report: ComplianceReport) -> str:
    """The dashboard as text: headline figures, charts, then per-school and per-social-worker tables."""
    t = report.total
    good = "/".join(report.good_values)
    lines = [
        f"PEP compliance - {report.term.label} - as of {report.today:%d %b %Y}",
        "",
        f"Children in care:                     {t.children}",
        f"Need a PEP (statutory age):           {t.pep_required}",
        f"With an in-date PEP:                  {t.in_date} ({fmt_pct(t.in_date_pct)})",
        f"This term's PEPs completed:           {t.completed}",
        f"This term's PEPs approved:            {t.approved}",
        f"Overdue (not {report.done_at} by the due date): {t.overdue}",
    ]
    if report.initial is not None:
        i = report.initial
        lines.append(
            f"Initial PEPs (entered care since {i.since:%d %b %Y}): {i.entered_care}; on time {i.on_time}, "
            f"late {i.late}, overdue {i.overdue}, not yet due {i.not_yet_due} (on time {fmt_pct(i.on_time_pct)})"
        )
    lines += [
        f"Rated good or better ({good}):   {t.good_or_better} of {t.rated} rated this term ({fmt_pct(t.good_pct)})",
        f"Attendance (recorded for {t.attendance_recorded}):      {fmt_pct(t.attendance_pct)}",
        f"Persistent absence (<= {report.persistent_absence_threshold:g}% attendance): {t.persistent_absence}",
        f"Part-time timetables (C2):            {t.part_time_timetable}",
        f"Suspended (children):                 {t.suspended}; suspensions {report.suspensions}, "
        f"days {report.suspension_days:g}; permanent exclusions {report.permanent_exclusions}",
        f"Post-16: {report.post16}; NEET: {report.neet}",
        "",
        *bar_chart("Children by stage", report.by_stage),
        "",
        *bar_chart(f"This term's PEPs by status (children needing a PEP: {t.pep_required})",
                   {_status_label(k): v for k, v in report.pep_status.items()}),
        "",
        *bar_chart("This term's QA ratings", {k.capitalize(): v for k, v in report.qa_ratings.items()}),
    ]
    if report.post16_routes:
        lines += ["", *bar_chart("Post-16 routes", report.post16_routes)]
    lines += ["", "By school", *breakdown_table(report.schools, "school")]
    lines += ["", "By social worker", *breakdown_table(report.social_workers, "social worker")]
    lines += ["", "good+: rated good or better this term; attend.: sessions present / possible; "
              "PA: persistent absence; C2: part-time timetable"]
    return "\n".join(lines)


def _breakdown_rows(scope: str, b: Breakdown) -> Iterator[list[str]]:
    values = {
        "children": b.children, "pep_required": b.pep_required, "completed": b.completed, "approved": b.approved,
        "overdue": b.overdue, "in_date": b.in_date, "in_date_pct": b.in_date_pct, "rated": b.rated,
        "good_or_better": b.good_or_better, "good_or_better_pct": b.good_pct,
        "attendance_recorded": b.attendance_recorded, "attendance_pct": b.attendance_pct,
        "persistent_absence": b.persistent_absence, "part_time_timetable": b.part_time_timetable,
        "suspended": b.suspended,
    }
    for measure, value in values.items():
        yield [scope, b.group, measure, "" if value is None else str(value)]


def csv_rows(report: ComplianceReport) -> list[list[str]]:
    """The dashboard as long-format rows ``scope, group, measure, value`` (with a header row)."""
    rows = [["scope", "group", "measure", "value"]]
    rows.append(["report", "", "as_of", report.today.isoformat()])
    rows.append(["report", "", "term", report.term.label])
    rows += list(_breakdown_rows("all", report.total))
    extra = {"suspensions": report.suspensions, "suspension_days": report.suspension_days,
             "permanent_exclusions": report.permanent_exclusions, "post16": report.post16, "neet": report.neet}
    rows += [["all", report.total.group, k, f"{v:g}" if isinstance(v, float) else str(v)] for k, v in extra.items()]
    if report.initial is not None:
        i = report.initial
        for k, v in {"entered_care": i.entered_care, "on_time": i.on_time, "late": i.late, "overdue": i.overdue,
                     "not_yet_due": i.not_yet_due}.items():
            rows.append(["initial_peps", f"since {i.since.isoformat()}", k, str(v)])
    rows += [["stage", k, "children", str(v)] for k, v in report.by_stage.items()]
    rows += [["year_group", k, "children", str(v)] for k, v in report.by_year_group.items()]
    rows += [["pep_status", k, "children", str(v)] for k, v in report.pep_status.items()]
    rows += [["qa_rating", k, "peps", str(v)] for k, v in report.qa_ratings.items()]
    rows += [["post16_route", k, "young_people", str(v)] for k, v in report.post16_routes.items()]
    for b in report.schools:
        rows += list(_breakdown_rows("school", b))
    for b in report.social_workers:
        rows += list(_breakdown_rows("social_worker", b))
    return rows


def csv_text(report: ComplianceReport) -> str:
    """The dashboard as CSV text (see :func:`csv_rows`), with spreadsheet formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in csv_rows(report):
        writer.writerow([safe_cell(c) for c in row])
    return out.getvalue()


def safe_cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run as a formula (a leading ``= + - @`` gets a ``'``), with
    control characters written out visibly (``\\x1b``); tabs and line breaks are kept (CSV quotes them)."""
    value = show_control(value)
    if value and value[0] in "=+-@\t\r" and not _is_number(value):
        return "'" + value
    return value


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True
