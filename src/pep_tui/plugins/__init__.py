"""The plugin system: hook specifications, safe loading and the registry of contributions.

Plugin authors need only::

    from pep_tui.plugins import hookimpl
    from pep_tui.plugins.api import SectionSpec, StageDefinition, Finding, Severity, ...
"""

from __future__ import annotations

import pluggy

#: Marks a function as a hook implementation: ``@hookimpl def register_sections(register): ...``
hookimpl = pluggy.HookimplMarker("pep_tui")

#: The entry-point group every plugin (built-in or third-party) registers in.
ENTRY_POINT_GROUP = "pep_tui"

__all__ = ["ENTRY_POINT_GROUP", "hookimpl"]
