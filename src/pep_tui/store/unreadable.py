"""One unreadable child file must not stop work on the whole cohort.

A child's file that does not parse is never overwritten and opening *that* child still refuses,
naming the file. But cohort-wide readers (the index rebuild at the start of a term, reports, exports,
the PP+ queue and ledger, the app's lists) skip it and go on: each reader that meets such a file
records it in the store's :class:`UnreadableChildren` and leaves the child out, and the command or
screen then names it in a warning (the CLI exits with ``PARTIAL``). The warning names the file and the
child's id only (never a name: the file could not be read, and names are personal data anyway).

The remedy is ``pep-tui store restore --child ID`` (see :mod:`pep_tui.store.child_restore`), which
brings back just that child from a snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pep_tui.store.errors import StoreCorrupt


@dataclass(frozen=True)
class UnreadableChild:
    """A child whose file could not be read, and why (a file name, a child id and a parser's reason)."""

    child_id: str
    path: Path
    reason: str

    @property
    def warning(self) -> str:
        """One line for the user: which file, which child, why, and what to do."""
        return (f"skipped child {self.child_id}: {self.path.parent.name}/{self.path.name} cannot be read ({self.reason}); restore it with "
                f"'pep-tui store restore --child {self.child_id}' (see docs/operations.md)")


class UnreadableChildren:
    """The unreadable child files met by this process's cohort-wide readers, in the order met.

    Readers call :meth:`skip` inside ``except StoreCorrupt`` (only for the child's own file; any other
    damage still stops them); callers report :meth:`warnings` when they finish.
    """

    def __init__(self) -> None:
        self._found: dict[str, UnreadableChild] = {}

    def skip(self, child_id: str, exc: StoreCorrupt, child_path: Path) -> None:
        """Record that ``child_id`` was left out; re-raise ``exc`` if it is not about the child's own file."""
        if Path(exc.path) != child_path:
            raise exc
        self._found[child_id] = UnreadableChild(child_id, child_path, exc.reason)

    def readable_again(self, child_id: str) -> None:
        """Forget a child whose file has been restored."""
        self._found.pop(child_id, None)

    def __contains__(self, child_id: object) -> bool:
        return child_id in self._found

    def __iter__(self) -> Iterator[UnreadableChild]:
        return iter(list(self._found.values()))

    def __len__(self) -> int:
        return len(self._found)

    def ids(self) -> set[str]:
        """The ids of the children left out."""
        return set(self._found)

    def warnings(self) -> list[str]:
        """One line per child left out (see :attr:`UnreadableChild.warning`)."""
        return [found.warning for found in self._found.values()]
