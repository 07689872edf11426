"""The Pupil Premium Plus service: requests in PEPs, Virtual School decisions, payments and impact.

Every call takes the :class:`~pep_tui.services.Principal` it is made for and is checked here (the app
hiding a key is only a convenience): requests need ``Capability.REQUEST_FUNDING``, decisions and
payments ``Capability.DECIDE_FUNDING``, and the child must be in the principal's scope. Every change is
saved with the PEP's revision (a stale one raises ``Conflict``) and audited.

Get the service with :func:`pupil_premium` (one per :class:`~pep_tui.services.Services`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from pep_tui.domain import PEP, TargetOutcome, TermRef, utcnow
from pep_tui.plugins.api import Capability
from pep_tui.services import (
    FieldProblem,
    InvalidInput,
    PermissionDenied,
    Principal,
    Services,
    WorkflowError,
)
from pep_tui.services.access import can, require
from pep_tui.services.peps import EDITABLE_STATUSES
from pep_tui.store import ChildRecord
from pep_tui_plugins.pupil_premium.config import PupilPremiumSettings, load_pupil_premium_settings
from pep_tui_plugins.pupil_premium.inputs import plain_text, whole_pence
from pep_tui_plugins.pupil_premium.models import (
    NAMESPACE,
    NO_TARGET_MESSAGE,
    REQUESTS_SECTION,
    BaseRelease,
    Decision,
    DecisionKind,
    DecisionStep,
    FundingRequest,
    ImpactReview,
    Payment,
    PEPFunding,
    RequestsSection,
    RequestStatus,
)
from pep_tui_plugins.pupil_premium.money import format_pence, pence_from_decimal
from pep_tui_plugins.pupil_premium.records import (  # noqa: F401  (re-exported)
    ReleaseResult,
    RequestView,
    funding_of,
    requests_in,
    status_of,
)
from pep_tui_plugins.pupil_premium.summary import facts_of


class PupilPremiumService:
    """PP+ use cases over one store. See the module docstring for the rules every call follows."""

    def __init__(self, services: Services, settings: PupilPremiumSettings | None = None) -> None:
        self.services = services
        self.ctx = services.ctx
        self._settings = settings
        from pep_tui_plugins.pupil_premium.budget import BudgetService

        self.budget = BudgetService(self)

    @property
    def settings(self) -> PupilPremiumSettings:
        """The council's PP+ settings (from ``settings.toml``, read once)."""
        if self._settings is None:
            self._settings = load_pupil_premium_settings(self.ctx.settings)
        return self._settings

    # --- helpers ------------------------------------------------------------------------------

    def _record(self, principal: Principal, child_id: str, capability: Capability) -> ChildRecord:
        record = self.services.children.record(principal, child_id)
        require(self.ctx.registry, principal, capability, record.child)
        return record

    def _live_pep(self, record: ChildRecord, pep_id: str) -> PEP:
        pep = record.pep(pep_id)
        if pep.superseded_by is not None:
            raise WorkflowError(f"the {pep.term_ref.label} PEP has been replaced by a newer revision; use that one")
        return pep

    def _save(self, principal: Principal, pep: PEP, funding: PEPFunding, action: str, detail: dict[str, Any],
              expected_revision: int | None) -> PEP:
        """Save the PEP's PP+ data through the core PEP service, which checks the capability and audits it."""
        capability = Capability.REQUEST_FUNDING if action == "impact" else Capability.DECIDE_FUNDING
        return self.services.peps.save_plugin_data(
            principal, pep, NAMESPACE, funding.model_dump(mode="json"),
            pep.revision if expected_revision is None else expected_revision,
            capability=capability, action=f"{NAMESPACE}.{action}", section_id=REQUESTS_SECTION, detail=detail,
        )

    def current_ledger_csv(self, principal: Principal, kind: str = "fy") -> tuple[str, str]:
        """``(label, csv)``: this financial (``fy``) or academic (``ay``) year's ledger as CSV, and the
        year's label for a file name (``financial-year-2025-26``). Checked as ``budget.ledger_csv`` is."""
        from pep_tui_plugins.pupil_premium.money import Period

        period = Period.containing("ay" if kind == "ay" else "fy", self.ctx.today())
        return period.title.lower().replace(" ", "-"), self.budget.ledger_csv(principal, period)

    def _request(self, pep: PEP, request_id: str) -> FundingRequest:
        found = next((r for r in requests_in(pep) if r.id == request_id), None)
        if found is None:
            raise WorkflowError(f"the {pep.term_ref.label} PEP has no PP+ request {request_id}")
        return found

    # --- requests (designated teacher or Virtual School) --------------------------------------

    def resolve_targets(self, pep: PEP, refs: list[str]) -> list[str]:
        """Target ids from what a person wrote: ids, or numbers as listed in the PEP (1 = first).

        Raises :class:`InvalidInput` naming Q7 when nothing is given or a target is not in the PEP.
        """
        targets = pep.targets
        ids = [t.id for t in targets]
        refs = [r.strip() for r in refs if r and str(r).strip()]
        if not refs:
            raise InvalidInput("PP+ request", [FieldProblem("target_ids", NO_TARGET_MESSAGE)])
        out = []
        for ref in refs:
            if ref in ids:
                out.append(ref)
            elif ref.isdigit() and 1 <= int(ref) <= len(ids):
                out.append(ids[int(ref) - 1])
            else:
                known = f"its targets are numbered 1 to {len(ids)}" if ids else "it has no targets yet: add them first"
                raise InvalidInput("PP+ request", [FieldProblem(
                    "target_ids", f"this PEP has no target {ref!r} ({known}); PP+ must be linked to specific targets (QA criterion Q7)"
                )])
        return list(dict.fromkeys(out))

    def add_request(
        self, principal: Principal, child_id: str, pep_id: str, data: dict[str, Any] | FundingRequest,
        expected_revision: int,
    ) -> tuple[PEP, FundingRequest]:
        """Add a PP+ request to a PEP that is still being written. It must name at least one of the
        PEP's targets (Q7); the amount must fit the council's bands or limit. Returns the saved PEP and
        the request (with its reference)."""
        record = self._record(principal, child_id, Capability.REQUEST_FUNDING)
        pep = self._live_pep(record, pep_id)
        if pep.status not in EDITABLE_STATUSES:
            raise WorkflowError(
                f"the {pep.term_ref.label} PEP is {pep.status.label.lower()}; add PP+ requests to a PEP being written"
            )
        raw = data.model_dump(mode="json") if isinstance(data, FundingRequest) else dict(data)
        targets = raw.get("target_ids") or []
        raw["target_ids"] = self.resolve_targets(pep, [targets] if isinstance(targets, str) else list(targets))
        try:
            request = FundingRequest.model_validate(raw)
        except ValidationError as exc:
            raise InvalidInput.from_validation_error("PP+ request", exc) from None
        problem = self.settings.band_problem(pence_from_decimal(request.amount))
        if problem:
            raise InvalidInput("PP+ request", [FieldProblem("amount", problem)])
        existing = RequestsSection.model_validate(pep.section(REQUESTS_SECTION) or {}).requests
        if any(r.id == request.id for r in existing):
            raise InvalidInput("PP+ request", [FieldProblem("id", f"a request {request.id} is already in this PEP")])
        section = RequestsSection(requests=[*existing, request])
        saved = self.services.peps.save_section(principal, child_id, pep_id, REQUESTS_SECTION, section, expected_revision)
        return saved, request

    # --- the decision queue and decisions (Virtual School) ------------------------------------

    def _views(self, record: ChildRecord) -> list[RequestView]:
        child = record.child
        impact = {rid: r for p in record.peps for rid, r in funding_of(p).impact.items()}
        out = []
        for pep in record.peps:
            if pep.superseded_by is not None:
                continue
            funding = funding_of(pep)
            for request in requests_in(pep):
                paid = sum(p.amount_pence for p in funding.payments if p.request_id == request.id)
                out.append(RequestView(
                    child.id, child.display_name, child.school_name or "no school", pep.id, pep.revision,
                    pep.term_ref.label, request, status_of(pep, request.id, funding),
                    funding.decisions.get(request.id), paid, impact.get(request.id),
                ))
        return out

    def queue(self, principal: Principal) -> list[RequestView]:
        """Requests awaiting the Virtual School, second approvals first, oldest first: those of PEPs that
        have been submitted (a request referred to the panel whose PEP was then returned for changes
        comes back when the PEP is submitted again, as only then can it be decided).

        Opens only the children whose index summary counts open requests (or has no PP+ facts yet)."""
        require(self.ctx.registry, principal, Capability.DECIDE_FUNDING)
        items: list[RequestView] = []
        for summary in self.services.children.list(principal, with_facts=True):
            facts = facts_of(summary)
            if facts is not None and not facts.get("open"):
                continue  # the index says nothing awaits a decision: no need to open the child
            record = self.services.children.record_or_skip(principal, summary["child_id"])
            if record is None:
                continue  # the file does not parse: named by the caller from store.unreadable
            items += [v for v in self._views(record) if v.status.open and v.pep_id not in _being_written(record)]
        order = {RequestStatus.AWAITING_SECOND_APPROVAL: 0, RequestStatus.AWAITING_DECISION: 1, RequestStatus.REFERRED: 2}
        return sorted(items, key=lambda v: (order[v.status], v.request.start_date, v.child_name, v.request.id))

    def history(self, principal: Principal, child_id: str) -> list[RequestView]:
        """A child's PP+ requests across their PEPs, oldest term first, with decisions, payments and impact."""
        record = self.services.children.record(principal, child_id)
        if not (can(self.ctx.registry, principal, Capability.REQUEST_FUNDING)
                or can(self.ctx.registry, principal, Capability.DECIDE_FUNDING)):
            raise PermissionDenied("your role may not see Pupil Premium Plus records")
        return self._views(record)

    def base_payments(self, principal: Principal, child_id: str) -> list[tuple[str, BaseRelease]]:
        """A child's released termly base payments as ``(term label, release)``."""
        record = self.services.children.record(principal, child_id)
        if not (can(self.ctx.registry, principal, Capability.REQUEST_FUNDING)
                or can(self.ctx.registry, principal, Capability.DECIDE_FUNDING)):
            raise PermissionDenied("your role may not see Pupil Premium Plus records")
        return [(p.term_ref.label, b) for p in record.peps if (b := funding_of(p).base_payment) is not None]

    def decide(
        self,
        principal: Principal,
        child_id: str,
        pep_id: str,
        request_id: str,
        kind: DecisionKind | str,
        *,
        amount_pence: int | None = None,
        reason: str = "",
        expected_revision: int | None = None,
        on: date | None = None,
    ) -> Decision:
        """Approve, part-approve (``amount_pence`` less than asked, with a reason), decline (with a
        reason) or refer a request to the panel. An approval above the exceptional limit waits for a
        second Virtual School approver (a different person). A final approval is an allocation."""
        try:
            kind = DecisionKind(kind)
        except ValueError:
            choices = ", ".join(k.value for k in DecisionKind)
            raise InvalidInput("Decision", [FieldProblem("decision", f"must be one of {choices}")]) from None
        record = self._record(principal, child_id, Capability.DECIDE_FUNDING)
        if amount_pence is not None:
            whole_pence(amount_pence, "Decision", "amount")
        reason = plain_text(reason, "Decision", "reason")
        pep = self._live_pep(record, pep_id)
        if pep.status in EDITABLE_STATUSES:
            raise WorkflowError(
                f"the {pep.term_ref.label} PEP has not been submitted yet; decide its PP+ requests once it is"
            )
        request = self._request(pep, request_id)
        funding = funding_of(pep)
        current = funding.decisions.get(request_id)
        if current is not None and not current.status.open:
            last = current.steps[-1]
            raise WorkflowError(f"this request was already {current.status.label.lower()} by {last.by} on {last.on:%d %b %Y}")
        requested = pence_from_decimal(request.amount)
        today = on or self.ctx.today()
        if kind is DecisionKind.APPROVE:
            amount = requested if amount_pence is None else amount_pence
            if amount != requested:
                raise InvalidInput("Decision", [FieldProblem("amount", "to approve a different amount, part-approve it")])
        elif kind is DecisionKind.PART_APPROVE:
            if amount_pence is None or not 0 < amount_pence < requested:
                raise InvalidInput("Decision", [FieldProblem(
                    "amount", f"a part-approval is more than £0.00 and less than the {format_pence(requested)} asked for"
                )])
            amount = amount_pence
        else:
            amount = 0
        if kind in (DecisionKind.PART_APPROVE, DecisionKind.DECLINE) and not reason:
            raise InvalidInput("Decision", [FieldProblem("reason", f"give the reason for the {kind.value.replace('_', '-')}")])
        step = DecisionStep(kind=kind, amount_pence=amount if amount else None, reason=reason, by=principal.login,
                            role=principal.role, on=today, at=utcnow())
        decision = current or Decision(
            request_id=request_id, status=RequestStatus.AWAITING_DECISION, requested_pence=requested,
            stream=request.stream, eef_category=request.eef_category, target_ids=request.target_ids,
            intervention=request.intervention, provider=request.provider, end_date=request.end_date,
            school_urn=record.child.school_urn,
        )
        status: RequestStatus
        if kind in (DecisionKind.APPROVE, DecisionKind.PART_APPROVE):
            limit = self.settings.exceptional_limit_pence
            final = RequestStatus.APPROVED if kind is DecisionKind.APPROVE else RequestStatus.PART_APPROVED
            if limit is not None and amount > limit:
                if decision.status is RequestStatus.AWAITING_SECOND_APPROVAL:
                    first = decision.steps[-1]
                    if first.by == principal.login:
                        raise PermissionDenied(
                            f"{format_pence(amount)} is above the exceptional limit of {format_pence(limit)}: "
                            f"a second Virtual School approver (not {first.by}) must approve it"
                        )
                    if first.amount_pence is not None and amount > first.amount_pence:
                        raise InvalidInput("Decision", [FieldProblem(
                            "amount", f"the second approval cannot be more than the {format_pence(first.amount_pence)} first approved"
                        )])
                    status = final
                else:
                    status = RequestStatus.AWAITING_SECOND_APPROVAL
            else:
                status = final
        elif kind is DecisionKind.DECLINE:
            status = RequestStatus.DECLINED
        else:
            status = RequestStatus.REFERRED
        funded = status in (RequestStatus.APPROVED, RequestStatus.PART_APPROVED)
        decision = decision.model_copy(update={
            "status": status, "steps": [*decision.steps, step],
            "approved_pence": amount if funded else 0, "decided_on": today if funded or status is RequestStatus.DECLINED else None,
        })
        funding.decisions[request_id] = decision
        self._save(principal, pep, funding, "decide",
                   {"request_id": request_id, "decision": kind.value, "status": status.value, "amount_pence": amount},
                   expected_revision)
        return decision

    # --- payments -----------------------------------------------------------------------------

    def record_payment(
        self, principal: Principal, child_id: str, pep_id: str, request_id: str, on: date, amount_pence: int,
        reference: str = "", expected_revision: int | None = None,
    ) -> Payment:
        """Record money paid against an approved request; refused beyond what remains of the allocation."""
        record = self._record(principal, child_id, Capability.DECIDE_FUNDING)
        whole_pence(amount_pence, "Payment", "amount")
        reference = plain_text(reference, "Payment", "reference", one_line=True)
        if len(reference) > 100:
            raise InvalidInput("Payment", [FieldProblem("reference", "at most 100 characters")])
        pep = self._live_pep(record, pep_id)
        funding = funding_of(pep)
        decision = funding.decisions.get(request_id)
        if decision is None or not decision.status.funded:
            raise WorkflowError("only an approved request can be paid")
        paid = sum(p.amount_pence for p in funding.payments if p.request_id == request_id)
        remaining = decision.approved_pence - paid
        if amount_pence <= 0 or amount_pence > remaining:
            raise InvalidInput("Payment", [FieldProblem(
                "amount", f"a payment is more than £0.00 and at most the {format_pence(remaining)} still to pay "
                          f"of the {format_pence(decision.approved_pence)} approved"
            )])
        if decision.decided_on is not None and on < decision.decided_on:
            raise InvalidInput("Payment", [FieldProblem("on", f"the request was approved on {decision.decided_on:%d %b %Y}; a payment cannot be earlier")])
        payment = Payment(kind="request", request_id=request_id, on=on, amount_pence=amount_pence,
                          reference=reference, by=principal.login, recorded_at=utcnow())
        funding.payments.append(payment)
        self._save(principal, pep, funding, "payment",
                   {"request_id": request_id, "amount_pence": amount_pence, "on": on.isoformat()}, expected_revision)
        return payment

    def release_base_payments(self, principal: Principal, term: TermRef, on: date | None = None) -> ReleaseResult:
        """Release the termly base payment for each child whose PEP for ``term`` is approved at or above
        the QA threshold ("no PEP, no premium"); the rest are listed with the reason. See
        :func:`~pep_tui_plugins.pupil_premium.base_payments.release_base_payments`."""
        from pep_tui_plugins.pupil_premium.base_payments import release_base_payments

        return release_base_payments(self, principal, term, on)

    # --- impact (at the next PEP) -------------------------------------------------------------

    def funded_for_review(self, principal: Principal, child_id: str, pep_id: str) -> list[RequestView]:
        """Funded requests from this child's earlier PEPs, whose impact is reviewed in this PEP."""
        record = self._record(principal, child_id, Capability.REQUEST_FUNDING)
        pep = record.pep(pep_id)
        earlier = {p.id for p in record.peps if p.term_ref < pep.term_ref}
        return [v for v in self._views(record) if v.pep_id in earlier and v.status.funded]

    def record_impact(
        self, principal: Principal, child_id: str, pep_id: str, request_id: str, outcome: TargetOutcome | str,
        comment: str = "", expected_revision: int | None = None,
    ) -> ImpactReview:
        """Record, in the PEP being written, the impact of a funded intervention against its target(s)."""
        record = self._record(principal, child_id, Capability.REQUEST_FUNDING)
        pep = self._live_pep(record, pep_id)
        if pep.status not in EDITABLE_STATUSES:
            raise WorkflowError(f"the {pep.term_ref.label} PEP is {pep.status.label.lower()}; record impact while it is being written")
        try:
            outcome = TargetOutcome(outcome)
        except ValueError:
            raise InvalidInput("Impact", [FieldProblem("outcome", "must be one of met, partly_met, not_met")]) from None
        comment = plain_text(comment, "Impact", "comment")
        if len(comment) > 2000:
            raise InvalidInput("Impact", [FieldProblem("comment", "at most 2,000 characters")])
        funded = next((v for v in self.funded_for_review(principal, child_id, pep_id) if v.request.id == request_id), None)
        if funded is None:
            raise WorkflowError("impact is recorded for a funded request from an earlier PEP of this child")
        review = ImpactReview(request_id=request_id, request_pep_id=funded.pep_id, target_ids=funded.request.target_ids,
                              outcome=outcome, comment=comment, by=principal.login, on=self.ctx.today())
        funding = funding_of(pep)
        funding.impact[request_id] = review
        self._save(principal, pep, funding, "impact", {"request_id": request_id, "outcome": outcome.value}, expected_revision)
        return review


def _being_written(record: ChildRecord) -> set[str]:
    """Ids of the child's PEPs still being written (their requests cannot be decided yet)."""
    return {p.id for p in record.peps if p.status in EDITABLE_STATUSES}


def pupil_premium(services: Services) -> PupilPremiumService:
    """The PP+ service of these services (registered with ``register_services``; made on first use)."""
    return services.plugin_service(NAMESPACE)
