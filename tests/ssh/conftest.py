"""Fixtures of the SSH end-to-end tests: a throwaway pep-tui deployment behind a real OpenSSH server.

The interface (``ssh_tools``, ``pep_tui_install``, ``ssh_deployment`` and the classes they return) is
documented in :mod:`sshd_deployment` beside this file; tests import its helpers from there.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from sshd_deployment import pep_tui_install, ssh_base, ssh_deployment, ssh_tools  # noqa: E402

__all__ = ["pep_tui_install", "ssh_base", "ssh_deployment", "ssh_tools"]
