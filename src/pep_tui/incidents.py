"""The operator's log: internal errors as incidents, and security events, in an owner-only file.

Where: ``logs/pep-tui.log`` in the data folder (folder 0700, files 0600), rotated by size
(``[log] max_bytes`` and ``[log] backups`` in ``settings.toml``). When no data folder exists yet (a
crash before any store was found) the per-user log folder is used instead
(:func:`fallback_log_dir`, ``~/.local/state/pep-tui/log`` on Linux).

What: an *incident* is an unexpected exception. The user sees one line naming its id
(:func:`incident_line`); the log gets the id, the OS account, where it happened and the traceback,
**without local variables**. Exception messages can quote personal data, so they are withheld unless
the operator sets ``[log] error_messages = true``. *Security events* (a refused ``--login``, a refused
sign-in, a permission denial, a failed import) carry logins, roles and record ids only.

Every line has its control characters written out visibly (``\\x1b``), so nothing in the log can
drive the terminal of the operator who reads it.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from pep_tui.domain.text import show_control

if TYPE_CHECKING:
    from pep_tui.settings import Settings

LOG_FOLDER = "logs"
LOG_FILE = "pep-tui.log"
LOGGER = "pep_tui"
#: The user's one line after an internal error.
INCIDENT_LINE = "pep-tui hit an internal error; incident {id} was logged for your administrator"
UNLOGGED_LINE = ("pep-tui hit an internal error; incident {id} could not be logged ({where} is not writable); "
                 "tell your administrator")
_INCIDENT = re.compile(r"^(\S+ \S+) ERROR \S+ incident (\S+) ")

logging.getLogger(LOGGER).addHandler(logging.NullHandler())  # never Python's last-resort handler on stderr


def fallback_log_dir() -> Path:
    """The per-user log folder, used when there is no data folder to log into."""
    from platformdirs import user_log_path

    return user_log_path("pep-tui", appauthor=False)


def log_dir(data_dir: Path | None) -> Path:
    """Where the log lives: ``<data folder>/logs`` if the data folder exists, else the fallback."""
    if data_dir is not None and Path(data_dir).expanduser().is_dir():
        return Path(data_dir).expanduser() / LOG_FOLDER
    return fallback_log_dir()


class _Formatter(logging.Formatter):
    """``2026-12-07 10:12:03 ERROR pep_tui.app message``, times in UTC, control characters shown."""

    converter = time.gmtime

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s", "%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        return show_control(super().format(record)).replace("\r", "\\x0d")


class PrivateLogHandler(RotatingFileHandler):
    """A size-rotated log file that only its owner can read (folder 0700, files 0600).

    A failure to write is remembered in :attr:`failed` and never printed: the terminal shows the
    user's one line only.
    """

    def __init__(self, folder: Path, max_bytes: int, backups: int, *, parents: bool = False) -> None:
        self.folder = folder
        self.parents = parents  # only the per-user fallback folder is made with its parents
        self.failed = False
        super().__init__(folder / LOG_FILE, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True)
        self.setFormatter(_Formatter())

    def _open(self):  # type: ignore[no-untyped-def]
        # logs/ of a data folder that has gone away is not created again (with the data folder around it)
        self.folder.mkdir(mode=0o700, parents=self.parents, exist_ok=True)
        if self.folder.stat().st_uid == os.geteuid():
            os.chmod(self.folder, 0o700)
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            if os.fstat(fd).st_uid == os.geteuid():
                os.fchmod(fd, 0o600)
            return open(fd, "a", encoding=self.encoding)  # noqa: SIM115
        except BaseException:
            os.close(fd)
            raise

    def emit(self, record: logging.LogRecord) -> None:
        self.failed = False
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        self.failed = True


def _handler() -> PrivateLogHandler | None:
    return next((h for h in logging.getLogger(LOGGER).handlers if isinstance(h, PrivateLogHandler)), None)


def configure_logging(settings: Settings | None = None, *, folder: Path | None = None) -> PrivateLogHandler:
    """Log to the data folder of ``settings`` (or to ``folder``); nothing is created until a line is
    written. Calling it again for another folder moves the log there."""
    folder = folder or log_dir(settings.data_dir if settings is not None else None)
    max_bytes = settings.log.max_bytes if settings is not None else 1_000_000
    backups = settings.log.backups if settings is not None else 5
    logger = logging.getLogger(LOGGER)
    current = _handler()
    if current is not None:
        if current.folder == folder and current.maxBytes == max_bytes and current.backupCount == backups:
            _settings_in_use[0] = settings
            return current
        logger.removeHandler(current)
        current.close()
    handler = PrivateLogHandler(folder, max_bytes, backups, parents=folder.name != LOG_FOLDER)
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    _settings_in_use[0] = settings
    return handler


_settings_in_use: list[Settings | None] = [None]


@dataclass(frozen=True)
class Incident:
    """An internal error as recorded: its id and the log file (``None`` if it could not be written)."""

    id: str
    log_file: Path | None
    log_folder: Path

    def line(self) -> str:
        """The one line the user sees."""
        if self.log_file is None:
            return UNLOGGED_LINE.format(id=self.id, where=self.log_folder)
        return INCIDENT_LINE.format(id=self.id)


def new_incident_id(now: datetime | None = None) -> str:
    """``2026-12-07T10:12:03-4f2a``: the UTC second and four random hex digits."""
    now = now or datetime.now(UTC)
    return f"{now:%Y-%m-%dT%H:%M:%S}-{secrets.token_hex(2)}"


def format_traceback(exc: BaseException, *, messages: bool = False) -> str:
    """The traceback of ``exc`` and its causes: files, lines, functions and source lines, never local
    variables; each exception's message only with ``messages`` (it may quote personal data)."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts: list[str] = []
    for item in reversed(chain):
        if parts:
            parts.append("\nwhich led to:\n")
        parts.append("Traceback (most recent call last):\n")
        parts += traceback.StackSummary.extract(traceback.walk_tb(item.__traceback__), capture_locals=False).format()
        kind = type(item)
        name = kind.__qualname__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__qualname__}"
        if messages:
            parts.append(f"{name}: {item}\n")
        else:
            parts.append(f"{name} (message withheld; [log] error_messages = true records it)\n")
    return "".join(parts)


def record_incident(exc: BaseException, *, where: str, data_dir: Path | None = None,
                    login: str | None = None) -> Incident:
    """Log ``exc`` as a new incident and return it (:meth:`Incident.line` is what the user sees).

    The log configured by :func:`configure_logging` is used; if none is, the log of ``data_dir`` (or
    the fallback folder). ``login`` is the pep-tui login signed in, when it differs from the OS account
    (an SSH forced command's ``--login``). Never raises.
    """
    incident_id = new_incident_id()
    try:
        handler = _handler() or configure_logging(folder=log_dir(data_dir))
    except Exception:  # even the fallback folder could not be worked out
        return Incident(incident_id, None, Path(LOG_FOLDER))
    settings = _settings_in_use[0]
    messages = bool(settings is not None and settings.log.error_messages)
    try:
        from pep_tui.services.identity import os_login

        account = os_login()
    except Exception:
        account = f"uid {os.geteuid()}"
    if login and login != account:
        account = f"{account}, login {login}"
    text = format_traceback(exc, messages=messages)
    # Straight to the private file: never to any other handler an embedding program may have set up
    # on the root logger (a console one would put the traceback back on the terminal).
    logger = logging.getLogger(f"{LOGGER}.incident")
    handler.handle(logger.makeRecord(logger.name, logging.ERROR, __file__, 0, "incident %s in %s (OS account %s)\n%s",
                                     (incident_id, where, account, text.rstrip("\n")), None))
    return Incident(incident_id, None if handler.failed else Path(handler.baseFilename), handler.folder)


@dataclass(frozen=True)
class LogSummary:
    """What ``pep-tui store check`` says about the log."""

    folder: Path
    size_bytes: int
    files: int
    last_incident: str | None
    last_incident_at: str | None

    def line(self) -> str:
        """One line for ``store check``."""
        if not self.files:
            return f"log: {self.folder / LOG_FILE} (none written yet); no incident logged"
        size = f"{self.size_bytes / 1024:.1f} KB" if self.size_bytes >= 1024 else f"{self.size_bytes} bytes"
        what = (f"last incident {self.last_incident} (UTC {self.last_incident_at})" if self.last_incident
                else "no incident logged")
        return f"log: {self.folder / LOG_FILE} ({size} in {self.files} file(s)); {what}"


def log_summary(data_dir: Path) -> LogSummary:
    """The size of a data folder's log (all rotated files) and its latest incident."""
    folder = Path(data_dir) / LOG_FOLDER
    files = sorted(folder.glob(LOG_FILE + "*"), key=lambda p: (len(p.name), p.name)) if folder.is_dir() else []
    size = sum(p.stat().st_size for p in files)
    for path in files:  # newest file first: pep-tui.log, then .1, .2 ...
        found: tuple[str, str] | None = None
        try:
            with path.open(encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    match = _INCIDENT.match(line)
                    if match:
                        found = (match.group(2), match.group(1))
        except OSError:
            continue
        if found:
            return LogSummary(folder, size, len(files), found[0], found[1])
    return LogSummary(folder, size, len(files), None, None)
