"""A list with the keys of good terminal apps: ``j``/``k`` and arrows move (no wrapping from the top
to the bottom: that is how the wrong child gets opened), ``g``/``G`` go to the first and last row."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import OptionList


class KeyList(OptionList):
    """An ``OptionList`` that stops at its ends and knows ``j``/``k``/``g``/``G``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g", "first", "First row", show=False, id="list.first"),
        Binding("G", "last", "Last row", show=False, id="list.last"),
    ]

    def _step(self, direction: int) -> None:
        if self.highlighted is None:
            self.action_first() if direction > 0 else self.action_last()
            return
        index = self.highlighted + direction
        while 0 <= index < self.option_count:
            if not self.get_option_at_index(index).disabled:
                self.highlighted = index
                return
            index += direction

    def action_cursor_up(self) -> None:
        """Up one row; at the first row, stay there."""
        self._step(-1)

    def action_cursor_down(self) -> None:
        """Down one row; at the last row, stay there."""
        self._step(1)


__all__ = ["KeyList"]
