"""A section's form, built from its pydantic model (see :mod:`pep_tui.tui.forms` for the mapping)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from pep_tui.tui.forms import FieldInfo
from pep_tui.tui.text import literal
from pep_tui.tui.widgets.field_editors import (
    OMIT,
    Editor,
    FieldEditor,
    FormEdited,
    Problems,
    ReadOnlyField,
    RowsEditor,
    make_editor,
)

__all__ = ["SectionForm", "FieldEditor", "RowsEditor", "Editor"]


class SectionForm(VerticalScroll):
    """A whole section's form. ``editable=False`` shows the values as text."""

    DEFAULT_CSS = """
    SectionForm { height: 1fr; padding: 0 1; }
    SectionForm > .form-error { color: $error; text-style: bold; display: none; }
    SectionForm > .section-help { color: $text-muted; }
    SectionForm > .section-title { height: 1; }
    SectionForm.-invalid > .form-error { display: block; }
    """

    Edited = FormEdited
    is_form_root = True

    def __init__(self, section_id: str, fields: tuple[FieldInfo, ...], data: dict[str, Any],
                 editable: bool, help: str = "", title: str = "", reading: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.help = help
        self.title = title
        self.section_id = section_id
        self.fields = fields
        self.data = data
        self.editable = editable
        #: the section in plain words (a plugin's ``SectionSpec.reader``), shown instead of read-only fields
        self.reading = reading if not editable else None
        self.base_snapshot: Any = None

    def compose(self) -> ComposeResult:
        if self.title:  # the tab strip scrolls at 80 columns: say which section this is
            heading = literal(self.title, "bold")
            if not self.editable:
                heading.append(" · read only", style="dim")
            yield Static(heading, classes="section-title")
        if self.help and self.reading is None:  # the help is for those who write it; a reading explains itself
            yield Static(literal(self.help), classes="section-help")
        yield Static("", classes="form-error")
        if self.reading is not None:
            yield Static(literal(self.reading, newlines=True), classes="section-reading")
            return
        for info in self.fields:
            if self.editable:
                yield make_editor(info, self.data.get(info.name))
            else:
                yield ReadOnlyField(info, self.data.get(info.name))

    def on_mount(self) -> None:
        self.call_after_refresh(self.mark_saved)

    def mark_saved(self) -> None:
        """Remember the current contents as the saved state."""
        self.base_snapshot = self.snapshot()

    def editors(self) -> list[Editor]:
        """The top-level editors."""
        return [w for w in self.children if isinstance(w, Editor)]

    def snapshot(self) -> dict[str, Any]:
        """What the user has typed, field by field."""
        return {e.info.name: e.snapshot() for e in self.editors()}

    def restore(self, raw: dict[str, Any]) -> None:
        """Put back a kept draft."""
        for editor in self.editors():
            if editor.info.name in raw:
                editor.restore(raw[editor.info.name])

    @property
    def dirty(self) -> bool:
        """Whether the form differs from what was loaded or last saved."""
        return self.editable and self.base_snapshot is not None and self.snapshot() != self.base_snapshot

    def collect(self) -> tuple[dict[str, Any], Problems]:
        """The data to save and any problems with typed text (nothing is cleared)."""
        problems: Problems = []
        data: dict[str, Any] = {}
        for editor in self.editors():
            value = editor.collect(problems)
            if value is not OMIT:
                data[editor.info.name] = value
        return data, problems

    def find_editor(self, path: str) -> Editor | None:
        """The deepest editor whose path is ``path`` or a prefix of it."""
        best: Editor | None = None
        for editor in self.query(Editor):
            p = editor.path
            if (path == p or path.startswith(p + ".")) and (best is None or len(p) > len(best.path)):
                best = editor
        return best

    def show_problems(self, problems: Problems) -> int:
        """Show each problem under its field (others at the top); returns how many were placed."""
        self.clear_problems()
        loose: list[str] = []
        first: Editor | None = None
        for path, message in problems:
            editor = self.find_editor(path)
            while editor is not None and not isinstance(editor, FieldEditor | RowsEditor):
                editor = editor.parent if isinstance(editor.parent, Editor) else None
            if isinstance(editor, FieldEditor | RowsEditor):
                extra = path[len(editor.path) + 1:] if len(path) > len(editor.path) else ""
                editor.show_error(f"{extra}: {message}" if extra else message)
                first = first or editor
            else:
                loose.append(f"{path}: {message}")
        if loose:
            self.set_class(True, "-invalid")
            self.query_one(".form-error", Static).update(literal("; ".join(loose)))
        if first is not None:
            first.focus_input()
            self.scroll_to_widget(first, animate=False)
        return len(problems)

    def clear_problems(self) -> None:
        """Remove every inline message."""
        self.set_class(False, "-invalid")
        for editor in self.query("FieldEditor, RowsEditor"):
            editor.show_error(None)  # type: ignore[attr-defined]

    def on_input_changed(self) -> None:
        self.post_message(self.Edited())

    def on_text_area_changed(self) -> None:
        self.post_message(self.Edited())

    def on_select_changed(self) -> None:
        self.post_message(self.Edited())

    def on_checkbox_changed(self) -> None:
        self.post_message(self.Edited())
