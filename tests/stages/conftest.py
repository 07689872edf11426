"""Fixtures for the stage plugins' tests: children, PEPs in a given term, and running the checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from pep_tui.domain import PEP, Child, SectionData, TermRef, year_group
from pep_tui.plugins.api import Finding, SectionContext, ValidationContext
from pep_tui.sample import SAMPLE_TODAY
from pep_tui.settings import Policy

NOW = datetime(2026, 2, 9, 10, tzinfo=UTC)


@pytest.fixture
def make_child() -> Callable[..., Child]:
    """``make_child(date(2014, 8, 31), on_roll=False, …)`` → a fictional child born on that day."""

    def make(dob: date, **changes: Any) -> Child:
        values: dict[str, Any] = {"id": "child_test", "first_name": "Test", "last_name": "Child (fictional)",
                                  "date_of_birth": dob, "school_urn": "999105", "school_name": "Riverbend (fictional)"}
        return Child(**{**values, **changes})

    return make


@pytest.fixture
def make_pep(registry) -> Callable[..., PEP]:
    """``make_pep(child, TermRef(2025, Term.SUMMER), {"ks2.mtc": {...}})`` → the PEP that term would get.

    The stage comes from the child's year group at the start of the term, as when a PEP is started.
    """

    def make(child: Child, term: TermRef | None = None, sections: dict[str, dict[str, Any] | BaseModel] | None = None,
             previous: PEP | None = None) -> PEP:
        term = term or TermRef.containing(SAMPLE_TODAY)
        group = year_group(child.date_of_birth, term.start)
        stage = registry.stage_for_year_group(group)
        assert stage is not None, f"no stage for year group {group}"
        stored = {
            sid: SectionData(data=v.model_dump(mode="json") if isinstance(v, BaseModel) else v)
            for sid, v in (sections or {}).items()
        }
        return PEP(id=f"pep_{term.academic_year}_{term.term.value}", child_id=child.id,
                   academic_year=term.academic_year, term=term.term, stage=stage.id, year_group=group,
                   sections=stored, previous_pep_id=previous.id if previous else None,
                   created_by="vs.head", created_at=NOW, updated_by="vs.head", updated_at=NOW)

    return make


@pytest.fixture
def section_ids(registry) -> Callable[..., list[str]]:
    """``section_ids(child, pep, previous=None)`` → ids of the sections that PEP gets."""

    def ids(child: Child, pep: PEP, previous: PEP | None = None) -> list[str]:
        return [s.id for s in registry.sections_for(SectionContext(child=child, pep=pep, previous=previous))]

    return ids


@pytest.fixture
def findings(registry) -> Callable[..., list[Finding]]:
    """``findings(child, pep, validator_prefix="ks2.")`` → findings of the validators whose id starts so."""

    def run(child: Child, pep: PEP, prefix: str = "", previous: PEP | None = None,
            today: date = SAMPLE_TODAY, policy: Policy | None = None) -> list[Finding]:
        sctx = SectionContext(child=child, pep=pep, previous=previous)
        parsed, _ = registry.parse_sections(sctx)
        vctx = ValidationContext(child=child, pep=pep, sections=parsed, previous=previous,
                                 policy=policy or Policy(), today=today)
        return [f for f in registry.validate(vctx) if (f.validator_id or "").startswith(prefix)]

    return run
