"""The top line: who is signed in, in which role, and (in a training sandbox) a permanent banner."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from pep_tui.tui.text import clean

TRAINING_BANNER = " TRAINING - fictional data "


class IdentityBar(Static):
    """Shows ``person · role``, the screen in view and, for training sandboxes, the TRAINING banner that never
    goes away and the key of the role picker."""

    DEFAULT_CSS = """
    IdentityBar { dock: top; height: 1; background: $panel; color: $text; }
    IdentityBar.-training { background: $warning 30%; }
    """

    def __init__(self, person: str, role_title: str, login: str, training: bool, where: str = "",
                 switch_key: str = "") -> None:
        """``switch_key`` is how the role picker's key is shown (as remapped), for the training hint."""
        super().__init__()
        self.switch_key = switch_key
        self.person = person
        self.role_title = role_title
        self.login = login
        self.training = training
        self.where = where
        self.set_class(training, "-training")

    def set_where(self, where: str) -> None:
        """Show which screen is in view (e.g. a child's name), after the identity."""
        self.where = where
        self.update(self.render_text())

    def on_mount(self) -> None:
        self.update(self.render_text())

    def render_text(self) -> Text:
        """The bar's content (user text kept literal)."""
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.training:
            text.append(TRAINING_BANNER, style="bold reverse")
            text.append(" ")
        text.append(clean(self.person), style="bold")
        if self.role_title.casefold() not in self.person.casefold():  # "Designated teacher, Moorland…"
            text.append(f" · {clean(self.role_title)}")
        if self.where:
            text.append("  › ", style="dim")
            text.append(clean(self.where))
        if self.training and self.switch_key:
            text.append(f"  ({clean(self.switch_key)}: switch role)", style="dim")
        return text
