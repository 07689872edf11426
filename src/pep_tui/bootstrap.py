"""Opening pep-tui: settings → plugins → store → services, in one place for the CLI, the app and tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pep_tui.incidents import configure_logging
from pep_tui.plugins.manager import PluginManager, load_plugins
from pep_tui.services import Services
from pep_tui.settings import Settings, load_settings
from pep_tui.store import Store, StoreKind


@dataclass
class Opened:
    """Everything an entry point needs: the settings, the loaded plugins and the services."""

    settings: Settings
    plugins: PluginManager
    services: Services


def open_services(
    data_dir: Path | str | None = None,
    *,
    expect_kind: StoreKind | None = None,
    settings: Settings | None = None,
    plugins: PluginManager | None = None,
    clock: Callable[[], date] = date.today,
) -> Opened:
    """Open the store in ``data_dir`` with the installed plugins (refusing a wrong-kind or corrupt store)."""
    settings = settings or load_settings(data_dir)
    configure_logging(settings)
    plugins = plugins or load_plugins(strict=settings.strict_plugins or None, disabled=settings.disabled_plugins)
    store = Store.open(settings.data_dir, expect_kind=expect_kind)
    return Opened(settings, plugins, Services(store, plugins.registry(), settings, clock))


def create_services(
    data_dir: Path | str,
    kind: StoreKind,
    *,
    plugins: PluginManager | None = None,
    clock: Callable[[], date] = date.today,
) -> Opened:
    """Create a new store in ``data_dir`` and open services on it."""
    settings = load_settings(data_dir)
    plugins = plugins or load_plugins(strict=settings.strict_plugins or None, disabled=settings.disabled_plugins)
    store = Store.create(settings.data_dir, kind)
    configure_logging(settings)  # the data folder exists now
    return Opened(settings, plugins, Services(store, plugins.registry(), settings, clock))
