"""Rebuilding the indexes of summaries from the child files (``pep-tui store reindex``)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pep_tui.store.files import read_json_lines
from pep_tui.store.index import IndexMissing, SummaryIndex
from pep_tui.store.locks import hold, partition_lock
from pep_tui.store.summaries import readable, stale

if TYPE_CHECKING:
    from pep_tui.store.repository import Store

#: The summaries of each index being rebuilt: the list index's, then the facts index's (``None``:
#: the facts index is left as it is).
Scanned = tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]] | None]


def _position(index: SummaryIndex) -> tuple[int | None, int]:
    try:
        gen = index.current_generation()
    except IndexMissing:
        return None, 0
    try:
        return gen, os.stat(index.journal_path(gen)).st_size
    except FileNotFoundError:
        return gen, 0


#: The stamp under which an unreadable child's last entries are kept: never a real stamp, so the child
#: is stale on every list and its file is tried again (and named again) until it is restored.
UNREADABLE_STAMP = "(unreadable)"


class _Unreadable(dict[str, "str | None"]):
    """The unreadable children a scan kept (child id -> the stamp to keep them under), and how many
    children it summarised."""

    summarised = 0


def _keep_unreadable(store: Store, child_id: str, lists: dict[str, dict[str, Any]],
                     facts: dict[str, dict[str, Any]] | None, kept: _Unreadable) -> None:
    """Keep an unreadable child's last entries (from the indexes as they were), if there are any."""
    if child_id not in lists:
        old = readable(store.index)
        if old is None or child_id not in old.summaries:
            return
        lists[child_id] = old.summaries[child_id]
        if facts is not None:
            old_facts = readable(store.facts_index)
            if old_facts is not None and child_id in old_facts.summaries:
                facts[child_id] = old_facts.summaries[child_id]
    kept[child_id] = UNREADABLE_STAMP


def _scan(store: Store, only: set[str] | None, kept: _Unreadable | None = None) -> Scanned:
    """Summarise the children (all, or ``only`` and the stale ones). A child whose file does not parse
    is recorded in ``store.unreadable``; its previous entries (if any) are kept and put in ``kept``, to
    be written under :data:`UNREADABLE_STAMP` so that it is tried again (and named again) on every list."""
    from pep_tui.store.errors import NotFound

    kept = _Unreadable() if kept is None else kept
    stamp = store.summary_stamp() if store.summary_stamp is not None else None

    if only is None:
        lists: dict[str, dict[str, Any]] = {}
        facts: dict[str, dict[str, Any]] | None = {}
        ids = sorted(p.stem for p in store.children_dir.glob("*.json"))
    else:
        listed = store.index.read()
        lists = dict(listed.summaries)
        # A facts index that is missing or does not parse is not patched: it is rebuilt in full when it
        # is next asked for, or by 'pep-tui store reindex'.
        state = readable(store.facts_index)
        facts = dict(state.summaries) if state is not None else None
        # Both bases are written under the current stamp: re-summarise whatever either made under another.
        ids = sorted(only | stale(listed, stamp) | (stale(state, stamp) if state is not None else set()))
    for child_id in ids:
        try:
            record = store.load_child_or_skip(child_id)  # damage is skipped and named, never summarised
        except NotFound:
            lists.pop(child_id, None)
            if facts is not None:
                facts.pop(child_id, None)
            continue
        if record is None:
            _keep_unreadable(store, child_id, lists, facts, kept)
            continue
        kept.summarised += 1
        lists[record.child.id], child_facts = store.summarise(record.child, record.peps)
        if facts is not None:
            facts[record.child.id] = child_facts
    return lists, facts


def rebuild(store: Store, only: set[str] | None = None) -> int:
    """Write new generations of both indexes summarising every child file; returns the number of children
    summarised (unreadable ones not counted).

    With ``only``, re-summarise just those children and keep the other summaries as they are.

    The whole rebuild holds the store-wide lock shared, like a save: saves go on, but a restore (which
    replaces ``children/`` and the indexes) waits until it is done, so an index scanned from the old
    files is never written over the restored one. The scan runs without the index lock; the journal
    lines saves appended meanwhile are replayed on top (a child's lines are appended in revision order,
    so the last one wins). If either index was compacted during the scan, the scan is repeated, finally
    under the index lock. The facts base is written before the list base, so a crash between the two
    leaves the list made under the old stamp, and the next list rebuilds again.

    A child file that does not parse does not stop the rebuild: the child is recorded in
    ``store.unreadable`` (see :mod:`pep_tui.store.unreadable`) and left out of what lists return. Its
    last entries stay in the index under :data:`UNREADABLE_STAMP`, so each list tries that one file
    again (and names it) until it is restored; a patch that finds only unreadable children writes
    nothing.
    """
    store.repair_pending()
    stamp = store.summary_stamp() if store.summary_stamp is not None else None
    index_lock = partition_lock(store.locks_dir, "index")
    indexes = (store.index, store.facts_index)
    with store.store_lock.shared():
        for _attempt in range(2):
            with hold(index_lock):
                before = [_position(index) for index in indexes]
            kept = _Unreadable()
            scanned = _scan(store, only, kept)
            with hold(index_lock):
                if [_position(index)[0] for index in indexes] != [gen for gen, _ in before]:
                    continue  # compacted meanwhile: scan again
                if only is not None and kept and not kept.summarised:
                    return len(scanned[0])  # nothing but unreadable children: nothing new to write
                for index, summaries, (gen, offset) in zip(indexes, scanned, before, strict=True):
                    if summaries is not None and gen is not None:
                        try:
                            entries, _, _ = read_json_lines(index.journal_path(gen), offset)
                        except FileNotFoundError:
                            entries = []
                        _replay(summaries, entries)
                return _write(store, scanned, stamp, kept)
        with hold(index_lock):
            kept = _Unreadable()
            return _write(store, _scan(store, only, kept), stamp, kept)


def _write(store: Store, scanned: Scanned, stamp: str | None, kept: dict[str, str | None]) -> int:
    lists, facts = scanned
    if facts is not None:
        store.facts_index.write_base(facts, stamp)
    store.index.write_base(lists, stamp)
    for child_id, old_stamp in kept.items():  # unreadable: keep the last entries, marked stale
        if facts is not None and child_id in facts:
            store.facts_index.append({child_id: facts[child_id]}, old_stamp)
        if child_id in lists:
            store.index.append({child_id: lists[child_id]}, old_stamp)
    return len(lists) - len(kept)


def _replay(summaries: dict[str, dict[str, Any]], entries: list[Any]) -> None:
    for entry in entries:
        if not isinstance(entry, dict) or "c" not in entry:
            continue
        if entry.get("s") is None:
            summaries.pop(entry["c"], None)
        else:
            summaries[entry["c"]] = entry["s"]
