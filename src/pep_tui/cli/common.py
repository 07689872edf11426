"""Helpers shared by the CLI's subcommands: opening the store and establishing who is signed in."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from pep_tui.bootstrap import Opened, open_services
from pep_tui.cli.output import cell, say
from pep_tui.services import Principal
from pep_tui.services.identity import resolve_login
from pep_tui.store import StoreKind


def _common_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--data-dir", default=argparse.SUPPRESS,
                        help="the data folder (default: PEP_TUI_DATA_DIR or your user data folder)")
    parent.add_argument("--login", default=argparse.SUPPRESS,
                        help="(SSH forced commands only) the authenticated login; see docs/operations.md")
    parent.add_argument("--role", default=argparse.SUPPRESS, help="the role to act in, when you hold several")
    return parent


COMMON_OPTIONS = _common_options()


def command(sub: argparse._SubParsersAction, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """Add a subcommand that also accepts the common options (``--data-dir``, ``--login``, ``--role``)."""
    kwargs.setdefault("parents", []).append(COMMON_OPTIONS)
    return sub.add_parser(name, **kwargs)


def open_from_args(args: argparse.Namespace, expect_kind: StoreKind | None = None) -> Opened:
    """Open the store named by ``--data-dir`` (or the settings) with the installed plugins."""
    return open_services(getattr(args, "data_dir", None), expect_kind=expect_kind)


def principal_from_args(opened: Opened, args: argparse.Namespace) -> Principal:
    """The signed-in principal: the OS login, or ``--login`` where the operator trusts it."""
    login = resolve_login(opened.settings, getattr(args, "login", None))
    return opened.services.principal_for(login, getattr(args, "role", None))


def has_terminal() -> bool:
    """Whether both standard input and standard output are a terminal (the full-screen app needs both)."""
    try:
        return os.isatty(sys.stdin.fileno()) and os.isatty(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):  # closed or replaced streams
        return False


def require_terminal() -> None:
    """Refuse at once, in one line, to start the full-screen app without a terminal.

    Without one the app cannot be used and, with its input closed, would never notice the user had gone.
    """
    from pep_tui.tui.web import in_browser

    if not (has_terminal() or in_browser()):  # pep-tui web runs the app over pipes, with its web driver
        from pep_tui.cli import UserError

        raise UserError("the app needs a terminal: connect with 'ssh -t …' (or run a command; 'help' lists "
                        "them), or run pep-tui in a terminal, not with its input or output redirected")


def print_json(value: Any) -> None:
    """Pretty JSON on stdout (ASCII only: every control character is a ``\\u`` escape)."""
    say(json.dumps(value, indent=2, default=str, ensure_ascii=True))


def table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain text table for terminals; every cell one line with its control characters shown."""
    rows = [[cell(c) for c in r] for r in rows]
    headers = [cell(h) for h in headers]
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]
    lines = ["  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=False))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=False)) for r in rows]
    return "\n".join(lines)
