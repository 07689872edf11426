"""Least-privilege access rules: which children a principal reaches and what they may do.

This is the rule; the TUI hiding a button is only a convenience. Every refusal raises
:class:`PermissionDenied` before any data is read or written.
"""

from __future__ import annotations

import logging

from pep_tui.domain import Child
from pep_tui.plugins.api import Capability, RoleDefinition, ScopeKind
from pep_tui.plugins.registry import Registry
from pep_tui.services.principal import Principal

security_log = logging.getLogger("pep_tui.security")


class PermissionDenied(Exception):
    """The principal may not do this. The message names the action, never data they cannot see."""


def role_of(registry: Registry, principal: Principal) -> RoleDefinition:
    """The principal's active role definition, or :class:`PermissionDenied` if no plugin provides it."""
    role = registry.roles.get(principal.role)
    if role is None:
        raise PermissionDenied(f"the role {principal.role!r} is not available (is its plugin installed?)")
    return role


def in_scope(registry: Registry, principal: Principal, child: Child) -> bool:
    """Whether the principal's role reaches this child."""
    role = registry.roles.get(principal.role)
    if role is None:
        return False
    login = principal.login
    scope = principal.scope
    match role.scope:
        case ScopeKind.ALL:
            return True
        case ScopeKind.CASELOAD:
            return child.social_worker == login
        case ScopeKind.SCHOOL:
            return child.designated_teacher == login or (
                child.school_urn is not None and child.school_urn in scope.school_urns and child.on_roll
            )
        case ScopeKind.DELEGATED:
            return child.id in scope.child_ids
        case ScopeKind.PLACEMENT:
            return child.carer == login or login in child.joint_carers
        case ScopeKind.OWN:
            return child.young_person_login == login or child.id in scope.child_ids
        case ScopeKind.FAMILY:
            return login in child.family_access
        case ScopeKind.REVIEWING:
            return child.iro == login
    return False


def summary_in_scope(registry: Registry, principal: Principal, summary: dict) -> bool:
    """:func:`in_scope` on an index summary (which carries the same fields), without loading the child."""
    role = registry.roles.get(principal.role)
    if role is None:
        return False
    login = principal.login
    match role.scope:
        case ScopeKind.ALL:
            return True
        case ScopeKind.CASELOAD:
            return summary.get("social_worker") == login
        case ScopeKind.SCHOOL:
            return summary.get("designated_teacher") == login or (
                summary.get("school_urn") in principal.scope.school_urns and summary.get("on_roll", True)
            )
        case ScopeKind.DELEGATED:
            return summary.get("child_id") in principal.scope.child_ids
        case ScopeKind.PLACEMENT:
            return summary.get("carer") == login or login in summary.get("joint_carers", ())
        case ScopeKind.OWN:
            return summary.get("young_person_login") == login or summary.get("child_id") in principal.scope.child_ids
        case ScopeKind.FAMILY:
            return login in summary.get("family_access", [])
        case ScopeKind.REVIEWING:
            return summary.get("iro") == login
    return False


def can(registry: Registry, principal: Principal, capability: Capability) -> bool:
    """Whether the principal's role holds a capability (read-only roles hold none that write)."""
    role = registry.roles.get(principal.role)
    return role is not None and capability in role.capabilities


def require(registry: Registry, principal: Principal, capability: Capability, child: Child | None = None) -> None:
    """Refuse unless the role holds ``capability`` and (if given) reaches ``child``."""
    role = role_of(registry, principal)
    if capability not in role.capabilities:
        log_denied(principal, _words(capability), child.id if child is not None else None)
        raise PermissionDenied(f"{role.title} may not {_words(capability)}")
    if child is not None and not in_scope(registry, principal, child):
        log_denied(principal, f"{_words(capability)} (this child is out of scope)", child.id)
        raise PermissionDenied(f"this child is not in your scope as {role.title.lower()}")


def log_denied(principal: Principal, what: str, child_id: str | None = None) -> None:
    """Record a refusal in the operator's log as a security event: login, role, what and the child's id."""
    security_log.warning("permission denied: %s as %s may not %s%s", principal.login, principal.role, what,
                         f" (child {child_id})" if child_id else "")


def _words(capability: Capability) -> str:
    return {
        Capability.VIEW_CHILD: "view children's records",
        Capability.EDIT_CHILD: "edit a child's record",
        Capability.CREATE_CHILD: "add children",
        Capability.START_PEP: "start a PEP",
        Capability.EDIT_PEP: "edit a PEP",
        Capability.SUBMIT_PEP: "submit a PEP",
        Capability.FINALISE_PEP: "finalise a PEP",
        Capability.ACKNOWLEDGE_PEP: "acknowledge a PEP",
        Capability.APPROVE_PEP: "approve a PEP",
        Capability.RETURN_PEP: "return a PEP",
        Capability.RATE_QA: "rate a PEP's quality",
        Capability.VIEW_AUDIT: "read the audit trail",
        Capability.GRANT_FAMILY_ACCESS: "grant family access",
        Capability.REQUEST_FUNDING: "request Pupil Premium Plus",
        Capability.DECIDE_FUNDING: "decide Pupil Premium Plus requests",
        Capability.VIEW_REPORTS: "view cohort reports",
        Capability.EXPORT_DATA: "export data",
        Capability.IMPORT_DATA: "import data",
    }.get(capability, capability.value)
