"""Rebuilding the index of summaries from the child files (``pep-tui store reindex``)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pep_tui.store.files import read_json_lines
from pep_tui.store.index import IndexMissing
from pep_tui.store.locks import hold, partition_lock

if TYPE_CHECKING:
    from pep_tui.store.repository import Store


def _position(store: Store) -> tuple[int | None, int]:
    try:
        gen = store.index.current_generation()
    except IndexMissing:
        return None, 0
    try:
        return gen, os.stat(store.index.journal_path(gen)).st_size
    except FileNotFoundError:
        return gen, 0


def _scan(store: Store, only: set[str] | None) -> dict[str, dict[str, Any]]:
    from pep_tui.store.errors import NotFound

    if only is None:
        summaries: dict[str, dict[str, Any]] = {}
        ids = sorted(p.stem for p in store.children_dir.glob("*.json"))
    else:
        summaries = dict(store.index.read().summaries)
        ids = sorted(only)
    for child_id in ids:
        try:
            record = store.load_child(child_id)  # StoreCorrupt stops the rebuild: never index around damage
        except NotFound:
            summaries.pop(child_id, None)
            continue
        summaries[record.child.id] = store.summariser(record.child, record.peps)
    return summaries


def rebuild(store: Store, only: set[str] | None = None) -> int:
    """Write a new index generation summarising every child file; returns the number of children.

    With ``only``, re-summarise just those children and keep the other summaries as they are.

    The whole rebuild holds the store-wide lock shared, like a save: saves go on, but a restore (which
    replaces ``children/`` and ``index/``) waits until it is done, so an index scanned from the old
    files is never written over the restored one. The scan runs without the index lock; the journal
    lines saves appended meanwhile are replayed on top (a child's lines are appended in revision order,
    so the last one wins). If the index was compacted during the scan, the scan is repeated, finally
    under the index lock.
    """
    store.repair_pending()
    stamp = store.summary_stamp() if store.summary_stamp is not None else None
    index_lock = partition_lock(store.locks_dir, "index")
    with store.store_lock.shared():
        for _attempt in range(2):
            with hold(index_lock):
                gen0, offset = _position(store)
            summaries = _scan(store, only)
            with hold(index_lock):
                if _position(store)[0] != gen0:
                    continue  # compacted meanwhile: scan again
                if gen0 is not None:
                    try:
                        entries, _, _ = read_json_lines(store.index.journal_path(gen0), offset)
                    except FileNotFoundError:
                        entries = []
                    _replay(summaries, entries)
                store.index.write_base(summaries, stamp)
                return len(summaries)
        with hold(index_lock):
            summaries = _scan(store, only)
            store.index.write_base(summaries, stamp)
            return len(summaries)


def _replay(summaries: dict[str, dict[str, Any]], entries: list[Any]) -> None:
    for entry in entries:
        if not isinstance(entry, dict) or "c" not in entry:
            continue
        if entry.get("s") is None:
            summaries.pop(entry["c"], None)
        else:
            summaries[entry["c"]] = entry["s"]
