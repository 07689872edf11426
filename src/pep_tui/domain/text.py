"""What counts as a control character, in one place: input refuses them, screens and documents
never pass them on.

Tabs and line breaks are ordinary text. Everything else below space, DEL, the C1 range, the Unicode
line/paragraph separators and the bidirectional overrides can move a cursor, clear a screen or make
text read differently from what is stored.
"""

from __future__ import annotations

import re

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_ONE_LINE = re.compile(r"[\t\n\r]")


def find_control(text: str, *, one_line: bool = False) -> str | None:
    """The first control character in ``text``, or ``None``; with ``one_line``, tabs and line breaks
    (CR, LF) count too, as they do in a field that is one line (a name, a login, an e-mail address)."""
    found = CONTROL_CHARACTERS.search(text) or (_ONE_LINE.search(text) if one_line else None)
    return found.group() if found else None


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def show_control(text: str, *, one_line: bool = False) -> str:
    """``text`` with each control character written out visibly (``\\x1b``); with ``one_line``, tabs
    and line breaks too."""
    text = CONTROL_CHARACTERS.sub(_escape, text)
    return _ONE_LINE.sub(_escape, text) if one_line else text


def drop_control(text: str) -> str:
    """``text`` without its control characters (tabs and line breaks kept)."""
    return CONTROL_CHARACTERS.sub("", text)
