"""What every service shares: the store, the plugin registry, the settings and the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from pep_tui.plugins.registry import Registry
from pep_tui.settings import Settings
from pep_tui.store import Store


@dataclass
class ServiceContext:
    """Shared by the service classes; plugins' own services take one too."""

    store: Store
    registry: Registry
    settings: Settings
    clock: Callable[[], date] = field(default=date.today)

    def today(self) -> date:
        """Today's date (injectable for tests and the training cohort)."""
        return self.clock()
