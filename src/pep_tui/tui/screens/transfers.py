"""Exports and imports in the app (F9): what the signed-in role may export from where they are, and the
Virtual School's imports from the server's import folder.

An export is written to the login's outbox on the server; the screen then shows the one command that
fetches it to the user's own computer and copies it to the clipboard (OSC 52, where the terminal
allows). An import is checked first (a dry run, shown in full on screen) and applied only by a key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from pep_tui.services import InvalidInput, PermissionDenied, WorkflowError
from pep_tui.services.outbox_exports import IMPORT_KINDS, Delivered, OutboxExports
from pep_tui.store import StoreError
from pep_tui.tui.text import clean

if TYPE_CHECKING:
    from pep_tui.tui.app import PepApp

#: Errors shown on the screen as one line (anything else is a fault and goes the app's crash path).
EXPECTED = (PermissionDenied, InvalidInput, WorkflowError, StoreError, OSError, ValueError)


class TransfersScreen(Screen[None]):
    """Exports (to the outbox, with the fetch command) and imports (dry run first, then apply)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="transfers.back"),
        Binding("a", "apply_import", "Apply import", id="transfers.apply"),
        Binding("c", "copy_command", "Copy command", id="transfers.copy"),
    ]

    DEFAULT_CSS = """
    TransfersScreen #transfers-actions { height: auto; max-height: 50%; }
    TransfersScreen #transfers-result-box { height: 1fr; border-top: solid $primary; }
    TransfersScreen #transfers-result { padding: 0 1; }
    """

    app: PepApp

    def __init__(self, child_id: str | None = None, pep_id: str | None = None) -> None:
        super().__init__()
        self.child_id = child_id
        self.pep_id = pep_id
        self.exports: OutboxExports | None = None
        self.entries: dict[str, Any] = {}
        #: the import whose dry run is on screen and may be applied: (kind, file name, the bytes checked)
        self.ready_import: tuple[str, str, bytes] | None = None
        self.last_command = ""
        self.busy = False

    def compose(self) -> ComposeResult:
        yield self.app.identity_bar()
        yield Static("Exports and imports. Exports are left in your outbox on the server; fetch them with "
                     "the command shown.", id="transfers-intro", markup=False)
        yield OptionList(id="transfers-actions")
        with VerticalScroll(id="transfers-result-box"):
            yield Static("", id="transfers-result", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.app.set_where("Exports and imports")
        self.exports = OutboxExports(self.app.services, self.app.principal)
        options = self.query_one(OptionList)
        for action in self.exports.actions(self.child_id, self.pep_id):
            self.entries[action.id] = action
            options.add_option(Option(clean(action.title), id=action.id))
        for name in self.exports.import_files():
            for kind in IMPORT_KINDS:
                key = f"import:{kind}:{name}"
                self.entries[key] = (kind, name)
                options.add_option(Option(f"Import {kind} from {clean(name)} (check first)", id=key))
        if not self.entries:
            self.show("Nothing to export or import from here for your role.")
        options.focus()

    def show(self, text: str) -> None:
        """Put text in the result area (as text, never markup)."""
        self.query_one("#transfers-result", Static).update(clean(text, newlines=True))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "apply_import":
            return self.ready_import is not None and not self.busy
        if action == "copy_command":
            return bool(self.last_command)
        return True

    # --- choosing ---------------------------------------------------------------------------

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.busy:
            return
        entry = self.entries.get(event.option.id or "")
        if entry is None:
            return
        self.ready_import = None
        self.busy = True
        self.refresh_bindings()
        if isinstance(entry, tuple):
            kind, name = entry
            self.show(f"Checking {name} as a {kind} import…")
            self.run_import(kind, name, dry_run=True)
        else:
            self.show(f"{entry.title}: working…")
            self.run_export(entry)

    @work(thread=True, exclusive=True, group="transfer")
    def run_export(self, action: Any) -> None:
        try:
            delivered = action.run()
        except EXPECTED as exc:
            self.app.call_from_thread(self.finished, f"{action.title}: not exported. {exc}")
            return
        self.app.call_from_thread(self.delivered, delivered)

    def delivered(self, delivered: Delivered) -> None:
        size = f"{max(1, delivered.size // 1024)} KB"
        self.last_command = delivered.fetch
        copied = self.copy(delivered.fetch)
        self.finished(
            f"Saved {delivered.name} ({size}) in your outbox on the server. It holds personal data: keep it "
            f"secure. On your own computer, run:\n\n  {delivered.fetch}\n\n"
            + ("The command was copied to your clipboard (where your terminal allows). " if copied else "")
            + "Files stay in your outbox for "
            f"{self.app.services.ctx.settings.server.outbox_days} days; 'ssh … outbox' lists them.")

    def copy(self, text: str) -> bool:
        """Copy to the user's clipboard through the terminal (OSC 52)."""
        try:
            self.app.copy_to_clipboard(text)
        except Exception:  # a terminal that cannot take it: the command is on screen anyway
            return False
        return True

    def action_copy_command(self) -> None:
        """Copy the last fetch command again."""
        if self.last_command and self.copy(self.last_command):
            self.app.notify("Fetch command copied to the clipboard (where your terminal allows).", timeout=3)

    # --- imports ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="transfer")
    def run_import(self, kind: str, name: str, dry_run: bool, content: bytes | None = None) -> None:
        exports = self.exports
        assert exports is not None
        try:
            if content is None:  # read once: what is applied is exactly what was checked
                content = exports.read_import(name)
            result = exports.run_import(kind, name, dry_run=dry_run, content=content)
        except EXPECTED as exc:
            self.app.call_from_thread(self.finished, f"{name}: not imported. {exc}")
            return
        self.app.call_from_thread(self.imported, kind, name, dry_run, result, content)

    def imported(self, kind: str, name: str, dry_run: bool, result: Any, content: bytes) -> None:
        lines = list(result.lines())
        clean_run = not result.rejected and not getattr(result, "blocked", False) \
            and getattr(result, "failed", None) is None
        if dry_run and clean_run:
            self.ready_import = (kind, name, content)
            key = self.app.key_for("transfers.apply", self.BINDINGS)
            lines.append(f"\nPress {key} to apply this import of {name}.")
        elif dry_run:
            lines.append(f"\n{name} cannot be applied as it is: correct the rows above and have the file "
                         "put in the import folder again.")
        self.finished("\n".join(lines))

    def action_apply_import(self) -> None:
        """Apply the import whose dry run is on screen."""
        if self.ready_import is None or self.busy:
            return
        kind, name, content = self.ready_import
        self.ready_import = None
        self.busy = True
        self.refresh_bindings()
        self.show(f"Importing {name} as checked…")
        self.run_import(kind, name, dry_run=False, content=content)

    def finished(self, text: str) -> None:
        self.busy = False
        self.show(text)
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()
