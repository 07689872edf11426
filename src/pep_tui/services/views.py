"""What each role's home view shows, as data for the screens (no Textual here).

* :meth:`RoleViews.caseload`: the social worker's caseload with each child's PEP status and next due date.
* :meth:`RoleViews.my_pupils`: the designated teacher's (or a delegate's) pupils and what each PEP needs.
* :meth:`RoleViews.cohort_compliance`: the Virtual School's cohort compliance for the term.
  (The QA queue is ``services.qa.queue``.)
* :meth:`RoleViews.my_child`: the carer's view of a child's current PEP.
* :meth:`RoleViews.my_plan`: the child's own plan, in plain words.
* :meth:`RoleViews.review_summary`: the IRO's read-only summary before a care-plan review.

Every call takes the principal and shows only children in their scope.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from pep_tui.domain import PEP, PEPStatus, TermRef, year_group_label
from pep_tui.domain.pep import ATTENDANCE_SECTION
from pep_tui.plugins.api import Capability
from pep_tui.plugins.registry import Registry
from pep_tui.services.access import PermissionDenied, require, role_of
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.due_dates import next_care_plan_review, next_due, obligations
from pep_tui.services.peps import PEPService
from pep_tui.services.principal import Principal
from pep_tui.services.summary import attendance_percent
from pep_tui.services.workflow import WorkflowService

_PLAIN_STATUS = {
    "not_started": "Not started yet",
    "in_progress": "Being written",
    "submitted": "Finished, being checked by the Virtual School",
    "finalised": "Finished, being checked by the Virtual School",
    "returned": "Being improved",
    "approved": "Agreed",
}
_DT_ACTION = {
    "not_started": "start this term's PEP",
    "in_progress": "complete and submit",
    "returned": "fix what was asked and resubmit",
    "submitted": "with the Virtual School",
    "finalised": "with the Virtual School",
    "approved": "done",
}


def _due_fields(summary: dict[str, Any], today: date) -> dict[str, Any]:
    due = date.fromisoformat(summary["next_due"]) if summary.get("next_due") else None
    return {"next_due": due, "due_reason": summary.get("due_reason"), "overdue": bool(due and today > due)}


class RoleViews:
    """The data behind each role's home view."""

    def __init__(self, ctx: ServiceContext, children: ChildService, peps: PEPService, workflow: WorkflowService) -> None:
        self.ctx = ctx
        self.children = children
        self.peps = peps
        self.workflow = workflow

    def _status_fields(self, summary: dict[str, Any]) -> dict[str, Any]:
        status = summary.get("current_status") or "not_started"
        return {"pep_id": summary.get("current_pep_id"), "pep_status": status,
                "pep_status_label": PEPStatus(status).label}

    def caseload(self, principal: Principal) -> list[dict[str, Any]]:
        """The children in scope (a social worker's caseload), soonest due first.

        Row: ``child_id``, ``name``, ``year_label``, ``school_name``, ``pep_id``, ``pep_status``,
        ``pep_status_label``, ``next_due`` (date), ``due_reason``, ``overdue``, ``last_qa``.
        """
        today = self.ctx.today()
        rows = [{
            "child_id": s["child_id"], "name": s.get("name"), "year_label": s.get("year_label"),
            "school_name": s.get("school_name"), **self._status_fields(s), **_due_fields(s, today),
            "last_qa": s.get("last_qa"),
        } for s in self.children.list(principal)]
        return sorted(rows, key=lambda r: (r["next_due"] or date.max, r["name"] or ""))

    def my_pupils(self, principal: Principal) -> list[dict[str, Any]]:
        """A designated teacher's pupils (or a delegate's named children), most urgent first.

        Row: the :meth:`caseload` fields plus ``attendance`` (%), ``sen_status`` and ``action`` (what
        the school should do next, in words).
        """
        today = self.ctx.today()
        rows = []
        for s in self.children.list(principal):
            status = self._status_fields(s)
            rows.append({
                "child_id": s["child_id"], "name": s.get("name"), "year_label": s.get("year_label"),
                "school_name": s.get("school_name"), **status, **_due_fields(s, today),
                "attendance": s.get("attendance"), "sen_status": s.get("sen_status"),
                "action": _DT_ACTION.get(status["pep_status"], ""), "last_qa": s.get("last_qa"),
            })
        urgency = {"returned": 0, "in_progress": 1, "not_started": 2}
        return sorted(rows, key=lambda r: (not r["overdue"], urgency.get(r["pep_status"], 3), r["next_due"] or date.max))

    def cohort_compliance(self, principal: Principal) -> dict[str, Any]:
        """This term's compliance across the children in scope (Virtual School reports).

        Keys: ``term``, ``children``, ``by_status`` (status → count), ``done`` (approved this term),
        ``done_percent``, ``overdue`` (count), ``overdue_children`` (rows, most overdue first),
        ``qa`` (latest rating → count), ``by_school`` (rows: ``school_name``, ``children``, ``done``,
        ``overdue``).
        """
        require(self.ctx.registry, principal, Capability.VIEW_REPORTS)
        today = self.ctx.today()
        summaries = self.children.list(principal)
        by_status: Counter[str] = Counter()
        qa: Counter[str] = Counter()
        schools: dict[str, dict[str, Any]] = {}
        overdue_rows = []
        for s in summaries:
            status = s.get("current_status") or "not_started"
            by_status[status] += 1
            if s.get("last_qa"):
                qa[s["last_qa"]] += 1
            due = _due_fields(s, today)
            school = s.get("school_name") or "Not on roll"
            row = schools.setdefault(school, {"school_name": school, "children": 0, "done": 0, "overdue": 0})
            row["children"] += 1
            row["done"] += status == "approved"
            if due["overdue"]:
                row["overdue"] += 1
                overdue_rows.append({"child_id": s["child_id"], "name": s.get("name"), "school_name": school, **due,
                                     "days_overdue": (today - due["next_due"]).days})
        total = len(summaries)
        done = by_status.get("approved", 0)
        return {
            "term": TermRef.containing(today).label, "children": total, "by_status": dict(by_status),
            "done": done, "done_percent": round(100.0 * done / total, 1) if total else 0.0,
            "overdue": len(overdue_rows),
            "overdue_children": sorted(overdue_rows, key=lambda r: -r["days_overdue"]),
            "qa": dict(qa), "by_school": sorted(schools.values(), key=lambda r: r["school_name"]),
        }

    def _current_pep(self, peps: list[PEP]) -> PEP | None:
        live = [p for p in peps if p.superseded_by is None]
        term = TermRef.containing(self.ctx.today())
        return next((p for p in reversed(live) if p.term_ref == term), None) or (live[-1] if live else None)

    def my_child(self, principal: Principal, child_id: str) -> dict[str, Any]:
        """A child's current PEP as the principal (typically the carer) may see it.

        Keys: ``child_id``, ``name``, ``year_label``, ``school_name``, ``pep`` (the visible PEP or
        ``None``), ``status_label``, ``waiting_for``, ``sections`` (rows: ``id``, ``title``, ``editable``,
        ``filled``, ``total``), ``next_due``, ``due_reason``, ``actions``.
        """
        record = self.children.record(principal, child_id)
        child = record.child
        current = self._current_pep(record.peps)
        due = next_due(child, record.peps, self.ctx.settings.policy, self.ctx.today())
        out: dict[str, Any] = {
            "child_id": child.id, "name": child.display_name,
            "year_label": year_group_label(current.year_group) if current else None, "school_name": child.school_name,
            "pep": None, "status_label": None, "waiting_for": None, "sections": [],
            "next_due": due.due if due else None, "due_reason": due.reason if due else None, "actions": [],
        }
        if current is not None:
            out["pep"] = self.peps.get(principal, child_id, current.id)
            out["status_label"] = current.status.label
            out["waiting_for"] = self.workflow.waiting_for(current)
            out["sections"] = [
                {"id": s.spec.id, "title": s.spec.title, "editable": s.editable, "filled": s.filled, "total": s.total}
                for s in self.peps.visible_sections(principal, record, current)
            ]
            out["actions"] = self.workflow.allowed_actions(principal, child_id, current.id)
        return out

    def my_plan(self, principal: Principal, child_id: str | None = None) -> dict[str, Any]:
        """The child's own plan in plain words (their own record; ``child_id`` defaults to it).

        Keys: ``name``, ``term``, ``status`` (plain words), ``my_views`` (prompt → answer),
        ``goals`` (rows: ``goal``, ``how_we_will_know``, ``who_helps``, ``check_by``),
        ``next_meeting``, ``can_acknowledge``. Goals are the plan's targets told plainly (what, how we
        will know, who helps, when we check), without the professionals' notes on need and actions.
        """
        if role_of(self.ctx.registry, principal).scope.value != "own":
            raise PermissionDenied("this view is the young person's own plan")
        if child_id is None:
            mine = self.children.list(principal)
            if not mine:
                raise PermissionDenied("there is no record linked to your login; ask your social worker")
            child_id = mine[0]["child_id"]
        record = self.children.record(principal, child_id)
        current = self._current_pep(record.peps)
        out: dict[str, Any] = {"name": record.child.preferred_name or record.child.first_name, "term": None,
                               "status": "No plan yet", "my_views": {}, "goals": [], "next_meeting": None,
                               "can_acknowledge": False}
        if current is None:
            return out
        visible = self.peps.get(principal, child_id, current.id)
        prompts = _prompts(self.ctx.registry, current.year_group)
        views_spec = self.ctx.registry.section_for("child_views")
        views = visible.section(views_spec.id) if views_spec is not None else {}
        out.update({
            "term": current.term_ref.label,
            "status": _PLAIN_STATUS.get(current.status.value, current.status.label),
            "my_views": {prompts[k]: views.get(k, "") for k in prompts},
            "goals": [{"goal": t.description, "how_we_will_know": t.success_measure, "who_helps": t.owner,
                       "check_by": t.review_date} for t in current.targets if t.description.strip()],
            "next_meeting": current.next_meeting_date,
            "can_acknowledge": "acknowledge" in self.workflow.allowed_actions(principal, child_id, current.id),
        })
        return out

    def review_summary(self, principal: Principal, child_id: str) -> dict[str, Any]:
        """What an IRO reads before a care-plan review (read-only; any full-view role may open it).

        Keys: ``name``, ``legal_status``, ``placement``, ``school_name``, ``next_review``, ``pep_current``
        (a done PEP for the review), ``latest`` (rows of the last three PEPs: ``pep_id``, ``term``,
        ``status``, ``qa``), ``targets`` (the latest PEP's: ``description``, ``owner``, ``review_date``),
        ``attendance``, ``next_due``, ``due_reason``, ``review_notes``.
        """
        record = self.children.record(principal, child_id)
        if role_of(self.ctx.registry, principal).limited_view:
            raise PermissionDenied("the review summary is for the professionals around the child")
        child = record.child
        policy = self.ctx.settings.policy
        today = self.ctx.today()
        live = [p for p in record.peps if p.superseded_by is None]
        latest = live[-1] if live else None
        review = next_care_plan_review(child, policy, today)
        due = next_due(child, record.peps, policy, today)
        visible = self.peps.get(principal, child_id, latest.id) if latest else None
        notes = self.ctx.registry.section_for("review_notes")
        return {
            "name": child.display_name,
            "legal_status": child.legal_status.value if child.legal_status else None,
            "placement": child.placement, "school_name": child.school_name,
            "next_review": review,
            "pep_current": not any(d.kind == "care_plan_review" for d in obligations(child, record.peps, policy, today)),
            "latest": [{"pep_id": p.id, "term": p.term_ref.label, "status": p.status.label,
                        "qa": p.qa_rating.overall if p.qa_rating else None} for p in live[-3:]],
            "targets": [{"description": t.description, "owner": t.owner, "review_date": t.review_date}
                        for t in (visible.targets if visible else [])],
            "attendance": attendance_percent(visible.section(ATTENDANCE_SECTION)) if visible else None,
            "next_due": due.due if due else None, "due_reason": due.reason if due else None,
            "review_notes": (visible.section(notes.id).get("notes", []) if visible and notes else []),
        }


def _prompts(registry: Registry, year_group: int) -> dict[str, str]:
    """The "my views" prompts for the child's age: the section model's ``prompts(year_group)`` when it
    offers one (the built-in child plugin does), else its fields' descriptions."""
    spec = registry.section_for("child_views")
    if spec is None:
        return {}
    prompts = getattr(spec.model, "prompts", None)
    if callable(prompts):
        return dict(prompts(year_group))
    return {name: f.description or name for name, f in spec.model.model_fields.items()
            if name not in ("how_gathered", "why_not", "gathered_by")}
