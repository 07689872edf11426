"""The editors a section's form is made of: one field, a group of fields, repeating items.

Editors keep exactly what the user typed; ``collect()`` turns it into data for the service and reports
typed text that cannot be a value (a date that is not a date) without touching what was typed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from pep_tui.tui.forms import (
    DATE_HINT,
    FieldInfo,
    FieldInputError,
    display_lines,
    display_value,
    parse_date,
    parse_json,
    parse_number,
    to_text,
)
from pep_tui.tui.terminal import TickBox
from pep_tui.tui.text import clean, literal

Problems = list[tuple[str, str]]
OMIT = object()
"""Returned by ``collect`` for a blank field: leave the key out so the model's default applies."""


class FormEdited(Message):
    """Something in a form changed (for the unsaved marker)."""


class Editor(Widget):
    """Base of every editor: knows its field and its path inside the section (``targets.0.owner``)."""

    DEFAULT_CSS = "Editor { height: auto; }"

    def __init__(self, info: FieldInfo, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.info = info

    @property
    def segment(self) -> str:
        """This editor's part of the path."""
        return self.info.name

    @property
    def path(self) -> str:
        """The dotted path of the field, as services name it in ``InvalidInput`` problems."""
        parts = [self.segment]
        for node in self.ancestors:
            if isinstance(node, Editor | ItemBox):
                parts.append(node.segment)
            if getattr(node, "is_form_root", False):
                break
        return ".".join(p for p in reversed(parts) if p)

    def collect(self, problems: Problems) -> Any:
        """The value for the model (or ``OMIT`` for blank), adding any typed-text problems."""
        raise NotImplementedError

    def snapshot(self) -> Any:
        """What the user has typed, for change detection and drafts."""
        raise NotImplementedError

    def restore(self, raw: Any) -> None:
        """Put a snapshot back (a kept draft)."""

    def focus_input(self, scroll_visible: bool = True) -> None:
        """Focus the first input of this editor."""
        for widget in self.query("Input, TextArea, Select, Checkbox, Button"):
            if widget.focusable:
                widget.focus(scroll_visible=scroll_visible)
                return


class FieldEditor(Editor):
    """One simple field: a label, its input, its help and an inline message line."""

    DEFAULT_CSS = """
    FieldEditor { height: auto; margin: 0 0 1 0; }
    FieldEditor > .field-help { color: $text-muted; }
    FieldEditor > .field-error { color: $error; text-style: bold; display: none; }
    FieldEditor.-invalid > .field-error { display: block; }
    FieldEditor Input { border: none; height: 1; padding: 0 1; background: $boost; }
    FieldEditor Input:focus { border: none; background: $accent 25%; }
    FieldEditor TextArea { height: auto; min-height: 3; max-height: 10; border: none; background: $boost; }
    FieldEditor TextArea:focus { border: none; background: $accent 15%; }
    FieldEditor Select { height: auto; }
    FieldEditor.-invalid Input, FieldEditor.-invalid TextArea { background: $error 30%; }
    """

    def __init__(self, info: FieldInfo, value: Any) -> None:
        super().__init__(info)
        self.initial = value

    def compose(self) -> ComposeResult:
        info = self.info
        label = literal(info.label, "bold")
        if info.required:
            label.append(" *", style="bold")
        hint = info.help
        if info.kind == "date":
            hint = f"{hint} ({DATE_HINT})" if hint else DATE_HINT.capitalize()
        if isinstance(self.parent, GroupEditor) and self.parent.has_class("-table"):
            hint = ""  # a row of a small table: the column titles are enough
        if hint:
            label.append("\n")
            label.append(clean(hint), style="dim")
        if info.kind == "bool":
            yield TickBox(literal(info.label), bool(self.initial), classes="field-input")
            if hint:
                yield Static(literal(hint, "dim"), classes="field-help")
        else:
            yield Static(label, classes="field-label")
            yield self._make_input()

    def _make_input(self) -> Widget:
        info = self.info
        # Control characters never reach the terminal: a stored ESC shows (and would save) as "\x1b".
        text = clean(to_text(info, self.initial), newlines=info.kind in ("long", "lines", "json"))
        if info.kind == "choice":
            options = [(literal(label), value) for label, value in info.choices]
            known = any(v == self.initial for _, v in info.choices)
            return Select(options, value=self.initial if known else Select.NULL, allow_blank=True,
                          prompt="Choose…", classes="field-input")
        if info.kind in ("long", "lines", "json"):
            return TextArea(text, soft_wrap=True, classes="field-input", tab_behavior="focus")
        restrict = None
        if info.kind == "int":
            restrict = r"[-0-9, ]*"
        return Input(text, classes="field-input", restrict=restrict, select_on_focus=False)

    @property
    def input(self) -> Widget:
        """The widget the user types into."""
        return self.query_one(".field-input")

    def snapshot(self) -> Any:
        widget = self.input
        if isinstance(widget, Checkbox):
            return widget.value
        if isinstance(widget, Select):
            return None if widget.value is Select.NULL else widget.value
        if isinstance(widget, TextArea):
            return widget.text
        return widget.value

    def restore(self, raw: Any) -> None:
        widget = self.input
        if isinstance(widget, Checkbox):
            widget.value = bool(raw)
        elif isinstance(widget, Select):
            widget.value = Select.NULL if raw is None else raw
        elif isinstance(widget, TextArea):
            widget.text = raw or ""
        else:
            widget.value = raw or ""

    def collect(self, problems: Problems) -> Any:
        info, raw = self.info, self.snapshot()
        if info.kind == "bool":
            return bool(raw)
        if info.kind == "choice":
            return OMIT if raw is None else raw
        text = raw if isinstance(raw, str) else ""
        if not text.strip():
            if info.kind == "text" and not info.optional and not info.required:
                return ""
            if info.kind in ("int", "float") and not info.optional and self.initial is not None:
                # the model would fill in its default (often 0): a cleared count must not become 0 silently
                problems.append((self.path, "a number is needed here (type 0 if there were none)"))
                return OMIT
            return None if info.optional and not info.required else OMIT
        try:
            if info.kind == "date":
                return parse_date(text).isoformat()
            if info.kind in ("int", "float"):
                return parse_number(text, info.kind)
            if info.kind == "lines":
                return [line.strip() for line in text.splitlines() if line.strip()]
            if info.kind == "json":
                return parse_json(text)
        except FieldInputError as exc:
            problems.append((self.path, str(exc)))
            return OMIT
        return text

    def show_error(self, message: str | None) -> None:
        """Show (or clear, with ``None``) the inline message under the field."""
        self.set_class(message is not None, "-invalid")
        if message is None:
            return
        text = Text(f"{self.info.label}: ", style="bold")
        text.append(clean(message))
        found = self.query(".field-error")
        if found:
            found.first(Static).update(text)
        else:
            self.mount(Static(text, classes="field-error"))


class ReadOnlyField(Editor):
    """A field shown as text (sections the role may see but not edit)."""

    DEFAULT_CSS = "ReadOnlyField { height: auto; margin: 0 0 1 0; }"

    def __init__(self, info: FieldInfo, value: Any) -> None:
        super().__init__(info)
        self.value = value

    def compose(self) -> ComposeResult:
        if self.info.kind == "id":  # an identifier means nothing to a reader
            self.display = False
            return
        yield Label(literal(self.info.label, "bold"))
        if self.info.kind in ("rows", "group"):
            yield Static(literal("\n".join(display_lines(self.info, self.value)), newlines=True))
        else:
            yield Static(literal(display_value(self.info, self.value), newlines=True))

    def collect(self, problems: Problems) -> Any:
        return self.value

    def snapshot(self) -> Any:
        return self.value


class GroupEditor(Editor):
    """The fields of a sub-model (or of the whole section)."""

    DEFAULT_CSS = """
    GroupEditor { height: auto; }
    GroupEditor.-nested { border: round $primary 50%; padding: 0 1; }
    GroupEditor.-table { layout: horizontal; height: auto; }
    GroupEditor.-table > FieldEditor { width: 1fr; margin: 0 1 0 0; }
    GroupEditor.-table .field-help { display: none; }
    """

    def __init__(self, info: FieldInfo, value: dict[str, Any] | None, *, nested: bool = False,
                 table: bool = False) -> None:
        super().__init__(info)
        self.value = value or {}
        self.set_class(nested, "-nested")
        self.set_class(table, "-table")
        if nested:
            self.border_title = info.label

    @property
    def segment(self) -> str:
        return "" if isinstance(self.parent, ItemBox) else self.info.name

    def compose(self) -> ComposeResult:
        for child in self.info.children:
            yield make_editor(child, self.value.get(child.name))

    def editors(self) -> list[Editor]:
        """The direct child editors."""
        return [w for w in self.children if isinstance(w, Editor)]

    def collect(self, problems: Problems) -> Any:
        data: dict[str, Any] = {}
        for editor in self.editors():
            value = editor.collect(problems)
            if value is not OMIT:
                data[editor.info.name] = value
        return data

    def snapshot(self) -> Any:
        return {e.info.name: e.snapshot() for e in self.editors()}

    def restore(self, raw: Any) -> None:
        for editor in self.editors():
            if isinstance(raw, dict) and editor.info.name in raw:
                editor.restore(raw[editor.info.name])


class ItemBox(Vertical):
    """One item of a repeating field, with its remove button."""

    DEFAULT_CSS = """
    ItemBox { height: auto; border: round $primary 40%; padding: 0 1; margin: 0 0 1 0; }
    ItemBox > .item-remove { min-width: 10; height: 1; border: none; margin: 0; }
    """

    def __init__(self, info: FieldInfo, value: dict[str, Any] | None) -> None:
        super().__init__()
        self.info = info
        self.value = value

    @property
    def segment(self) -> str:
        parent = self.parent
        if isinstance(parent, RowsEditor):
            return str(parent.items().index(self))
        return "0"

    def compose(self) -> ComposeResult:
        yield GroupEditor(self.info, self.value, table=self.info.table)
        yield Button(f"Remove this {self.info.item_label.lower()}", classes="item-remove", compact=True)

    def on_mount(self) -> None:
        self.renumber()

    def renumber(self) -> None:
        """Title the box with its position."""
        self.border_title = f"{self.info.item_label} {int(self.segment) + 1}"

    @property
    def group(self) -> GroupEditor:
        """The item's fields."""
        return self.query_one(GroupEditor)


class RowsEditor(Editor):
    """A repeating field (targets, GCSE subjects, attendees): items with add and remove."""

    DEFAULT_CSS = """
    RowsEditor { height: auto; margin: 0 0 1 0; }
    RowsEditor > .rows-label { text-style: bold; }
    RowsEditor > .field-help { color: $text-muted; }
    RowsEditor > .rows-add { height: 1; border: none; min-width: 12; }
    RowsEditor > .field-error { color: $error; text-style: bold; display: none; }
    RowsEditor.-invalid > .field-error { display: block; }
    """

    def __init__(self, info: FieldInfo, value: list[Any] | None) -> None:
        super().__init__(info)
        self.initial = [v for v in (value or []) if isinstance(v, dict)]

    def compose(self) -> ComposeResult:
        yield Label(literal(self.info.label, "bold"), classes="rows-label")
        if self.info.help:
            yield Static(literal(self.info.help), classes="field-help")
        for value in self.initial:
            yield ItemBox(self.info, value)
        item = self.info.item_label.lower()
        yield Button(f"Add {'an' if item[:1] in 'aeiou' else 'a'} {item}", classes="rows-add", compact=True)
        yield Static("", classes="field-error")

    def items(self) -> list[ItemBox]:
        """The items in order."""
        return [w for w in self.children if isinstance(w, ItemBox)]

    async def add_item(self, value: dict[str, Any] | None = None) -> ItemBox:
        """Add an empty item at the end and focus it."""
        box = ItemBox(self.info, value or {})
        await self.mount(box, before=self.query_one(".rows-add"))
        # the new item's first field, once it is on screen (adding one must not leave focus on the button)
        self.call_after_refresh(self._focus_new, box)
        return box

    def _focus_new(self, box: ItemBox) -> None:
        if box.is_attached:
            box.group.focus_input()
            box.scroll_visible(animate=False)

    async def remove_item(self, box: ItemBox) -> None:
        """Remove an item (its neighbours are renumbered)."""
        items = self.items()
        index = items.index(box)
        await box.remove()
        for item in self.items():
            item.renumber()
        remaining = self.items()
        if remaining:
            remaining[min(index, len(remaining) - 1)].group.focus_input()
        else:
            self.query_one(".rows-add", Button).focus()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.has_class("rows-add"):
            await self.add_item()
        elif event.button.has_class("item-remove") and isinstance(event.button.parent, ItemBox):
            await self.remove_item(event.button.parent)
        self.post_message(FormEdited())

    def collect(self, problems: Problems) -> Any:
        return [item.group.collect(problems) for item in self.items()]

    def snapshot(self) -> Any:
        return [item.group.snapshot() for item in self.items()]

    def show_error(self, message: str | None) -> None:
        """A message about the list as a whole."""
        self.set_class(message is not None, "-invalid")
        if message is not None:
            self.query_one(".field-error", Static).update(literal(f"{self.info.label}: {message}"))


def make_editor(info: FieldInfo, value: Any) -> Editor:
    """The editor widget for a field."""
    if info.kind == "rows":
        return RowsEditor(info, value if isinstance(value, list) else [])
    if info.kind == "group":
        return GroupEditor(info, value if isinstance(value, dict) else {}, nested=True)
    if info.kind == "id":
        from pep_tui.tui.widgets.id_editor import IdEditor

        return IdEditor(info, value)
    return FieldEditor(info, value)
