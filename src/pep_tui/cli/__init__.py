"""The ``pep-tui`` command. User errors print one clear line and exit 2; an internal error prints one
line naming an incident and exits 70, its traceback going to the operator's log (:mod:`pep_tui.incidents`).
Exit codes are named in :mod:`pep_tui.cli.exit_codes`; every line printed goes through
:mod:`pep_tui.cli.output`.

Subcommands live in modules listed in :data:`COMMAND_MODULES`; each has ``add_commands(subparsers)``
and sets ``func`` on its parsers to a handler ``(args) -> int``. Plugins add theirs through the
``register_cli_commands`` hook (:func:`add_plugin_commands`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from pep_tui import __version__

COMMAND_MODULES: tuple[str, ...] = (
    "pep_tui.cli.core",
    "pep_tui.cli.staff_cmd",
    "pep_tui.cli.children_cmd",
    "pep_tui.cli.store_cmd",
    "pep_tui.cli.plugin_cmd",
    "pep_tui.cli.report_cmd",
    "pep_tui.cli.remind_cmd",
    "pep_tui.cli.web_cmd",
)


security_log = logging.getLogger("pep_tui.security")


class UserError(Exception):
    """A problem the user can fix; printed as one line."""


EXIT_CODES_HELP = """exit codes:
  0   success
  1   completed, with differences or rejected rows (import, reconcile, store check, plugins)
  2   your error: a bad argument, a refused permission, a bad setting, a missing store
  3   partial: finished for every child it could read, and named the others
  70  internal error: one line names the incident; the traceback is in the data folder's logs/
"""


class Parser(argparse.ArgumentParser):
    """argparse, with its help and error messages (which echo what was typed) through the one output
    path, so a control character in an argument is shown, never sent to the terminal."""

    def _print_message(self, message: str, file=None) -> None:  # type: ignore[no-untyped-def]
        if message:
            from pep_tui.cli.output import screen_text

            (file or sys.stderr).write(screen_text(message))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    parser = Parser(
        prog="pep-tui",
        description="Personal Education Plans and Pupil Premium Plus for looked-after children.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"pep-tui {__version__}")
    from pep_tui.cli.common import COMMON_OPTIONS

    for action in COMMON_OPTIONS._actions:
        parser._add_action(action)
    parser.set_defaults(func=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    add_plugin_commands(sub)
    return parser


def add_plugin_commands(sub: argparse._SubParsersAction) -> None:
    """Add the subcommands the installed plugins register (``register_cli_commands``).

    A plugin whose command clashes with a core command, or whose ``configure`` raises, is named on
    standard error and its command left out; the other commands stay usable.
    """
    from pep_tui.cli.common import command
    from pep_tui.cli.output import error
    from pep_tui.plugins.failures import where_raised
    from pep_tui.plugins.manager import load_plugins

    try:
        with contextlib.redirect_stderr(io.StringIO()):  # each failure is named when the store is opened
            registry = load_plugins().registry()
    except Exception:  # noqa: BLE001 - strict mode, or a loading bug: the command that loads the plugins
        return  # again reports it (as an incident when it is one); only the plugins' commands are missing
    taken = set(sub.choices)
    for name, spec in sorted(registry.cli_commands.items()):
        plugin = registry.owner.get(("cli_command", name), "a plugin")
        clash = sorted({spec.name, *spec.aliases} & taken)
        if clash:
            error(f"plugin {plugin!r}: command {', '.join(clash)} is already a pep-tui command; left out")
            continue
        parser = command(sub, spec.name, aliases=list(spec.aliases), help=spec.help)
        try:
            spec.configure(parser)
        except Exception as exc:  # a broken plugin command must not take the others down
            sub._name_parser_map.pop(spec.name, None)
            for alias in spec.aliases:
                sub._name_parser_map.pop(alias, None)
            sub._choices_actions[:] = [a for a in sub._choices_actions if a.dest != spec.name]
            error(f"plugin {plugin!r}: command {spec.name} could not be set up: {type(exc).__name__}: {exc} "
                  f"({where_raised(exc)})")
            continue
        taken |= {spec.name, *spec.aliases}


def _user_error_types() -> tuple[type[BaseException], ...]:
    from pep_tui.plugins.manager import PluginError
    from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError
    from pep_tui.services.identity import IdentityError
    from pep_tui.settings import SettingsError
    from pep_tui.store import StoreError

    return (UserError, StoreError, PermissionDenied, InvalidInput, WorkflowError, IdentityError, SettingsError, PluginError)


_SUBCOMMAND_DESTS = ("command", "staff_command", "store_command", "report", "import_kind", "reconcile_kind",
                     "export_kind", "pp_command", "action")


def _command_name(args: argparse.Namespace) -> str:
    """``staff edit``, ``store restore``…: the words of the command that ran (no values)."""
    words = [getattr(args, d) for d in _SUBCOMMAND_DESTS if isinstance(getattr(args, d, None), str)]
    return " ".join(words) or "open"


def _guess_data_dir(args: argparse.Namespace) -> Path:
    """The data folder a command meant, for the log, without reading any settings."""
    given = getattr(args, "data_dir", None) or os.environ.get("PEP_TUI_DATA_DIR")
    if given:
        return Path(given).expanduser()
    from pep_tui.settings import default_data_dir

    return default_data_dir()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pep-tui`` console script; returns an exit code of :mod:`pep_tui.cli.exit_codes`."""
    from pep_tui import incidents
    from pep_tui.cli import exit_codes
    from pep_tui.cli.output import error, say

    parser = build_parser()
    args = parser.parse_args(argv)
    handler = args.func
    from pep_tui.cli.ssh_gate import run_gate, wants_gate

    if wants_gate(args):  # an SSH forced command given a command: only the allow-list runs
        handler = run_gate
    elif handler is None:
        from pep_tui.cli.core import cmd_open

        handler = cmd_open
    data_dir = _guess_data_dir(args)
    with contextlib.suppress(Exception):  # nothing is written until a line is logged
        incidents.configure_logging(folder=incidents.log_dir(data_dir))
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
            from pep_tui.services import PermissionDenied
            from pep_tui.services.identity import IdentityError

            if isinstance(exc, PermissionDenied | IdentityError):
                security_log.warning("refused 'pep-tui %s' for OS account %s (%s)", _command_name(args),
                                     _account(), type(exc).__name__)
            error(exc)
            return exit_codes.USER_ERROR
        # No message text on the terminal: it could carry personal data into a shared terminal log.
        incident = incidents.record_incident(exc, where=f"pep-tui {_command_name(args)}", data_dir=data_dir,
                                             login=getattr(args, "login", None))
        say(incident.line(), file=sys.stderr)
        return exit_codes.INTERNAL_ERROR


def _account() -> str:
    from pep_tui.services.identity import os_login

    try:
        return os_login()
    except Exception:
        return f"uid {os.geteuid()}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
