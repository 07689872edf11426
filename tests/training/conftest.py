"""Fixtures for the training tests: one sandbox built per session, copied for each test that changes it."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pep_tui.bootstrap import Opened
from pep_tui.training import open_sandbox, prepare_sandbox


@pytest.fixture(autouse=True)
def _own_training_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the machine's own training folder (and any exercises a trainer put there) out of the tests."""
    monkeypatch.setenv("PEP_TUI_TRAINING_DIR", str(tmp_path_factory.mktemp("training-root")))


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A seed-2026, 60-child sandbox, built once; never changed (tests work on copies)."""
    folder = tmp_path_factory.mktemp("template") / "sandbox"
    prepare_sandbox(folder)
    return folder


@pytest.fixture
def sandbox_copy(sandbox_template: Path, tmp_path: Path) -> Callable[[str], Path]:
    """``sandbox_copy(name)`` → a fresh copy of the template sandbox in this test's folder."""

    def copy(name: str = "sandbox") -> Path:
        target = tmp_path / name
        shutil.copytree(sandbox_template, target, ignore=shutil.ignore_patterns("*.lock"))
        return target

    return copy


@pytest.fixture
def sandbox(sandbox_copy) -> Opened:
    """Services on a fresh copy of the training sandbox."""
    return open_sandbox(sandbox_copy())
