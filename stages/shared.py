"""The sections every PEP shares, whatever the stage (a built-in feature plugin)."""

from __future__ import annotations

PEP_TUI_API_VERSION = "1.0"
