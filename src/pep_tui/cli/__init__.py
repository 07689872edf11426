"""The ``pep-tui`` command. User errors print one clear line and exit non-zero, never a traceback.

Subcommands live in modules listed in :data:`COMMAND_MODULES`; each has ``add_commands(subparsers)``
and sets ``func`` on its parsers to a handler ``(args) -> int``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence

from pep_tui import __version__

COMMAND_MODULES: tuple[str, ...] = (
    "pep_tui.cli.core",
    "pep_tui.cli.staff_cmd",
    "pep_tui.cli.children_cmd",
    "pep_tui.cli.store_cmd",
    "pep_tui.cli.plugin_cmd",
    "pep_tui.cli.report_cmd",
    "pep_tui.cli.pupil_premium_cmd",
    "pep_tui.cli.web_cmd",
)


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = argparse.ArgumentParser(
        prog="pep-tui",
        description="Personal Education Plans and Pupil Premium Plus for looked-after children.",
    )
    parser.add_argument("--version", action="version", version=f"pep-tui {__version__}")
    from pep_tui.cli.common import COMMON_OPTIONS

    for action in COMMON_OPTIONS._actions:
        parser._add_action(action)
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def _user_error_types() -> tuple[type[BaseException], ...]:
    from pep_tui.plugins.manager import PluginError
    from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError
    from pep_tui.services.identity import IdentityError
    from pep_tui.settings import SettingsError
    from pep_tui.store import StoreError

    return (UserError, StoreError, PermissionDenied, InvalidInput, WorkflowError, IdentityError, SettingsError, PluginError)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pep-tui`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.func
    if handler is None:
        from pep_tui.cli.core import cmd_open

        handler = cmd_open
    try:
        return int(handler(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly, as other tools do
        with contextlib.suppress(OSError, ValueError):  # no "Exception ignored" when Python flushes at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        if isinstance(exc, _user_error_types()):
            print(f"pep-tui: {exc}", file=sys.stderr)
            return 2
        if os.environ.get("PEP_TUI_DEBUG"):
            raise
        # No message text: it could carry personal data into a shared terminal log.
        print(f"pep-tui: unexpected error ({type(exc).__name__}); run with PEP_TUI_DEBUG=1 for details",
              file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
