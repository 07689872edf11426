"""The store: the only module that imports TinyDB. See :mod:`pep_tui.store.repository` and
:mod:`pep_tui.store.layout`."""

from __future__ import annotations

from pep_tui.store.backup import newest_backup
from pep_tui.store.errors import (
    Conflict,
    NotFound,
    StoreBusy,
    StoreCorrupt,
    StoreError,
    StoreNotFound,
    WrongStoreKind,
)
from pep_tui.store.records import PEPChange
from pep_tui.store.repository import ChildRecord, Store, StoreKind

__all__ = [
    "ChildRecord",
    "Conflict",
    "NotFound",
    "PEPChange",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreError",
    "StoreKind",
    "StoreNotFound",
    "WrongStoreKind",
    "newest_backup",
]
