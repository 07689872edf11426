"""The two indexes of per-child summaries: the lean one lists read, and the facts read only on request.

A summariser makes one dictionary per child. The store keeps most of it in the *list index*
(``index/``), which every list of children reads, and the entries under :attr:`Store.fact_keys
<pep_tui.store.repository.Store.fact_keys>` (set by the services: bulky facts only some screens need,
such as the compliance dashboard's per-term facts or feature plugins' summary fields) in the *facts
index* (``facts/``), read only when a caller asks for them. Both are a
:class:`~pep_tui.store.index.SummaryIndex` (base + journal, compaction, stamp) and are written together:
under the same ``index`` lock, in the same save, under the same pending marker (see
:mod:`pep_tui.store.pending`), so a crash between the two appends is repaired like any other, and
``pep-tui store reindex`` rebuilds both. The store gives the keys no meaning.

The facts are appended *before* the list entry, so a reader that reads the list and then the facts sees
facts at least as new as the list entry. A store written before the split (its list entries hold the
fact keys, and there is no facts index) is split on the first list, without reading any child file.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pep_tui.store.files import CorruptFile
from pep_tui.store.index import IndexMissing, IndexState, SummaryIndex
from pep_tui.store.locks import hold, partition_lock

if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from datetime import date

    from pep_tui.domain import PEP, Child
    from pep_tui.store.errors import StoreCorrupt
    from pep_tui.store.records import Summariser
    from pep_tui.store.repository import Store
    from pep_tui.store.unreadable import UnreadableChildren

REINDEX_REMEDY = "the index is rebuilt from the child files by 'pep-tui store reindex'"

#: A child's entries in the two indexes: ``(list entry, facts)``; ``None`` when the child is gone.
Entries = tuple[dict[str, Any], dict[str, Any]] | None


def split(summary: dict[str, Any], fact_keys: Collection[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A summariser's dictionary as ``(list entry, facts)``: the facts are the entries under ``fact_keys``."""
    if not fact_keys:
        return summary, {}
    return ({k: v for k, v in summary.items() if k not in fact_keys},
            {k: summary[k] for k in fact_keys if k in summary})


def append_entries(store: Store, updates: dict[str, Entries], stamp: str | None) -> None:
    """Append children's new entries to both indexes (the caller holds the ``index`` lock).

    The facts go first (see the module docstring). A store whose facts index is missing gets list
    entries only; the facts index is rebuilt when it is next asked for.
    """
    if not updates:
        return
    if store.facts_index.generations():
        store.facts_index.append({cid: e[1] if e is not None else None for cid, e in updates.items()}, stamp)
    store.index.append({cid: e[0] if e is not None else None for cid, e in updates.items()}, stamp)


def stale(state: IndexState, stamp: str | None) -> set[str]:
    """Children whose entry was made under another stamp than ``stamp``; none when ``stamp`` is
    ``None``. When the base was made under it (as a term's first list records it) only the journal's
    entries are looked at: those of a session still in the old term, or of an unreadable child kept
    under its old stamp so that it is tried again (see :mod:`pep_tui.store.unreadable`)."""
    if stamp is None:
        return set()
    if state.stamp == stamp:
        return {cid for cid, t in state.entry_stamps.items() if t != stamp and cid in state.summaries}
    return {cid for cid in state.summaries if state.entry_stamps.get(cid, state.stamp) != stamp}


#: A list entry may name the day (ISO date) from which it is out of date by itself, for instance when an
#: allocation dated in the future takes effect; from that day the next list re-summarises the child.
REFRESH_KEY = "refresh_on"


def due_for_refresh(state: IndexState, today: Callable[[], date] | None) -> set[str]:
    """Children whose list entry says it is out of date from today or earlier (see :data:`REFRESH_KEY`)."""
    if today is None:
        return set()
    day = today().isoformat()
    return {cid for cid, s in state.summaries.items() if (when := s.get(REFRESH_KEY)) and when <= day}


def split_unsplit_index(store: Store) -> bool:
    """Move the fact keys of a list index written before the split into a new facts index.

    Runs under the store-wide lock (shared) and the ``index`` lock; writes the facts base first, then
    the lean list base (a crash in between leaves the list unsplit, and this runs again). Returns
    whether anything was split.
    """
    with store.store_lock.shared(), hold(partition_lock(store.locks_dir, "index")):
        if store.facts_index.generations():
            return False
        state = store.index.read()
        if not any(k in s for s in state.summaries.values() for k in store.fact_keys):
            return False
        stamps = {state.entry_stamps.get(cid, state.stamp) for cid in state.summaries}
        stamp = stamps.pop() if len(stamps) == 1 else state.stamp
        lean: dict[str, dict[str, Any]] = {}
        facts: dict[str, dict[str, Any]] = {}
        for cid, summary in state.summaries.items():
            lean[cid], facts[cid] = split(summary, store.fact_keys)
        store.facts_index.write_base(facts, stamp)
        store.index.write_base(lean, stamp)
        return True


def read_list(store: Store) -> IndexState:
    """The list index, fresh: crashes repaired first, built if missing, split if written before the
    split, and re-summarised where made under another stamp. Never reads the facts index.

    Raises :class:`CorruptFile` if the list base does not parse.
    """
    from pep_tui.store.reindex import rebuild

    if os.listdir(store.pending_dir):
        store.repair_pending()
    try:
        state = store.index.read()
    except IndexMissing:
        rebuild(store)
        state = store.index.read()
    if store.fact_keys and state.summaries and not store.facts_index.generations():
        first = next(iter(state.summaries.values()))
        if any(k in first for k in store.fact_keys) and split_unsplit_index(store):
            state = store.index.read()
    outdated = stale(state, store._stamp()) | due_for_refresh(state, store.summary_today)
    if outdated:
        # Re-summarise only the children summarised under another stamp (all of them when the term
        # has changed; none in a store created this term), then record the new stamp.
        rebuild(store, only=outdated)
        state = store.index.read()
    return state


def read_facts(store: Store) -> IndexState:
    """The facts index, fresh; rebuilt if missing, refreshed if made under another stamp.

    Call :func:`read_list` first (so crashes are repaired and the list is current).
    Raises :class:`CorruptFile` if the facts base does not parse.
    """
    try:
        state = store.facts_index.read()
    except IndexMissing:
        from pep_tui.store.reindex import rebuild

        rebuild(store)
        return store.facts_index.read()
    outdated = stale(state, store._stamp())
    if outdated:
        from pep_tui.store.reindex import rebuild

        rebuild(store, only=outdated)
        state = store.facts_index.read()
    return state


def readable(index: SummaryIndex) -> IndexState | None:
    """An index's state, or ``None`` if it is missing or does not parse."""
    try:
        return index.read()
    except (IndexMissing, CorruptFile):
        return None


def _without(summaries: dict[str, dict[str, Any]], unreadable: UnreadableChildren) -> dict[str, dict[str, Any]]:
    if not len(unreadable):
        return summaries
    return {cid: s for cid, s in summaries.items() if cid not in unreadable}


class IndexedSummaries:
    """The :class:`~pep_tui.store.repository.Store`'s reading of its two indexes."""

    summariser: Summariser
    summary_stamp: Callable[[], str | None] | None
    summary_today: Callable[[], date] | None
    fact_keys: frozenset[str]
    corrupt: Callable[..., StoreCorrupt]
    unreadable: UnreadableChildren

    def summaries(self, with_facts: bool = False) -> dict[str, dict[str, Any]]:
        """Per-child summaries by child id: fresh (validated against the files on every call).

        These are the list entries, without the keys in ``fact_keys``; ``with_facts=True`` gives
        each child's entry merged with their facts (new dictionaries, made on each call). Children
        whose file was found unreadable (:attr:`unreadable`) are left out.
        """
        store: Store = self  # type: ignore[assignment]
        try:
            lean = read_list(store).summaries
            if not with_facts:
                return _without(lean, self.unreadable)
            facts = self.facts()
            lean = read_list(store).summaries  # reading the facts may have refreshed both indexes
        except CorruptFile as exc:
            raise self.corrupt(exc, REINDEX_REMEDY) from None
        return {cid: {**s, **facts[cid]} if cid in facts else dict(s) for cid, s in lean.items()
                if cid not in self.unreadable}

    def facts(self) -> dict[str, dict[str, Any]]:
        """Each child's facts (the keys in ``fact_keys`` of their summary) by child id, read only
        when asked and as fresh as :meth:`summaries`. A child may lack facts: treat that as unknown."""
        store: Store = self  # type: ignore[assignment]
        try:
            read_list(store)
            return read_facts(store).summaries
        except CorruptFile as exc:
            raise self.corrupt(exc, REINDEX_REMEDY) from None

    def summarise(self, child: Child, peps: list[PEP]) -> tuple[dict[str, Any], dict[str, Any]]:
        """A child's entries in the two indexes: ``(list entry, facts)``."""
        return split(self.summariser(child, peps), self.fact_keys)

    def _stamp(self) -> str | None:
        return self.summary_stamp() if self.summary_stamp is not None else None

    def reindex(self) -> int:
        """Rebuild both indexes from the child files; returns the number of children.

        Saves go on meanwhile: the journal lines they append during the scan are replayed on top.
        A child file that does not parse is left out and recorded in :attr:`unreadable`.
        """
        from pep_tui.store.reindex import rebuild

        return rebuild(self)  # type: ignore[arg-type]
