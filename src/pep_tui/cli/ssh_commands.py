"""What each command of the SSH gate's allow-list does (see :mod:`pep_tui.cli.ssh_gate`).

Text commands run the pep-tui command of the same words, with the forced command's data folder and
login (never the user's). Files go to standard output (binary refused on a terminal) and come from
standard input; nothing the user names is a path on the server.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable

from pep_tui.cli import exit_codes
from pep_tui.cli.output import say
from pep_tui.cli.ssh_gate import ALLOWED, MAX_INPUT_BYTES, Refused, Request, _shown, log
from pep_tui.domain.text import show_control
from pep_tui.plugins.api import Capability


class _ParserError(Exception):
    pass


def _raise_on_error(parser: argparse.ArgumentParser) -> None:
    """Make a parser (and its subparsers) raise instead of printing usage and exiting."""

    def error(message: str) -> None:
        raise _ParserError(message)

    parser.error = error  # type: ignore[method-assign]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                _raise_on_error(sub)


def _cli_args(request: Request, trusted: argparse.Namespace) -> argparse.Namespace:
    """The parsed pep-tui command, with the data folder and login of the forced command (never the user's)."""
    from pep_tui.cli import build_parser

    parser = build_parser()
    _raise_on_error(parser)
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices
    if request.command.words[0] not in commands:
        raise Refused(f"'{request.command.name}' is not available on this server's pep-tui")
    try:
        args = parser.parse_args(request.argv)
    except _ParserError as exc:
        raise Refused(f"{request.command.name}: {show_control(str(exc), one_line=True)}") from None
    except SystemExit:  # a subcommand this version does not have
        raise Refused(f"'{request.command.name}' is not available on this server's pep-tui") from None
    for name in ("data_dir", "login"):
        if hasattr(trusted, name):
            setattr(args, name, getattr(trusted, name))
        elif hasattr(args, name):
            delattr(args, name)
    role = request.role or getattr(trusted, "role", None)
    if role is not None:
        args.role = role
    elif hasattr(args, "role"):
        delattr(args, "role")
    return args


def _session(args: argparse.Namespace):
    from pep_tui.cli.report_cmd import _session as session

    return session(args)


def _refuse_terminal(what: str, redirect: str) -> None:
    if os.isatty(sys.stdout.fileno()):
        raise Refused(f"{what} is not for the terminal: add '{redirect}' to your ssh command "
                      "(and leave out -t)")


def client_gone() -> bool:
    """Whether the reader of standard output has gone (the SSH client disconnected)."""
    import select

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), 0)  # errors and hang-ups only
        return any(events & (select.POLLERR | select.POLLHUP) for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):
        return False


def _stop_if_client_gone(_phase: str, _done: int, _total: int) -> None:
    """A progress callback for long exports: stop working for a client that is no longer there."""
    if client_gone():
        raise BrokenPipeError("the client went away")


def _write(content: bytes) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(content)
    sys.stdout.buffer.flush()


def run_cli(request: Request, trusted: argparse.Namespace) -> int:
    """Run the pep-tui command of the same words."""
    args = _cli_args(request, trusted)
    return int(args.func(args) or 0)


def run_export_pep(request: Request, trusted: argparse.Namespace) -> int:
    """``export pep CHILD_ID [PEP_ID] --format pdf|docx`` to standard output."""
    args = _cli_args(request, trusted)
    _refuse_terminal(f"A {args.format.upper()} file", f"> pep.{args.format}")
    services, principal = _session(args)
    _write(services.exports.pep(principal, services.children.resolve(principal, args.child_id), args.pep_id,
                                args.format).content)
    return exit_codes.OK


def run_export_blank(request: Request, trusted: argparse.Namespace) -> int:
    """``export blank --stage STAGE --format pdf|docx`` to standard output."""
    args = _cli_args(request, trusted)
    _refuse_terminal(f"A {args.format.upper()} file", f"> blank-pep-{args.stage}.{args.format}")
    services, principal = _session(args)
    _write(services.exports.blank(principal, args.stage, args.format).content)
    return exit_codes.OK


def run_export_data(request: Request, trusted: argparse.Namespace) -> int:
    """``export data --format csv|json``: a zip of the CSV tables, or the JSON document, on standard output."""
    from pep_tui.services.data_archive import build_archive, copy_stream
    from pep_tui.services.outbox import Outbox

    fmt = dict(zip(request.options[::2], request.options[1::2], strict=False)).get("--format")
    if fmt is None:
        raise Refused("export data needs --format csv|json")
    if fmt == "csv":
        _refuse_terminal("A zip of CSV files", "> pep-data.zip")
    # the folder --out names is the scratch folder below, never one the user chose
    args = _cli_args(Request(request.command, [], [*request.options, "--out", "-"], request.role), trusted)
    services, principal = _session(args)
    from pep_tui.services.access import require

    require(services.registry, principal, Capability.EXPORT_DATA)  # before any scratch folder is made
    with Outbox(services.ctx.settings, principal).temp_folder() as scratch:
        from pathlib import Path

        path = build_archive(services, principal, fmt, Path(scratch), _stop_if_client_gone)
        sys.stdout.flush()
        copy_stream(path, sys.stdout.buffer)
    return exit_codes.OK


def _read_stdin(request: Request) -> bytes:
    if os.isatty(sys.stdin.fileno()):
        raise Refused(f"{request.command.name} reads the file from standard input: add "
                      f"'{request.command.redirect}' to your ssh command")
    data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise Refused(f"the file is larger than {MAX_INPUT_BYTES // (1024 * 1024)} MB; split it or ask your "
                      "administrator")
    if not data:
        raise Refused(f"{request.command.name}: standard input was empty; add '{request.command.redirect}'")
    return data


def run_from_stdin(request: Request, trusted: argparse.Namespace) -> int:
    """Imports and the reconciliation, reading the CSV file from standard input."""
    data = _read_stdin(request)
    request = Request(request.command, ["-"], request.options, request.role)
    args = _cli_args(request, trusted)
    args.file = data  # the import service reads bytes as it reads a file
    return int(args.func(args) or 0)


def _open(trusted: argparse.Namespace, role: str | None):
    from pep_tui.cli.common import open_from_args, principal_from_args

    args = argparse.Namespace(**vars(trusted))
    if role:
        args.role = role
    opened = open_from_args(args)
    return opened, principal_from_args(opened, args)


def run_whoami(request: Request, trusted: argparse.Namespace) -> int:
    """Who the key signs in as."""
    opened, principal = _open(trusted, request.role)
    registry = opened.services.registry
    roles = ", ".join(f"{registry.roles[r].title if r in registry.roles else r} ({r})" for r in principal.roles)
    count = len(opened.services.children.list(principal))
    say(f"{principal.login}: {show_control(principal.display_name, one_line=True)}")
    say(f"acting as: {principal.role}; roles: {roles}")
    if principal.scope.school_urns:
        say("schools: " + ", ".join(principal.scope.school_urns))
    say(f"children in view: {count}")
    return exit_codes.OK


def run_help(request: Request, trusted: argparse.Namespace) -> int:
    """The commands this login may run, with the ssh line for each."""
    from pep_tui.services import can
    from pep_tui.services.outbox import ssh_command

    try:
        opened, principal = _open(trusted, request.role)
    except Exception:  # help still helps when the identity is refused; the command will say why
        opened = principal = None
    if opened is not None:
        settings = opened.settings
    else:
        from pep_tui.settings import load_settings

        settings = load_settings(getattr(trusted, "data_dir", None))
    wanted = " ".join(request.positionals)
    lines = []
    for command in ALLOWED:
        if wanted and not command.name.startswith(wanted):
            continue
        if (principal is not None and command.capability is not None
                and not can(opened.services.registry, principal, command.capability)):
            continue
        lines.append(f"  {ssh_command(settings, command.name + (' ' + command.arguments if command.arguments else ''), command.redirect)}")
        lines.append(f"      {command.summary}")
    if not lines:
        raise Refused(f"no command '{_shown(wanted)}' you can run; 'help' lists yours")
    say("Commands you can run over SSH (without a command and with a terminal, the app opens):")
    say("\n".join(lines))
    say("--role ROLE acts in another of your roles. Files come on standard output ('> FILE') and go in on "
          "standard input ('< FILE'); options that name a login, a data folder or a path on the server are refused.")
    return exit_codes.OK


def run_outbox(request: Request, trusted: argparse.Namespace) -> int:
    """The files the app left for this login."""
    from pep_tui.services.outbox import Outbox, fetch_command

    opened, principal = _open(trusted, request.role)
    files = Outbox(opened.settings, principal).files()
    if not files:
        say("Your outbox is empty. Exports made in the app wait here for you to fetch.")
        return exit_codes.OK
    for entry in files:
        say(f"{entry.name}  ({max(1, entry.size // 1024)} KB)\n    {fetch_command(opened.settings, entry.name)}")
    return exit_codes.OK


def run_fetch(request: Request, trusted: argparse.Namespace) -> int:
    """Send one file of this login's outbox to standard output."""
    from pep_tui.services.data_archive import copy_stream
    from pep_tui.services.outbox import Outbox, OutboxFile

    opened, principal = _open(trusted, request.role)
    name = request.positionals[0]
    path = Outbox(opened.settings, principal).path(name)
    if OutboxFile(name, 0, 0).binary:
        _refuse_terminal(f"'{name}'", f"> {name}")
    sys.stdout.flush()
    copy_stream(path, sys.stdout.buffer)
    log.info("ssh fetch login=%s file=%s", principal.login, name)
    return exit_codes.OK


RUNNERS: dict[str, Callable[[Request, argparse.Namespace], int]] = {
    "cli": run_cli, "export_pep": run_export_pep, "export_blank": run_export_blank,
    "export_data": run_export_data, "from_stdin": run_from_stdin, "whoami": run_whoami, "help": run_help,
    "outbox": run_outbox, "fetch": run_fetch,
}
