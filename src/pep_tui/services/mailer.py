"""Sending email: through the council's SMTP relay (``[mail]``), or into a folder in a training sandbox.

Standard library only (:mod:`smtplib`, :mod:`email`, :mod:`ssl`). The relay is reached with STARTTLS
(the default) or implicit TLS, verified against the system's certificates or ``ca_file``; plain SMTP
only when ``allow_plain`` is set and the relay is on this machine (the settings refuse anything else).
The password is read from ``password_file``, which must be a regular file that neither the group nor
others may read. Error messages name the relay and what failed, never a message's content.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
import stat
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from pep_tui.settings import MailSettings


class MailError(Exception):
    """A message could not be handed to the relay; the text says why (no message content)."""


class MailSetupError(ValueError):
    """``[mail]`` cannot work as set: the message names the setting and what is expected."""


class Outbox(Protocol):
    """Where messages go: :class:`SMTPOutbox` or :class:`FolderOutbox`."""

    def send(self, message: EmailMessage) -> None:
        """Deliver one message, or raise :class:`MailError`."""

    def close(self) -> None:
        """Release the connection, if any."""


def read_password(path: Path) -> str:
    """The SMTP password from ``path``: refused unless a regular file only its owner may read."""
    try:
        info = path.stat()
    except OSError:
        raise MailSetupError(f"[mail] password_file: cannot read {path}") from None
    if not stat.S_ISREG(info.st_mode):
        raise MailSetupError(f"[mail] password_file: {path} is not a regular file")
    if info.st_mode & 0o077:
        raise MailSetupError(f"[mail] password_file: {path} may be read by others (mode {stat.S_IMODE(info.st_mode):o}); "
                             f"run 'chmod 600 {path}'")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise MailSetupError(f"[mail] password_file: cannot read {path}") from None
    password = text.rstrip("\r\n")
    if not password:
        raise MailSetupError(f"[mail] password_file: {path} is empty")
    return password


def check_mail_settings(mail: MailSettings) -> None:
    """Refuse settings that cannot send: no host, no from address, a username without a password file
    (or an unreadable or too open one)."""
    if not mail.host:
        raise MailSetupError("[mail] host: not set; name the council's SMTP relay in settings.toml")
    if not mail.from_address:
        raise MailSetupError("[mail] from: not set; give the address reminders come from")
    if mail.username and mail.password_file is None:
        raise MailSetupError("[mail] password_file: a username is set but no password file")
    if mail.password_file is not None:
        read_password(mail.password_file)


class SMTPOutbox:
    """One connection to the relay, opened on the first message and reused."""

    def __init__(self, mail: MailSettings) -> None:
        check_mail_settings(mail)
        self.mail = mail
        self._smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.mail.ca_file) if self.mail.ca_file else None)

    def _connect(self) -> smtplib.SMTP:
        mail = self.mail
        host, port = mail.host or "", mail.effective_port
        where = f"{host}:{port}"
        try:
            if mail.tls == "tls":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=mail.timeout_seconds, context=self._context())
            else:
                smtp = smtplib.SMTP(host, port, timeout=mail.timeout_seconds)
                if mail.tls == "starttls":
                    smtp.ehlo()
                    if not smtp.has_extn("starttls"):
                        smtp.quit()
                        raise MailError(f"the relay {where} does not offer STARTTLS")
                    smtp.starttls(context=self._context())
                    smtp.ehlo()
        except MailError:
            raise
        except ssl.SSLError as exc:
            raise MailError(f"TLS with the relay {where} failed ({exc.reason or type(exc).__name__})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"cannot connect to the relay {where} ({_why(exc)})") from None
        if mail.username:
            try:
                smtp.login(mail.username, read_password(mail.password_file))  # type: ignore[arg-type]
            except smtplib.SMTPAuthenticationError as exc:
                smtp.close()
                raise MailError(f"the relay {where} refused the login {mail.username!r} ({exc.smtp_code})") from None
            except (OSError, smtplib.SMTPException) as exc:
                smtp.close()
                raise MailError(f"login to the relay {where} failed ({_why(exc)})") from None
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message (connecting first if needed); :class:`MailError` if the relay does not take it."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self._smtp = None
            raise MailError(f"the relay {self.mail.host} closed the connection") from None
        except smtplib.SMTPRecipientsRefused:
            raise MailError("the relay refused the recipient address") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError(f"the relay {self.mail.host} did not take the message ({_why(exc)})") from None
        if refused:
            raise MailError("the relay refused the recipient address")

    def close(self) -> None:
        """Say goodbye to the relay."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"SMTP {exc.smtp_code}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    return type(exc).__name__


class FolderOutbox:
    """A training sandbox's outbox: each message written as an ``.eml`` file (never sent)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []

    def send(self, message: EmailMessage) -> None:
        """Write the message to a new file in the folder (owner-only, atomically)."""
        from pep_tui.store.files import atomic_write_bytes, ensure_dir

        ensure_dir(self.folder)
        existing = len(list(self.folder.glob("*.eml")))
        n = existing + 1
        while (path := self.folder / f"{n:05d}.eml").exists():
            n += 1
        atomic_write_bytes(path, bytes(message))
        os.chmod(path, 0o600)
        self.written.append(path)

    def close(self) -> None:
        """Nothing to close."""
