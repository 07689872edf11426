"""The Virtual School's compliance dashboard: who has an up-to-date PEP, how good, who is missing school.

Every figure is worked out for "today" (the services' clock) from the per-child facts in the store's
index (:mod:`pep_tui.services.report_facts`); a child whose summary predates those facts is read from
their record instead. Definitions (all policy values are settings):

- **In care**: no ``left_care_on`` on or before today. **PEP required**: of PEP age (the early-years
  start age to 18). Only children in care count anywhere in the report.
- **Done** this term: the term's PEP has reached ``policy.pep_done_at`` (approved, or submitted).
  **Completed**: submitted or beyond. **Approved**: approved.
- **Due date**: a child with no PEP yet: ``initial_pep_working_days`` after entering care; after a school
  move since the last approval: ``school_move_pep_working_days`` after the move; otherwise
  ``termly_pep_due_working_days`` after the term starts. **Overdue**: PEP required, not done, due date passed.
- **In date**: PEP required and either this term's PEP is done, or last term's was done and this term's
  is not yet due.
- **Initial PEPs**: children who entered care this academic year; on time when the initial PEP was
  completed (first submitted, else approved) on or before ``initial_pep_working_days`` after entering.
- **Good or better**: this term's PEPs whose latest QA rating is in ``policy.qa_good_or_better``.
- **Attendance**: from the latest PEP of this or last term with sessions recorded; the overall figure is
  sessions present / sessions possible across children. **Persistent absence**: missing
  ``100 - persistent_absence_threshold`` % of possible sessions or more (10 % by default).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pep_tui.domain import TermRef, academic_year_start, pep_required, year_group
from pep_tui.domain.attendance import is_persistent_absence  # noqa: F401  (re-exported)
from pep_tui.domain.school_year import year_group_label
from pep_tui.plugins.api import Capability
from pep_tui.services.access import require, summary_in_scope
from pep_tui.services.context import ServiceContext
from pep_tui.services.principal import Principal
from pep_tui.services.qa import scale_values
from pep_tui.services.report_facts import (
    FACTS_KEY,
    FACTS_VERSION,
    facts_for,
    iso,
    route_section_id,
    term_key,
)
from pep_tui.store import NotFound

COMPLETED = frozenset({"submitted", "finalised", "approved"})
NOT_ON_ROLL = "(not on a school roll)"
NO_SOCIAL_WORKER = "(no social worker)"


def pct(part: int, whole: int) -> float | None:
    """``part`` as a percentage of ``whole`` to one decimal place (``None`` when ``whole`` is 0)."""
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class Breakdown:
    """The key figures for one group of children (a school, a social worker, or everyone)."""

    group: str
    children: int = 0
    pep_required: int = 0
    completed: int = 0
    approved: int = 0
    overdue: int = 0
    in_date: int = 0
    rated: int = 0
    good_or_better: int = 0
    attendance_recorded: int = 0
    sessions_possible: int = 0
    sessions_present: int = 0
    persistent_absence: int = 0
    part_time_timetable: int = 0
    suspended: int = 0

    @property
    def in_date_pct(self) -> float | None:
        """% of children needing a PEP who have an in-date one."""
        return pct(self.in_date, self.pep_required)

    @property
    def good_pct(self) -> float | None:
        """% of this term's rated PEPs rated good or better."""
        return pct(self.good_or_better, self.rated)

    @property
    def attendance_pct(self) -> float | None:
        """Sessions present as a % of sessions possible, across the group."""
        return pct(self.sessions_present, self.sessions_possible)


@dataclass
class InitialPEPs:
    """Initial PEPs of the children who entered care this academic year."""

    since: date
    entered_care: int = 0
    on_time: int = 0
    late: int = 0
    not_yet_due: int = 0
    overdue: int = 0

    @property
    def on_time_pct(self) -> float | None:
        """% completed within the deadline, of those whose deadline has passed or who are done."""
        return pct(self.on_time, self.on_time + self.late + self.overdue)


@dataclass
class ComplianceReport:
    """The whole dashboard, computed for ``today``."""

    today: date
    term: TermRef
    qa_scale: str
    good_values: list[str]
    done_at: str
    persistent_absence_threshold: float
    total: Breakdown
    by_stage: dict[str, int] = field(default_factory=dict)
    by_year_group: dict[str, int] = field(default_factory=dict)
    pep_status: dict[str, int] = field(default_factory=dict)
    qa_ratings: dict[str, int] = field(default_factory=dict)
    initial: InitialPEPs | None = None
    suspensions: int = 0
    suspension_days: float = 0.0
    permanent_exclusions: int = 0
    post16: int = 0
    post16_routes: dict[str, int] = field(default_factory=dict)
    neet: int = 0
    schools: list[Breakdown] = field(default_factory=list)
    social_workers: list[Breakdown] = field(default_factory=list)
    children_read_from_records: int = 0


class ComplianceService:
    """Builds the compliance dashboard (Virtual School: ``Capability.VIEW_REPORTS``)."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def compliance(self, principal: Principal) -> ComplianceReport:
        """The compliance figures for every child in the principal's scope, as of today."""
        registry = self.ctx.registry
        require(registry, principal, Capability.VIEW_REPORTS)
        policy = self.ctx.settings.policy
        today = self.ctx.today()
        term = TermRef.containing(today)
        calendar = policy.calendar()
        done_at = getattr(policy, "pep_done_at", "approved")
        done_statuses = {"approved"} if done_at == "approved" else set(COMPLETED)
        termly_due = calendar.add(policy.term_start(term, calendar), policy.termly_pep_due_working_days)
        year_start = date(academic_year_start(today), 9, 1)
        report = ComplianceReport(
            today=today, term=term, qa_scale=policy.qa_scale, good_values=list(policy.qa_good_or_better),
            done_at=done_at, persistent_absence_threshold=policy.persistent_absence_threshold,
            total=Breakdown("All children"), initial=InitialPEPs(since=year_start),
        )
        schools: dict[str, Breakdown] = {}
        workers: dict[str, Breakdown] = {}
        stages: Counter[str] = Counter()
        groups: Counter[int] = Counter()
        statuses: Counter[str] = Counter()
        ratings: Counter[str] = Counter()
        routes: Counter[str] = Counter()
        stage_titles = {s.id: s.title for s in registry.ordered_stages()}
        for summary in self.ctx.store.summaries(with_facts=True).values():
            if not summary_in_scope(registry, principal, summary):
                continue
            facts = self._facts(summary, report)
            if facts is None:
                continue
            left = iso(facts.get("left_care_on"))
            if left is not None and left <= today:
                continue
            dob = date.fromisoformat(summary["date_of_birth"])
            group = year_group(dob, today)
            stage = registry.stage_for_year_group(group)
            stage_id = stage.id if stage else None
            required = pep_required(dob, today, policy.early_years_start)
            current = facts["terms"].get(term_key(term))
            previous = facts["terms"].get(term_key(term.previous()))
            status = current["status"] if current else "not_started"
            done = status in done_statuses
            due = self._due(facts, term, termly_due, policy, calendar, current, done_statuses)
            row = _ChildFigures(
                required=required,
                completed=status in COMPLETED,
                approved=status == "approved",
                overdue=required and not done and due is not None and today > due,
                in_date=required and (done or (previous is not None and previous["status"] in done_statuses
                                               and today <= termly_due)),
                rating=current.get("qa") if current else None,
                attendance=self._recent_attendance(facts, term),
            )
            school = summary.get("school_name") or (summary.get("school_urn") or NOT_ON_ROLL)
            if not summary.get("on_roll", True) and not summary.get("school_name"):
                school = NOT_ON_ROLL
            worker = summary.get("social_worker") or NO_SOCIAL_WORKER
            for breakdown in (report.total, schools.setdefault(school, Breakdown(school)),
                              workers.setdefault(worker, Breakdown(worker))):
                row.add_to(breakdown, report.good_values, policy.persistent_absence_threshold)
            stages[stage_titles.get(stage_id or "", "(no stage)")] += 1
            groups[group] += 1
            if required:
                statuses[status] += 1
            if row.rating:
                ratings[row.rating] += 1
            if row.attendance:
                report.suspensions += row.attendance["suspensions"]
                report.suspension_days += row.attendance["suspension_days"]
                report.permanent_exclusions += int(row.attendance["permanent_exclusion"])
            if stage_id == "post16":
                report.post16 += 1
                route = facts.get("post16_route") or "(not recorded)"
                routes[route] += 1
                report.neet += route == "neet"
            self._initial(facts, report.initial, year_start, today, policy, calendar)
        order = {s.title: s.order for s in registry.ordered_stages()}
        report.by_stage = dict(sorted(stages.items(), key=lambda kv: (order.get(kv[0], 99), kv[0])))
        report.by_year_group = {year_group_label(g): n for g, n in sorted(groups.items())}
        status_order = ["not_started", "in_progress", "returned", "submitted", "finalised", "approved"]
        report.pep_status = {s: statuses.get(s, 0) for s in status_order if statuses.get(s) or s != "finalised"}
        scale = scale_values(policy.qa_scale)
        report.qa_ratings = {v: ratings.get(v, 0) for v in scale} | {
            v: n for v, n in sorted(ratings.items()) if v not in scale
        }
        report.post16_routes = dict(sorted(routes.items()))
        report.schools = sorted(schools.values(), key=lambda b: (b.group == NOT_ON_ROLL, b.group))
        report.social_workers = sorted(workers.values(), key=lambda b: (b.group == NO_SOCIAL_WORKER, b.group))
        return report

    # --- per child -----------------------------------------------------------------------------

    def _facts(self, summary: dict[str, Any], report: ComplianceReport) -> dict[str, Any] | None:
        facts = summary.get(FACTS_KEY)
        if isinstance(facts, dict) and facts.get("v") == FACTS_VERSION:
            return facts
        try:
            record = self.ctx.store.load_child_or_skip(summary["child_id"])
        except NotFound:
            return None
        if record is None:
            return None  # the file does not parse: named by the caller from store.unreadable
        report.children_read_from_records += 1
        summary.setdefault("date_of_birth", record.child.date_of_birth.isoformat())
        return facts_for(record.child, record.peps, route_section_id(self.ctx.registry))

    @staticmethod
    def _due(facts, term, termly_due, policy, calendar, current, done_statuses) -> date | None:
        entered = iso(facts.get("entered_care"))
        if not facts.get("has_peps") and entered is not None:
            return calendar.add(entered, policy.initial_pep_working_days)
        move = iso(facts.get("last_school_move"))
        last_approved = iso(facts.get("last_approved_on"))
        if move is not None and (last_approved is None or move > last_approved):
            return calendar.add(move, policy.school_move_pep_working_days)
        if current is not None and current["status"] in done_statuses:
            return None
        return termly_due

    @staticmethod
    def _recent_attendance(facts: dict[str, Any], term: TermRef) -> dict[str, Any] | None:
        found = facts.get("attendance")
        if found and found.get("term") in (term_key(term), term_key(term.previous())):
            return found
        return None

    @staticmethod
    def _initial(facts, initial: InitialPEPs | None, year_start: date, today: date, policy, calendar) -> None:
        entered = iso(facts.get("entered_care"))
        if initial is None or entered is None or entered < year_start or entered > today:
            return
        initial.entered_care += 1
        deadline = calendar.add(entered, policy.initial_pep_working_days)
        completed = iso((facts.get("initial") or {}).get("completed"))
        if completed is not None:
            if completed <= deadline:
                initial.on_time += 1
            else:
                initial.late += 1
        elif today > deadline:
            initial.overdue += 1
        else:
            initial.not_yet_due += 1


@dataclass
class _ChildFigures:
    required: bool
    completed: bool
    approved: bool
    overdue: bool
    in_date: bool
    rating: str | None
    attendance: dict[str, Any] | None

    def add_to(self, b: Breakdown, good_values: list[str], threshold: float) -> None:
        b.children += 1
        b.pep_required += self.required
        b.completed += self.required and self.completed
        b.approved += self.required and self.approved
        b.overdue += self.overdue
        b.in_date += self.in_date
        if self.rating:
            b.rated += 1
            b.good_or_better += self.rating in good_values
        if self.attendance:
            possible = self.attendance["possible"]
            present = self.attendance["present"]
            b.attendance_recorded += 1
            b.sessions_possible += possible
            b.sessions_present += present
            b.persistent_absence += is_persistent_absence(possible, present, threshold)
            b.part_time_timetable += self.attendance["part_time_timetable"]
            b.suspended += self.attendance["suspensions"] > 0
