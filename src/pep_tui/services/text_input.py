"""User text is text: control characters (escape sequences and the like) are refused on the way in.

Tabs and line breaks are allowed in text; every other C0/C1 control character and DEL is refused
with a message naming the field, so nothing stored can later drive a terminal.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pep_tui.domain.text import find_control
from pep_tui.services.errors import FieldProblem, InvalidInput


def control_character_problems(value: Any, path: str = "", *, one_line: bool = False) -> list[FieldProblem]:
    """Every string inside ``value`` (dicts and lists walked) that holds a control character; with
    ``one_line``, a tab or line break (CR, LF) too."""
    problems: list[FieldProblem] = []
    if isinstance(value, str):
        found = find_control(value, one_line=one_line)
        if found in ("\r", "\n", "\t"):
            problems.append(FieldProblem(
                path or "(text)",
                f"contains a {'tab' if found == chr(9) else 'line break'} ({found!r}); this field is one line of plain text",
            ))
        elif found:
            problems.append(FieldProblem(
                path or "(text)",
                f"contains a control character ({found!r}); type plain text only",
            ))
    elif isinstance(value, dict):
        for key, item in value.items():
            problems += control_character_problems(item, f"{path}.{key}" if path else str(key), one_line=one_line)
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problems += control_character_problems(item, f"{path}.{index}" if path else str(index), one_line=one_line)
    return problems


def refuse_control_characters(where: str, value: Any, *, one_line: bool | Collection[str] = False) -> None:
    """Raise :class:`InvalidInput` if any text in ``value`` holds a control character.

    ``one_line`` true treats every string as a one-line field (tabs and line breaks refused too); a
    collection of keys does so for those top-level keys of a dict ``value`` only.
    """
    if isinstance(one_line, bool) or not isinstance(value, dict):
        problems = control_character_problems(value, one_line=bool(one_line) if isinstance(one_line, bool) else False)
    else:
        problems = []
        for key, item in value.items():
            problems += control_character_problems(item, str(key), one_line=key in one_line)
    if problems:
        raise InvalidInput(where, problems)
