"""What needs whom: the "needs you" inbox in the app and the reminder digests by email.

Everything here is computed from the index summaries (never by opening every child), with the rules
the rest of pep-tui already uses: the due dates (:mod:`pep_tui.services.due_dates`, kept in each
summary as ``next_due``/``due_kind``), the sign-off chain (``awaiting_qa`` and ``waiting_for`` from
:mod:`pep_tui.services.workflow`), the QA queue (rated or not) and the Pupil Premium Plus summary field
(open requests, funded requests whose impact is not yet recorded). What a person is given depends on
what their role may do (its capabilities) and which children it reaches (its scope), exactly as the
services enforce them:

=======================  ===================================================================
capability / scope       items
=======================  ===================================================================
start (not ALL scope)    a PEP to start, due soon or overdue
submit (not ALL scope)   a PEP to complete and submit (due soon or overdue); a returned PEP to
                         correct and resubmit (always, with the reason in the app); without
                         submit but with start (social workers): their sections to complete
finalise                 a submitted PEP waiting for the social worker's finalisation
acknowledge              a PEP waiting for the child's or carer's acknowledgement
rate QA / approve        a submission to rate, a rated one to approve (the QA queue)
decide funding           PP+ requests awaiting a decision
request funding          funded PP+ requests whose impact is not recorded (schools)
reviewing scope (IRO)    a care-plan review coming up: read the PEP (overdue when not current)
any scope but ALL        the child's PEP meeting in the next seven days
=======================  ===================================================================

Items overdue by more than ``[reminders] escalate_after_working_days`` working days are
*escalations*: they go to the Virtual School (``escalate_to``, or every active Virtual School member)
and to the social worker's manager when their staff record names one.

Who holds which child comes from :func:`allocations`, the one place that reads a child's allocated
social worker, designated teacher, carer and IRO.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from pep_tui.domain import StaffMember, WorkingCalendar
from pep_tui.domain.pep import MEETING_SECTION
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind, summary_value
from pep_tui.services.access import PermissionDenied, require, summary_in_scope
from pep_tui.services.context import ServiceContext
from pep_tui.services.principal import Principal

#: The purpose (``SectionSpec.purpose``) of the section a funding item opens, whichever plugin provides it.
FUNDING_PURPOSE = "funding_requests"
#: The summary field of the Pupil Premium Plus plugin.
PP_FIELD = "pupil_premium"

#: Item kinds, most pressing first within the same due date.
KINDS = ("resubmit", "start", "complete", "finalise", "acknowledge", "rate", "approve", "pp_decide",
         "pp_impact", "review", "meeting", "escalation")


@dataclass(frozen=True)
class Allocation:
    """Who holds a child: logins of the allocated social worker, designated teacher, carer and IRO."""

    social_worker: str | None = None
    designated_teacher: str | None = None
    carer: str | None = None
    iro: str | None = None


def allocations(summary: dict[str, Any]) -> Allocation:
    """A child's current allocations, read from their index summary (the child record's fields).

    This is the only function that reads allocations here: switch it to dated allocation history when
    the store keeps one.
    """
    return Allocation(summary.get("social_worker"), summary.get("designated_teacher"), summary.get("carer"),
                      summary.get("iro"))


@dataclass(frozen=True)
class NeedItem:
    """One thing a person should do about one child.

    ``what`` is short words with no personal data ("start this term's PEP"); ``name`` is the child's
    full name (the app shows it to people in scope; emails never carry it); ``initials`` and
    ``year_label`` are what an email may carry at ``detail = "initials"``. ``section_id`` is where
    the PEP should open (``None``: its first section). ``overdue_days`` counts working days past
    ``due``; ``reason`` marks an escalation (``"overdue"``) or is empty.
    """

    key: str
    kind: str
    child_id: str
    pep_id: str | None
    what: str
    due: date | None
    overdue_days: int
    name: str = ""
    initials: str = ""
    year_label: str = ""
    school_name: str = ""
    social_worker: str | None = None
    section_id: str | None = None
    escalated_for: str | None = field(default=None, compare=False)

    @property
    def overdue(self) -> bool:
        """Past its due date."""
        return self.overdue_days > 0


def initials(summary: dict[str, Any]) -> str:
    """The child's initials ("A.B."), from the first (or preferred) and last name."""
    first = (summary.get("first_name") or summary.get("name") or "?").strip()
    last = (summary.get("last_name") or "").strip()
    letters = [w[0].upper() for w in (first.split()[:1] + last.replace("-", " ").split()[-1:]) if w and w[0].isalpha()]
    return "".join(f"{c}." for c in letters) or "?"


class _Clock:
    """Working-day arithmetic for one day, with the overdue counts cached by due date."""

    def __init__(self, calendar: WorkingCalendar, today: date, soon_days: int) -> None:
        self.calendar = calendar
        self.today = today
        self.soon = calendar.add(today, soon_days) if soon_days else today
        self._overdue: dict[date, int] = {}

    def overdue_days(self, due: date | None) -> int:
        if due is None or due >= self.today:
            return 0
        found = self._overdue.get(due)
        if found is None:
            found = self._overdue[due] = max(0, self.calendar.between(due, self.today))
        return found


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _due_words(kind: str | None, reason: str | None) -> str:
    return {"initial": "initial PEP", "school_move": "new PEP after a school move",
            "care_plan_review": "PEP current before the care-plan review"}.get(kind or "", reason or "this term's PEP")


def items_for_role(summary: dict[str, Any], role: RoleDefinition, clock: _Clock,
                   funding_section: str | None = None) -> list[NeedItem]:
    """What a holder of ``role`` who reaches this child should do about them (see the module table).

    The caller has checked that the role reaches the child.
    """
    caps = role.capabilities
    cohort_wide = role.scope is ScopeKind.ALL
    child_id = summary["child_id"]
    status = summary.get("current_status") or "not_started"
    pep_id = summary.get("current_pep_id")
    due = _date(summary.get("next_due"))
    overdue = clock.overdue_days(due)
    soon = due is not None and due <= clock.soon
    base = {"child_id": child_id, "name": summary.get("name") or "", "initials": initials(summary),
            "year_label": summary.get("year_label") or "", "school_name": summary.get("school_name") or "",
            "social_worker": allocations(summary).social_worker}
    out: list[NeedItem] = []

    def add(kind: str, what: str, item_due: date | None, item_pep: str | None, section: str | None = None,
            key: str | None = None) -> None:
        out.append(NeedItem(key=f"{kind}:{child_id}:{key or item_pep or ''}", kind=kind, pep_id=item_pep, what=what,
                            due=item_due, overdue_days=clock.overdue_days(item_due), section_id=section, **base))

    if not cohort_wide:
        if status == "returned" and Capability.SUBMIT_PEP in caps:
            add("resubmit", "correct the returned PEP and resubmit", due, pep_id)
        elif status == "not_started" and Capability.START_PEP in caps and (soon or overdue):
            add("start", f"start the PEP ({_due_words(summary.get('due_kind'), summary.get('due_reason'))})", due,
                pep_id, key=summary.get("next_due"))
        elif status == "in_progress" and Capability.SUBMIT_PEP in caps and (soon or overdue):
            add("complete", f"complete and submit the PEP ({_due_words(summary.get('due_kind'), None)})", due, pep_id)
        elif status == "in_progress" and Capability.START_PEP in caps and (soon or overdue):
            # a social worker: their context sections, before the school submits
            add("complete", f"complete your sections of the PEP ({_due_words(summary.get('due_kind'), None)})", due,
                pep_id)
    for waiting in summary.get("awaiting_qa") or []:
        step, wp = waiting.get("waiting_for"), waiting.get("pep_id")
        submitted = _date(waiting.get("submitted_on"))
        if step == "finalise" and Capability.FINALISE_PEP in caps:
            add("finalise", "finalise the submitted PEP", submitted, wp)
        elif step == "acknowledge" and Capability.ACKNOWLEDGE_PEP in caps:
            add("acknowledge", "read and acknowledge the PEP", None, wp)
        elif step == "approve" and not waiting.get("rated") and Capability.RATE_QA in caps:
            add("rate", "rate the quality of the submitted PEP", None, wp)
        elif step == "approve" and Capability.APPROVE_PEP in caps:
            add("approve", "approve or return the rated PEP", None, wp)
    facts = summary_value(summary, PP_FIELD)
    if isinstance(facts, dict):
        if Capability.DECIDE_FUNDING in caps and facts.get("open"):
            n = int(facts["open"])
            add("pp_decide", f"decide {n} Pupil Premium Plus request{'s' if n != 1 else ''}", None, pep_id,
                funding_section, key="open")
        if Capability.REQUEST_FUNDING in caps and not cohort_wide:
            unreviewed = sorted({row[0] for row in facts.get("alloc") or []
                                 if isinstance(row, list) and len(row) > 7 and row[2] == "request"
                                 and row[7] is None and row[0] != pep_id})
            for funded_pep in unreviewed[-1:]:
                add("pp_impact", "record the impact of last term's Pupil Premium Plus funding", None, pep_id,
                    funding_section, key=funded_pep)
    if role.scope is ScopeKind.REVIEWING:
        review = _date(summary.get("next_review"))
        if review is not None and clock.today <= review <= clock.soon:
            not_current = summary.get("due_kind") == "care_plan_review"
            add("review", f"care-plan review on {review:%d %b}: read the PEP"
                + (" (not yet current)" if not_current else ""), due if not_current else review, pep_id,
                key=review.isoformat())
    meeting = summary.get("meeting")
    if not cohort_wide and isinstance(meeting, dict) and not meeting.get("cancelled"):
        on = _date(meeting.get("on"))
        if on is not None and clock.today <= on <= clock.today + timedelta(days=6):
            at = f" at {meeting['at']}" if meeting.get("at") else ""
            add("meeting", f"PEP meeting on {on:%a %d %b}{at}", on, meeting.get("pep_id"), MEETING_SECTION,
                key=f"{meeting.get('pep_id')}:{on.isoformat()}")
    return out


def escalation_for(summary: dict[str, Any], clock: _Clock, after_working_days: int) -> NeedItem | None:
    """The child's overdue PEP as an escalation, when it is overdue by more than ``after_working_days``."""
    due = _date(summary.get("next_due"))
    days = clock.overdue_days(due)
    if days <= after_working_days:
        return None
    alloc = allocations(summary)
    what = f"{_due_words(summary.get('due_kind'), summary.get('due_reason'))} overdue {days} working days"
    return NeedItem(key=f"escalation:{summary['child_id']}:{summary.get('next_due')}", kind="escalation",
                    child_id=summary["child_id"], pep_id=summary.get("current_pep_id"), what=what, due=due,
                    overdue_days=days, name=summary.get("name") or "", initials=initials(summary),
                    year_label=summary.get("year_label") or "", school_name=summary.get("school_name") or "",
                    social_worker=alloc.social_worker)


def sort_items(items: Iterable[NeedItem]) -> list[NeedItem]:
    """Overdue first (most overdue first), then by due date (undated last), then by kind and name."""
    return sorted(items, key=lambda i: (not i.overdue, -i.overdue_days, i.due or date.max, KINDS.index(i.kind)
                                        if i.kind in KINDS else 99, i.name, i.key))


class NeedsService:
    """The "needs you" lists, for the signed-in person and (for ``pep-tui remind``) for every member of staff."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def _funding_section(self) -> str | None:
        """The section a funding item opens (the one declaring :data:`FUNDING_PURPOSE`), if any."""
        spec = self.ctx.registry.section_for(FUNDING_PURPOSE)
        return spec.id if spec is not None else None

    def _clock(self) -> _Clock:
        policy = self.ctx.settings.policy
        return _Clock(policy.calendar(), self.ctx.today(), self.ctx.settings.reminders.soon_working_days)

    def _summaries(self, roles: Iterable[RoleDefinition] | None = None) -> list[dict[str, Any]]:
        """The index summaries, with the plugins' facts only when a role here may act on PP+ (reading
        the facts costs more than the rest at 10,000 children)."""
        funding = {Capability.DECIDE_FUNDING, Capability.REQUEST_FUNDING}
        with_facts = PP_FIELD in self.ctx.registry.summary_fields and (
            roles is None or any(funding & r.capabilities for r in roles))
        return list(self.ctx.store.summaries(with_facts=with_facts).values())

    def for_principal(self, principal: Principal) -> list[NeedItem]:
        """What needs the signed-in person in their active role, most pressing first.

        The Virtual School (a role reaching every child) also gets the escalations.
        """
        role = self.ctx.registry.roles.get(principal.role)
        if role is None:
            raise PermissionDenied(f"the role {principal.role!r} is not available (is its plugin installed?)")
        clock = self._clock()
        after = self.ctx.settings.reminders.escalate_after_working_days
        out: list[NeedItem] = []
        for summary in self._summaries([role]):
            if not summary_in_scope(self.ctx.registry, principal, summary):
                continue
            out += items_for_role(summary, role, clock, self._funding_section())
            if role.scope is ScopeKind.ALL and (item := escalation_for(summary, clock, after)) is not None:
                out.append(item)
        return sort_items(out)

    def overdue_by(self, principal: Principal, by: str) -> list[dict[str, Any]]:
        """Overdue PEPs across the cohort grouped ``by`` ``"school"`` or ``"social_worker"`` (reports only).

        Rows: ``group``, ``children`` (in the group), ``overdue``, ``escalated`` (overdue beyond the
        escalation limit), ``worst`` (most working days overdue), ``child_ids`` (overdue, worst first).
        Most overdue groups first.
        """
        require(self.ctx.registry, principal, Capability.VIEW_REPORTS)
        if by not in ("school", "social_worker"):
            raise ValueError("by must be 'school' or 'social_worker'")
        clock = self._clock()
        after = self.ctx.settings.reminders.escalate_after_working_days
        groups: dict[str, dict[str, Any]] = {}
        for summary in self.ctx.store.summaries().values():
            if not summary_in_scope(self.ctx.registry, principal, summary):
                continue
            if by == "school":
                label = summary.get("school_name") or "Not on roll"
            else:
                label = allocations(summary).social_worker or "No social worker"
            row = groups.setdefault(label, {"group": label, "children": 0, "overdue": 0, "escalated": 0, "worst": 0,
                                            "_ids": []})
            row["children"] += 1
            days = clock.overdue_days(_date(summary.get("next_due")))
            if days:
                row["overdue"] += 1
                row["escalated"] += days > after
                row["worst"] = max(row["worst"], days)
                row["_ids"].append((-days, summary["child_id"]))
        rows = []
        for row in groups.values():
            row["child_ids"] = [cid for _, cid in sorted(row.pop("_ids"))]
            rows.append(row)
        return sorted(rows, key=lambda r: (-r["overdue"], -r["worst"], r["group"]))

    def return_reason(self, principal: Principal, child_id: str, pep_id: str) -> str:
        """Why a PEP was returned (the Virtual School's words), for a person who may see the PEP."""
        from pep_tui.services.children import ChildService

        record = ChildService(self.ctx).record(principal, child_id)
        return record.pep(pep_id).return_reason or ""

    def set_digest(self, principal: Principal, frequency: str) -> StaffMember:
        """Choose one's own digest frequency (``daily``, ``weekly`` or ``none``). Only for oneself."""
        from pep_tui.services.errors import FieldProblem, InvalidInput

        if frequency not in ("daily", "weekly", "none"):
            raise InvalidInput("Digest", [FieldProblem("digest", f"expected daily, weekly or none; got {frequency!r}")])
        member = self.ctx.store.get_staff(principal.login)
        if member is None or not member.active:
            raise PermissionDenied("only an active member of staff has a digest to choose")
        if member.digest == frequency:
            return member
        return self.ctx.store.save_staff(member.model_copy(update={"digest": frequency}), member.revision,
                                         principal.login, principal.role)

    # --- everyone at once (pep-tui remind) ----------------------------------------------------------

    def for_everyone(self, staff: list[StaffMember]) -> dict[str, list[NeedItem]]:
        """What needs each active member of ``staff`` across all the roles they hold, plus the
        escalations they receive, by login; one pass over the index.

        A member is given what each of their roles reaches, exactly as :func:`summary_in_scope` decides
        for that role (the same rule as the app), computed through per-kind indexes so 10,000 children
        and 1,000 staff stay one pass.
        """
        registry = self.ctx.registry
        clock = self._clock()
        settings = self.ctx.settings.reminders
        active = [m for m in staff if m.active]
        by_login = {m.login: m for m in active}
        holders: dict[ScopeKind, dict[str, list[tuple[StaffMember, RoleDefinition]]]] = defaultdict(lambda: defaultdict(list))
        everyone: list[tuple[StaffMember, RoleDefinition]] = []
        for member in active:
            for role_id in member.roles:
                role = registry.roles.get(role_id)
                if role is None:
                    continue
                if role.scope is ScopeKind.ALL:
                    everyone.append((member, role))
                    continue
                holders[role.scope][member.login].append((member, role))
                for urn in member.scope.school_urns if role.scope is ScopeKind.SCHOOL else ():
                    holders[role.scope][f"urn:{urn}"].append((member, role))
                for cid in member.scope.child_ids if role.scope in (ScopeKind.DELEGATED, ScopeKind.OWN) else ():
                    holders[role.scope][f"child:{cid}"].append((member, role))
        escalate_to = [login for login in settings.escalate_to if login in by_login] or [
            m.login for m, r in everyone if Capability.VIEW_REPORTS in r.capabilities and m.email]
        out: dict[str, list[NeedItem]] = defaultdict(list)
        for summary in self._summaries():
            reached: dict[tuple[str, str], tuple[StaffMember, RoleDefinition]] = {}
            for member, role in everyone:
                reached[(member.login, role.id)] = (member, role)
            for kind, keys in _reach_keys(summary).items():
                table = holders.get(kind)
                if not table:
                    continue
                for key in keys:
                    for member, role in table.get(key, ()):
                        reached[(member.login, role.id)] = (member, role)
            seen: dict[str, set[str]] = defaultdict(set)
            for (login, _), (member, role) in reached.items():
                principal = Principal.from_staff(member, role.id)
                if not summary_in_scope(registry, principal, summary):
                    continue  # the indexes only narrow; the access rule decides
                for item in items_for_role(summary, role, clock, self._funding_section()):
                    if item.key not in seen[login]:
                        seen[login].add(item.key)
                        out[login].append(item)
            escalation = escalation_for(summary, clock, settings.escalate_after_working_days)
            if escalation is not None:
                recipients = set(escalate_to)
                manager = by_login.get(escalation.social_worker or "")
                if manager is not None and manager.manager in by_login:
                    recipients.add(manager.manager)
                for login in recipients:
                    if escalation.key not in seen[login]:
                        seen[login].add(escalation.key)
                        out[login].append(replace(escalation, escalated_for=escalation.social_worker))
        return {login: sort_items(items) for login, items in out.items()}


def _reach_keys(summary: dict[str, Any]) -> dict[ScopeKind, list[str]]:
    """The index keys under which a holder of each scope kind may reach this child."""
    alloc = allocations(summary)
    cid = summary["child_id"]
    keys: dict[ScopeKind, list[str]] = {
        ScopeKind.CASELOAD: [alloc.social_worker] if alloc.social_worker else [],
        ScopeKind.SCHOOL: [k for k in (alloc.designated_teacher,
                                        f"urn:{summary['school_urn']}" if summary.get("school_urn") else None) if k],
        ScopeKind.DELEGATED: [f"child:{cid}"],
        ScopeKind.PLACEMENT: [alloc.carer] if alloc.carer else [],
        ScopeKind.OWN: [k for k in (summary.get("young_person_login"), f"child:{cid}") if k],
        ScopeKind.FAMILY: list(summary.get("family_access") or []),
        ScopeKind.REVIEWING: [alloc.iro] if alloc.iro else [],
    }
    return keys


__all__ = ["Allocation", "NeedItem", "NeedsService", "allocations", "initials", "items_for_role"]
