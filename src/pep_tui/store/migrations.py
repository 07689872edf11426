"""Upgrading a data folder written by an older pep-tui to the current schema.

``store.json`` records the schema. On open, a store with an older schema is upgraded here: under the
store-wide lock held exclusively, a snapshot ``…-before-upgrade-<n>`` is taken, then each step
``n → n+1`` in :data:`STEPS` runs and ``store.json`` is rewritten with ``n+1``. Every step is
idempotent (it only writes complete files and deletes old ones last), so an upgrade interrupted by a
crash simply runs again on the next open.

Section data inside PEPs is versioned separately: each section records the version of its plugin's
model, and the plugin's ``migrate`` upgrades it when it is read (see ``Registry.parse_section``).

Schema history:

* **1** — one ``index.json`` rewritten on every save; one ``audit.jsonl``; ``pending/<child id>``.
* **2** — ``index/`` base + journal; ``audit/children/<id>.jsonl`` and ``audit/store.jsonl`` with event
  ids; ``pending/child.<id>.json`` markers naming the change.
* **3** — ``facts/`` beside ``index/``.
* **4** — each child holds ``allocations`` (dated history of social worker, carers, IRO, school,
  designated teacher, placement, family access), ``joint_carers``, ``left_care_reason`` and
  ``past_care_periods``; index entries carry ``status``, ``la_child_id`` and ``refresh_on``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from pep_tui.domain import AuditEvent, new_id, utcnow
from pep_tui.store.errors import StoreError
from pep_tui.store.files import atomic_write_bytes, dump_json, ensure_dir, load_json
from pep_tui.store.layout import FOLDERS, META_FILE, SCHEMA_VERSION


def _v1_to_v2(root: Path) -> None:
    """Split the audit trail per child, turn ``index.json`` into a base generation, rename markers."""
    for sub in FOLDERS:
        ensure_dir(root / sub)
    old_audit = root / "audit.jsonl"
    if old_audit.exists():
        by_child: dict[str | None, list[bytes]] = defaultdict(list)
        for line in old_audit.read_bytes().splitlines():
            try:
                value = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # a line torn by a crash
            if isinstance(value, dict):
                by_child[value.get("child_id")].append(orjson.dumps(value))
        for child_id, lines in by_child.items():
            target = root / "audit" / ("store.jsonl" if child_id is None else f"children/{child_id}.jsonl")
            atomic_write_bytes(target, b"\n".join(lines) + b"\n")
    old_index = root / "index.json"
    index_dir = root / "index"
    if old_index.exists() and not any(index_dir.glob("base-*.json")):
        try:
            summaries = load_json(old_index).get("summaries", {})
        except Exception:  # noqa: BLE001 - derived data: rebuilt on the first list instead
            summaries = None
        if isinstance(summaries, dict):
            data = {"generation": 1, "stamp": None, "written_at": utcnow().isoformat(), "summaries": summaries}
            atomic_write_bytes(index_dir / "base-1.json", dump_json(data))
    for marker in (root / "pending").iterdir():
        if "." not in marker.name:  # v1: an empty file named after the child
            marker.rename(marker.with_name(f"child.{marker.name}.json"))
    old_audit.unlink(missing_ok=True)
    old_index.unlink(missing_ok=True)


def _v2_to_v3(root: Path) -> None:
    """Add ``facts/``: the heavy summary fields move there from ``index/`` on the first list.

    Nothing else changes on disk; the version moves so that an older pep-tui, which would keep
    writing full summaries into ``index/`` and leave ``facts/`` stale, refuses the folder.
    """
    for sub in FOLDERS:
        ensure_dir(root / sub)


#: The stamp of indexes carried over an upgrade whose entries lack new keys (see :func:`_v3_to_v4`).
UPGRADE_STAMP = "upgraded: re-summarise"


def _v3_to_v4(root: Path) -> None:
    """Start each child's allocation history from what their record says, and rebuild the indexes.

    A child file that does not parse or match the model is left exactly as it is (``pep-tui store
    check`` reports it); a file already holding ``allocations`` is not touched, so the step can run
    again after a crash. The indexes are derived data: their entries are kept under a stamp that makes
    the first list re-summarise every child, with the new entries.
    """
    from pep_tui.domain import Child
    from pep_tui.domain.care import initial_allocations

    for path in sorted((root / "children").glob("*.json")):
        try:
            data = load_json(path)
            docs = data["child"]
            (key, doc), = docs.items()
        except Exception:  # noqa: BLE001 - a damaged file is reported by 'store check', never rewritten
            continue
        if not isinstance(doc, dict) or "allocations" in doc:
            continue
        try:
            child = Child.model_validate(doc)
        except ValueError:
            continue
        allocations = initial_allocations(child, "pep-tui", "migration")
        docs[key] = {**doc, "allocations": [a.model_dump(mode="json") for a in allocations]}
        atomic_write_bytes(path, dump_json(data))
    from pep_tui.store.index import SummaryIndex

    for folder in ("index", "facts"):
        index = SummaryIndex(root / folder)
        try:
            state = index.read()
        except Exception:  # noqa: BLE001 - missing or damaged: rebuilt on the first list as before
            continue
        # Same entries under a stamp no term has: every child is re-summarised before the next list.
        index.write_base(state.summaries, UPGRADE_STAMP)


#: ``STEPS[n]`` upgrades a folder from schema ``n`` to ``n + 1``.
STEPS: dict[int, Callable[[Path], None]] = {1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4}


def upgrade(root: Path) -> dict[str, Any]:
    """Upgrade the store in ``root`` to :data:`SCHEMA_VERSION`; returns its new ``store.json`` content."""
    from pep_tui.store.audit import AuditLog
    from pep_tui.store.backup import store_wide_lock, take_snapshot
    from pep_tui.store.layout import read_meta

    with store_wide_lock(root).exclusive():
        meta = read_meta(root)
        start = version = int(meta.get("schema", 0))
        if version >= SCHEMA_VERSION:
            return meta
        missing = [v for v in range(version, SCHEMA_VERSION) if v not in STEPS]
        if missing:
            raise StoreError(f"{root} has schema {version}, which this pep-tui cannot upgrade")
        snapshot = take_snapshot(root, f"before-upgrade-{version}", healthy=True)
        while version < SCHEMA_VERSION:
            STEPS[version](root)
            version += 1
            meta = {**meta, "schema": version}
            atomic_write_bytes(root / META_FILE, dump_json(meta))
        log = AuditLog(root / "audit")
        log.append(AuditEvent(id=new_id("ev"), at=utcnow(), actor="pep-tui", role="system", action="store.upgrade",
                              detail={"from": start, "to": version, "snapshot": snapshot.name}))
    return meta
