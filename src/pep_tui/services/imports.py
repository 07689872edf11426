"""Data in from other systems: the cohort (social care / SSDA903), attendance (schools), and the
reconciliation of the cohort with an SSDA903 extract. Virtual School only (``Capability.IMPORT_DATA``).

Every import checks the whole file first, reports each rejected row by line number, and changes
nothing unless every check passed (or the user asked to import the children whose rows were all
good). Every import, dry runs included, is recorded in the audit trail.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pep_tui.domain import TermRef
from pep_tui.domain.upn import UNKNOWN_UPN_CODES
from pep_tui.plugins.api import Capability
from pep_tui.services.access import require
from pep_tui.services.attendance_import import (
    AttendanceFigures,
    check_sessions,
    check_totals,
    layout_of,
)
from pep_tui.services.care import CareService
from pep_tui.services.children import ChildService
from pep_tui.services.cohort_import import (
    CohortImportResult,
    check_rows,
    known_columns,
    missing_add_columns,
    plan_child,
)
from pep_tui.services.context import ServiceContext
from pep_tui.services.csv_input import CsvTable, Progress, RowProblem, read_csv, read_csv_file
from pep_tui.services.peps import PEPService
from pep_tui.services.principal import Principal
from pep_tui.services.reconcile import CohortEntry, Reconciliation, read_extract, reconcile
from pep_tui.services.report_facts import ATTENDANCE_SECTION, FACTS_KEY
from pep_tui.services.transfer_audit import audit_transfer
from pep_tui.store import NotFound

security_log = logging.getLogger("pep_tui.security")


def _log_outcome(principal: Principal, kind: str, result: Any) -> None:
    """A failed or refused import in the operator's log: login, role and counts, never the rows."""
    if result.failed is None and not result.blocked and not result.rejected:
        return
    failed_id = getattr(result.failed[0], "child_id", None) if result.failed is not None else None
    outcome = ("failed part-way" + (f" at child {failed_id}" if failed_id else "") if result.failed is not None
               else "refused" if result.blocked else "applied without rejected rows" if not result.dry_run
               else "checked (dry run)")
    security_log.warning("import %s by %s as %s %s: %d row(s) rejected, %d saved", kind, principal.login,
                         principal.role, outcome, len(result.rejected), len(result.saved))

Source = Path | str | bytes


@dataclass
class PlannedAttendance:
    """Attendance to write into one child's current PEP."""

    figures: AttendanceFigures
    child_id: str
    pep_id: str
    expected_revision: int
    data: dict[str, Any]
    flags: list[str]


@dataclass
class AttendanceImportResult:
    """What an attendance import found and did."""

    source: str
    dry_run: bool
    layout: str = "sessions"
    rows: int = 0
    term: str = ""
    rejected: list[RowProblem] = field(default_factory=list)
    planned: list[PlannedAttendance] = field(default_factory=list)
    saved: list[PlannedAttendance] = field(default_factory=list)
    failed: tuple[PlannedAttendance, str] | None = None
    blocked: bool = False

    @property
    def applied(self) -> bool:
        """Every planned section was saved."""
        return not self.dry_run and not self.blocked and self.failed is None

    @property
    def not_attempted(self) -> list[PlannedAttendance]:
        """Children never tried because an earlier save failed."""
        return self.planned[len(self.saved) + 1:] if self.failed is not None else []

    def lines(self) -> list[str]:
        """The result in words."""
        if self.dry_run or self.blocked:
            done = f"would write attendance for {len(self.planned)} child(ren)"
        else:
            done = f"wrote attendance for {len(self.saved)} child(ren)" + (
                f" of {len(self.planned)}" if self.failed is not None else "")
        out = [f"{self.source}: {self.rows} rows read ({self.layout}); {done} into their {self.term} PEP."]
        for plan in self.planned:
            f = plan.figures
            out.append(f"  {f.key}: {f.sessions_present}/{f.sessions_possible} sessions, "
                       f"{f.percent if f.percent is not None else '-'}%"
                       + (f"  FLAGS: {'; '.join(plan.flags)}" if plan.flags else ""))
        if self.rejected:
            out.append(f"{len(self.rejected)} row(s) rejected:")
            out += [f"  {p}" for p in self.rejected]
        if self.dry_run:
            out.append("Dry run: nothing was changed.")
        elif self.blocked:
            out.append("Nothing was imported: fix the rejected rows and import again, or use --skip-rejected "
                       "to import the other children now.")
        elif self.failed is not None:
            plan, message = self.failed
            out.append(f"Stopped at {plan.figures.key}: {message}")
            out.append(f"Saved before the stop ({len(self.saved)}): {', '.join(p.figures.key for p in self.saved) or 'none'}.")
            out.append(f"Not saved: {', '.join(p.figures.key for p in [plan, *self.not_attempted])}.")
        return out


class ImportService:
    """Cohort and attendance imports and the SSDA903 reconciliation."""

    def __init__(self, ctx: ServiceContext, children: ChildService, peps: PEPService,
                 care: CareService | None = None) -> None:
        self.ctx = ctx
        self.children = children
        self.peps = peps
        self.care = care or CareService(ctx, children)

    # --- shared --------------------------------------------------------------------------------

    def _read_logged(self, principal: Principal, kind: str, source: Source, name: str | None, encoding: str | None,
                     progress: Progress | None) -> CsvTable:
        """:meth:`_read`, with a file that cannot be read recorded as a failed import (login only)."""
        try:
            return self._read(source, name, encoding, progress)
        except Exception as exc:
            security_log.warning("import %s by %s as %s failed: the file could not be read (%s)", kind,
                                 principal.login, principal.role, type(exc).__name__)
            raise

    @staticmethod
    def _read(source: Source, name: str | None, encoding: str | None, progress: Progress | None) -> CsvTable:
        if isinstance(source, bytes):
            return read_csv(source, name or "the file", encoding, progress)
        return read_csv_file(source, encoding, progress)

    def _index(self) -> tuple[dict[str, str], dict[str, str]]:
        """Maps from the council's child id and from UPN to pep-tui child ids (from the store's index)."""
        by_la: dict[str, str] = {}
        by_upn: dict[str, str] = {}
        for child_id, summary in self.ctx.store.summaries(with_facts=True).items():
            facts = summary.get(FACTS_KEY)
            if isinstance(facts, dict) and "la_child_id" in facts:
                la_id = facts.get("la_child_id")
            else:
                try:
                    la_id = self.ctx.store.load_child(child_id).child.la_child_id
                except NotFound:
                    continue
            if la_id:
                by_la[la_id] = child_id
            upn = summary.get("upn")
            if upn and upn not in UNKNOWN_UPN_CODES:
                by_upn[upn] = child_id
        return by_la, by_upn

    # --- cohort --------------------------------------------------------------------------------

    def cohort(self, principal: Principal, source: Source, *, name: str | None = None, dry_run: bool = False,
               skip_rejected: bool = False, encoding: str | None = None,
               progress: Progress | None = None) -> CohortImportResult:
        """Import children from a social-care CSV. See :mod:`pep_tui.services.cohort_import`."""
        require(self.ctx.registry, principal, Capability.IMPORT_DATA)
        require(self.ctx.registry, principal, Capability.CREATE_CHILD)
        table = self._read_logged(principal, "cohort", source, name, encoding, progress)
        result = CohortImportResult(table.source, dry_run, rows=len(table.rows) + len(table.problems),
                                    encoding=table.encoding, had_bom=table.had_bom,
                                    unused_columns=table.unused_columns(known_columns()))
        today = self.ctx.today()
        staff = self.care._staff()
        imported, problems = check_rows(table, today, progress, login_check=lambda kind, logins: [
            p.message for p in self.care.login_problems(kind, logins, staff)])
        result.rejected = problems
        result.missing_columns = missing_add_columns(table)
        by_la, by_upn = self._index()
        upn_lines: dict[str, tuple[str, int]] = {}
        for n, child in enumerate(imported.values(), start=1):
            if progress is not None and n % 200 == 0:
                progress("planning", n, len(imported))
            line = child.lines[0]
            upn = child.values.get("upn")
            if upn and upn not in UNKNOWN_UPN_CODES:
                other = upn_lines.get(upn)
                if other is not None:
                    result.rejected.append(RowProblem(line, f"UPN {upn} is also given for CHILD {other[0]} "
                                                            f"(line {other[1]})"))
                    continue
                upn_lines[upn] = (child.la_child_id, line)
            child_id = by_la.get(child.la_child_id)
            holder_id = by_upn.get(upn) if upn else None
            if holder_id is not None and holder_id != child_id:
                holder = self.children.get(principal, holder_id)
                if child_id is not None or (holder.la_child_id and holder.la_child_id != child.la_child_id):
                    # one UPN, one child: never give a child the UPN another child holds
                    who = f"CHILD {holder.la_child_id}" if holder.la_child_id else "a child with no CHILD id"
                    result.rejected.append(RowProblem(line, f"UPN {upn} belongs to another child in pep-tui ({who})"))
                    continue
                child_id = holder.id  # added in pep-tui without the council's id: matched by UPN
            current = self.children.get(principal, child_id) if child_id else None
            change, differences, reason = plan_child(child, current, today)
            result.differences += differences
            if reason is not None and current is None and result.missing_columns:
                # The file cannot add anyone: said once at the top, not once per row.
                result.cannot_add.append(RowProblem(line, child.la_child_id))
            elif reason is not None:
                result.rejected.append(RowProblem(line, reason))
            elif change is None:
                result.unchanged += 1
            else:
                result.planned.append(change)
        result.rejected.sort(key=lambda p: p.line)
        result.missing = self._missing_from(principal, imported)
        result.blocked = bool(result.refused) and not skip_rejected and not dry_run
        if not dry_run and not result.blocked:
            self._apply_cohort(principal, result, progress)
        audit_transfer(self.ctx, principal, "import.cohort", {
            "file": table.source, "rows": result.rows, "planned": len(result.planned),
            "saved": len(result.saved), "rejected": result.refused,
            "differences": len(result.differences), "dry_run": dry_run, "applied": result.applied,
            "missing": len(result.missing),
        })
        _log_outcome(principal, "cohort", result)
        return result

    def _missing_from(self, principal: Principal, imported: dict) -> list[str]:
        """The LA child ids of open children in pep-tui that the file does not mention (reported, never
        closed: a child leaves care only by 'children close' or a DEC date in the file)."""
        return sorted(s["la_child_id"] for s in self.children.list(principal)
                      if s.get("la_child_id") and s["la_child_id"] not in imported)

    def _apply_cohort(self, principal: Principal, result: CohortImportResult, progress: Progress | None) -> None:
        for n, change in enumerate(result.planned, start=1):
            try:
                if change.action == "create":
                    saved = self.children.create(principal, change.data)
                    change.child_id = saved.id
                else:
                    assert change.child_id is not None and change.expected_revision is not None
                    self.children.update(principal, change.child_id, change.data, change.expected_revision)
                    for start in sorted({a.start for a in change.allocations}):
                        self.care.allocate(principal, change.child_id,
                                           {a.kind: a.value for a in change.allocations if a.start == start},
                                           start=start, source="import")
            except Exception as exc:  # stop and say exactly what was and was not saved
                result.failed = (change, _message(exc))
                return
            result.saved.append(change)
            if progress is not None:
                progress("saving", n, len(result.planned))

    # --- attendance ----------------------------------------------------------------------------

    def attendance(self, principal: Principal, source: Source, *, name: str | None = None, dry_run: bool = False,
                   skip_rejected: bool = False, encoding: str | None = None,
                   progress: Progress | None = None) -> AttendanceImportResult:
        """Import attendance into each child's current PEP (``shared.attendance``), recomputing the figures."""
        require(self.ctx.registry, principal, Capability.IMPORT_DATA)
        table = self._read_logged(principal, "attendance", source, name, encoding, progress)
        layout = layout_of(table)
        today = self.ctx.today()
        term = TermRef.containing(today)
        result = AttendanceImportResult(table.source, dry_run, layout, len(table.rows) + len(table.problems), term.label)
        figures, problems = check_sessions(table, today, progress) if layout == "sessions" else check_totals(table)
        result.rejected = problems
        by_la, by_upn = self._index()
        threshold = self.ctx.settings.policy.persistent_absence_threshold
        named: dict[str, AttendanceFigures] = {}
        for n, ((kind, value), child_figures) in enumerate(sorted(figures.items(), key=lambda kv: kv[1].lines[0]), 1):
            if progress is not None and n % 200 == 0:
                progress("planning", n, len(figures))
            line = child_figures.lines[0]
            child_id = (by_la if kind == "la_child_id" else by_upn).get(value)
            if child_id is None:
                result.rejected.append(RowProblem(line, f"{child_figures.key} is not a child in pep-tui"))
                continue
            first = named.setdefault(child_id, child_figures)
            if first is not child_figures:  # one child, named by CHILD on some rows and by UPN on others
                result.rejected.append(RowProblem(line, f"{child_figures.key} is the same child as {first.key} "
                                                        f"(line {first.lines[0]}); give each child's attendance once"))
                result.planned = [p for p in result.planned if p.child_id != child_id]
                continue
            plan, reason = self._plan_attendance(principal, child_id, term, child_figures, threshold)
            if reason is not None:
                result.rejected.append(RowProblem(line, f"{child_figures.key}: {reason}"))
            elif plan is not None:
                result.planned.append(plan)
        result.rejected.sort(key=lambda p: p.line)
        result.blocked = bool(result.rejected) and not skip_rejected and not dry_run
        if not dry_run and not result.blocked:
            for n, plan in enumerate(result.planned, start=1):
                try:
                    self.peps.save_section(principal, plan.child_id, plan.pep_id, ATTENDANCE_SECTION, plan.data,
                                           plan.expected_revision)
                except Exception as exc:
                    result.failed = (plan, _message(exc))
                    break
                result.saved.append(plan)
                if progress is not None:
                    progress("saving", n, len(result.planned))
        audit_transfer(self.ctx, principal, "import.attendance", {
            "file": table.source, "layout": layout, "rows": result.rows, "planned": len(result.planned),
            "saved": len(result.saved), "rejected": len(result.rejected), "dry_run": dry_run,
            "applied": result.applied, "term": term.label,
        })
        _log_outcome(principal, "attendance", result)
        return result

    def _plan_attendance(self, principal: Principal, child_id: str, term: TermRef, figures: AttendanceFigures,
                         threshold: float) -> tuple[PlannedAttendance | None, str | None]:
        if not figures.sessions_possible:
            return None, "has no sessions this academic year to record"
        record = self.children.record(principal, child_id)
        pep = next((p for p in reversed(record.peps) if p.term_ref == term and p.superseded_by is None), None)
        if pep is None:
            return None, f"has no {term.label} PEP yet; start it, then import again"
        state = next((s for s in self.peps.visible_sections(principal, record, pep) if s.spec.id == ATTENDANCE_SECTION), None)
        if state is None:
            return None, f"the {term.label} PEP has no attendance section ({ATTENDANCE_SECTION}) you may see"
        if not state.editable:
            return None, f"the {term.label} PEP is {pep.status.label.lower()}; its attendance cannot be changed"
        data = {**pep.section(ATTENDANCE_SECTION), **figures.section_data()}
        try:
            state.spec.model.model_validate(data)
        except Exception as exc:
            return None, f"the attendance does not fit the section ({_message(exc)})"
        return PlannedAttendance(figures, child_id, pep.id, pep.revision, data, figures.flags(threshold)), None

    # --- SSDA903 reconciliation ----------------------------------------------------------------

    def reconcile_903(self, principal: Principal, source: Source, *, name: str | None = None,
                      encoding: str | None = None) -> Reconciliation:
        """Compare the cohort with an SSDA903 extract (header, or header and episodes). Changes nothing."""
        require(self.ctx.registry, principal, Capability.VIEW_REPORTS)
        require(self.ctx.registry, principal, Capability.IMPORT_DATA)
        table = self._read_logged(principal, "903 extract", source, name, encoding, None)
        extract, problems = read_extract(table)
        today = self.ctx.today()
        cohort: list[CohortEntry] = []
        for summary in self.children.list(principal, with_facts=True, include_closed=True):
            facts = summary.get(FACTS_KEY)
            if not isinstance(facts, dict):
                record = self.children.record_or_skip(principal, summary["child_id"])
                if record is None:
                    continue  # the file does not parse: named by the caller from store.unreadable
                la_id, left = record.child.la_child_id, record.child.left_care_on
            else:
                la_id = facts.get("la_child_id")
                left = date.fromisoformat(facts["left_care_on"]) if facts.get("left_care_on") else None
            cohort.append(CohortEntry(
                summary["child_id"], summary.get("name", ""), la_id, summary.get("upn"),
                date.fromisoformat(summary["date_of_birth"]), left is None or left > today,
            ))
        result = reconcile(table.source, extract, cohort, problems)
        audit_transfer(self.ctx, principal, "import.reconcile_903", {
            "file": table.source, "extract_children": result.extract_children, "differences": result.differences,
        })
        return result


def _message(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0]
