"""The children list's find box: an ``Input`` whose typing repaints the box, not the whole screen."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FindBox(Input):
    """An ``Input`` of fixed width (``1fr`` in its row).

    A stock ``Input`` sets its virtual size to the width of its text on every keystroke, and a virtual
    size change lays out (and so repaints) every widget of the screen. This box's size never depends on
    its text, so the change only repaints the box itself.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


__all__ = ["FindBox"]
