"""Fixtures for the Pupil Premium Plus tests: the service, and PEPs put into the state a test needs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from pep_tui.domain import PEP, PEPStatus, Target
from pep_tui.domain.pep import TARGETS_SECTION, SectionData
from pep_tui.services import Services
from pep_tui_plugins.pupil_premium.service import PupilPremiumService, pupil_premium


@pytest.fixture
def pp(cohort: Services) -> PupilPremiumService:
    """The PP+ service over the sample cohort."""
    return pupil_premium(cohort)


def latest_pep(services: Services, child_id: str) -> PEP:
    """The child's newest live PEP."""
    record = services.store.load_child(child_id)
    return [p for p in record.peps if p.superseded_by is None][-1]


def set_status(services: Services, child_id: str, pep_id: str, status: PEPStatus, **extra: Any) -> PEP:
    """Put a PEP into a workflow state directly (test set-up; the workflow service is tested elsewhere)."""
    pep = services.store.load_child(child_id).pep(pep_id)
    return services.store.save_pep(pep.model_copy(update={"status": status, **extra}), pep.revision, "test", "system")


def ensure_targets(services: Services, child_id: str, pep_id: str) -> list[Target]:
    """Give the PEP two targets if it has none."""
    pep = services.store.load_child(child_id).pep(pep_id)
    if pep.targets:
        return pep.targets
    targets = [
        Target(id=f"tgt_{child_id[-6:]}_{n}", description=f"Target {n}", need="Reading", success_measure="Reading age",
               owner="DT", actions="Sessions", frequency="Weekly", review_date=date(2026, 3, 20))
        for n in (1, 2)
    ]
    data = SectionData(data={"targets": [t.model_dump(mode="json") for t in targets]})
    services.store.save_pep(pep.model_copy(update={"sections": {**pep.sections, TARGETS_SECTION: data}}),
                            pep.revision, "test", "system")
    return targets


def request_data(targets: list[Target], amount: str = "800.00", **extra: Any) -> dict[str, Any]:
    """A valid request linked to the first target."""
    return {
        "target_ids": [targets[0].id], "amount": amount, "intervention": "1:1 maths tuition",
        "provider": "Tutors (fictional)", "eef_category": "targeted_academic_support",
        "start_date": "2026-02-20", "end_date": "2026-07-17", "exit_strategy": "School continues it", **extra,
    }


@pytest.fixture
def pending_request(cohort: Services, pp: PupilPremiumService) -> Callable[..., tuple[str, str, str]]:
    """``pending_request(child_id=None, amount="800.00")`` → (child id, PEP id, request id) of a request
    awaiting a decision in a submitted PEP (made by the Virtual School for the test)."""
    vs = cohort.principal_for("vs.head")

    def make(child_id: str | None = None, amount: str = "800.00") -> tuple[str, str, str]:
        if child_id is None:
            child_id = next(s["child_id"] for s in cohort.children.list(vs)
                            if cohort.store.load_child(s["child_id"]).peps)
        pep = latest_pep(cohort, child_id)
        if pep.status not in (PEPStatus.IN_PROGRESS, PEPStatus.NOT_STARTED, PEPStatus.RETURNED):
            pep = set_status(cohort, child_id, pep.id, PEPStatus.IN_PROGRESS)
        targets = ensure_targets(cohort, child_id, pep.id)
        pep = cohort.store.load_child(child_id).pep(pep.id)
        saved, request = pp.add_request(vs, child_id, pep.id, request_data(targets, amount), pep.revision)
        set_status(cohort, child_id, saved.id, PEPStatus.SUBMITTED)
        return child_id, saved.id, request.id

    return make


class Setup:
    """Set-up helpers, bound to the cohort (``setup.latest_pep(child_id)`` …)."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def latest_pep(self, child_id: str) -> PEP:
        return latest_pep(self.services, child_id)

    def set_status(self, child_id: str, pep_id: str, status: PEPStatus, **extra: Any) -> PEP:
        return set_status(self.services, child_id, pep_id, status, **extra)

    def ensure_targets(self, child_id: str, pep_id: str) -> list[Target]:
        return ensure_targets(self.services, child_id, pep_id)

    request_data = staticmethod(request_data)

    def editable_pep_for(self, login: str) -> tuple[str, PEP, list[Target]]:
        """A child in ``login``'s scope with an editable PEP that has targets."""
        principal = self.services.principal_for(login)
        child_id = next(s["child_id"] for s in self.services.children.list(principal)
                        if self.services.store.load_child(s["child_id"]).peps)
        pep = self.latest_pep(child_id)
        if pep.status not in (PEPStatus.IN_PROGRESS, PEPStatus.NOT_STARTED, PEPStatus.RETURNED):
            pep = self.set_status(child_id, pep.id, PEPStatus.IN_PROGRESS)
        targets = self.ensure_targets(child_id, pep.id)
        return child_id, self.latest_pep(child_id), targets


@pytest.fixture
def setup(cohort: Services) -> Setup:
    """Set-up helpers over the sample cohort."""
    return Setup(cohort)
