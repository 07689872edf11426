"""Temp files left behind by writes that were killed before their rename.

Every durable write (:func:`pep_tui.store.files.atomic_write_bytes`) writes ``.<name>.<random>.tmp``
beside its target, fsyncs it and renames it over the target. A process killed in between leaves the
temp file: harmless (nothing reads it) but it holds a copy of a child's record, so it must not pile up.

**Why the store-wide lock and not an age threshold.** Every writer in the data folder writes its temp
file while holding the store-wide lock *shared* (a save, the index, the staff file, plugin documents,
a rebuild) or *exclusively* (backup, restore, upgrade). So whoever holds the lock exclusively knows that
no temp file it finds belongs to a live writer in any process: each one is a leftover, whatever its
age. An age threshold could not promise that: a session suspended with Ctrl+Z in the middle of a save
can sit for hours between writing its temp file and renaming it. At open the lock is only *tried*
(a save running elsewhere must not make opening wait); ``pep-tui store check --repair`` waits for it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from pep_tui.store.errors import StoreBusy
from pep_tui.store.locks import StoreWideLock

if TYPE_CHECKING:
    from pep_tui.store.repository import Store

#: Folders of the data folder never searched: snapshots (complete or cleaned by rotation), locks, logs
#: and the append-only audit trails (no temp files: they are appended to, never replaced).
_SKIP = {"backups", "locks", "logs", "audit"}


def is_temp_name(name: str) -> bool:
    """Whether a file name is one of :func:`~pep_tui.store.files.atomic_write_bytes`'s temp files."""
    return name.startswith(".") and name.endswith(".tmp")


def find_leftovers(root: Path) -> list[Path]:
    """The temp files in a data folder (outside ``backups/`` and ``locks/``), sorted. Changes nothing."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if d not in _SKIP]
        found += [Path(folder) / name for name in files if is_temp_name(name)]
    return sorted(found)


def remove_leftovers(store: Store, wait: bool = True) -> list[Path] | None:
    """Remove every leftover temp file while holding the store-wide lock exclusively.

    Returns the files removed, or ``None`` when ``wait`` is false and a save is running meanwhile.
    """
    lock = store.store_lock if wait else StoreWideLock(store.store_lock.path, timeout=0)
    try:
        with lock.exclusive():
            removed = []
            for path in find_leftovers(store.root):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
            return removed
    except StoreBusy:
        if wait:
            raise
        return None
