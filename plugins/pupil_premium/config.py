"""The council's Pupil Premium Plus settings: rates, and an allocation model built from combinable parts.

Read from the ``[pupil_premium]`` table of ``settings.toml`` in the data folder (amounts in pence)::

    [pupil_premium]
    termly_base_payment_pence = 60000          # £600 a term, released when the term's PEP passes QA
    base_payment_min_rating = "green"           # at or above this QA rating ("no PEP, no premium")
    request_bands_pence = [0, 40000, 80000, 150000]
    free_amount_requests = false                # only the bands may be requested
    top_slice_percent = "10"                    # a central top-slice, as a share of the grant
    exceptional_limit_pence = 150000            # above this, a second Virtual School approver is needed

    [pupil_premium.rates_pence]                 # overrides the policy's PP+ rates by financial year
    "2026-27" = 270000

Every part is optional and the parts combine: base payments, banded or free requests, a top-slice
with its own budget lines (kept in the budget year document), Early Years Pupil Premium and post-16.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pep_tui.settings import Settings, SettingsError, read_settings_file
from pep_tui_plugins.pupil_premium.money import format_pence

#: QA ratings from lowest to highest, per scale (used for the base payment threshold).
RATING_ORDER: dict[str, list[str]] = {"rag": ["red", "amber", "green"], "ggar": ["red", "amber", "green", "gold"]}


def _latest(table: dict[str, int], fy: str) -> int | None:
    """The value for ``fy``, else the latest year before it, else ``None``."""
    if fy in table:
        return table[fy]
    earlier = sorted(k for k in table if k < fy)
    return table[earlier[-1]] if earlier else None


def _carried(table: dict[str, int], fy: str, what: str, setting: str, show: Any) -> str | None:
    """The warning when ``fy`` has no value in ``table`` (carried forward from an earlier year), else None."""
    if fy in table:
        return None
    earlier = sorted(k for k in table if k < fy)
    if not earlier:
        return f"No {what} is set for {fy} or any year before it: counted as nothing. Set {setting} \"{fy}\"."
    used = earlier[-1]
    return (f"No {what} is set for {fy}: using {show(table[used])}, the rate for {used}. "
            f"Set {setting} \"{fy}\" once it is published.")


class PupilPremiumSettings(BaseModel):
    """How this council runs PP+. Amounts are integer pence; every field has a documented default."""

    model_config = ConfigDict(extra="forbid")

    rates_pence: dict[str, int] = Field(
        default_factory=dict,
        description="PP+ per looked-after child by financial year; merged over the policy's pp_rates",
    )
    count_basis: Literal["looked_after_in_year", "in_care_on_date"] = Field(
        "looked_after_in_year",
        description=(
            "Children counted for the grant: looked after at least one day in the collection year (the DfE rule), "
            "or only those in care on its last day"
        ),
    )
    count_collection_end: str = Field(
        "03-31", description="MM-DD: the SSDA903 collection year ends on this day of the year the financial year starts"
    )
    count_age_on: str = Field("08-31", description="MM-DD: ages are taken on this day, the one inside the collection year")
    count_min_age: int = Field(4, ge=0, description="Children counted for the grant: youngest age on the age date")
    count_max_age: int = Field(15, ge=0, description="Children counted for the grant: oldest age on the age date")
    termly_base_payment_pence: int = Field(
        0, ge=0, description="Paid per child per term when that term's PEP is approved at the QA threshold (0: off)"
    )
    base_payment_min_rating: str = Field("green", description="Lowest QA rating that releases the base payment")
    request_bands_pence: list[int] = Field(
        default_factory=list, description="Amounts a request may be for, e.g. [0, 40000, 80000, 150000] (empty: no bands)"
    )
    free_amount_requests: bool = Field(True, description="Whether a request may be for any amount (with bands: beside them)")
    max_request_pence: int | None = Field(None, ge=0, description="Largest amount one request may ask for (None: no limit)")
    top_slice_percent: Decimal = Field(
        Decimal("0"), ge=0, le=100, description="A central top-slice as a share of the grant, besides budget lines"
    )
    exceptional_limit_pence: int | None = Field(
        150_000, ge=0, description="Approving more than this needs a second Virtual School approver (None: never)"
    )
    eypp_hourly_rate_pence: dict[str, int] = Field(
        default_factory=lambda: {"2024-25": 68}, description="Early Years Pupil Premium per funded hour, by financial year"
    )
    eypp_annual_cap_pence: dict[str, int] = Field(
        default_factory=lambda: {"2024-25": 38_800}, description="Early Years Pupil Premium cap per child per year"
    )
    eypp_funded_hours_per_year: int = Field(570, ge=0, description="Funded early education hours a year (15 x 38 weeks)")
    post16_rate_pence: dict[str, int] = Field(
        default_factory=lambda: {"2021-22": 90_000, "2022-23": 90_000, "2023-24": 90_000, "2024-25": 90_000},
        description="Post-16 PP+ per young person by financial year (the 2021-2025 pilot; later years: a setting)",
    )

    @field_validator("count_collection_end", "count_age_on")
    @classmethod
    def _month_day(cls, text: str) -> str:
        try:
            month, day = (int(part) for part in text.split("-"))
            date(2023, month, day)  # a year without 29 February: the day must exist every year
        except ValueError:
            raise ValueError(f"{text!r} should be a month and day that exist every year, as MM-DD (e.g. 03-31)") from None
        return f"{month:02d}-{day:02d}"

    @field_validator("request_bands_pence")
    @classmethod
    def _bands_sorted(cls, bands: list[int]) -> list[int]:
        if any(b < 0 for b in bands):
            raise ValueError("request bands must be 0 or more pence")
        return sorted(set(bands))

    def rate_for(self, fy: str, policy_rates: dict[str, int]) -> int:
        """PP+ rate in pence for a financial year: this table, then the policy's, then the latest earlier year."""
        merged = {**policy_rates, **self.rates_pence}
        return _latest(merged, fy) or 0

    def rate_notes(self, fy: str, policy_rates: dict[str, int], eypp: bool = True) -> list[str]:
        """Warnings for a year whose PP+ (or Early Years Pupil Premium) rate is not set and is carried
        forward from an earlier year, naming the year and the rate used."""
        notes = []
        merged = {**policy_rates, **self.rates_pence}
        note = _carried(merged, fy, "PP+ rate", "[pupil_premium.rates_pence]", format_pence)
        if note:
            notes.append(note)
        if eypp:
            for table, what, key, show in (
                (self.eypp_hourly_rate_pence, "Early Years Pupil Premium hourly rate", "eypp_hourly_rate_pence",
                 lambda p: f"{p}p an hour"),
                (self.eypp_annual_cap_pence, "Early Years Pupil Premium cap", "eypp_annual_cap_pence", format_pence),
            ):
                note = _carried(table, fy, what, f"[pupil_premium.{key}]", show)
                if note:
                    notes.append(note)
        return notes

    def eypp_for(self, fy: str) -> int:
        """Early Years Pupil Premium per eligible child for a year: hours x rate, capped."""
        rate = _latest(self.eypp_hourly_rate_pence, fy) or 0
        cap = _latest(self.eypp_annual_cap_pence, fy)
        amount = rate * self.eypp_funded_hours_per_year
        return min(amount, cap) if cap is not None else amount

    def post16_for(self, fy: str) -> int:
        """Post-16 PP+ per young person for a year (0 when the year has no rate)."""
        return self.post16_rate_pence.get(fy, 0)

    def rating_meets_threshold(self, rating: str | None, scale: str) -> bool:
        """Whether a QA rating is at or above :attr:`base_payment_min_rating` on the scale."""
        order = RATING_ORDER.get(scale, RATING_ORDER["rag"])
        if rating not in order or self.base_payment_min_rating not in order:
            return False
        return order.index(rating) >= order.index(self.base_payment_min_rating)

    def band_problem(self, pence: int) -> str | None:
        """Why an amount may not be requested under these settings, or ``None`` if it may."""
        if pence < 0:
            return "the amount cannot be negative"
        if self.max_request_pence is not None and pence > self.max_request_pence:
            return f"{format_pence(pence)} is more than the largest request allowed ({format_pence(self.max_request_pence)})"
        if self.request_bands_pence and not self.free_amount_requests and pence not in self.request_bands_pence:
            bands = ", ".join(format_pence(b) for b in self.request_bands_pence)
            return f"{format_pence(pence)} is not one of this council's request bands ({bands})"
        return None


def load_pupil_premium_settings(settings: Settings) -> PupilPremiumSettings:
    """The ``[pupil_premium]`` table of the data folder's ``settings.toml`` (defaults where absent)."""
    table: Any = read_settings_file(settings.data_dir).get("pupil_premium", {})
    try:
        return PupilPremiumSettings.model_validate(table)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise SettingsError(
            f"{settings.data_dir / 'settings.toml'} [pupil_premium] {where}: {first['msg']}"
        ) from None
