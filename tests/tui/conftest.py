"""Fixtures for the app's tests: a sample store with every kind of form field, and an app factory."""

from __future__ import annotations

import dataclasses
import importlib.util
import io
import os
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from pep_tui.bootstrap import Opened, create_services
from pep_tui.plugins.manager import PluginManager, load_plugins
from pep_tui.plugins.registry import Registry
from pep_tui.sample import SAMPLE_TODAY, generate_cohort
from pep_tui.services import Services
from pep_tui.settings import load_settings
from pep_tui.store import Store

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # tui_helpers and the tuitest plugin live beside the tests


def _fixture_module():
    spec = importlib.util.spec_from_file_location("tui_fixture_sections", HERE / "tui_fixture_sections.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations through it
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def tui_plugins() -> PluginManager:
    """The installed plugins plus the ``tuitest`` sections (every kind of field)."""
    manager = load_plugins(strict=False)
    manager.load_module(_fixture_module(), name="tuitest")
    return manager


@pytest.fixture(scope="session")
def tui_registry(tui_plugins: PluginManager) -> Registry:
    """The installed stages and roles with only the ``tuitest`` sections and checks.

    The flows and snapshots then test the app, not the content of stage plugins (which changes on
    its own); ``full_store`` below runs the app over every installed section.
    """
    registry = tui_plugins.registry()
    return dataclasses.replace(
        registry,
        sections={k: v for k, v in registry.sections.items() if k.startswith("tuitest.")},
        validators={k: v for k, v in registry.validators.items() if k.startswith("tuitest.")},
        views={}, commands={}, sample_contributors=[],
    )


def _services(path: Path, registry: Registry, create: bool) -> Services:
    settings = load_settings(path)
    store = Store.create(path, "training") if create else Store.open(path)
    return Services(store, registry, settings, clock=lambda: SAMPLE_TODAY)


@pytest.fixture(scope="session")
def tui_template(tmp_path_factory: pytest.TempPathFactory, tui_registry: Registry) -> Path:
    """The 60-child sample cohort over the ``tuitest`` sections, generated once and copied per test."""
    path = tmp_path_factory.mktemp("tui") / "template"
    generate_cohort(_services(path, tui_registry, create=True), children=60, seed=2026)
    return path


@pytest.fixture
def tui_store(tmp_path: Path, tui_template: Path, tui_plugins: PluginManager, tui_registry: Registry) -> Opened:
    """A fresh copy of the sample cohort store, clock at SAMPLE_TODAY."""
    shutil.copytree(tui_template, tmp_path / "store")
    services = _services(tmp_path / "store", tui_registry, create=False)
    return Opened(services.ctx.settings, tui_plugins, services)


@pytest.fixture
def second_handle(tui_store: Opened, tui_plugins: PluginManager, tui_registry: Registry) -> Callable[[], Services]:
    """Open the same store again, as another process would."""

    def reopen() -> Services:
        return _services(tui_store.settings.data_dir, tui_registry, create=False)

    return reopen


@pytest.fixture
def full_store(tmp_path: Path, tui_plugins: PluginManager) -> Opened:
    """A training store with every installed plugin's sections (and the tuitest ones)."""
    opened = create_services(tmp_path / "full", "training", plugins=tui_plugins, clock=lambda: SAMPLE_TODAY)
    generate_cohort(opened.services, children=60, seed=2026)
    return opened


@pytest.fixture
def make_app(tui_store: Opened) -> Callable[..., Any]:
    """``make_app(login, role=None)`` → a PepApp signed in as that sample staff member."""
    from pep_tui.tui.app import PepApp

    def make(login: str = "vs.head", role: str | None = None, opened: Opened | None = None) -> PepApp:
        opened = opened or tui_store
        return PepApp(opened, opened.services.principal_for(login, role))

    return make


# --- text snapshots ------------------------------------------------------------------------------
#
# Why our own helper and not pytest-textual-snapshot: that plugin (1.1.0) pins pytest < 9 and this
# project runs pytest 9, and its SVG files change with every colour or font tweak. These snapshots are
# the screen as plain text (what a user reads at that size), stored in tests/tui/snapshots/*.txt, so a
# diff shows what moved or got clipped at 80x24. Times that change per run are masked. To accept a
# change on purpose: PEP_TUI_UPDATE_SNAPSHOTS=1 pytest tests/tui, then read the diff before committing.

SNAPSHOTS = HERE / "snapshots"
MASKS = (
    (re.compile(r"\d{2} [A-Z][a-z]{2} \d{2}:\d{2}"), "DD Mon HH:MM"),
    (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"), "YYYY-MM-DD HH:MM"),
)


def screen_text(app: Any) -> str:
    """The screen in view as plain text, one line per terminal row."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True, force_terminal=True,
                      color_system="truecolor", legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    text = console.export_text(styles=False)
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


@pytest.fixture
def snapshot() -> Callable[[Any, str], None]:
    """``snapshot(app, name)`` compares the screen with ``snapshots/<name>.txt`` (or writes it when updating)."""
    update = os.environ.get("PEP_TUI_UPDATE_SNAPSHOTS") == "1"

    def check(app: Any, name: str) -> None:
        app.clear_notifications()
        actual = screen_text(app)
        path = SNAPSHOTS / f"{name}.txt"
        if update or not path.exists():
            SNAPSHOTS.mkdir(exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            if not update:
                pytest.fail(f"new snapshot {path.name} written; check it and run again")
            return
        expected = path.read_text(encoding="utf-8")
        assert actual == expected, f"screen differs from {path.name} (PEP_TUI_UPDATE_SNAPSHOTS=1 to accept)"

    return check


# --- training sandboxes ------------------------------------------------------------------------------

TRAINER_EXERCISE = '''
[[exercise]]
id = "tt-home-reading"
title = "Note Uma's [red]reading[/red] at home [@click=app.quit]x[/]"
stage = "ks2"
role = "carer"
login = "carer.07"
child = "TRN02600006"
task = """
Say what Uma reads at home.
1. Open the "Home learning" tab. \\u001b[2J
"""
hint = "It is the [b]Home learning[/b] tab."

[[exercise.check]]
says = "Uma's [b]reading[/b] is recorded"
look_at = "section"
section = "carer.home_learning"
field = "reading_at_home"
contains = "comics"
'''


@pytest.fixture
def training_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty training folder (``PEP_TUI_TRAINING_DIR``), so no trainer's files from the machine leak in."""
    folder = tmp_path / "training"
    folder.mkdir()
    monkeypatch.setenv("PEP_TUI_TRAINING_DIR", str(folder))
    return folder


@pytest.fixture(scope="session")
def sandbox_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ``pep-tui demo`` sandbox (every installed plugin, seed 2026, 60 children), built once."""
    from pep_tui.training import prepare_sandbox

    root = tmp_path_factory.mktemp("sandbox")
    saved = os.environ.get("PEP_TUI_TRAINING_DIR")
    os.environ["PEP_TUI_TRAINING_DIR"] = str(root / "training")
    try:
        prepare_sandbox(root / "demo")
    finally:
        if saved is None:
            os.environ.pop("PEP_TUI_TRAINING_DIR", None)
        else:
            os.environ["PEP_TUI_TRAINING_DIR"] = saved
    return root / "demo"


@pytest.fixture
def sandbox(tmp_path: Path, sandbox_template: Path, training_dir: Path) -> Opened:
    """A fresh copy of the sandbox, opened as ``pep-tui demo`` opens it."""
    from pep_tui.training import open_sandbox

    folder = tmp_path / "demo"
    shutil.copytree(sandbox_template, folder)
    return open_sandbox(folder)
