"""The looked-after child, as the Virtual School records them."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pep_tui.domain.care import Allocation, CarePeriod, LeavingReason
from pep_tui.domain.upn import validate_upn


def _upn_or_unknown(value: str | None) -> str | None:
    return None if value in (None, "") else validate_upn(value)


UPN = Annotated[str | None, AfterValidator(_upn_or_unknown)]
URN = Annotated[str, Field(pattern=r"^\d{6}$", description="School URN: 6 digits")]


class SENStatus(StrEnum):
    """Special educational needs provision."""

    NONE = "none"
    SEN_SUPPORT = "sen_support"
    EHCP = "ehcp"
    ASSESSMENT = "under_assessment"


class LegalStatus(StrEnum):
    """Legal status codes of the SSDA903 return."""

    C1 = "C1"  # interim care order
    C2 = "C2"  # full care order
    V2 = "V2"  # single period accommodated under s20
    V3 = "V3"
    V4 = "V4"
    E1 = "E1"  # placement order
    D1 = "D1"
    J1 = "J1"
    J2 = "J2"
    J3 = "J3"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"


class SchoolMove(BaseModel):
    """A change of school: the old and new school and the date of the move."""

    model_config = ConfigDict(extra="forbid")
    on: date
    from_urn: str | None = None
    to_urn: str | None = None
    reason: str = ""


class Child(BaseModel):
    """A looked-after child (or young person up to 18) on the Virtual School's roll.

    People are referred to by their pep-tui login (``social_worker``, ``designated_teacher``, ``carer``,
    ``iro``); scopes are computed from these fields.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    id: str
    revision: int = 0
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    preferred_name: str | None = None
    date_of_birth: date
    upn: UPN = Field(default=None, description="UPN (13 characters) or UN1-UN5")
    la_child_id: str | None = Field(default=None, description="The council's child id (SSDA903 CHILD)")
    sex: str | None = Field(default=None, pattern=r"^[12]$", description="1 male, 2 female (SSDA903)")
    date_entered_care: date | None = None
    legal_status: LegalStatus | None = None
    placement: str | None = Field(default=None, description="Placement type or description")
    placement_moves: list[date] = Field(default_factory=list)
    school_urn: str | None = Field(default=None, pattern=r"^\d{6}$")
    school_name: str | None = None
    on_roll: bool = True
    school_moves: list[SchoolMove] = Field(default_factory=list)
    social_worker: str | None = None
    designated_teacher: str | None = None
    carer: str | None = None
    joint_carers: list[str] = Field(default_factory=list, description="Other carers in the same placement")
    iro: str | None = None
    young_person_login: str | None = Field(default=None, description="The child's own pep-tui login")
    family_access: list[str] = Field(default_factory=list, description="Parent/family logins the SW has enabled")
    family_sees_placement: bool = Field(
        default=False,
        description="The social worker's recorded decision that the family may see where and with whom the "
                    "child lives (carer, placement, school); off unless decided",
    )
    sen_status: SENStatus = SENStatus.NONE
    ehcp_review_date: date | None = None
    care_plan_reviews: list[date] = Field(default_factory=list)
    left_care_on: date | None = None
    left_care_reason: LeavingReason | None = None
    past_care_periods: list[CarePeriod] = Field(
        default_factory=list, description="Earlier periods of care, kept when the child came back into care")
    allocations: list[Allocation] = Field(
        default_factory=list, description="Dated allocations (who, which school, which placement) with history; "
        "see pep_tui.domain.care")
    import_snapshot: dict[str, str] | None = Field(
        default=None,
        description="The values last imported from the social-care system, by field name, so that a later "
        "import can tell a field edited in pep-tui from one changed at source",
    )
    training: bool = False
    #: Facts plugins declare about the child (``ChildAttribute``): attribute id -> JSON value. Set only
    #: through ``ChildService.set_attribute``, which checks the attribute's editors and audits the change.
    attributes: dict[str, Any] = Field(default_factory=dict, description="Plugin-declared facts about the child")

    @property
    def display_name(self) -> str:
        """Preferred (or first) name and last name."""
        return f"{self.preferred_name or self.first_name} {self.last_name}"

    @property
    def carers(self) -> list[str]:
        """Every carer's login: the main carer first."""
        return ([self.carer] if self.carer else []) + list(self.joint_carers)

    @property
    def has_ehcp(self) -> bool:
        """True when the child has an education, health and care plan."""
        return self.sen_status is SENStatus.EHCP
