"""Who is signed in: from the server side only, never from anything the client can choose.

On a single-user machine the login is the OS login. In a multi-user deployment staff reach pep-tui
through SSH forced commands into one service account (``command="pep-tui --login alice"`` in its
``authorized_keys``); the ``--login`` flag is honoured only when the data folder's own
``settings.toml`` says ``[server] trust_login_flag = true`` (never from the environment), so a person
who runs pep-tui themselves cannot pass it.

The OS login is the name of the account the process runs as (``pwd.getpwuid(os.geteuid())``), not
``getpass.getuser()``: that one believes ``LOGNAME``, ``USER``, ``LNAME`` and ``USERNAME``, which anyone
can set before starting a program.
"""

from __future__ import annotations

import logging
import os
import pwd

from pep_tui.settings import Settings

security_log = logging.getLogger("pep_tui.security")


class IdentityError(PermissionError):
    """The signed-in identity cannot be established or is not allowed."""


def os_login() -> str:
    """The login of the account this process runs as, from the system's account database.

    Environment variables are never consulted. Raises :class:`IdentityError` when the effective user
    id has no account (a container started with an arbitrary uid, for instance).
    """
    uid = os.geteuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        raise IdentityError(f"the user id {uid} this process runs as has no account on this machine; "
                            f"pep-tui needs a named account to know who is signed in") from None


def resolve_login(settings: Settings, requested: str | None) -> str:
    """The login to act as: ``requested`` (``--login``) only if the operator trusts it, else the OS login."""
    if requested is None:
        return os_login()
    if not settings.server.trust_login_flag:
        security_log.warning("refused --login %r for OS account %r: trust_login_flag is off", requested, os_login())
        raise IdentityError(
            "--login is accepted only from an SSH forced command set up by the operator "
            f"([server] trust_login_flag in {settings.data_dir / 'settings.toml'}); you are signed in as "
            f"{os_login()!r}"
        )
    return requested
