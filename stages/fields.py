"""Field helpers for section models: short and long text, bounded numbers, dates, URNs.

Every helper sets a ``description`` (the form's help text) and the constraints, and marks the hints of
:func:`pep_tui.plugins.api.field_hints` (the public form of these hints, with ``form_field`` for a
labelled field) in ``json_schema_extra``, which the form builder and the completion meter read:

* ``"required": True`` — the field counts towards the section's completion (it may still be saved
  empty, so a half-filled form is never lost);
* ``"long_text": True`` — a multi-line text area rather than a one-line input;
* ``"when": {"route": ["neet"]}`` — the field matters only when another field has one of these values
  (the form may hide it otherwise).

Bounded whole numbers refuse values outside their range with one message naming the whole range
(``must be a whole number from 0 to 25``), not pydantic's one-sided wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any

from pydantic import Field, ValidationError, WrapValidator
from pydantic_core import PydanticCustomError

from pep_tui.plugins.api import field_hints

#: One-line text fits in this many characters.
SHORT_TEXT = 200
#: A long-text answer fits in this many characters (about two pages).
LONG_TEXT = 4000

URN_PATTERN = r"^\d{6}$"


def _extra(required: bool, long_text: bool = False, when: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    return field_hints(required=required, long_text=long_text, when=when)


def text(description: str, *, required: bool = False, when: Mapping[str, Sequence[str]] | None = None) -> Any:
    """A one-line text field (default empty)."""
    return Field(default="", description=description, max_length=SHORT_TEXT,
                 json_schema_extra=_extra(required, False, when))


def long_text(description: str, *, required: bool = False, when: Mapping[str, Sequence[str]] | None = None) -> Any:
    """A multi-line text field (default empty)."""
    return Field(default="", description=description, max_length=LONG_TEXT,
                 json_schema_extra=_extra(required, True, when))


def optional(description: str, *, required: bool = False, when: Mapping[str, Sequence[str]] | None = None) -> Any:
    """Any optional value (a date, a number, a choice) that starts empty (``None``)."""
    return Field(default=None, description=description, json_schema_extra=_extra(required, False, when))


def flag(description: str, *, default: bool = False, when: Mapping[str, Sequence[str]] | None = None) -> Any:
    """A yes/no field."""
    return Field(default=default, description=description, json_schema_extra=_extra(False, False, when))


def items(description: str, *, required: bool = False) -> Any:
    """A list of small records (a table in the form), empty by default."""
    return Field(default_factory=list, description=description, json_schema_extra=_extra(required))


#: Errors reported as "must be a (whole) number from lo to hi": out of range, a fraction, or not a number.
_NOT_IN_RANGE = frozenset({"greater_than_equal", "less_than_equal", "int_from_float", "int_parsing", "int_type",
                           "float_parsing", "float_type"})


def _range_check(lo: float, hi: float, whole: bool) -> Callable[[Any, Any], Any]:
    kind = "a whole number" if whole else "a number"

    def check(value: Any, handler: Any) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            if {e["type"] for e in exc.errors()} & _NOT_IN_RANGE:
                raise PydanticCustomError(
                    "out_of_range", "must be {kind} from {lo} to {hi}", {"kind": kind, "lo": lo, "hi": hi}
                ) from None
            raise

    return check


def whole_number(lo: int, hi: int | None = None) -> Any:
    """An ``int`` type bounded to ``lo..hi`` (inclusive) whose refusal names the whole range.

    Use as a type: ``score: whole_number(0, 25) | None = optional("…")``.
    """
    if hi is None:
        return Annotated[int, Field(ge=lo)]
    return Annotated[int, Field(ge=lo, le=hi), WrapValidator(_range_check(lo, hi, True))]


def number(lo: float, hi: float) -> Any:
    """A ``float`` type bounded to ``lo..hi`` (inclusive) whose refusal names the whole range."""
    return Annotated[float, Field(ge=lo, le=hi), WrapValidator(_range_check(lo, hi, False))]


def _pattern_check(message: str) -> Callable[[Any, Any], Any]:
    def check(value: Any, handler: Any) -> Any:
        try:
            return handler(value)
        except ValidationError as exc:
            if any(e["type"] == "string_pattern_mismatch" for e in exc.errors()):
                raise PydanticCustomError("pattern", message) from None
            raise

    return check


def matching(pattern: str, message: str) -> Any:
    """A ``str`` type that must match ``pattern``; a mismatch is refused with ``message``."""
    return Annotated[str, Field(pattern=pattern), WrapValidator(_pattern_check(message))]


#: A school's unique reference number: 6 digits.
URN = matching(URN_PATTERN, "must be the school's URN: 6 digits, e.g. 100123")

def _pence_check(value: Any, handler: Any) -> Any:
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError("pence", "must be a whole number of pence, 0 or more (e.g. 120000 for £1,200)") from None


#: Money in whole pence (never floating pounds); a refusal says so.
Pence = Annotated[int, Field(ge=0), WrapValidator(_pence_check)]

__all__ = ["LONG_TEXT", "SHORT_TEXT", "URN", "Pence", "flag", "items", "long_text", "matching", "number",
           "optional", "text", "whole_number"]
