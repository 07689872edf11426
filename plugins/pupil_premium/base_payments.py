"""The termly base payment: "no PEP, no premium". Released per child per term when that term's PEP is
approved at or above the council's QA threshold, never twice for the same PEP."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from pep_tui.domain import PEPStatus, TermRef, utcnow
from pep_tui.plugins.api import Capability
from pep_tui.services import Principal, WorkflowError
from pep_tui.services.access import require
from pep_tui.store import Conflict
from pep_tui_plugins.pupil_premium.models import BaseRelease, Payment
from pep_tui_plugins.pupil_premium.records import ReleaseResult, funding_of

if TYPE_CHECKING:
    from pep_tui_plugins.pupil_premium.service import PupilPremiumService


def release_base_payments(pp: PupilPremiumService, principal: Principal, term: TermRef,
                          on: date | None = None) -> ReleaseResult:
    """Release the base payment for ``term`` to every child in scope whose live PEP for that term is
    approved at or above the QA threshold; list the others with the reason. Each release is saved with
    the PEP's revision and audited (``pupil_premium.base_payment``); a PEP changed by someone else
    meanwhile is listed as not released (run it again), and the others go on. Running it again never
    pays a PEP twice. Needs ``funding.decide``."""
    require(pp.ctx.registry, principal, Capability.DECIDE_FUNDING)
    amount = pp.settings.termly_base_payment_pence
    if amount <= 0:
        raise WorkflowError("termly base payments are not switched on (termly_base_payment_pence in [pupil_premium])")
    threshold = pp.settings.base_payment_min_rating
    scale = pp.ctx.settings.policy.qa_scale
    today = on or pp.ctx.today()
    released: list[tuple[str, str, int]] = []
    refused: list[tuple[str, str, str]] = []
    for summary in pp.services.children.list(principal):
        record = pp.services.children.record_or_skip(principal, summary["child_id"])
        if record is None:
            continue  # the file does not parse: named by the caller from store.unreadable
        child = record.child
        pep = next((p for p in record.peps if p.term_ref == term and p.superseded_by is None), None)
        if pep is None:
            refused.append((child.id, child.display_name, f"no PEP for {term.label}"))
            continue
        funding = funding_of(pep)
        if funding.base_payment is not None:
            continue
        if pep.status is not PEPStatus.APPROVED:
            refused.append((child.id, child.display_name, f"the PEP is {pep.status.label.lower()}, not approved"))
            continue
        rating = pep.qa_rating.overall if pep.qa_rating else None
        if not pp.settings.rating_meets_threshold(rating, scale):
            refused.append((child.id, child.display_name,
                            f"the PEP was rated {rating or 'not rated'}; the threshold is {threshold}"))
            continue
        funding.base_payment = BaseRelease(amount_pence=amount, released_on=today, rating=rating or "",
                                           by=principal.login, school_urn=child.school_urn)
        funding.payments.append(Payment(kind="base", on=today, amount_pence=amount, reference=f"base {term.label}",
                                        by=principal.login, recorded_at=utcnow()))
        try:
            pp._save(principal, pep, funding, "base_payment", {"term": term.label, "amount_pence": amount}, None)
        except Conflict as exc:
            refused.append((child.id, child.display_name, f"not released: {exc}; run the release again"))
            continue
        released.append((child.id, child.display_name, amount))
    return ReleaseResult(released, refused)
