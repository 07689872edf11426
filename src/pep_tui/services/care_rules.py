"""The rule every change to a child's PEPs checks: a child who has left care is read-only."""

from __future__ import annotations

from datetime import date

from pep_tui.domain import Child
from pep_tui.domain.care import is_closed
from pep_tui.services.access import PermissionDenied


class ChildClosed(PermissionDenied):
    """The child has left care: their record and PEPs are read-only until they come back into care."""


def require_open(child: Child, today: date) -> None:
    """Refuse a change to a child who has left care on or before ``today`` (their PEPs are read-only)."""
    if is_closed(child, today):
        raise ChildClosed(f"this child left care on {child.left_care_on:%d %b %Y}; their record and PEPs are "
                          f"read-only (reopen the record if they have come back into care)")
