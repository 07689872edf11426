"""What the family, the young person and the carer see of a child's record, in plain words.

Birth family must not learn where or with whom a child is placed unless the child's social worker
decides they may: that decision is ``Child.family_sees_placement``, set only through
:meth:`pep_tui.services.children.ChildService.set_family_sees_placement` (the child's social worker or
the Virtual School), and off until it is made. Until then a family principal is never given the carer,
the placement, the school (or its designated teacher), the UPN or the IRO - by the services, so no
screen, export or plugin can show what it was never handed.
"""

from __future__ import annotations

from typing import Any

from pep_tui.plugins.api import ScopeKind
from pep_tui.plugins.registry import Registry
from pep_tui.services.principal import Principal

#: summary and record fields that say where, or with whom, a child lives
PLACEMENT_FIELDS = ("carer", "placement", "school_name", "school_urn", "designated_teacher")
#: fields only staff need: identifiers and logins
STAFF_ONLY_FIELDS = ("upn", "iro", "young_person_login", "family_access")


def _scope(registry: Registry, principal: Principal) -> ScopeKind | None:
    role = registry.roles.get(principal.role)
    return role.scope if role is not None else None


def is_family(registry: Registry, principal: Principal) -> bool:
    """Whether the principal acts as the child's birth family (a ``family`` scope role)."""
    return _scope(registry, principal) is ScopeKind.FAMILY


def sees_staff_fields(registry: Registry, principal: Principal) -> bool:
    """Staff roles see identifiers and logins; the family, the young person and the carer do not."""
    return _scope(registry, principal) not in (ScopeKind.FAMILY, ScopeKind.OWN, ScopeKind.PLACEMENT)


def is_young_person(registry: Registry, principal: Principal) -> bool:
    """Whether the principal is the child or young person themself (an ``own`` scope role)."""
    return _scope(registry, principal) is ScopeKind.OWN


#: the young person's own words for the facts on their screen (staff labels → plain ones)
YOUNG_PERSON_LABELS = {"SEN": "Extra help", "Designated teacher": "Teacher for your plan"}
#: special educational needs, as the young person reads them
YOUNG_PERSON_SEN = {"none": "none", "sen_support": "support at school",
                    "ehcp": "an EHC plan (education, health and care)", "under_assessment": "being looked into"}
#: where a PEP has got to, in the young person's words (staff see ``cohort_view.STATUS_WORDS``)
YOUNG_PERSON_STATUS = {"not_started": "Not started", "in_progress": "Being written", "submitted": "Being checked",
                       "returned": "Being changed", "finalised": "Being checked", "approved": "Finished"}


def for_young_person(rows: list[tuple[str, str]], sen_status: str) -> list[tuple[str, str]]:
    """Fact rows relabelled in the young person's words."""
    return [(YOUNG_PERSON_LABELS.get(label, label),
             YOUNG_PERSON_SEN.get(sen_status, value) if label == "SEN" else value) for label, value in rows]


def placement_visible(registry: Registry, principal: Principal, decided: bool) -> bool:
    """Whether this principal may see the placement, given the social worker's decision ``decided``."""
    return not is_family(registry, principal) or bool(decided)


def redact_summary(registry: Registry, principal: Principal, summary: dict[str, Any]) -> dict[str, Any]:
    """A list summary with what this principal may not see taken out (a copy; staff get it unchanged)."""
    if sees_staff_fields(registry, principal):
        return summary
    hidden = set(STAFF_ONLY_FIELDS) - {"family_access"}
    if _scope(registry, principal) is ScopeKind.OWN:
        hidden.discard("young_person_login")  # their own login: it is how their scope is found
    if not placement_visible(registry, principal, bool(summary.get("family_sees_placement"))):
        hidden |= set(PLACEMENT_FIELDS)
    if not hidden & summary.keys():
        return summary
    return {k: (None if k in hidden else v) for k, v in summary.items()}


__all__ = ["PLACEMENT_FIELDS", "STAFF_ONLY_FIELDS", "YOUNG_PERSON_LABELS", "YOUNG_PERSON_SEN", "YOUNG_PERSON_STATUS",
           "for_young_person", "is_family", "is_young_person", "placement_visible", "redact_summary",
           "sees_staff_fields"]
