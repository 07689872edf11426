"""The store: the only module that imports TinyDB. See :mod:`pep_tui.store.repository`."""

from __future__ import annotations

from pep_tui.store.errors import Conflict, NotFound, StoreCorrupt, StoreError, StoreNotFound, WrongStoreKind
from pep_tui.store.repository import ChildRecord, Store, StoreKind, newest_backup

__all__ = [
    "ChildRecord",
    "Conflict",
    "NotFound",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreKind",
    "StoreNotFound",
    "WrongStoreKind",
    "newest_backup",
]
