"""The index of per-child summaries that lists and dashboards read without opening any child file.

On disk (folder ``index/``)::

    base-<g>.json      a snapshot of every summary, generation g, written atomically
    journal-<g>.jsonl  changes since that snapshot, one line per child saved
                       ({"c": id, "s": summary, "t": stamp it was made under})

A save appends one short line to the journal (it never rewrites the index). When the journal has grown
to half the size of the base (and at least :data:`COMPACT_MIN_BYTES`), the saver folds it into a new
base ``g+1`` and deletes generation ``g``. Readers keep the parsed summaries in memory and validate them
on every read against the files (which generation is newest, the base's inode/size/mtime, and the
journal's size), reading only the journal lines appended since. The index is derived data: it can be
rebuilt from ``children/`` at any time (``pep-tui store reindex``).

The base also records a *stamp*: the value of the services' ``summary_stamp()`` (the school term)
when it was built. Summaries hold date-dependent fields (the current term's PEP, the next due date),
so when the stamp changes the store re-summarises, before the next list, every child whose summary
was made under another stamp (all of them at the start of a term), then records the new stamp.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pep_tui.domain import utcnow
from pep_tui.store.files import (
    CorruptFile,
    append_line,
    atomic_write_bytes,
    dump_json,
    ensure_dir,
    read_json_lines,
)

#: Never compact a journal smaller than this (bytes).
COMPACT_MIN_BYTES = 1 << 20
_BASE = re.compile(r"^base-(\d+)\.json$")


class IndexMissing(Exception):
    """No index base file exists (a new or damaged folder): rebuild it."""


@dataclass
class IndexState:
    """The summaries as last read, with what they were read from."""

    generation: int
    stamp: str | None
    summaries: dict[str, dict[str, Any]]
    base_key: tuple[int, int, int]
    journal_offset: int = 0
    base_size: int = 0
    skipped_lines: int = 0
    #: The stamp of each summary read from the journal (the base's ``stamp`` covers the others).
    entry_stamps: dict[str, str | None] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


class SummaryIndex:
    """Reads and appends the index. Callers hold the store's ``index`` lock around :meth:`append`,
    :meth:`compact` and :meth:`write_base`; :meth:`read` needs no lock."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._state: IndexState | None = None

    # --- files -----------------------------------------------------------------------------

    def base_path(self, generation: int) -> Path:
        """The base file of a generation."""
        return self.folder / f"base-{generation}.json"

    def journal_path(self, generation: int) -> Path:
        """The journal file of a generation."""
        return self.folder / f"journal-{generation}.jsonl"

    def generations(self) -> list[int]:
        """Generations with a base file, oldest first."""
        try:
            names = os.listdir(self.folder)
        except FileNotFoundError:
            return []
        return sorted(int(m.group(1)) for n in names if (m := _BASE.match(n)))

    def current_generation(self) -> int:
        """The newest generation; :class:`IndexMissing` if there is none."""
        gens = self.generations()
        if not gens:
            raise IndexMissing(str(self.folder))
        return gens[-1]

    # --- reading -----------------------------------------------------------------------------

    def read(self) -> IndexState:
        """The current summaries, re-read only as far as the files changed since the last call.

        Raises :class:`CorruptFile` if the base does not parse and :class:`IndexMissing` if there is none.
        """
        for _attempt in range(5):
            gen = self.current_generation()
            base = self.base_path(gen)
            try:
                st = os.stat(base)
                key = (st.st_ino, st.st_mtime_ns, st.st_size)
                state = self._state
                if state is None or state.generation != gen or state.base_key != key:
                    state = self._load_base(base, gen, key, st.st_size)
                self._catch_up(state)
            except FileNotFoundError:
                self._state = None
                continue  # compacted under our feet: look again
            if self.current_generation() != gen:
                # Compacted while we read: the journal we caught up from may have gone before we read
                # its last lines (a change committed before this read began). Read the new generation.
                self._state = None
                continue
            self._state = state
            return state
        raise IndexMissing(str(self.folder))

    def _load_base(self, path: Path, gen: int, key: tuple[int, int, int], size: int) -> IndexState:
        raw = path.read_bytes()
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise CorruptFile(path, f"not valid JSON: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("summaries"), dict):
            raise CorruptFile(path, "not a pep-tui index file")
        return IndexState(gen, data.get("stamp"), data["summaries"], key, 0, size)

    def _catch_up(self, state: IndexState) -> None:
        path = self.journal_path(state.generation)
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            return
        if size == state.journal_offset:
            return
        if size < state.journal_offset:  # cannot happen (append-only); be safe: read it all again
            state.summaries = self._load_base(self.base_path(state.generation), state.generation,
                                              state.base_key, state.base_size).summaries
            state.journal_offset = 0
            state.entry_stamps = {}
        values, state.journal_offset, skipped = read_json_lines(path, state.journal_offset)
        state.skipped_lines += skipped
        summaries = state.summaries
        for entry in values:
            if not isinstance(entry, dict) or "c" not in entry:
                state.skipped_lines += 1
                continue
            if entry.get("s") is None:
                summaries.pop(entry["c"], None)
            else:
                summaries[entry["c"]] = entry["s"]
            state.entry_stamps[entry["c"]] = entry.get("t")

    # --- writing (caller holds the index lock) ---------------------------------------------------

    def append(self, updates: dict[str, dict[str, Any] | None], stamp: str | None = None) -> None:
        """Record new summaries (``None`` removes a child) made under ``stamp``, with one durable
        append; compact if due."""
        if not updates:
            return
        gen = self.current_generation()
        lines = b"\n".join(orjson.dumps({"c": cid, "s": s, "t": stamp}) for cid, s in updates.items())
        journal = self.journal_path(gen)
        append_line(journal, lines)
        try:
            journal_size = os.stat(journal).st_size
            base_size = os.stat(self.base_path(gen)).st_size
        except FileNotFoundError:
            return
        if journal_size > max(COMPACT_MIN_BYTES, base_size // 2):
            self.compact()

    def compact(self) -> int:
        """Fold the journal into a new base generation; returns it.

        The new base keeps the old base's stamp unless every summary was made under one newer stamp.
        A few summaries made under another stamp than the new base's (an unreadable child kept to be
        tried again, a session still in the old term) keep theirs: they are appended to the new journal.
        (Many are not: they are re-summarised on the next list anyway, which writes a new base.)
        """
        state = self.read()
        stamps = {state.entry_stamps.get(cid, state.stamp) for cid in state.summaries}
        stamp = stamps.pop() if len(stamps) == 1 else state.stamp
        odd = {cid: t for cid, t in state.entry_stamps.items() if cid in state.summaries and t != stamp}
        gen = self.write_base(state.summaries, stamp)
        if odd and len(odd) * 10 <= len(state.summaries):
            append_line(self.journal_path(gen), b"\n".join(
                orjson.dumps({"c": cid, "s": state.summaries[cid], "t": t}) for cid, t in odd.items()))
        return gen

    def write_base(self, summaries: dict[str, dict[str, Any]], stamp: str | None) -> int:
        """Write ``summaries`` as a new generation and remove the older ones; returns the new generation.

        A base that does not parse is renamed ``….corrupt`` (kept for inspection), never deleted.
        """
        ensure_dir(self.folder)
        gens = self.generations()
        new = (gens[-1] + 1) if gens else 1
        data = {"generation": new, "stamp": stamp, "written_at": utcnow().isoformat(), "summaries": summaries}
        atomic_write_bytes(self.base_path(new), dump_json(data))
        for old in gens:
            base = self.base_path(old)
            try:
                orjson.loads(base.read_bytes())
            except orjson.JSONDecodeError:
                os.replace(base, base.with_name(base.name + ".corrupt"))
            except FileNotFoundError:
                pass
            else:
                base.unlink(missing_ok=True)
            self.journal_path(old).unlink(missing_ok=True)
        self._state = None
        return new
