"""The one way out of the command line: every line ``pep-tui`` prints goes through :func:`say`.

Stored and user-given text can hold control characters (older or restored data, a file imported
before they were refused). A carriage return lets a name print over the rest of its row, an escape
sequence can recolour or clear the terminal, a bidirectional override makes text read differently.
So, as in the app, each one is written out visibly (``\\x1b``, ``\\x0d``, ``\\u202e``) before it reaches
the terminal; :func:`cell` does the same for one value in a table row, where a tab or a line break
is shown too so that one record stays one line.
"""

from __future__ import annotations

import sys
from typing import TextIO

from pep_tui.domain.text import show_control


def cell(value: object) -> str:
    """One value for a table cell or a message: control characters, tabs and line breaks shown."""
    return show_control("" if value is None else str(value), one_line=True)


def screen_text(text: str) -> str:
    """``text`` safe for a terminal: control characters and carriage returns shown, line breaks kept."""
    return show_control(text).replace("\r", "\\x0d")


def say(*parts: object, sep: str = " ", end: str = "\n", file: TextIO | None = None) -> None:
    """Print like :func:`print`, with every control character made visible first."""
    stream = file if file is not None else sys.stdout
    stream.write(screen_text(sep.join(str(p) for p in parts)) + end)


def error(message: object) -> None:
    """One line on standard error, ``pep-tui: message``, with line breaks shown as ``\\n``."""
    sys.stderr.write(f"pep-tui: {cell(message)}\n")


def progress(text: str) -> None:
    """Redraw a progress line in place on standard error (fixed text from pep-tui itself)."""
    sys.stderr.write("\r" + screen_text(text))
    sys.stderr.flush()
