"""Durable files: owner-only permissions, atomic replace with fsync, and a TinyDB storage built on them."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

FILE_MODE = 0o600
DIR_MODE = 0o700


class CorruptFile(Exception):
    """A store file that does not parse. It is never overwritten."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: cannot be read ({reason})")
        self.path = path
        self.reason = reason


def ensure_dir(path: Path) -> Path:
    """Create a folder (and parents) owner-only; leave an existing one as it is.

    Each folder created is made durable in its parent (fsynced), so a file later written durably
    inside it cannot vanish with the folder in a power cut.
    """
    if path.is_dir():
        return path
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    old = os.umask(0o077)
    try:
        path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    finally:
        os.umask(old)
    for created in reversed(missing):
        fsync_dir(created.parent)
    return path


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries to disk (so a rename survives power loss)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file, never a torn one.

    Temp file in the same folder (0600), write, fsync, ``os.replace``, fsync the folder. If the disk is
    full the temp file is removed and the old file is untouched.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def dump_json(value: Any) -> bytes:
    """JSON bytes (orjson; dates as ISO strings)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)


def load_json(path: Path) -> Any:
    """Parse a JSON file; :class:`CorruptFile` if it does not parse. ``FileNotFoundError`` passes through."""
    raw = path.read_bytes()
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise CorruptFile(path, f"not valid JSON: {exc}") from None


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads with orjson and writes atomically (never a torn file).

    Unlike TinyDB's ``JSONStorage`` it never truncates a file in place, and it refuses to treat a file
    that does not parse as empty: it raises :class:`CorruptFile` so nothing overwrites it.
    """

    def __init__(self, path: str | Path, create: bool = True) -> None:
        self.path = Path(path)
        self.create = create

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            data = load_json(self.path)
        except FileNotFoundError:
            return None
        if not isinstance(data, dict):
            raise CorruptFile(self.path, "not a TinyDB document")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        atomic_write_bytes(self.path, dump_json(data))

    def close(self) -> None:
        pass


def _write_all(fd: int, data: bytes) -> None:
    """``os.write`` until every byte is written (a short write is not an error; it must not lose data)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def append_line(path: Path, line: bytes) -> None:
    """Append one line durably (``O_APPEND`` + fsync), creating the file owner-only.

    If a crash left the file without a final newline (a torn last line), the new line starts on a
    line of its own so the torn fragment stays a separate, skipped line.
    """
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, FILE_MODE)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        _write_all(fd, line if line.endswith(b"\n") else line + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        fsync_dir(path.parent)


def read_json_lines(path: Path, offset: int = 0) -> tuple[list[Any], int, int]:
    """Parse the complete lines of a JSON-lines file from byte ``offset``.

    Returns ``(values, next_offset, skipped)``: a last line without its newline (a write in progress
    or torn by a crash) is left for the next read, and lines that do not parse are skipped and counted.
    ``FileNotFoundError`` passes through.
    """
    with path.open("rb") as fh:
        fh.seek(offset)
        raw = fh.read()
    end = raw.rfind(b"\n")
    if end < 0:
        return [], offset, 0
    values: list[Any] = []
    skipped = 0
    for line in raw[: end + 1].split(b"\n"):
        if not line.strip():
            continue
        try:
            values.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            skipped += 1
    return values, offset + end + 1, skipped


def write_durable(path: Path, data: bytes) -> None:
    """Create ``path`` afresh owner-only, write, fsync it and its folder (for small marker files).

    An existing file is unlinked first, never truncated: it may be hard-linked into a snapshot.
    """
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        _write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)
