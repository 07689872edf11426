"""Cross-process locks: one per partition (a child, the staff file, the index) and a store-wide lock.

Every change holds the store-wide lock *shared* and its partition's lock exclusively, so changes to
different children run side by side. Backups, restores and migrations hold the store-wide lock
*exclusively*, so they see (and leave) a consistent store. Lock order: store-wide, then a child or the
staff file, then the index.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from pep_tui.store.errors import StoreBusy
from pep_tui.store.files import FILE_MODE

try:  # POSIX: shared/exclusive flock
    import fcntl
except ImportError:  # pragma: no cover - Windows: the store-wide lock is always exclusive
    fcntl = None  # type: ignore[assignment]

#: Seconds to wait for a lock before telling the user the store is busy.
LOCK_TIMEOUT = 60.0


def partition_lock(locks_dir: Path, name: str, timeout: float = LOCK_TIMEOUT) -> FileLock:
    """The exclusive lock of one partition (``child.<id>``, ``staff``, ``index``)."""
    return FileLock(str(locks_dir / f"{name}.lock"), timeout=timeout, mode=FILE_MODE)


@contextmanager
def hold(lock: FileLock) -> Iterator[None]:
    """Hold a partition lock; a timeout becomes :class:`StoreBusy` (a message for the user)."""
    try:
        lock.acquire()
    except Timeout:
        raise StoreBusy("the store is busy (another save is taking unusually long); try again in a moment") from None
    try:
        yield
    finally:
        lock.release()


class StoreWideLock:
    """Shared for ordinary changes, exclusive for backup, restore and migration (``flock`` on POSIX)."""

    def __init__(self, path: Path, timeout: float = LOCK_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self._fallback = FileLock(str(path) + ".x", timeout=timeout, mode=FILE_MODE) if fcntl is None else None

    @contextmanager
    def _flock(self, mode: int) -> Iterator[None]:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy(
                            "the store is busy (a backup, restore or upgrade is running); try again in a minute"
                        ) from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    @contextmanager
    def shared(self) -> Iterator[None]:
        """Held by every change: many at once, none during a backup or restore."""
        if self._fallback is not None:  # pragma: no cover
            with hold(self._fallback):
                yield
            return
        with self._flock(fcntl.LOCK_SH):
            yield

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Held by backup, restore and migration: no change runs meanwhile."""
        if self._fallback is not None:  # pragma: no cover
            with hold(self._fallback):
                yield
            return
        with self._flock(fcntl.LOCK_EX):
            yield


@contextmanager
def transient_lock(path: Path, timeout: float = LOCK_TIMEOUT, busy: str | None = None) -> Iterator[None]:
    """An exclusive cross-process lock whose file exists only while someone holds it.

    For a lock that must live *beside* a folder rather than in it (the folder itself is being created
    or emptied), so nothing is left behind. The holder removes the file before releasing it; a waiter
    that then gets the lock on the removed file notices (the path no longer names the file it locked)
    and tries again on a new one, so two processes never both hold it. ``busy`` is the message of the
    :class:`StoreBusy` raised after ``timeout`` seconds.
    """
    if fcntl is None:  # pragma: no cover - Windows: an ordinary lock file, left in place
        with hold(FileLock(str(path), timeout=timeout, mode=FILE_MODE)):
            yield
        return
    deadline = time.monotonic() + timeout
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise StoreBusy(busy or f"{path} is held by another process; try again in a moment") from None
                    time.sleep(0.01)
            try:
                current = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                current = False
        except BaseException:
            os.close(fd)
            raise
        if current:
            break
        os.close(fd)  # the previous holder removed this file: lock the new one
    try:
        yield
    finally:
        try:
            path.unlink(missing_ok=True)  # while still holding it (see above)
        finally:
            os.close(fd)
