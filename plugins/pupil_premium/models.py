"""What Pupil Premium Plus records: requests (a PEP section), decisions and payments (the PEP's plugin
data) and the budget year (a plugin document). Money in records is integer pence; the request form
takes pounds as a ``Decimal`` (never a float) because that is what a person types."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from pep_tui.domain import TargetOutcome, new_id

NAMESPACE = "pupil_premium"
REQUESTS_SECTION = "pupil_premium.requests"
Q7 = "Q7"
NO_TARGET_MESSAGE = (
    "link the request to at least one of this PEP's targets: PP+ must be costed and linked to "
    "specific targets (QA criterion Q7)"
)


class EEFCategory(StrEnum):
    """The Education Endowment Foundation's three tiers of spending."""

    HIGH_QUALITY_TEACHING = "high_quality_teaching"
    TARGETED_ACADEMIC_SUPPORT = "targeted_academic_support"
    WIDER_STRATEGIES = "wider_strategies"

    @property
    def label(self) -> str:
        """Words for a person."""
        return self.value.replace("_", " ").capitalize()


class FundingStream(StrEnum):
    """Which grant a request is paid from."""

    PP_PLUS = "pp_plus"
    EARLY_YEARS = "eypp"
    POST16 = "post16"

    @property
    def label(self) -> str:
        """Words for a person."""
        return {"pp_plus": "Pupil Premium Plus", "eypp": "Early Years Pupil Premium", "post16": "Post-16"}[self.value]


class FundingRequest(BaseModel):
    """One request for PP+ in a PEP, made by the designated teacher (or the Virtual School)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=lambda: new_id("ppr"), description="Reference (filled in for you)")
    target_ids: list[str] = Field(
        default_factory=list, description="The PEP target(s) this request serves (their ids or numbers)"
    )
    amount: Decimal = Field(ge=0, max_digits=9, decimal_places=2, description="Amount requested, in pounds (£)")
    stream: FundingStream = Field(FundingStream.PP_PLUS, description="Which grant pays for it")
    intervention: str = Field(min_length=1, max_length=300, description="What will be done, e.g. 1:1 maths tuition")
    provider: str = Field("", max_length=200, description="Who provides it")
    eef_category: EEFCategory = Field(description="EEF category of the spending")
    start_date: date = Field(description="When the intervention starts")
    end_date: date = Field(description="When it ends")
    exit_strategy: str = Field(min_length=1, max_length=1000, description="How the support will end or continue without PP+")
    notes: str = Field("", max_length=2000, description="Anything else the Virtual School should know")

    @field_validator("target_ids")
    @classmethod
    def _linked(cls, ids: list[str]) -> list[str]:
        ids = [i.strip() for i in ids if i and i.strip()]
        if not ids:
            raise ValueError(NO_TARGET_MESSAGE)
        return ids

    @model_validator(mode="after")
    def _dates(self) -> FundingRequest:
        if self.end_date < self.start_date:
            raise ValueError("end_date must be on or after start_date")
        return self


class RequestsSection(BaseModel):
    """The PEP section holding this term's PP+ requests."""

    model_config = ConfigDict(extra="forbid")
    requests: list[FundingRequest] = Field(default_factory=list, description="PP+ requests, each linked to targets")


class DecisionKind(StrEnum):
    """What the Virtual School decides."""

    APPROVE = "approve"
    PART_APPROVE = "part_approve"
    DECLINE = "decline"
    REFER = "refer"


class RequestStatus(StrEnum):
    """Where a request is."""

    DRAFT = "draft"  # in a PEP still being written
    AWAITING_DECISION = "awaiting_decision"
    REFERRED = "referred_to_panel"
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval"
    APPROVED = "approved"
    PART_APPROVED = "part_approved"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        """Words for a person."""
        return self.value.replace("_", " ").capitalize()

    @property
    def open(self) -> bool:
        """Still waiting for the Virtual School."""
        return self in (RequestStatus.AWAITING_DECISION, RequestStatus.REFERRED, RequestStatus.AWAITING_SECOND_APPROVAL)

    @property
    def funded(self) -> bool:
        """Approved in whole or in part (an allocation)."""
        return self in (RequestStatus.APPROVED, RequestStatus.PART_APPROVED)


class DecisionStep(BaseModel):
    """One step of a decision: who decided what, for how much, and why."""

    model_config = ConfigDict(extra="forbid")
    kind: DecisionKind
    amount_pence: int | None = None
    reason: str = ""
    by: str
    role: str
    on: date
    at: datetime


class Decision(BaseModel):
    """The Virtual School's decision on one request, with what was asked for when it was decided."""

    model_config = ConfigDict(extra="forbid")
    request_id: str
    status: RequestStatus
    steps: list[DecisionStep] = Field(default_factory=list)
    approved_pence: int = Field(0, ge=0)
    decided_on: date | None = Field(None, description="The day the allocation was made (final approval)")
    requested_pence: int = Field(ge=0)
    stream: FundingStream = FundingStream.PP_PLUS
    eef_category: EEFCategory
    target_ids: list[str]
    intervention: str
    provider: str = ""
    end_date: date | None = None
    school_urn: str | None = None


class Payment(BaseModel):
    """Money paid out against an allocation (a request or a termly base payment)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(default_factory=lambda: new_id("ppp"))
    kind: Literal["request", "base"] = "request"
    request_id: str | None = None
    on: date
    amount_pence: int = Field(gt=0)
    reference: str = Field("", max_length=100)
    by: str
    recorded_at: datetime


class BaseRelease(BaseModel):
    """The termly base payment released for this PEP (approved at or above the QA threshold)."""

    model_config = ConfigDict(extra="forbid")
    amount_pence: int = Field(gt=0)
    released_on: date
    rating: str
    by: str
    school_urn: str | None = None


class ImpactReview(BaseModel):
    """The impact of a funded intervention against its target(s), recorded at the next PEP."""

    model_config = ConfigDict(extra="forbid")
    request_id: str
    request_pep_id: str
    target_ids: list[str]
    outcome: TargetOutcome
    comment: str = Field("", max_length=2000)
    by: str
    on: date


class PEPFunding(BaseModel):
    """Everything PP+ keeps in one PEP's ``plugin_data["pupil_premium"]``."""

    model_config = ConfigDict(extra="forbid")
    decisions: dict[str, Decision] = Field(default_factory=dict)
    payments: list[Payment] = Field(default_factory=list)
    base_payment: BaseRelease | None = None
    impact: dict[str, ImpactReview] = Field(default_factory=dict, description="By request id (from an earlier PEP)")


class BudgetLine(BaseModel):
    """A line of the central top-slice or pool (e.g. a tutoring programme, training for schools)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(default_factory=lambda: new_id("ppl"))
    name: str = Field(min_length=1, max_length=120)
    amount_pence: int = Field(ge=0)
    description: str = ""


class Adjustment(BaseModel):
    """A manual change to the grant (a DfE correction, a carry-in), with its reason."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(default_factory=lambda: new_id("ppa"))
    amount_pence: int
    reason: str = Field(min_length=1, max_length=300)
    by: str
    on: date


class CentralPayment(BaseModel):
    """Money spent from a top-slice budget line."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(default_factory=lambda: new_id("ppc"))
    line_id: str
    on: date
    amount_pence: int = Field(gt=0)
    reference: str = Field("", max_length=100)
    by: str


class BudgetYear(BaseModel):
    """The budget of one financial year: the count, adjustments, top-slice lines and central spending."""

    model_config = ConfigDict(extra="forbid")
    financial_year: str
    children_counted: int | None = Field(
        None, ge=0, description="Children counted for the grant (None: counted from the records on 31 March)"
    )
    adjustments: list[Adjustment] = Field(default_factory=list)
    lines: list[BudgetLine] = Field(default_factory=list)
    central_payments: list[CentralPayment] = Field(default_factory=list)
