"""Who is signed in: from the server side only, never from anything the client can choose.

On a single-user machine the login is the OS login. In a multi-user deployment staff reach pep-tui
through SSH forced commands into one service account (``command="pep-tui --login alice"`` in its
``authorized_keys``); the ``--login`` flag is honoured only when the data folder's own
``settings.toml`` says ``[server] trust_login_flag = true`` (never from the environment), so a person
who runs pep-tui themselves cannot pass it.
"""

from __future__ import annotations

import getpass

from pep_tui.settings import Settings


class IdentityError(PermissionError):
    """The signed-in identity cannot be established or is not allowed."""


def os_login() -> str:
    """The OS login of this process."""
    return getpass.getuser()


def resolve_login(settings: Settings, requested: str | None) -> str:
    """The login to act as: ``requested`` (``--login``) only if the operator trusts it, else the OS login."""
    if requested is None:
        return os_login()
    if not settings.server.trust_login_flag:
        raise IdentityError(
            "--login is accepted only from an SSH forced command set up by the operator "
            f"([server] trust_login_flag in {settings.data_dir / 'settings.toml'}); you are signed in as "
            f"{os_login()!r}"
        )
    return requested
