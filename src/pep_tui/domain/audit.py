"""The audit trail: an append-only record of every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditEvent(BaseModel):
    """One change: who, when, what (child / PEP / section) and the revision it moved between.

    ``detail`` holds names of changed fields and short codes, never personal data beyond what the
    reader of the trail may already see.
    """

    model_config = ConfigDict(extra="forbid")
    id: str | None = Field(None, description="Unique id given by the store (makes crash repair exactly-once)")
    at: datetime
    actor: str
    role: str
    action: str = Field(description="e.g. child.create, pep.save, pep.submit, pep.approve, staff.add")
    child_id: str | None = None
    pep_id: str | None = None
    section_id: str | None = None
    old_revision: int | None = None
    new_revision: int | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
