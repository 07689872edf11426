"""Fixtures for the role and workflow tests: policy changes, filling sections, reading stored PEPs."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from pep_tui.domain import PEP
from pep_tui.plugins.api import SampleContext
from pep_tui.services import Services
from pep_tui.settings import Policy


@pytest.fixture
def use_policy(cohort: Services) -> Callable[..., Policy]:
    """``use_policy(signoff_chain=[...])`` changes the running services' policy (this test only)."""

    def change(**changes) -> Policy:
        policy = cohort.ctx.settings.policy.model_copy(update=changes)
        cohort.ctx.settings = cohort.ctx.settings.model_copy(update={"policy": policy})
        return policy

    return change


@pytest.fixture
def fill(cohort: Services) -> Callable[..., None]:
    """``fill(principal, child_id, pep_id, seed)`` saves, through the services, sample content into every
    section the principal may edit (``only_empty``: sections not yet written)."""

    def fill_sections(principal, child_id: str, pep_id: str, seed: int = 1, only_empty: bool = False) -> None:
        rng = random.Random(seed)
        record = cohort.children.record(principal, child_id)
        for state in cohort.peps.visible_sections(principal, record, record.pep(pep_id)):
            if not state.editable or state.spec.sample is None:
                continue
            pep = cohort.store.load_child(child_id).pep(pep_id)
            if only_empty and pep.section(state.spec.id):
                continue
            previous = next((p for p in record.peps if p.id == pep.previous_pep_id), None)
            value = state.spec.sample(SampleContext(rng=rng, child=record.child, pep=pep, previous=previous,
                                                    story={"index": 0}))
            if value is not None:
                cohort.peps.save_section(principal, child_id, pep_id, state.spec.id, value, pep.revision)

    return fill_sections


@pytest.fixture
def stored(cohort: Services) -> Callable[[str, str], PEP]:
    """``stored(child_id, pep_id)``: the PEP as saved (bypassing permissions, for assertions)."""

    def read(child_id: str, pep_id: str) -> PEP:
        return cohort.store.load_child(child_id).pep(pep_id)

    return read
