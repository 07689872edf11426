"""What the store hands out: a child with their PEPs, and the summariser type."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pep_tui.domain import PEP, Child
from pep_tui.store.errors import NotFound

StoreKind = Literal["live", "training"]
#: ``summarise(child, peps) -> dict``: a child's JSON-able index entry.
Summariser = Callable[[Child, list[PEP]], dict[str, Any]]


def default_summary(child: Child, peps: list[PEP]) -> dict[str, Any]:
    """A minimal summary; services supply a richer summariser."""
    return {"child_id": child.id, "name": child.display_name, "revision": child.revision}


@dataclass
class ChildRecord:
    """A child and all their PEPs, oldest term first."""

    child: Child
    peps: list[PEP]

    def pep(self, pep_id: str) -> PEP:
        """One PEP by id."""
        for pep in self.peps:
            if pep.id == pep_id:
                return pep
        raise NotFound(f"no PEP {pep_id} for this child")


@dataclass(frozen=True)
class PEPChange:
    """One PEP to save with :meth:`~pep_tui.store.repository.Store.save_peps` (several saved at once).

    ``expected_revision`` is the revision the change was based on (``None``: a new PEP, which must not
    exist yet). ``action``, ``section_id`` and ``detail`` go into this PEP's audit event.
    """

    pep: PEP
    expected_revision: int | None
    action: str = "pep.save"
    section_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
