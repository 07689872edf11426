"""User text is text: control characters (escape sequences and the like) are refused on the way in.

Tabs and line breaks are allowed in text; every other C0/C1 control character and DEL is refused
with a message naming the field, so nothing stored can later drive a terminal.
"""

from __future__ import annotations

from typing import Any

from pep_tui.domain.text import find_control
from pep_tui.services.errors import FieldProblem, InvalidInput


def control_character_problems(value: Any, path: str = "") -> list[FieldProblem]:
    """Every string inside ``value`` (dicts and lists walked) that holds a control character."""
    problems: list[FieldProblem] = []
    if isinstance(value, str):
        found = find_control(value)
        if found:
            problems.append(FieldProblem(
                path or "(text)",
                f"contains a control character ({found!r}); type plain text only",
            ))
    elif isinstance(value, dict):
        for key, item in value.items():
            problems += control_character_problems(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            problems += control_character_problems(item, f"{path}.{index}" if path else str(index))
    return problems


def refuse_control_characters(where: str, value: Any) -> None:
    """Raise :class:`InvalidInput` if any text in ``value`` holds a control character."""
    problems = control_character_problems(value)
    if problems:
        raise InvalidInput(where, problems)
