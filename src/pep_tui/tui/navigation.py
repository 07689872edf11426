"""Going back safely: a screen leaves only if it is the one in view, and only once.

Keys arrive in bursts (a paste, a slow SSH link, a held Esc): several can be queued for a screen before
the first has closed it. Without these guards the second Esc pops the screen *below* (a PEP with
unsaved edits) or the last screen of all, and the app stops.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen, Screen

ResultType = TypeVar("ResultType")


def go_back(screen: Screen[Any]) -> None:
    """Pop ``screen`` if it is the screen in view; a key queued for a screen already gone does nothing."""
    app = screen.app
    # pep-tui's own app keeps its home screen (the children list) under everything else
    keep = 2 if hasattr(app, "show_home") else 1
    if screen.is_attached and app.screen is screen and len(app.screen_stack) > keep:
        app.pop_screen()


class Dialog(ModalScreen[ResultType], Generic[ResultType]):
    """A modal screen that is dismissed at most once, and only while it is in view."""

    _pep_dismissed = False

    def dismiss(self, result: ResultType | None = None) -> AwaitComplete:
        """Close with ``result`` (the second of two queued keys, or a key for a dialog not in view, is ignored)."""
        if self._pep_dismissed or not self.is_attached or self.app.screen is not self:
            return AwaitComplete.nothing()
        self._pep_dismissed = True
        return super().dismiss(result)


__all__ = ["Dialog", "go_back"]
