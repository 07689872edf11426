"""A year of fictional PP+ for the training cohort: requests linked to each PEP's targets, decisions,
payments, impact reviews at the next PEP, and a budget year with top-slice lines that reconciles.

Deterministic: it draws only from ``cohort.rng``. Requests need targets, so PEPs without any (or a
cohort without the shared targets section) get none.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from pep_tui.domain import PEP, Child, PEPStatus, TargetOutcome, TermRef
from pep_tui.domain.pep import SectionData
from pep_tui.plugins.api import SampleCohort
from pep_tui_plugins.pupil_premium.models import (
    NAMESPACE,
    REQUESTS_SECTION,
    Decision,
    DecisionKind,
    DecisionStep,
    EEFCategory,
    FundingRequest,
    FundingStream,
    ImpactReview,
    Payment,
    PEPFunding,
    RequestStatus,
)
from pep_tui_plugins.pupil_premium.money import Period, financial_year_of, pence_from_decimal

ACTOR = "sample"
AMOUNTS = [Decimal(a) for a in ("250", "400", "400", "600", "800", "800", "1200", "1500", "1800")]
INTERVENTIONS = [
    ("1:1 maths tuition, 20 sessions", "Brightpath Tutors (fictional)", EEFCategory.TARGETED_ACADEMIC_SUPPORT),
    ("Small-group reading catch-up", "School literacy lead", EEFCategory.TARGETED_ACADEMIC_SUPPORT),
    ("Play therapy sessions", "Willow Therapy Service (fictional)", EEFCategory.WIDER_STRATEGIES),
    ("Music lessons and instrument hire", "County Music Hub (fictional)", EEFCategory.WIDER_STRATEGIES),
    ("Mentoring with a learning mentor", "School pastoral team", EEFCategory.WIDER_STRATEGIES),
    ("Teacher training in attachment-aware practice", "Virtual School (fictional)", EEFCategory.HIGH_QUALITY_TEACHING),
    ("Laptop and revision guides", "School", EEFCategory.HIGH_QUALITY_TEACHING),
]
DECLINE_REASONS = ["The target can be met from the school's own provision.", "Please cost the sessions separately."]
PART_REASON = "Funded for one term; request again with the review of impact."


def _at(day: date) -> datetime:
    return datetime.combine(day, time(11, 0), tzinfo=UTC)


def _stream(pep: PEP) -> FundingStream:
    if pep.stage == "early_years":
        return FundingStream.EARLY_YEARS
    if pep.stage == "post16":
        return FundingStream.POST16
    return FundingStream.PP_PLUS


def _decided_on(pep: PEP, today: date) -> date:
    approved = next((s.at.date() for s in pep.sign_offs if s.step == "approve"), None)
    submitted = next((s.at.date() for s in pep.sign_offs if s.step == "submit"), None)
    return min(approved or (submitted or pep.term_ref.start) + timedelta(days=3), today)


def add_sample_funding(cohort: SampleCohort) -> None:
    """Add PP+ requests, decisions, payments and impact reviews to the cohort's PEPs, and a budget year
    (written after the cohort, by :func:`write_sample_budget`, registered with ``register_sample_writers``)."""
    rng = cohort.rng
    for child in cohort.children:
        peps = cohort.peps.get(child.id, [])
        funded_before: list[tuple[PEP, Decision]] = []
        for index, pep in enumerate(peps):
            if pep.status is PEPStatus.NOT_STARTED:
                continue
            funding = PEPFunding()
            for earlier_pep, decision in funded_before:
                if pep.status is PEPStatus.IN_PROGRESS and rng.random() < 0.5:
                    continue  # still to be reviewed
                funding.impact[decision.request_id] = ImpactReview(
                    request_id=decision.request_id, request_pep_id=earlier_pep.id, target_ids=decision.target_ids,
                    outcome=rng.choice([TargetOutcome.MET, TargetOutcome.MET, TargetOutcome.PARTLY_MET, TargetOutcome.NOT_MET]),
                    comment=rng.choice(["Reading age up 8 months.", "Attends every session; confidence growing.",
                                        "Little change yet; continue with a new approach."]),
                    by=child.designated_teacher or "vs.adviser", on=pep.term_ref.start + timedelta(days=20),
                )
            funded_before = []
            targets = pep.targets
            requests: list[FundingRequest] = []
            if targets and rng.random() < 0.55:
                for _ in range(1 if rng.random() < 0.8 else 2):
                    requests.append(_request(rng, pep, targets))
            if requests:
                section = SectionData(data={"requests": [r.model_dump(mode="json") for r in requests]},
                                      updated_by=pep.updated_by, updated_at=pep.updated_at)
                pep = pep.model_copy(update={"sections": {**pep.sections, REQUESTS_SECTION: section}})
            if pep.status in (PEPStatus.APPROVED, PEPStatus.SUBMITTED):
                for request in requests:
                    decision = _decide(rng, child, pep, request, cohort.today)
                    if decision is None:
                        continue
                    funding.decisions[request.id] = decision
                    funding.payments += _payments(rng, decision, cohort.today)
                    if decision.status.funded:
                        funded_before.append((pep, decision))
            if funding != PEPFunding():
                pep = pep.model_copy(update={"plugin_data": {**pep.plugin_data,
                                                             NAMESPACE: funding.model_dump(mode="json")}})
            peps[index] = pep


def _request(rng, pep: PEP, targets) -> FundingRequest:
    intervention, provider, category = rng.choice(INTERVENTIONS)
    chosen = rng.sample(targets, k=min(len(targets), 1 if rng.random() < 0.7 else 2))
    start = pep.term_ref.start + timedelta(days=30)
    return FundingRequest(
        id=f"ppr_{rng.getrandbits(64):016x}", target_ids=[t.id for t in chosen], amount=rng.choice(AMOUNTS),
        stream=_stream(pep), intervention=intervention, provider=provider, eef_category=category,
        start_date=start, end_date=pep.term_ref.end,
        exit_strategy="School continues the approach from its own budget; reviewed at the next PEP.",
    )


def _decide(rng, child: Child, pep: PEP, request: FundingRequest, today: date) -> Decision | None:
    requested = pence_from_decimal(request.amount)
    on = _decided_on(pep, today)
    base: dict[str, Any] = dict(
        request_id=request.id, requested_pence=requested, stream=request.stream, eef_category=request.eef_category,
        target_ids=request.target_ids, intervention=request.intervention, provider=request.provider,
        end_date=request.end_date, school_urn=child.school_urn,
    )

    def step(kind: DecisionKind, by: str, amount: int | None = None, reason: str = "", day: date = on) -> DecisionStep:
        return DecisionStep(kind=kind, amount_pence=amount, reason=reason, by=by, role="virtual_school", on=day, at=_at(day))

    if pep.status is PEPStatus.SUBMITTED:
        if rng.random() < 0.2:
            return Decision(status=RequestStatus.REFERRED, steps=[step(DecisionKind.REFER, "vs.adviser", reason="For the March panel")], **base)
        return None  # awaiting a decision: the queue
    roll = rng.random()
    if requested > 150_000:
        first = step(DecisionKind.APPROVE, "vs.adviser", requested)
        if roll < 0.5 and pep.term_ref == TermRef.containing(today):
            return Decision(status=RequestStatus.AWAITING_SECOND_APPROVAL, steps=[first], **base)
        second_day = min(on + timedelta(days=5), today)
        return Decision(status=RequestStatus.APPROVED, steps=[first, step(DecisionKind.APPROVE, "vs.head", requested, day=second_day)],
                        approved_pence=requested, decided_on=second_day, **base)
    if roll < 0.7:
        return Decision(status=RequestStatus.APPROVED, steps=[step(DecisionKind.APPROVE, "vs.adviser", requested)],
                        approved_pence=requested, decided_on=on, **base)
    if roll < 0.85 and requested >= 40_000:
        part = requested // 2
        return Decision(status=RequestStatus.PART_APPROVED, steps=[step(DecisionKind.PART_APPROVE, "vs.adviser", part, PART_REASON)],
                        approved_pence=part, decided_on=on, **base)
    if roll < 0.95:
        return Decision(status=RequestStatus.DECLINED, decided_on=on,
                        steps=[step(DecisionKind.DECLINE, "vs.adviser", reason=rng.choice(DECLINE_REASONS))], **base)
    return Decision(status=RequestStatus.REFERRED, steps=[step(DecisionKind.REFER, "vs.adviser", reason="For the panel")], **base)


def _payments(rng, decision: Decision, today: date) -> list[Payment]:
    if not decision.status.funded or decision.decided_on is None:
        return []
    first = decision.decided_on + timedelta(days=14)
    if first > today:
        return []
    amount = decision.approved_pence
    ref = f"INV-{rng.randrange(10000, 99999)}"
    if rng.random() < 0.4:
        half = amount // 2
        out = [Payment(id=f"ppp_{rng.getrandbits(64):016x}", request_id=decision.request_id, on=first, amount_pence=half,
                       reference=ref, by="vs.adviser", recorded_at=_at(first))]
        second = first + timedelta(days=60)
        if second <= today:
            out.append(Payment(id=f"ppp_{rng.getrandbits(64):016x}", request_id=decision.request_id, on=second,
                               amount_pence=amount - half, reference=ref + "-2", by="vs.adviser", recorded_at=_at(second)))
        return out
    return [Payment(id=f"ppp_{rng.getrandbits(64):016x}", request_id=decision.request_id, on=first, amount_pence=amount,
                    reference=ref, by="vs.adviser", recorded_at=_at(first))]


def write_sample_budget(services, cohort: SampleCohort) -> None:
    """Write the current financial year's budget: two top-slice lines sized from the grant, with some
    central spending (after the cohort is written, so the grant can be counted from it)."""
    from pep_tui.store.plugin_documents import PluginDocuments
    from pep_tui_plugins.pupil_premium.budget import document_name
    from pep_tui_plugins.pupil_premium.ledger import grant_for
    from pep_tui_plugins.pupil_premium.models import BudgetLine, BudgetYear, CentralPayment
    from pep_tui_plugins.pupil_premium.service import pupil_premium

    pp = pupil_premium(services)
    fy = financial_year_of(cohort.today)
    period = Period.financial(fy)
    grant = grant_for(period.start_year, cohort.children, None, pp.settings, services.ctx.settings.policy.pp_rates)
    total = grant.total_pence

    def share(percent: int) -> int:
        return total * percent // 100 // 10_000 * 10_000  # whole £100s

    tutoring = BudgetLine(id="ppl_sample_tutoring", name="Virtual School tutoring programme (fictional)", amount_pence=share(8))
    training = BudgetLine(id="ppl_sample_training", name="Training for designated teachers and carers", amount_pence=share(3))
    payments = []
    for month, line, part in [(6, tutoring, 3), (10, training, 2), (11, tutoring, 3), (1, tutoring, 3)]:
        day = date(period.start_year + (month < 4), month, 15)
        if day <= cohort.today and line.amount_pence:
            payments.append(CentralPayment(id=f"ppc_sample_{month:02d}", line_id=line.id, on=day,
                                           amount_pence=line.amount_pence // part, reference=f"CEN-{month:02d}", by=ACTOR))
    budget = BudgetYear(financial_year=fy, lines=[tutoring, training], central_payments=payments)
    PluginDocuments(services.store, NAMESPACE).save(document_name(fy), budget.model_dump(mode="json"), 0, ACTOR,
                                                     "system", action="sample.budget")
