"""Reading PP+ out of a PEP: its requests, its funding record, and a request's status in context."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from pep_tui.domain import PEP
from pep_tui.services.peps import EDITABLE_STATUSES
from pep_tui_plugins.pupil_premium.models import (
    NAMESPACE,
    REQUESTS_SECTION,
    Decision,
    FundingRequest,
    ImpactReview,
    PEPFunding,
    RequestStatus,
)
from pep_tui_plugins.pupil_premium.money import pence_from_decimal


@dataclass(frozen=True)
class RequestView:
    """A request with where it is: for the decision queue and a child's history."""

    child_id: str
    child_name: str
    school_name: str
    pep_id: str
    pep_revision: int
    term: str
    request: FundingRequest
    status: RequestStatus
    decision: Decision | None
    paid_pence: int
    impact: ImpactReview | None = None

    @property
    def requested_pence(self) -> int:
        """The amount asked for, in pence."""
        return pence_from_decimal(self.request.amount)

    @property
    def approved_pence(self) -> int:
        """The amount allocated (0 until approved)."""
        return self.decision.approved_pence if self.decision else 0

    @property
    def first_approver(self) -> str | None:
        """Who approved first, when a second approver is awaited."""
        if self.decision and self.decision.status is RequestStatus.AWAITING_SECOND_APPROVAL:
            return self.decision.steps[-1].by
        return None


@dataclass(frozen=True)
class ReleaseResult:
    """What releasing a term's base payments did, child by child."""

    released: list[tuple[str, str, int]]  # (child id, name, pence)
    not_released: list[tuple[str, str, str]]  # (child id, name, reason)

    @property
    def total_pence(self) -> int:
        """Total released."""
        return sum(p for _, _, p in self.released)


def live_peps(peps: list[PEP]) -> list[PEP]:
    """The PEPs whose PP+ money counts: a PEP replaced by a correction is left out when its successor
    is present (the correction carries its PP+ data forward, so counting both would count it twice)."""
    ids = {p.id for p in peps}
    return [p for p in peps if p.superseded_by is None or p.superseded_by not in ids]


def requests_in(pep: PEP) -> list[FundingRequest]:
    """The requests stored in a PEP's requests section (those that still parse)."""
    data = pep.section(REQUESTS_SECTION)
    out = []
    for item in data.get("requests", []):
        try:
            out.append(FundingRequest.model_validate(item))
        except ValidationError:
            continue
    return out


def funding_of(pep: PEP) -> PEPFunding:
    """The PP+ plugin data of a PEP (decisions, payments, base payment, impact)."""
    return PEPFunding.model_validate(pep.plugin_data.get(NAMESPACE, {}))


def status_of(pep: PEP, request_id: str, funding: PEPFunding | None = None) -> RequestStatus:
    """Where a request is: decided, or awaiting a decision once its PEP has been submitted."""
    decision = (funding or funding_of(pep)).decisions.get(request_id)
    if decision is not None:
        return decision.status
    return RequestStatus.DRAFT if pep.status in EDITABLE_STATUSES else RequestStatus.AWAITING_DECISION
