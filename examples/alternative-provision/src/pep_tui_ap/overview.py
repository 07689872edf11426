"""What the overview screen shows, gathered through the services (no Textual here, so it is easy to test)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pep_tui.services import PermissionDenied, Principal, Services
from pep_tui_ap.checks import PLACEMENT
from pep_tui_ap.models import APPlacement


@dataclass(frozen=True)
class APRow:
    """One child in alternative provision, as the overview lists them."""

    child_id: str
    name: str
    year_group: int
    provider: str
    hours_per_week: int | None
    review_date: date | None


def children_in_ap(services: Services, principal: Principal) -> list[APRow]:
    """The children in the principal's scope who are not on a school roll, with their latest placement.

    Reads through the services with the principal, so it shows only what that person may see.
    """
    rows: list[APRow] = []
    for summary in services.children.list(principal):
        year = summary.get("year_group")
        if summary.get("on_roll", True) or year is None or not 1 <= year <= 11:
            continue
        placement = APPlacement()
        pep_id = summary.get("latest_pep_id")
        if pep_id:
            try:
                data = services.peps.get(principal, summary["child_id"], pep_id).section(PLACEMENT)
                placement = APPlacement.model_validate(data) if data else placement
            except (PermissionDenied, ValueError):
                pass  # the role may not see the section, or old data no longer fits: show the child anyway
        rows.append(APRow(
            child_id=summary["child_id"], name=summary.get("name", ""), year_group=year,
            provider=placement.provider_name, hours_per_week=placement.hours_per_week,
            review_date=placement.review_date,
        ))
    return sorted(rows, key=lambda r: (r.review_date or date.max, r.name))
