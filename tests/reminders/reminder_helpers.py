"""Helpers for the reminder tests (mail settings for the test server, a free port)."""

from __future__ import annotations

import socket
from typing import Any

from pep_tui.services import Services
from pep_tui.settings import MailSettings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def mail_settings(port: int, **changes: Any) -> MailSettings:
    """``[mail]`` for the test server (plain SMTP on localhost unless changed)."""
    values: dict[str, Any] = {"host": "127.0.0.1", "port": port, "tls": "none", "allow_plain": True,
                              "from": "pep-reminders@council.example", "timeout_seconds": 5}
    values.update(changes)
    return MailSettings.model_validate(values)


def use_mail(services: Services, mail: MailSettings) -> None:
    """Point the services at these mail settings."""
    services.ctx.settings = services.ctx.settings.model_copy(update={"mail": mail})
