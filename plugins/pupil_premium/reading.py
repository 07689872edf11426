"""The PP+ requests section in plain words, for those who may read it but not change it (the carer, the
social worker, the IRO): what the money is for, how much as pounds, and the targets it serves by their
wording, never stored field names or identifiers."""

from __future__ import annotations

import contextlib
from datetime import date
from typing import Any

from pep_tui.domain.text import CONTROL_CHARACTERS
from pep_tui_plugins.pupil_premium.models import EEFCategory, FundingStream
from pep_tui_plugins.pupil_premium.money import format_pence, parse_pounds

_KINDS = {
    EEFCategory.HIGH_QUALITY_TEACHING.value: "good teaching in class",
    EEFCategory.TARGETED_ACADEMIC_SUPPORT.value: "extra help with learning",
    EEFCategory.WIDER_STRATEGIES.value: "wider support (wellbeing, attendance, activities)",
}


def _one_line(value: Any) -> str:
    text = CONTROL_CHARACTERS.sub(" ", str(value or "")).strip()
    return " ".join(text.split())


def _money(value: Any) -> str:
    try:
        return format_pence(parse_pounds(str(value)))
    except (ValueError, TypeError):
        return "an amount not yet given"


def _day(value: Any) -> str:
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d %b %Y")
    except ValueError:
        return "a date not yet given"


def _stream(value: Any) -> str:
    try:
        return FundingStream(value).label
    except ValueError:
        return "Pupil Premium Plus"


def read_requests(data: dict[str, Any], pep: Any) -> str:
    """The section ``data`` of ``pep`` as a few plain sentences per request (see ``SectionSpec.reader``)."""
    requests = [r for r in data.get("requests") or [] if isinstance(r, dict)]
    if not requests:
        return "No Pupil Premium Plus is asked for in this PEP."
    targets = list(getattr(pep, "targets", None) or [])
    wording = {t.id: (_one_line(t.description) or _one_line(t.need) or f"target {n}")
               for n, t in enumerate(targets, start=1)}
    number = {t.id: n for n, t in enumerate(targets, start=1)}
    total = 0
    count = "One request" if len(requests) == 1 else f"{len(requests)} requests"
    lines: list[str] = [f"{count} for Pupil Premium Plus money in this PEP."]
    for n, request in enumerate(requests, start=1):
        amount = _money(request.get("amount"))
        with contextlib.suppress(ValueError, TypeError):  # an amount not yet given counts as nothing
            total += parse_pounds(str(request.get("amount")))
        what = _one_line(request.get("intervention")) or "support not yet described"
        lines.append("")
        lines.append(f"{n}. {what}: {amount}")
        provider = _one_line(request.get("provider"))
        lines.append(f"   Paid from {_stream(request.get('stream'))}"
                     + (f", provided by {provider}." if provider else "."))
        lines.append(f"   From {_day(request.get('start_date'))} to {_day(request.get('end_date'))}.")
        kind = _KINDS.get(str(request.get("eef_category")))
        if kind:
            lines.append(f"   Kind of support: {kind}.")
        ids = [str(i) for i in request.get("target_ids") or []]
        if ids:
            lines.append("   It helps with these targets:")
            for target_id in ids:
                label = f"target {number[target_id]}: " if target_id in number else ""
                lines.append(f"   - {label}{wording.get(target_id, 'a target no longer in this PEP')}")
        ending = _one_line(request.get("exit_strategy"))
        if ending:
            lines.append(f"   When it ends: {ending}")
        notes = _one_line(request.get("notes"))
        if notes:
            lines.append(f"   Notes: {notes}")
    if len(requests) > 1:
        lines.append("")
        lines.append(f"Asked for in all: {format_pence(total)}.")
    return "\n".join(lines)


__all__ = ["read_requests"]
