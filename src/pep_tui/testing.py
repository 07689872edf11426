"""Test fixtures for pep-tui plugins: a pytest plugin installed with pep-tui.

pep-tui registers this module with pytest (entry point ``pytest11``), so a plugin's tests can use
these fixtures without a ``conftest.py``. Every fixture name starts with ``pep_``:

``pep_plugins``
    The installed plugins, loaded strictly through the ``pep_tui`` entry-point group, so a problem in
    your plugin fails the test with its message. Your plugin is included once it is installed
    (``pip install -e .``). To test your plugin whatever else is installed in the environment, name
    it (and any plugin it depends on) in your pytest settings::

        [tool.pytest.ini_options]
        pep_tui_plugins = ["alternative_provision"]

    (or ``PEP_TUI_TEST_PLUGINS=alternative_provision``): then only a problem in a named plugin
    fails the test, and an unrelated broken plugin is left out, as the app would leave it out.
``pep_registry``
    Their registry: stages, roles, sections, validators, views, commands.
``pep_store``
    A fresh training store holding the fictional sample cohort (60 children, seed 2026, "today" fixed
    at 9 February 2026), as an :class:`~pep_tui.bootstrap.Opened` (``.services``, ``.settings``,
    ``.plugins``). Each test gets its own copy; the cohort is generated once per test session.
``pep_services``
    ``pep_store.services``.
``pep_principal``
    ``pep_principal("designated_teacher", child_id=...)``: a principal acting in any role, one of the
    sample staff who reaches that child where there is one.
``pep_child``
    ``pep_child(on_roll=False, stage="ks3")``: the id of the first sample child whose index summary
    matches every keyword (or a predicate), for finding a child in the circumstance you test.
``pep_validate``
    ``pep_validate(child_id, sections={"ap.placement": {...}})``: the findings of every validator for
    a child's current PEP, optionally with some sections' data replaced (nothing is saved).
``pep_app``
    ``async with pep_app(child_id, role="designated_teacher") as pilot:``: the app on that child,
    driven with Textual's Pilot (needs ``pytest-asyncio``; set ``asyncio_mode = "auto"``).

The same helpers are plain functions too (:func:`create_sample_store`, :func:`principal_for_role`,
:func:`validate_pep`, :func:`open_app`) for use outside pytest. Importing this module imports neither
Textual nor the store: pytest loads it for every test run in an environment with pep-tui installed.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pydantic import BaseModel
    from textual.pilot import Pilot

    from pep_tui.bootstrap import Opened
    from pep_tui.plugins.api import Finding
    from pep_tui.plugins.manager import PluginManager
    from pep_tui.plugins.registry import Registry
    from pep_tui.services import Principal, Services

#: The sample cohort the fixtures use: size and seed (the same cohort as the training demo).
SAMPLE_CHILDREN = 60
SAMPLE_SEED = 2026

__all__ = [
    "SAMPLE_CHILDREN",
    "SAMPLE_SEED",
    "create_sample_store",
    "find_child",
    "load_plugins_for_tests",
    "open_app",
    "open_store_copy",
    "principal_for_role",
    "validate_pep",
]


# --- Plain helpers -------------------------------------------------------------------------------


def create_sample_store(
    folder: Path | str,
    *,
    plugins: PluginManager | None = None,
    children: int = SAMPLE_CHILDREN,
    seed: int = SAMPLE_SEED,
) -> Opened:
    """Create a training store in ``folder`` holding the fictional sample cohort.

    The store's clock is fixed at the sample's "today" (9 February 2026, spring term 2025-26) so that
    due dates and findings are the same on every run. ``plugins`` defaults to the installed plugins.
    """
    from pep_tui.bootstrap import create_services
    from pep_tui.sample import SAMPLE_TODAY, generate_cohort

    opened = create_services(Path(folder), "training", plugins=plugins, clock=lambda: SAMPLE_TODAY)
    generate_cohort(opened.services, children=children, seed=seed)
    return opened


def open_store_copy(template: Path | str, folder: Path | str, *, plugins: PluginManager | None = None) -> Opened:
    """Copy a store folder (made by :func:`create_sample_store`) to ``folder`` and open the copy."""
    from pep_tui.bootstrap import open_services
    from pep_tui.sample import SAMPLE_TODAY

    shutil.copytree(template, folder)
    return open_services(Path(folder), expect_kind="training", plugins=plugins, clock=lambda: SAMPLE_TODAY)


def find_child(services: Services, predicate: Callable[[Mapping[str, Any]], bool] | None = None, **where: Any) -> str:
    """The id of the first child (in index order) whose summary matches ``predicate`` and ``where``.

    A summary carries ``child_id``, ``name``, ``year_group``, ``stage``, ``on_roll``, ``sen_status``,
    ``current_status``, ``post16_route`` and more (see ``pep_tui.services.summary``).
    ``find_child(services, on_roll=False, stage="ks3")``. Raises ``LookupError`` naming the filter if
    no child matches.
    """
    for summary in sorted(services.store.summaries(with_facts=True).values(), key=lambda s: s["child_id"]):
        if all(summary.get(key) == value for key, value in where.items()) and (
            predicate is None or predicate(summary)
        ):
            return str(summary["child_id"])
    wanted = ", ".join(f"{k}={v!r}" for k, v in where.items()) or "the predicate"
    raise LookupError(f"no child in the sample cohort matches {wanted}")


def principal_for_role(services: Services, role: str, child_id: str | None = None, login: str | None = None) -> Principal:
    """A principal acting in ``role``, reaching ``child_id`` when given.

    With ``login``, that staff member in that role. Otherwise the first sample staff member who holds
    the role (and reaches the child); for a role no sample staff member holds (a role your plugin
    adds), a staff member ``pep.<role>`` is added to the training store with the child in their
    delegated scope, which suits roles whose scope kind is ``delegated``, ``own`` or ``all``.
    Raises ``LookupError`` if the role does not exist or nobody in it can reach the child.
    """
    from pep_tui.domain import StaffMember, StaffScope
    from pep_tui.services.access import in_scope

    registry = services.registry
    if role not in registry.roles:
        raise LookupError(f"no installed plugin provides the role {role!r}; roles: {', '.join(sorted(registry.roles))}")
    if login is not None:
        return services.principal_for(login, role)
    child = services.store.load_child(child_id).child if child_id else None
    holders = [m for m in services.store.list_staff() if role in m.roles and m.active]
    for member in sorted(holders, key=lambda m: m.login):
        principal = services.principal_for(member.login, role)
        if child is None or in_scope(registry, principal, child):
            return principal
    if holders:
        raise LookupError(f"no sample staff member in the role {role!r} reaches child {child_id}")
    login = "pep." + role.replace("_", "-")
    if services.store.get_staff(login) is None:
        member = StaffMember(login=login, display_name=f"Test {registry.roles[role].title}", roles=[role],
                             scope=StaffScope(child_ids=[child_id] if child_id else []))
        services.store.save_staff(member, None, "pep_tui.testing", "system")
    principal = services.principal_for(login, role)
    if child is not None and not in_scope(registry, principal, child):
        raise LookupError(f"a test {role!r} cannot be given child {child_id}: its scope kind is "
                          f"{registry.roles[role].scope.value}; pass login= of a staff member who reaches it")
    return principal


def validate_pep(
    services: Services,
    child_id: str,
    pep_id: str | None = None,
    sections: Mapping[str, BaseModel | Mapping[str, Any] | None] | None = None,
) -> list[Finding]:
    """Every finding for a child's PEP (the latest by default), as the app and submission see them.

    ``sections`` replaces the named sections' data for this check only (a model or a dict; ``None``
    empties it): nothing is saved. Findings come sorted errors first.
    """
    from pydantic import BaseModel

    from pep_tui.domain import SectionData, utcnow

    record = services.store.load_child(child_id)
    if not record.peps:
        raise LookupError(f"child {child_id} has no PEP yet")
    pep = record.pep(pep_id) if pep_id else record.peps[-1]
    if sections:
        replaced = dict(pep.sections)
        for section_id, value in sections.items():
            if value is None:
                replaced.pop(section_id, None)
                continue
            data = value.model_dump(mode="json") if isinstance(value, BaseModel) else dict(value)
            spec = services.registry.sections.get(section_id)
            replaced[section_id] = SectionData(version=spec.version if spec else 1, data=data,
                                               updated_by="pep_tui.testing", updated_at=utcnow())
        pep = pep.model_copy(update={"sections": replaced})
    return services.peps.findings_for(record, pep)


@asynccontextmanager
async def open_app(
    opened: Opened,
    principal: Principal,
    child_id: str | None = None,
    size: tuple[int, int] = (100, 36),
) -> AsyncIterator[Pilot[Any]]:
    """Run the app headless on ``opened`` as ``principal``, on ``child_id``'s screen if given.

    ``async with open_app(opened, principal, child_id) as pilot: await pilot.press("f1")``;
    ``pilot.app`` is the :class:`pep_tui.tui.app.PepApp` (``pilot.app.open_view(spec)`` opens a plugin
    view as the views menu does). Textual is imported here, not before.
    """
    from pep_tui.tui import app as app_module

    app = app_module.PepApp(opened, principal)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        if child_id is not None:
            app.open_child(child_id)
            await pilot.pause()
        yield pilot


# --- Fixtures ------------------------------------------------------------------------------------


TEST_PLUGINS_INI = "pep_tui_plugins"
TEST_PLUGINS_ENV = "PEP_TUI_TEST_PLUGINS"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``pep_tui_plugins`` setting: the plugins under test (see ``pep_plugins``)."""
    parser.addini(TEST_PLUGINS_INI, "the pep-tui plugins under test: only their problems fail a test; other "
                  "installed plugins that fail to load are left out", type="args", default=[])


def plugins_under_test(config: pytest.Config | None) -> list[str]:
    """The plugins named by ``PEP_TUI_TEST_PLUGINS`` or the ``pep_tui_plugins`` setting (empty: all)."""
    import os

    named = [n.strip() for n in os.environ.get(TEST_PLUGINS_ENV, "").split(",") if n.strip()]
    if not named and config is not None:
        named = [str(n) for n in config.getini(TEST_PLUGINS_INI)]
    return named


def load_plugins_for_tests(under_test: list[str]) -> PluginManager:
    """The installed plugins: strictly, or, with ``under_test``, strictly only for those plugins.

    A named plugin that is missing, disabled or fails to load raises ``PluginError`` with its message;
    any other plugin that fails is left out.
    """
    import contextlib
    import io

    from pep_tui.plugins.manager import PluginError, load_plugins

    if not under_test:
        return load_plugins(strict=True)
    with contextlib.redirect_stderr(io.StringIO()):  # unrelated failures are not this test's business
        manager = load_plugins(strict=False)
    for name in under_test:
        record = manager.records.get(name)
        if record is None:
            raise PluginError(f"plugin {name!r} (named in {TEST_PLUGINS_INI}) is not installed")
        problem = record.error or (record.warnings[0] if record.warnings else None)
        if problem:
            raise PluginError(f"plugin {name!r}: {problem}" + (f"\n{record.traceback}" if record.traceback else ""))
    return manager


@pytest.fixture(scope="session")
def pep_plugins(request: pytest.FixtureRequest) -> PluginManager:
    """The installed plugins (yours included once installed), loaded strictly; see the module docs
    for testing one plugin whatever else is installed."""
    return load_plugins_for_tests(plugins_under_test(request.config))


@pytest.fixture(scope="session")
def pep_registry(pep_plugins: PluginManager) -> Registry:
    """The registry of the installed plugins' contributions."""
    return pep_plugins.registry()


@pytest.fixture(scope="session")
def pep_sample_template(tmp_path_factory: pytest.TempPathFactory, pep_plugins: PluginManager) -> Path:
    """A sample-cohort store made once per session; ``pep_store`` hands each test a copy."""
    folder = tmp_path_factory.mktemp("pep_sample") / "store"
    create_sample_store(folder, plugins=pep_plugins)
    return folder


@pytest.fixture
def pep_store(pep_sample_template: Path, tmp_path: Path, pep_plugins: PluginManager) -> Opened:
    """A fresh training store with the fictional sample cohort, as ``Opened`` (services, settings)."""
    return open_store_copy(pep_sample_template, tmp_path / "pep_store", plugins=pep_plugins)


@pytest.fixture
def pep_services(pep_store: Opened) -> Services:
    """The services of ``pep_store``: use them with a principal, as the app does."""
    return pep_store.services


@pytest.fixture
def pep_principal(pep_services: Services) -> Callable[..., Principal]:
    """``pep_principal(role, child_id=None, login=None)``: see :func:`principal_for_role`."""

    def make(role: str, child_id: str | None = None, login: str | None = None) -> Principal:
        return principal_for_role(pep_services, role, child_id=child_id, login=login)

    return make


@pytest.fixture
def pep_child(pep_services: Services) -> Callable[..., str]:
    """``pep_child(predicate=None, **where)``: see :func:`find_child`."""

    def find(predicate: Callable[[Mapping[str, Any]], bool] | None = None, **where: Any) -> str:
        return find_child(pep_services, predicate, **where)

    return find


@pytest.fixture
def pep_validate(pep_services: Services) -> Callable[..., list[Finding]]:
    """``pep_validate(child_id, pep_id=None, sections=None)``: see :func:`validate_pep`."""

    def run(child_id: str, pep_id: str | None = None,
            sections: Mapping[str, BaseModel | Mapping[str, Any] | None] | None = None) -> list[Finding]:
        return validate_pep(pep_services, child_id, pep_id, sections)

    return run


@pytest.fixture
def pep_app(pep_store: Opened) -> Callable[..., Any]:
    """``async with pep_app(child_id=None, role="virtual_school", login=None) as pilot:``."""

    def start(child_id: str | None = None, role: str = "virtual_school", login: str | None = None,
              size: tuple[int, int] = (100, 36)) -> Any:
        principal = principal_for_role(pep_store.services, role, child_id=child_id, login=login)
        return open_app(pep_store, principal, child_id, size=size)

    return start
