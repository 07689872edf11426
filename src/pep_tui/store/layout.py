"""Where everything lives in a data folder, and the store's format marker.

::

    store.json                   what this folder is (live store or training sandbox) and its schema
    settings.toml                operator settings (optional; never written by the store)
    children/<child id>.json     one TinyDB file per child: table "child" (the record) and "peps"
    index/base-<g>.json          summaries of every child, generation g (see pep_tui.store.index)
    index/journal-<g>.jsonl      summaries saved since base g, one line per save
    facts/base-<g>.json          the same for the facts read only on request (pep_tui.store.summaries)
    facts/journal-<g>.jsonl
    staff.json                   staff records (TinyDB table "staff")
    audit/children/<id>.jsonl    the audit trail of one child (append-only)
    audit/store.jsonl            store-wide audit events: staff, backups, restores
    pending/child.<id>.json      a change to one child in progress (crash repair; normally absent)
    pending/staff.json           a change to the staff file in progress (normally absent)
    pending/doc.<ns>.<name>.json a change to a plugin document in progress (normally absent)
    locks/                       cross-process lock files (empty, owner-only)
    backups/<snapshot>/          rotating snapshots (``pep-tui store backup``)
    plugin_documents/<ns>/<name>.json  feature plugins' own documents (see pep_tui.store.plugin_documents)
    restoring.json               present only while ``pep-tui store restore`` runs

Every folder is created 0700 and every file 0600.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pep_tui.store.errors import StoreCorrupt, StoreError, StoreNotFound
from pep_tui.store.files import CorruptFile, load_json

FORMAT = "pep-tui-store"
#: The schema of a store this version of pep-tui writes. Older stores are upgraded on open
#: (see :mod:`pep_tui.store.migrations`); newer ones are refused.
SCHEMA_VERSION = 4

META_FILE = "store.json"
STAFF_FILE = "staff.json"
RESTORE_MARKER = "restoring.json"
#: The folders every store has.
FOLDERS = ("children", "index", "facts", "audit", "audit/children", "pending", "locks", "backups")
#: What a snapshot holds (files and folders, relative to the data folder).
SNAPSHOT_PARTS = ("store.json", "staff.json", "children", "audit", "index", "facts", "plugin_documents")

_CHILD_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def valid_child_id(child_id: str) -> bool:
    """Whether ``child_id`` is safe as a file name (letters, digits, ``_``, ``.``, ``-``)."""
    return bool(_CHILD_ID.match(child_id or ""))


def child_file(root: Path, child_id: str) -> Path:
    """The file of one child."""
    return root / "children" / f"{child_id}.json"


def read_meta(root: Path) -> dict[str, Any]:
    """The parsed ``store.json`` of a data folder, refusing a missing, corrupt or foreign one."""
    from pep_tui.store.backup import newest_backup

    meta_path = root / META_FILE
    try:
        meta = load_json(meta_path)
    except FileNotFoundError:
        raise StoreNotFound(
            f"no pep-tui store in {root}; create one with 'pep-tui init --admin LOGIN' "
            f"or try the training demo with 'pep-tui demo'"
        ) from None
    except CorruptFile as exc:
        raise StoreCorrupt(exc.path, exc.reason, newest_backup(root)) from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise StoreError(f"{meta_path} is not a pep-tui store file")
    return meta
