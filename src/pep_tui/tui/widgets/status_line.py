"""A one-line status that repaints without asking for a new layout (cheap to update on every keystroke)."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class StatusLine(Widget):
    """One line of text; ``set_text`` only repaints this line."""

    DEFAULT_CSS = "StatusLine { height: 1; width: 1fr; }"

    def __init__(self, text: Text | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._text = text or Text()

    def set_text(self, text: Text) -> None:
        """Show ``text`` (trusted labels and literal user text already combined)."""
        if text == self._text:  # the same words: nothing to repaint
            return
        self._text = text
        self.refresh()

    def render(self) -> Text:
        return self._text
