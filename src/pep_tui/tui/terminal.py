"""Limited terminals: the Linux console, a vt100 over a serial line, ``TERM=dumb``, or ``NO_COLOR``.

There the plain theme is chosen by itself (ANSI colours only, no animation) and nothing depends on colour
alone: a tick box reads ``[x]`` or ``[ ]``.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.widgets import Checkbox

#: terminals that draw 8 or 16 colours and few block characters
LIMITED_TERMS = frozenset({"linux", "vt100", "vt102", "vt220", "vt320", "dumb", "ansi", "cons25"})


def limited_terminal(environ: Mapping[str, str]) -> bool:
    """Whether to use the plain theme whatever the settings say: ``NO_COLOR`` set (to anything, as
    no-color.org asks), or a ``TERM`` known to be limited."""
    if environ.get("NO_COLOR", "") != "":
        return True
    term = environ.get("TERM", "").lower()
    return term in LIMITED_TERMS or term.startswith(("vt1", "vt2"))


class TickBox(Checkbox):
    """A checkbox whose state is read without colour: ``[x]`` ticked, ``[ ]`` not."""

    BUTTON_LEFT = "["
    BUTTON_RIGHT = "]"

    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:  # noqa: N802 - Textual's name for it
        """``x`` when ticked, a space when not."""
        return "x" if self.value else " "


__all__ = ["LIMITED_TERMS", "TickBox", "limited_terminal"]
