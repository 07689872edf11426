"""The Virtual School's quality assurance: the queue of submitted PEPs and rating one, key by key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static
from textual.widgets.option_list import Option

from pep_tui.services import PermissionDenied, WorkflowError
from pep_tui.store import Conflict
from pep_tui.tui.navigation import go_back
from pep_tui.tui.screens.dialogs import ReasonDialog
from pep_tui.tui.text import clean, literal
from pep_tui.tui.widgets.lists import KeyList

if TYPE_CHECKING:
    from pep_tui.tui.app import PepApp

SCALES = {"rag": ["red", "amber", "green"], "ggar": ["red", "amber", "green", "gold"]}


def queue_rows(app: PepApp) -> list[dict[str, Any]]:
    """Submitted PEPs awaiting QA: from ``services.qa.queue`` when installed, else from the index."""
    qa = app.qa
    if qa is not None and hasattr(qa, "queue"):
        return list(qa.queue(app.principal))
    return [s for s in app.services.children.list(app.principal) if s.get("current_status") == "submitted"]


class QAQueueScreen(Screen[None]):
    """Submitted PEPs waiting for the Virtual School: ``enter`` rates the highlighted one."""

    HELP_TITLE = "QA queue"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "back", "Back", id="qa_queue.back"),
        Binding("o", "open_pep", "Open PEP", id="qa_queue.open_pep"),
        Binding("r", "reload", "Reload", id="qa_queue.reload"),
    ]

    app: PepApp

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        yield Label("", id="queue-title")
        yield KeyList(id="queue")
        yield Footer()

    def on_mount(self) -> None:
        self.app.set_where("QA queue")
        self.action_reload()

    def on_screen_resume(self) -> None:
        if self.app.screen is self:
            self.action_reload()

    def action_reload(self) -> None:
        """Read the queue again."""
        try:
            self.rows = queue_rows(self.app)
        except PermissionDenied as exc:
            self.app.notify(str(exc), title="QA queue", severity="error")
            self.rows = []
        options = self.query_one("#queue", OptionList)
        # stay on the child in view (after a rating the queue is read again): never back to row 1
        keep = self._selected() if getattr(self, "rows_shown", None) else None
        options.clear_options()
        for index, row in enumerate(self.rows):
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(f"{clean(row.get('name') or row.get('child_id')):<24}", style="bold")
            rating = row.get("rating")
            line.append(f" {'rated ' + clean(rating) if rating else 'to rate':<12}",
                        style="green" if rating else "yellow")
            line.append(f" {clean(row.get('year_label') or ''):<10} {clean(row.get('school_name') or '-')}")
            options.add_option(Option(line, id=str(index)))
        if self.rows:
            same = [i for i, r in enumerate(self.rows) if keep is not None and r.get("child_id") == keep.get("child_id")]
            options.highlighted = same[0] if same else (min(self._last_index, len(self.rows) - 1) if keep else 0)
        self.rows_shown = True
        self.query_one("#queue-title", Label).update(
            Text(f"QA queue: {len(self.rows)} PEP(s) submitted and awaiting quality assurance (enter rates)", style="bold"))
        options.focus()

    _last_index = 0

    def _selected(self) -> dict[str, Any] | None:
        index = self.query_one("#queue", OptionList).highlighted
        if index is not None:
            self._last_index = index
        return self.rows[index] if index is not None and index < len(getattr(self, "rows", [])) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        row = self.rows[int(event.option.id or 0)]
        pep_id = row.get("pep_id") or row.get("current_pep_id")
        if pep_id:
            self.app.push_screen(QARatingScreen(row["child_id"], pep_id))

    def action_open_pep(self) -> None:
        """Open the highlighted PEP in the editor."""
        row = self._selected()
        if row is not None and (row.get("pep_id") or row.get("current_pep_id")):
            from pep_tui.tui.screens.pep import PEPScreen

            self.app.push_screen(PEPScreen(row["child_id"], row.get("pep_id") or row["current_pep_id"]))

    def action_back(self) -> None:
        """Back."""
        go_back(self)


class QARatingScreen(Screen[None]):
    """Rate a PEP: a digit rates the highlighted line (overall or a section); ``enter`` adds feedback."""

    HELP_TITLE = "QA rating"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save rating", id="qa.save", priority=True),
        Binding("o", "open_pep", "Open PEP", id="qa.open_pep"),
        Binding("escape", "back", "Back", id="qa.back"),
    ]

    app: PepApp

    def __init__(self, child_id: str, pep_id: str) -> None:
        super().__init__()
        self.child_id = child_id
        self.pep_id = pep_id
        self.overall: str | None = None
        self.ratings: dict[str, str] = {}
        self.feedback = ""
        self.section_feedback: dict[str, str] = {}
        self.sections: list[tuple[str, str]] = []
        self.pep: Any = None

    def scale(self) -> list[str]:
        """The rating values, worst first."""
        qa = self.app.qa
        if qa is not None and hasattr(qa, "scale_values"):
            return list(qa.scale_values())
        return SCALES.get(self.app.services.ctx.settings.policy.qa_scale, SCALES["rag"])

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        yield Static("", id="qa-title")
        yield Static("", id="qa-legend")
        yield OptionList(id="qa-lines")
        yield Static("", id="qa-precheck")
        yield Footer()

    def on_mount(self) -> None:
        services, principal = self.app.services, self.app.principal
        try:
            self.pep = services.peps.get(principal, self.child_id, self.pep_id)
            record = services.children.record(principal, self.child_id)
            states = services.peps.visible_sections(principal, record, record.pep(self.pep_id))
        except PermissionDenied as exc:
            self.app.notify(str(exc), title="QA", severity="error")
            self.app.pop_screen()
            return
        self.sections = [(s.spec.id, s.spec.title) for s in states]
        title = literal(record.child.display_name, "bold")
        if record.child.school_name:  # two children of the same name are told apart by their school
            title.append(" · ")
            title.append(literal(record.child.school_name))
        title.append(f" · {self.pep.term_ref.label} PEP · {self.pep.status.label}")
        self.query_one("#qa-title", Static).update(title)
        legend = Text("Rate: ", style="bold")
        for index, value in enumerate(self.scale(), start=1):
            legend.append(f"{index} {value.capitalize()}  ")
        legend.append("· enter: feedback · ctrl+s: save", style="dim")
        self.query_one("#qa-legend", Static).update(legend)
        qa = self.app.qa
        if qa is not None and hasattr(qa, "precheck"):
            try:
                found = qa.precheck(principal, self.child_id, self.pep_id)
                text = Text("Pre-check: ", style="bold")
                text.append("; ".join(f"{clean(f.criterion or '')} {clean(f.message)}" for f in found[:4]) or "no concerns")
                self.query_one("#qa-precheck", Static).update(text)
            except (PermissionDenied, WorkflowError):
                pass
        self.redraw()
        self.query_one("#qa-lines", OptionList).focus()

    def redraw(self) -> None:
        """Show the ratings and feedback so far."""
        options = self.query_one("#qa-lines", OptionList)
        keep = options.highlighted or 0
        options.clear_options()
        line = Text("Overall".ljust(28), style="bold")
        line.append(f" {(self.overall or '-').capitalize():<7} ")
        line.append(clean(self.feedback)[:40], style="dim")
        options.add_option(Option(line, id="__overall__"))
        for section_id, title in self.sections:
            line = Text(clean(title)[:28].ljust(28))
            line.append(f" {(self.ratings.get(section_id) or '-').capitalize():<7} ")
            line.append(clean(self.section_feedback.get(section_id, ""))[:40], style="dim")
            options.add_option(Option(line, id=section_id))
        options.highlighted = min(keep, options.option_count - 1)

    def _highlighted_id(self) -> str | None:
        options = self.query_one("#qa-lines", OptionList)
        if options.highlighted is None:
            return None
        return options.get_option_at_index(options.highlighted).id

    def on_key(self, event: events.Key) -> None:
        """A digit rates the highlighted line."""
        if not (event.character and event.character.isdigit()):
            return
        scale = self.scale()
        index = int(event.character) - 1
        target = self._highlighted_id()
        if target is None or not 0 <= index < len(scale):
            return
        event.stop()
        if target == "__overall__":
            self.overall = scale[index]
        else:
            self.ratings[target] = scale[index]
        self.redraw()
        self.query_one("#qa-lines", OptionList).action_cursor_down()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        target = event.option.id
        current = self.feedback if target == "__overall__" else self.section_feedback.get(target or "", "")

        def done(text: str | None) -> None:
            if text is None:
                return
            if target == "__overall__":
                self.feedback = text
            elif target:
                self.section_feedback[target] = text
            self.redraw()

        self.app.push_screen(ReasonDialog("Feedback", "Feedback for the designated teacher:", current), done)

    def action_save(self) -> None:
        """Save the rating through the QA service."""
        qa = self.app.qa
        if qa is None:
            self.app.notify("Quality assurance is not available in this installation.", title="QA")
            return
        try:
            qa.rate(self.app.principal, self.child_id, self.pep_id, self.overall, dict(self.ratings), self.feedback,
                    dict(self.section_feedback), expected_revision=self.pep.revision)
        except (PermissionDenied, WorkflowError, Conflict, ValueError) as exc:
            self.app.notify(str(exc), title="Rating not saved", severity="error")
            return
        self.app.notify("Rating saved.", timeout=3)
        go_back(self)

    def action_open_pep(self) -> None:
        """Read the PEP being rated."""
        from pep_tui.tui.screens.pep import PEPScreen

        self.app.push_screen(PEPScreen(self.child_id, self.pep_id))

    def action_back(self) -> None:
        """Back without saving the rating."""
        go_back(self)
