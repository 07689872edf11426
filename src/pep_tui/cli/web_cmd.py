"""``pep-tui web``: serve the app to browsers behind the council's signing-in proxy (the ``web`` extra)."""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import socket
import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pep_tui.cli.common import command
from pep_tui.cli.output import say

if TYPE_CHECKING:
    from pep_tui.bootstrap import Opened

INSTALL_HINT = ("pep-tui web needs the 'web' extra: install pep-tui with "
                "pip install '.[web]' from the source folder (textual-serve and aiohttp)")


def add_commands(sub: argparse._SubParsersAction) -> None:
    """Register ``web``."""
    p = command(sub, "web", help="serve the app to browsers behind the council's sign-in proxy ([web] settings)",
                description="Listen on 127.0.0.1 or a Unix socket for the council's authenticating reverse "
                            "proxy and run one pep-tui per browser connection as the login the proxy "
                            "vouches for. See docs/operations.md, 'Browser access'.")
    p.add_argument("--training", action="store_true",
                   help="give each signed-in login its own training sandbox (fictional data) instead")
    p.set_defaults(func=cmd_web)


def read_secret(path: str) -> bytes:
    """The proxy's shared secret from an owner-only file (refused if others can read it, or too short)."""
    from pep_tui.cli import UserError

    if not path:
        raise UserError("[web] secret_file is not set: set it (or [web] socket) in settings.toml")
    file = Path(path).expanduser()
    try:
        info = file.stat()
        secret = file.read_bytes().strip()
    except OSError as exc:
        raise UserError(f"[web] secret_file {file}: cannot read it ({exc.strerror})") from None
    if stat.S_IMODE(info.st_mode) & 0o077:
        raise UserError(f"[web] secret_file {file}: others can read it; chmod 600 it")
    if len(secret) < 32:
        raise UserError(f"[web] secret_file {file}: the secret must be at least 32 characters")
    return secret


def check_listen(host: str) -> None:
    """Only a loopback address: the proxy is on this machine, nothing else may reach the backend."""
    from pep_tui.cli import UserError

    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise UserError(f"[web] host must be 127.0.0.1 or ::1 (the proxy on this machine); got {host!r}")


def unix_socket(path: str) -> socket.socket:
    """A listening Unix socket at ``path``, mode 0660 (the proxy's group may connect, nobody else)."""
    from pep_tui.cli import UserError

    target = Path(path)
    if target.exists() or target.is_symlink():
        if not stat.S_ISSOCK(target.lstat().st_mode):
            raise UserError(f"[web] socket {target}: exists and is not a socket")
        target.unlink()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old = os.umask(0o117)
    try:
        sock.bind(str(target))
    finally:
        os.umask(old)
    os.chmod(target, 0o660)
    sock.listen(128)
    return sock


def staff_check(opened: Opened) -> Callable[[str], str | None]:
    """``login -> None`` if pep-tui will open for it, else the reason for the browser's refusal page."""

    def check(login: str) -> str | None:
        from pep_tui.services import PermissionDenied

        try:
            opened.services.principal_for(login)
        except PermissionDenied:
            return (f"You are signed in as {login}, but pep-tui has no active staff record for that "
                    "name. Ask a Virtual School administrator to add you.")
        return None

    return check


def cmd_web(args: argparse.Namespace) -> int:
    """Check the settings, then serve until stopped."""
    from pep_tui.bootstrap import open_services
    from pep_tui.cli import UserError

    try:
        from aiohttp import web

        from pep_tui.web.server import PepWebServer, WebConfig
    except ImportError:
        raise UserError(INSTALL_HINT) from None
    if args.training:  # each login's own sandbox: the live store is never opened
        from pep_tui.settings import load_settings

        opened, settings = None, load_settings(getattr(args, "data_dir", None))
    else:
        opened = open_services(getattr(args, "data_dir", None), expect_kind="live")
        settings = opened.settings
    config = settings.web
    if not args.training and not settings.server.trust_login_flag:
        raise UserError("pep-tui web passes each browser's login with --login: set [server] trust_login_flag "
                        f"= true in {settings.data_dir / 'settings.toml'} (see docs/operations.md)")
    if not config.public_url.startswith(("https://", "http://")):
        raise UserError("[web] public_url must be the address people open, e.g. https://pep.example.gov.uk")
    secret = None if config.socket else read_secret(config.secret_file)
    if not config.socket:
        check_listen(config.host)

    check = staff_check(opened) if opened is not None else (lambda login: None)
    server = PepWebServer(WebConfig(settings=config, data_dir=settings.data_dir, secret=secret,
                                    check_login=check, training=args.training))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    where = config.socket or f"{config.host}:{config.port}"
    say(f"pep-tui web: serving {config.public_url} on {where} (Ctrl+C to stop)")
    sys.stdout.flush()
    if config.socket:
        web.run_app(server.make_app(), sock=unix_socket(config.socket), print=None)
    else:
        web.run_app(server.make_app(), host=config.host, port=config.port, print=None)
    return 0
