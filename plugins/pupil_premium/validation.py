"""QA criterion Q7: PP+ costed and linked to specific targets, and its impact reviewed next term.

This is the one rule for Q7: the automatic pre-QA check passes these findings on unchanged. A request
names each target it serves by the target's id or by its number in this PEP (1 for the first target),
as the request form invites.
"""

from __future__ import annotations

from collections.abc import Iterator

from pep_tui.plugins.api import Finding, Severity, ValidationContext
from pep_tui_plugins.pupil_premium.models import (
    NAMESPACE,
    Q7,
    REQUESTS_SECTION,
    PEPFunding,
    RequestsSection,
)


def check_q7(ctx: ValidationContext) -> Iterator[Finding]:
    """Each request names targets of this PEP and is costed; funded requests of the previous PEP
    have their impact recorded in this one."""
    section = ctx.sections.get(REQUESTS_SECTION)
    requests = section.requests if isinstance(section, RequestsSection) else []
    targets = ctx.pep.targets
    target_ids = {t.id for t in targets} | {str(n) for n in range(1, len(targets) + 1)}
    if not requests:
        yield Finding(
            Severity.INFO,
            "No Pupil Premium Plus request in this PEP: where the targets need funded support, add a "
            "costed request linked to them",
            REQUESTS_SECTION, "requests", Q7,
        )
    for n, request in enumerate(requests, start=1):
        missing = [t for t in request.target_ids if t not in target_ids]
        if missing:
            yield Finding(
                Severity.ERROR,
                f"PP+ request {n} is linked to {len(missing)} target(s) that are not in this PEP: link it to "
                f"this PEP's specific targets",
                REQUESTS_SECTION, f"requests.{n - 1}.target_ids", Q7,
            )
        if request.amount <= 0:
            yield Finding(Severity.WARNING, f"PP+ request {n} is not costed (its amount is £0.00)",
                          REQUESTS_SECTION, f"requests.{n - 1}.amount", Q7)
    if ctx.previous is not None:
        previous = PEPFunding.model_validate(ctx.previous.plugin_data.get(NAMESPACE, {}))
        funded = [d for d in previous.decisions.values() if d.status.funded]
        reviewed = PEPFunding.model_validate(ctx.pep.plugin_data.get(NAMESPACE, {})).impact
        waiting = [d for d in funded if d.request_id not in reviewed]
        if waiting:
            yield Finding(
                Severity.WARNING,
                f"{len(waiting)} PP+ funded intervention(s) from the last PEP still need their impact recorded "
                f"against their targets",
                REQUESTS_SECTION, None, Q7,
            )
