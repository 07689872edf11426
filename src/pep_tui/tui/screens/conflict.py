"""When a save is refused because someone else saved first: what changed, and what to do about it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text

from pep_tui.tui.forms import changed_fields
from pep_tui.tui.screens.dialogs import ChoiceDialog
from pep_tui.tui.text import clean

if TYPE_CHECKING:
    from pep_tui.tui.screens.pep import PEPScreen
    from pep_tui.tui.widgets.section_form import SectionForm


@dataclass(frozen=True)
class ConflictPicture:
    """Three versions of one section: as loaded (base), as stored now (theirs) and as typed (mine)."""

    section_title: str
    base: dict[str, Any]
    theirs: dict[str, Any]
    mine: dict[str, Any]
    message: str
    other_sections: list[str]

    @property
    def my_changes(self) -> list[str]:
        """Fields I changed from the version I loaded."""
        return changed_fields(self.base, self.mine)

    @property
    def their_changes(self) -> list[str]:
        """Fields they changed in this section."""
        return changed_fields(self.base, self.theirs)

    @property
    def clashes(self) -> list[str]:
        """Fields we both changed, to different values."""
        return [k for k in self.my_changes if k in self.their_changes and self.mine.get(k) != self.theirs.get(k)]

    def merged(self) -> dict[str, Any]:
        """Their version with my changed fields applied on top."""
        data = dict(self.theirs)
        for key in self.my_changes:
            if key in self.mine:
                data[key] = self.mine[key]
            else:
                data.pop(key, None)
        return data

    def describe(self) -> Text:
        """The dialog's body (user text literal)."""
        text = Text()
        text.append(clean(self.message) + "\n\n")
        text.append("In ", style="bold")
        text.append(clean(self.section_title), style="bold")
        text.append(":\n")
        if self.their_changes:
            text.append("  They changed: ", style="bold")
            text.append(", ".join(self.their_changes) + "\n")
            for key in self.their_changes[:6]:
                text.append(f"    {key}: ", style="dim")
                text.append(_short(self.theirs.get(key)) + "\n")
        else:
            text.append("  They did not change this section.\n")
        text.append("  You changed: ", style="bold")
        text.append((", ".join(self.my_changes) or "nothing") + "\n")
        if self.clashes:
            text.append("  Both changed: ", style="bold")
            text.append(", ".join(self.clashes) + " (applying yours replaces theirs there)\n")
        if self.other_sections:
            text.append("They also changed other sections: " + ", ".join(self.other_sections) + "\n")
        text.append("\na: apply your edits on top of theirs and save   r: reload theirs (drop your edits here)\n"
                    "esc: keep editing (nothing saved)", style="dim")
        return text


def _short(value: Any, limit: int = 60) -> str:
    text = clean(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def resolve_conflict(screen: PEPScreen, form: SectionForm, mine: dict[str, Any], message: str) -> None:
    """Someone saved first: show what changed; reload theirs or apply mine on top."""
    services = screen.app.services
    latest = services.peps.get(screen.app.principal, screen.child_id, screen.pep_id)
    state = screen.state_for(form.section_id)
    old = screen.pep
    others = [
        s.spec.title for s in screen.states
        if s.spec.id != form.section_id and old is not None and old.section(s.spec.id) != latest.section(s.spec.id)
    ]
    picture = ConflictPicture(state.spec.title if state else form.section_id, form.data,
                              latest.section(form.section_id), mine, message, others)

    def decided(choice: str | None) -> None:
        if choice == "reload":
            screen.adopt(latest, rebuild={form.section_id})
            screen.app.notify("Reloaded their version.", timeout=3)
        elif choice == "apply":
            screen.adopt(latest, rebuild=set())
            form.data = latest.section(form.section_id)
            if screen.save_form(form, picture.merged()):
                screen.build_form(form.section_id, focus=True)
                screen.refresh_findings()
                screen.update_status()
                screen.app.notify("Your edits were applied on top of theirs and saved.", timeout=3)

    screen.app.push_screen(
        ChoiceDialog("Someone else saved this PEP first", picture.describe(),
                     [("a", "Apply mine on top", "apply"), ("r", "Reload theirs", "reload"),
                      ("escape", "Keep editing", None)]),
        decided,
    )
