"""Checking what a person sent to PP+: money in whole pence, text without control characters."""

from __future__ import annotations

from pep_tui.services import FieldProblem, InvalidInput
from pep_tui.services.text_input import refuse_control_characters


def whole_pence(value: object, form: str, field: str) -> int:
    """``value`` if it is a whole number of pence; otherwise :class:`InvalidInput` naming the field.
    Money is never a float (nor a bool, which Python counts as an int)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(form, [FieldProblem(field, f"a whole number of pence is expected, not {value!r}")])
    return value


def plain_text(value: str, form: str, field: str, *, one_line: bool = False) -> str:
    """``value`` stripped, refusing control characters (so nothing stored can drive a terminal); with
    ``one_line`` (a name, a reference), tabs and line breaks too."""
    if not isinstance(value, str):
        raise InvalidInput(form, [FieldProblem(field, "text is expected")])
    refuse_control_characters(form, {field: value}, one_line=one_line)
    return value.strip()
