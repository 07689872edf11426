"""Fixtures shared by the whole suite: plugins loaded through the real entry points, stores, services."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pep_tui.bootstrap import Opened, create_services
from pep_tui.plugins.manager import PluginManager, load_plugins
from pep_tui.sample import SAMPLE_TODAY, generate_cohort
from pep_tui.services import Principal, Services


@pytest.fixture(scope="session")
def plugins() -> PluginManager:
    """The installed plugins, loaded through the ``pep_tui`` entry-point group (strict)."""
    return load_plugins(strict=True)


@pytest.fixture(scope="session")
def registry(plugins):
    """The registry of the installed plugins."""
    return plugins.registry()


@pytest.fixture
def make_store(tmp_path: Path, plugins: PluginManager) -> Callable[..., Opened]:
    """Create a fresh store: ``make_store(kind="live"|"training", name="store")``, clock fixed at SAMPLE_TODAY."""

    def make(kind: str = "training", name: str = "store") -> Opened:
        return create_services(tmp_path / name, kind, plugins=plugins, clock=lambda: SAMPLE_TODAY)

    return make


@pytest.fixture
def cohort(make_store) -> Services:
    """A training store holding the 60-child sample cohort (seed 2026), as services."""
    opened = make_store("training")
    generate_cohort(opened.services, children=60, seed=2026)
    return opened.services


@pytest.fixture
def as_login(cohort: Services) -> Callable[..., Principal]:
    """``as_login("dt.harbourside")`` → that staff member's principal in the sample cohort."""

    def principal(login: str, role: str | None = None) -> Principal:
        return cohort.principal_for(login, role)

    return principal
