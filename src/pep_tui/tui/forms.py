"""From a section's pydantic model to a form: which editor each field gets, and how typed text becomes
a value. Pure Python (Textual-free) so the mapping can be tested on its own.

The mapping (first match wins):

=====================================  ==========================================================
field type                             editor
=====================================  ==========================================================
``bool``                               a checkbox
``Enum`` / ``Literal[...]``            a choice list (Select)
``date``                               a one-line input accepting 2026-02-09, 09/02/2026, 9 Feb 2026
``int`` / ``float``                    a one-line input checked as a number
``str`` marked long                    a multi-line text area (``form_field(long_text=True)``
                                       or ``max_length`` over 200)
``str``                                a one-line input
``list[str]``                          a text area, one item per line
a sub-model                            its fields, grouped
``list[sub-model]``                    repeating items with add / remove (a small table when the
                                       item has at most four simple fields)
anything else                          a text area holding JSON
=====================================  ==========================================================
"""

from __future__ import annotations

import json
import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo as PydanticField

SIMPLE_KINDS = frozenset({"text", "date", "int", "float", "choice", "bool"})
LONG_TEXT_LIMIT = 200


class FieldInputError(ValueError):
    """Typed text that cannot become the field's value; the message says what is expected."""


@dataclass(frozen=True)
class FieldInfo:
    """How one model field is edited."""

    name: str
    label: str
    kind: str  # text | long | date | int | float | choice | bool | lines | group | rows | json | id
    help: str = ""
    required: bool = False
    optional: bool = False  # accepts None
    choices: tuple[tuple[str, Any], ...] = ()
    model: type[BaseModel] | None = None  # for group and rows
    children: tuple[FieldInfo, ...] = field(default=())
    table: bool = False  # rows shown as a small table
    default_factory: Any = None  # for an id: how the model makes a new one

    @property
    def item_label(self) -> str:
        """What one repeating item is called (``Target`` for ``targets``)."""
        if self.model is not None and self.model.__doc__ and len(self.model.__name__) < 30:
            return _words(self.model.__name__)
        return self.label.rstrip("s")


#: fields holding identifiers (an item's own ``id``; the PEP a target was carried from), never shown or typed
HIDDEN_LINKS = frozenset({"id", "carried_from"})


def _words(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").strip()
    return spaced[:1].upper() + spaced[1:].lower() if spaced else name


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the type without ``Optional``/``Annotated``, whether ``None`` is allowed)."""
    optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(typing.get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
                continue
            return annotation, optional
        return annotation, optional


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _extra(info: PydanticField) -> dict[str, Any]:
    return info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}


def _max_length(info: PydanticField) -> int | None:
    for meta in info.metadata:
        value = getattr(meta, "max_length", None)
        if value is not None:
            return value
    return None


def choice_label(value: Any) -> str:
    """Words for a choice value: an enum's ``label`` if it has one, else the value tidied."""
    label = getattr(value, "label", None)
    if isinstance(label, str):
        return label
    raw = value.value if isinstance(value, Enum) else value
    text = str(raw).replace("_", " ")
    return text[:1].upper() + text[1:]


def describe_field(name: str, info: PydanticField) -> FieldInfo:
    """The editor for one pydantic field."""
    tp, optional = _unwrap(info.annotation)
    extra = _extra(info)
    label = info.title or _words(name)
    common = {
        "name": name,
        "label": label,
        "help": info.description or "",
        "required": info.is_required() or bool(extra.get("required")),
        "optional": optional,
    }
    origin = typing.get_origin(tp)
    if name in HIDDEN_LINKS and tp is str:  # an item's identifier, or a link to another record: kept, not typed
        return FieldInfo(kind="id", default_factory=info.default_factory, **common)
    if tp is bool:
        return FieldInfo(kind="bool", **common)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return FieldInfo(kind="choice", choices=tuple((choice_label(m), m.value) for m in tp), **common)
    if origin is typing.Literal:
        return FieldInfo(kind="choice", choices=tuple((choice_label(v), v) for v in typing.get_args(tp)), **common)
    if tp is date or tp is datetime:
        return FieldInfo(kind="date", **common)
    if tp is int:
        return FieldInfo(kind="int", **common)
    if tp is float:
        return FieldInfo(kind="float", **common)
    if tp is str:
        long = bool(extra.get("long") or extra.get("long_text")) or (_max_length(info) or 0) > LONG_TEXT_LIMIT
        return FieldInfo(kind="long" if long else "text", **common)
    if _is_model(tp):
        return FieldInfo(kind="group", model=tp, children=describe_model(tp), **common)
    if origin in (list, tuple, set, frozenset):
        args = typing.get_args(tp)
        item, _ = _unwrap(args[0]) if args else (Any, False)
        if _is_model(item):
            children = describe_model(item)
            table = len(children) <= 4 and all(c.kind in SIMPLE_KINDS for c in children)
            return FieldInfo(kind="rows", model=item, children=children, table=table, **common)
        if item is str:
            return FieldInfo(kind="lines", **common)
    return FieldInfo(kind="json", **common)


def describe_model(model: type[BaseModel]) -> tuple[FieldInfo, ...]:
    """Editors for every field of a model, in declaration order."""
    return tuple(describe_field(name, info) for name, info in model.model_fields.items())


# --- typed text → values -----------------------------------------------------------------------

_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y", "%d/%m/%y")
DATE_HINT = "a date such as 2026-02-09 or 09/02/2026"


def parse_date(text: str) -> date:
    """A date from the ways people type one in England (day before month)."""
    value = text.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise FieldInputError(f"expected {DATE_HINT}; got {value!r}")


def parse_number(text: str, kind: str) -> int | float:
    """A whole number (``int``) or a number (``float``) from typed text (commas allowed as thousands)."""
    value = text.strip().replace(",", "")
    if value.endswith("%") and kind == "float":
        value = value[:-1]
    try:
        return int(value) if kind == "int" else float(value)
    except ValueError:
        expected = "a whole number, e.g. 12" if kind == "int" else "a number, e.g. 94.5"
        raise FieldInputError(f"expected {expected}; got {text.strip()!r}") from None


def parse_json(text: str) -> Any:
    """A JSON value typed into a free-form field."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise FieldInputError(f"expected JSON ({exc.msg} at line {exc.lineno})") from None


def to_text(info: FieldInfo, value: Any) -> str:
    """How a stored value is shown in its editor (dates as ISO, JSON pretty, lists one per line)."""
    if value is None:
        return ""
    if info.kind == "lines":
        return "\n".join(str(v) for v in value) if isinstance(value, list) else str(value)
    if info.kind == "json":
        return json.dumps(value, indent=2, ensure_ascii=False, default=str)
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if info.kind == "int" else str(value)
    return str(value)


def display_value(info: FieldInfo, value: Any) -> str:
    """A stored value in words, for read-only views."""
    if value is None or value == "" or value == []:
        return "-"
    if info.kind == "bool":
        return "Yes" if value else "No"
    if info.kind == "choice":
        for label, choice in info.choices:
            if choice == value:
                return label
    if info.kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]).strftime("%d %b %Y")
        except ValueError:
            return value
    return to_text(info, value)


def display_lines(info: FieldInfo, value: Any, indent: str = "") -> list[str]:
    """Repeating items and groups in words, one ``Label: value`` line per field (identifiers left out),
    for read-only views: what a carer or an IRO reads, never the stored JSON."""
    if info.kind == "rows":
        items = value if isinstance(value, list) else []
        if not items:
            return [f"{indent}-"]
        lines: list[str] = []
        for number, item in enumerate(items, start=1):
            lines.append(f"{indent}{info.item_label} {number}")
            if isinstance(item, dict):
                lines += display_lines(FieldInfo(info.name, "", "group", children=info.children), item, indent + "  ")
            else:
                lines.append(f"{indent}  {item}")
        return lines
    if info.kind == "group":
        data = value if isinstance(value, dict) else {}
        lines = []
        for child in info.children:
            if child.kind == "id":
                continue
            if child.kind in ("rows", "group"):
                lines.append(f"{indent}{child.label}:")
                lines += display_lines(child, data.get(child.name), indent + "  ")
            else:
                lines.append(f"{indent}{child.label}: {display_value(child, data.get(child.name))}")
        return lines
    return [f"{indent}{display_value(info, value)}"]


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Top-level field names whose values differ between two versions of a section's data."""
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
