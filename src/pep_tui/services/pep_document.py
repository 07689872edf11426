"""A PEP as a printable document: a list of simple blocks that the PDF and Word writers lay out.

The document holds only what the reader's role may see: it is built from the PEP the PEP service
returns for that principal (visible sections only; no PP+ or QA for limited-view roles). Each section
is laid out from its model's fields, with the field descriptions as labels, so a plugin's section
prints without any printing code of its own. All values are plain text; nothing is interpreted.
pep-tui's own record ids (``t_5aef21bb``, ``pep_…``) mean nothing on paper and are left out.
"""

from __future__ import annotations

import re
import types
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from pep_tui.domain.text import drop_control

BlockKind = Literal["title", "heading", "subheading", "field", "paragraph", "note", "table"]

#: A record id made by pep-tui (``new_id``): a short prefix, ``_``, then hex digits.
_INTERNAL_ID = re.compile(r"^[a-z]{1,8}_[0-9a-f]{8,}$")
#: Printed on every page of a document made from a training sandbox.
TRAINING_BANNER = "TRAINING - FICTIONAL DATA - NOT A REAL CHILD'S RECORD"


def plain(value: object) -> str:
    """Text safe for a document: control characters dropped, tabs as spaces, line breaks kept."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return drop_control(text)


@dataclass
class Block:
    """One piece of a document.

    ``field`` blocks have a ``label`` and ``text`` (the value); a blank form's field has ``blank=True``
    and ``lines`` (the height of the empty box) and, for choices, ``choices``. ``table`` blocks have
    ``rows`` whose first row is the header and, optionally, ``widths`` (relative column widths).
    """

    kind: BlockKind
    text: str = ""
    label: str = ""
    rows: list[list[str]] = field(default_factory=list)
    blank: bool = False
    lines: int = 1
    choices: list[str] = field(default_factory=list)
    level: int = 0
    widths: list[float] = field(default_factory=list)


@dataclass
class Document:
    """A printable document: a title and blocks, with a running header and footer on every page.

    ``header`` names whose document it is (pages after the first); ``footer`` is the line beside
    "page n of m" (child, PEP, revision, date printed); ``footer_note`` a smaller line under it (who it
    was printed for). ``training`` marks a document made from a training sandbox: every page carries
    :data:`TRAINING_BANNER` and a watermark, so fictional data cannot be taken for a real record.
    """

    title: str
    blocks: list[Block] = field(default_factory=list)
    footer: str = ""
    header: str = ""
    footer_note: str = ""
    training: bool = False

    def add(self, kind: BlockKind, text: str = "", **kwargs: Any) -> Block:
        """Append a block (text cleaned of control characters)."""
        block = Block(kind, plain(text), **kwargs)
        block.label = plain(block.label)
        block.rows = [[plain(c) for c in row] for row in block.rows]
        self.blocks.append(block)
        return block

    def text(self) -> str:
        """Every word of the document as plain text (for previews and checks)."""
        out = [TRAINING_BANNER] if self.training else []
        out += [self.header, self.title]
        for b in self.blocks:
            if b.kind == "field":
                out.append(f"{b.label}: {'' if b.blank else b.text}{' / '.join(b.choices)}")
            elif b.kind == "table":
                out += [" | ".join(r) for r in b.rows]
            else:
                out.append(b.text)
        out += [self.footer, self.footer_note]
        return "\n".join(line for line in out if line)


# --- values ----------------------------------------------------------------------------------------


def humanise(name: str) -> str:
    """``"sessions_possible"`` → ``"Sessions possible"``."""
    return name.replace("_", " ").strip().capitalize()


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, is a list) for ``X``, ``X | None``, ``list[X]``, ``list[X] | None``."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return _unwrap(args[0])
        return annotation, False
    if origin in (list, tuple, set, frozenset):
        args = get_args(annotation)
        inner, _ = _unwrap(args[0]) if args else (Any, False)
        return inner, True
    if get_origin(annotation) is not None and hasattr(annotation, "__metadata__"):
        return _unwrap(get_args(annotation)[0])
    return annotation, False


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, Enum)


def format_value(value: Any, key: str = "") -> str:
    """A stored (JSON) value in words: dates as ``09 Feb 2026``, yes/no, money in pence as pounds."""
    if value is None or value == "" or value == [] or value == {}:
        return "-"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int) and (key.endswith("pence") or key.endswith("_p")):
        return f"£{value / 100:,.2f}"
    if isinstance(value, (int, float, Decimal)):
        return f"{value:g}" if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.strftime("%d %b %Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d %b %Y")
    if isinstance(value, str):
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return date.fromisoformat(value).strftime("%d %b %Y")
            except ValueError:
                return value
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})?", value):
            try:
                return datetime.fromisoformat(value).strftime("%d %b %Y %H:%M")
            except ValueError:
                return value
        return value
    if isinstance(value, list):
        return "; ".join(format_value(v, key) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{humanise(str(k))}: {format_value(v, str(k))}" for k, v in value.items())
    return str(value)


def _label(name: str, info: Any) -> str:
    description = getattr(info, "description", None)
    return description or humanise(name)


def is_internal_id(value: Any) -> bool:
    """A pep-tui record id, or a list of them: meaningless on paper."""
    if isinstance(value, str):
        return bool(_INTERNAL_ID.match(value))
    return isinstance(value, list) and bool(value) and all(isinstance(v, str) and _INTERNAL_ID.match(v) for v in value)


def _id_field(name: str, info: Any) -> bool:
    """A field holding pep-tui record ids (``id``, ``…_id``, ``…_ids``, or described as "Id of …")."""
    description = getattr(info, "description", None) or ""
    return name == "id" or name.endswith(("_id", "_ids")) or description.lower().startswith("id of ")


def _max_length(info: Any) -> int | None:
    for item in getattr(info, "metadata", []):
        limit = getattr(item, "max_length", None)
        if isinstance(limit, int):
            return limit
    return None


# --- filled documents ------------------------------------------------------------------------------


def add_model_fields(doc: Document, model: type[BaseModel], data: dict[str, Any], level: int = 0) -> None:
    """Lay out ``data`` field by field following ``model`` (nested models and lists of them too)."""
    for name, info in model.model_fields.items():
        kind, is_list = _unwrap(info.annotation)
        value = data.get(name)
        label = _label(name, info)
        if _id_field(name, info) and (value in (None, "", []) or is_internal_id(value)):
            continue
        if _is_model(kind) and is_list:
            items = value if isinstance(value, list) else []
            if not items:
                doc.add("field", "-", label=label, level=level)
            for n, item in enumerate(items, start=1):
                doc.add("subheading", f"{label} ({n} of {len(items)})", level=level)
                add_model_fields(doc, kind, item if isinstance(item, dict) else {}, level + 1)
        elif _is_model(kind):
            doc.add("subheading", label, level=level)
            add_model_fields(doc, kind, value if isinstance(value, dict) else {}, level + 1)
        elif is_internal_id(value):
            continue
        else:
            text = format_value(value, name)
            if _is_enum(kind) and isinstance(value, str):
                text = humanise(value)
            doc.add("field", text, label=label, level=level)
    for name, info in getattr(model, "model_computed_fields", {}).items():
        if name in data:
            doc.add("field", format_value(data[name], name), label=_label(name, info), level=level)


def add_free_data(doc: Document, data: Any, level: int = 0, label: str = "",
                  names: dict[str, str] | None = None) -> None:
    """Lay out JSON data with no model (a feature plugin's data): keys as labels, lists numbered.

    Entries keyed by record id are numbered instead, values that are record ids are left out, and a
    value that is a staff login is shown as the person's name (from ``names``).
    """
    names = names or {}
    if isinstance(data, dict) and data and all(is_internal_id(k) for k in data):
        data = list(data.values())
    if isinstance(data, dict):
        if label:
            doc.add("subheading", label, level=level)
            level += 1
        for key, value in data.items():
            if is_internal_id(value):
                continue
            if isinstance(value, (dict, list)) and value and any(isinstance(v, (dict, list)) for v in
                                                                  (value.values() if isinstance(value, dict) else value)):
                add_free_data(doc, value, level, humanise(str(key)), names)
            else:
                text = format_value(value, str(key))
                if isinstance(value, str) and value in names:
                    text = names[value]
                elif isinstance(value, str) and re.fullmatch(r"[a-z]+(_[a-z]+)*", value):
                    text = humanise(value)  # a code such as "pp_plus" or "approved"
                label = humanise(str(key).removesuffix("_pence").removesuffix("_p"))
                doc.add("field", text, label=label, level=level)
    elif isinstance(data, list):
        for n, item in enumerate(data, start=1):
            add_free_data(doc, item, level, f"{label} ({n} of {len(data)})" if label else f"Item {n}", names)
    else:
        doc.add("field", format_value(data), label=label or "Value", level=level)


# --- blank forms -----------------------------------------------------------------------------------


def add_blank_fields(doc: Document, model: type[BaseModel], level: int = 0, repeats: int = 3) -> None:
    """Empty boxes for each field of ``model``; lists of records get ``repeats`` empty copies."""
    for name, info in model.model_fields.items():
        kind, is_list = _unwrap(info.annotation)
        label = _label(name, info)
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if _id_field(name, info):
            continue
        if _is_model(kind):
            copies = repeats if is_list else 1
            for n in range(1, copies + 1):
                doc.add("subheading", f"{label} ({n})" if is_list else label, level=level)
                add_blank_fields(doc, kind, level + 1, repeats=2)
            continue
        choices: list[str] = []
        if kind is bool:
            choices = ["Yes", "No"]
        elif _is_enum(kind):
            choices = [humanise(str(m.value)) for m in kind]
        elif get_origin(kind) is Literal:
            choices = [humanise(str(a)) for a in get_args(kind)]
        if choices and not is_list and len(choices) <= 8:
            doc.add("field", label=label, blank=True, choices=choices, level=level)
            continue
        limit = _max_length(info) or 0
        lines = 4 if extra.get("long_text") or limit > 1000 else (2 if is_list or limit > 200 else 1)
        doc.add("field", label=label, blank=True, lines=lines, level=level)
