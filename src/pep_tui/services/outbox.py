"""The outbox: files the app makes for a member of staff, left on the server for them to fetch over SSH.

Staff reach pep-tui only through an SSH forced command, so a PEP exported in the app is written on the
server, in a folder of the signed-in login's own (``outbox/<login>/``, owner-only), and the app shows
the one command that fetches it (``ssh peptui@server fetch NAME > NAME``). ``fetch`` serves only the
caller's own outbox, by a plain file name, never a path. Files older than ``[server] outbox_days`` are
deleted whenever an outbox is opened.

The import folder (``[server] import_folder``) is the other direction: the operator (or a job that
receives the council's files) puts CSV files there and the Virtual School imports them in the app,
choosing a file by name from the folder, never typing a path.
"""

from __future__ import annotations

import getpass
import os
import re
import shlex
import shutil
import socket
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from pep_tui.services.errors import FieldProblem, InvalidInput
from pep_tui.services.principal import Principal
from pep_tui.settings import Settings

#: A file name the outbox and the import folder accept: no folders, no leading dot, no odd characters.
FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,150}$")
#: File types served as binary (refused on a terminal); everything else is text.
BINARY_SUFFIXES = frozenset({".pdf", ".docx", ".zip"})
#: Scratch left by a process killed mid-export is removed after this many hours.
SCRATCH_HOURS = 24
FOLDER_MODE = 0o700
FILE_MODE = 0o600


@dataclass(frozen=True)
class OutboxFile:
    """A file waiting in a login's outbox."""

    name: str
    size: int
    modified: float

    @property
    def binary(self) -> bool:
        """Whether the file is binary (a PDF, Word document or zip)."""
        return Path(self.name).suffix.lower() in BINARY_SUFFIXES


def check_name(name: str, what: str = "file") -> str:
    """``name`` if it is a plain file name, else :class:`InvalidInput` naming it."""
    if not FILE_NAME.match(name) or ".." in name:
        raise InvalidInput("File name", [FieldProblem(what, "should be a plain file name (letters, digits, '.', '_', "
                                                            "'-'), not a path")])
    return name


def ssh_destination(settings: Settings) -> str:
    """How staff reach this server: ``[server] ssh_destination``, else this account at this host's name."""
    if settings.server.ssh_destination:
        return settings.server.ssh_destination
    try:
        import pwd

        account = pwd.getpwuid(os.geteuid()).pw_name
    except (ImportError, KeyError):  # pragma: no cover - not POSIX
        account = getpass.getuser()
    return f"{account}@{socket.getfqdn() or 'server'}"


def fetch_command(settings: Settings, name: str) -> str:
    """The one line a member of staff runs on their own computer to fetch ``name`` from their outbox."""
    return f"ssh {ssh_destination(settings)} fetch {shlex.quote(name)} > {shlex.quote(name)}"


def ssh_command(settings: Settings, command: str, redirect: str = "") -> str:
    """``ssh DESTINATION COMMAND [redirect]`` for the help texts and hints."""
    return f"ssh {ssh_destination(settings)} {command}{(' ' + redirect) if redirect else ''}"


def outbox_root(settings: Settings) -> Path:
    """The folder holding every login's outbox: ``[server] outbox_folder``, or by default a folder beside
    the data folder (``/srv/pep-tui/data`` → ``/srv/pep-tui/data-outbox``). Never inside the data folder,
    where exports are refused: they would be copied into every snapshot and backup."""
    if settings.server.outbox_folder:
        return Path(settings.server.outbox_folder).expanduser()
    data = Path(settings.data_dir).expanduser().absolute()
    return data.parent / f"{data.name}-outbox"


class Outbox:
    """One login's outbox folder."""

    def __init__(self, settings: Settings, principal: Principal, *, now: float | None = None) -> None:
        root = outbox_root(settings)
        self.settings = settings
        self.folder = root / check_name(principal.login, "login")
        self._now = now
        self._prune()

    def _ensure(self) -> None:
        self.folder.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        self.folder.mkdir(mode=FOLDER_MODE, exist_ok=True)

    def _prune(self) -> None:
        if not self.folder.is_dir():
            return
        now = self._now or time.time()
        limit = now - self.settings.server.outbox_days * 86400
        stale_work = now - SCRATCH_HOURS * 3600
        for path in self.folder.iterdir():
            try:
                if path.is_file() and path.stat().st_mtime < (stale_work if path.name.startswith(".") else limit):
                    path.unlink()
                elif path.is_dir() and path.name.startswith(".work-") and path.stat().st_mtime < stale_work:
                    shutil.rmtree(path)  # left by a process killed mid-export
            except OSError:  # another session pruned it first
                continue

    def files(self) -> list[OutboxFile]:
        """The files waiting, newest first."""
        if not self.folder.is_dir():
            return []
        found = []
        for path in self.folder.iterdir():
            if path.is_file() and FILE_NAME.match(path.name):
                stat = path.stat()
                found.append(OutboxFile(path.name, stat.st_size, stat.st_mtime))
        return sorted(found, key=lambda f: (-f.modified, f.name))

    def path(self, name: str) -> Path:
        """The path of a file in this outbox, or :class:`InvalidInput` if it is not there."""
        path = self.folder / check_name(name)
        if not path.is_file():
            raise InvalidInput("Fetch", [FieldProblem(name, "is not in your outbox (files are kept "
                                                            f"{self.settings.server.outbox_days} days); "
                                                            "'outbox' lists what is there")])
        return path

    def temp_folder(self) -> tempfile.TemporaryDirectory[str]:
        """A private scratch folder beside the outbox (same file system, so results move in atomically)."""
        self._ensure()
        return tempfile.TemporaryDirectory(prefix=".work-", dir=self.folder)

    def save(self, name: str, content: bytes) -> Path:
        """Write ``content`` as ``name`` (replacing an older file of that name), owner-only, atomically."""
        self._ensure()
        target = self.folder / check_name(name)
        fd, temp = tempfile.mkstemp(prefix=".part-", dir=self.folder)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(temp, target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return target

    def move_in(self, source: Path, name: str) -> Path:
        """Move a finished file (written in :meth:`temp_folder`) into the outbox as ``name``."""
        self._ensure()
        target = self.folder / check_name(name)
        os.chmod(source, FILE_MODE)
        os.replace(source, target)
        return target


def import_files(settings: Settings) -> list[str]:
    """The CSV files in ``[server] import_folder`` (names only), or an empty list when there is none."""
    folder = settings.server.import_folder
    if folder is None or not Path(folder).is_dir():
        return []
    return sorted(p.name for p in Path(folder).iterdir()
                  if p.is_file() and FILE_NAME.match(p.name) and p.suffix.lower() in (".csv", ".txt"))


def import_file(settings: Settings, name: str) -> Path:
    """The path of a file in the import folder, chosen by name (never a path the user typed)."""
    folder = settings.server.import_folder
    if folder is None:
        raise InvalidInput("Import", [FieldProblem("import_folder", "is not set in settings.toml [server]; "
                                                                    "ask your administrator")])
    if check_name(name) not in import_files(settings):
        raise InvalidInput("Import", [FieldProblem(name, "is not a CSV file in the import folder")])
    return Path(folder) / name
