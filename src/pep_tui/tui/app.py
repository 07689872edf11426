"""The pep-tui Textual app: ``run_app(opened, principal)`` opens it on a store for a signed-in person."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable
from importlib import import_module
from typing import Any, ClassVar

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel
from textual.screen import Screen

from pep_tui.bootstrap import Opened
from pep_tui.plugins.api import Capability, ViewSpec
from pep_tui.services import PermissionDenied, Principal, can
from pep_tui.tui.commands import (
    ChildrenProvider,
    CommandContext,
    PaletteCommand,
    PluginCommandsProvider,
    screen_commands,
)
from pep_tui.tui.ordered_keys import OrderedKeysMixin
from pep_tui.tui.sandbox import confirm_reset, in_sandbox, open_exercises, pick_role
from pep_tui.tui.session import InputClosed, SessionGuard, apply_escape_delay, session_driver
from pep_tui.tui.terminal import limited_terminal
from pep_tui.tui.text import clean
from pep_tui.tui.web import browser_keymap, deliver_document, in_browser
from pep_tui.tui.widgets.identity import IdentityBar

PLAIN_THEME = "ansi-dark"


class PepApp(OrderedKeysMixin, App[None]):
    """Keyboard-first PEP work. Every action has a key (with an id, remappable) and a palette entry."""

    CSS_PATH = "app.tcss"
    TITLE = "pep-tui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {ChildrenProvider, PluginCommandsProvider}

    # Function keys are the app's before any widget's: a text box would otherwise take F6 and F7 to
    # select its line or all of its text, and the next key typed would replace it.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help", priority=True),
        Binding("question_mark", "help", "Help", show=False, id="app.help_question_mark"),
        Binding("ctrl+t", "switch_role", "Switch role", id="app.switch_role"),
        Binding("f3", "qa_queue", "QA queue", show=False, id="app.qa_queue", priority=True),
        Binding("f4", "compliance", "Compliance", show=False, id="app.compliance", priority=True),
        Binding("f5", "views", "Views", show=False, id="app.views", priority=True),
        Binding("f6", "plugins", "Plugins", show=False, id="app.plugins", priority=True),
        Binding("f7", "exercises", "Exercises", show=False, id="app.exercises", priority=True),
        Binding("f8", "reset_sandbox", "Reset sandbox", show=False, id="app.reset_sandbox", priority=True),
        Binding("f9", "transfers", "Exports", show=False, id="app.transfers", priority=True),
        Binding("f10", "inbox", "Needs you", show=False, id="app.inbox", priority=True),
        Binding("f12", "staff", "Staff", show=False, id="app.staff", priority=True),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # Handled by the app before keys reach a field, so "180<tab>150" typed ahead over a slow link
        # lands in two fields, not one.
        Binding("tab", "focus_next", "Next field", show=False, priority=True, id="app.next_field"),
        Binding("shift+tab", "focus_previous", "Previous field", show=False, priority=True, id="app.previous_field"),
    ]

    def __init__(self, opened: Opened, principal: Principal, *, idle_seconds: float | None = None,
                 **kwargs: Any) -> None:
        plain = opened.settings.theme == "plain" or limited_terminal(os.environ)
        super().__init__(ansi_color=True if plain else None, **kwargs)
        #: the idle limit (``[server] idle_minutes`` on a live store unless ``idle_seconds`` is given)
        self.session = SessionGuard(self, opened.settings, idle_seconds=idle_seconds,
                                    live=opened.services.store.kind == "live")
        self.opened = opened
        self.services = opened.services
        self.principal = principal
        self.plain = plain
        self._where = ""
        self.keymap: dict[str, str] = dict(opened.settings.keys)
        #: training: each exercise checked this session (done or not), its last message, the one in view
        self.exercise_progress: dict[str, bool] = {}
        self.exercise_messages: dict[str, str] = {}
        self.last_exercise: str | None = None
        #: unreadable child files already shown in a warning this session
        self._unreadable_shown: set[str] = set()
        #: browser downloads handed over and not yet fetched: delivery key -> file name
        self._pending_downloads: dict[str, str] = {}
        if self.keymap:
            self.set_keymap(self.keymap)

    # --- services the app reaches defensively (parts may be absent in an installation) ---------

    @property
    def workflow(self) -> Any:
        """``services.workflow`` when installed, else ``None``."""
        return getattr(self.services, "workflow", None)

    @property
    def qa(self) -> Any:
        """``services.qa`` when installed, else ``None``."""
        return getattr(self.services, "qa", None)

    def plugin_records(self) -> list[Any]:
        """Every plugin the manager tried to load."""
        return list(self.opened.plugins.records.values())

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A toast. Its text is never read as markup and control characters are made visible: messages
        often quote what a user typed or a name from the store."""
        super().notify(clean(message, newlines=True), title=clean(title), severity=severity, timeout=timeout,
                       markup=markup)

    def warn_unreadable(self) -> None:
        """After a list, dashboard or queue: name (once per session) each child whose file could not be
        read and was left out (see :mod:`pep_tui.store.unreadable`). A warning, not a refusal."""
        unreadable = getattr(self.services.store, "unreadable", None)
        new = [u for u in unreadable or () if u.child_id not in self._unreadable_shown]
        if not new:
            return
        self._unreadable_shown.update(u.child_id for u in new)
        files = ", ".join(f"{u.path.parent.name}/{u.path.name}" for u in new[:3]) + ("…" if len(new) > 3 else "")
        self.notify(f"{len(new)} child file(s) cannot be read and are left out of lists and figures: {files}. "
                    f"Tell your administrator: 'pep-tui store restore --child CHILD_ID' brings one back.",
                    title="Unreadable records", severity="warning", timeout=15)

    # --- internal errors --------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """An unexpected error anywhere in the app: instead of Textual's crash screen (which prints every
        local variable: children's names and records), log the traceback as an incident and leave with
        one line naming it (exit code 70)."""
        from textual.worker import WorkerFailed

        from pep_tui.cli.exit_codes import INTERNAL_ERROR
        from pep_tui.incidents import configure_logging, record_incident

        cause = error.error if isinstance(error, WorkerFailed) and isinstance(error.error, BaseException) else error
        where = f"app ({type(self.screen).__name__})" if self.screen_stack else "app"
        with contextlib.suppress(Exception):  # record_incident falls back, and says so
            configure_logging(self.opened.settings)  # this app's data folder, whatever was set up before
        incident = record_incident(cause, where=where, data_dir=self.opened.settings.data_dir,
                                   login=self.principal.login)
        self._return_code = INTERNAL_ERROR
        if self._exception is None:  # as Textual does: a test driving the app (run_test) sees the error
            self._exception = error
            self._exception_event.set()
        self._incident_line = incident.line()
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """After the terminal is restored: the incident's one line (never cropped or wrapped to the
        terminal's width), and nothing that Textual collected besides."""
        line = getattr(self, "_incident_line", None)
        if line is None:
            super()._print_error_renderables()
            return
        self._exit_renderables.clear()
        self._incident_line = None
        sys.stderr.write(line + "\n")
        sys.stderr.flush()

    # --- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        if in_browser(self):  # browsers keep ctrl+t/n/w: offer other keys, shown in the footer and help
            self.keymap = browser_keymap(self.keymap)
            self.set_keymap(self.keymap)
        if self.plain:
            self.theme = PLAIN_THEME
            self.animation_level = "none"
        self.session.start()
        broken = [r for r in self.plugin_records() if r.error and not getattr(r, "disabled", False)]
        if broken:
            self.notify(f"{len(broken)} plugin(s) failed to load: "
                        f"{', '.join(clean(r.name) for r in broken)}. F6 shows why.",
                        title="Plugins", severity="warning", timeout=8)
        self._calendar_warnings()
        self.show_home()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.session.key_pressed()
        await super().on_event(event)

    def on_input_closed(self, _message: InputClosed) -> None:
        """The terminal went away: end the session rather than wait for keys that cannot come."""
        self.session.input_closed()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.session.focused(event.widget)

    def _calendar_warnings(self) -> None:
        """Say when due dates rest on default term dates or bank holidays past the checked year."""
        from pep_tui.services.due_dates import calendar_warnings

        for warning in calendar_warnings(self.services.ctx.settings.policy, self.services.ctx.today()):
            self.notify(warning, title="Due dates", severity="warning", timeout=10)

    def show_home(self) -> None:
        """Show the children list for the current principal."""
        from pep_tui.tui.screens.children import ChildrenScreen

        self.push_screen(ChildrenScreen())

    def identity_bar(self) -> IdentityBar:
        """The header every screen shows."""
        role = self.services.registry.roles.get(self.principal.role)
        return IdentityBar(self.principal.display_name, role.title if role else self.principal.role,
                           self.principal.login, self.principal.training,
                           switch_key=self.key_for("app.switch_role") if self.principal.training else "")

    def key_for(self, binding_id: str, bindings: Iterable[BindingType] = ()) -> str:
        """How the first key bound to ``binding_id`` is shown (after any remapping in settings).

        ``bindings`` are a screen's own ``BINDINGS``, for a binding that is not the app's.
        """
        keys = self.keymap.get(binding_id)
        if keys is None:
            keys = next((b.key for b in [*self.BINDINGS, *bindings] if isinstance(b, Binding) and b.id == binding_id), "")
        first = keys.split(",")[0].strip()
        return self.get_key_display(Binding(first, "")) if first else ""

    def set_where(self, where: str) -> None:
        """Tell the header which child or view is on screen."""
        for bar in self.screen.query(IdentityBar):
            bar.set_where(where)

    # --- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        registry, principal = self.services.registry, self.principal
        if action in ("switch_role", "exercises", "reset_sandbox"):
            return in_sandbox(self)
        if action == "qa_queue":
            return can(registry, principal, Capability.RATE_QA)
        if action == "compliance":
            return can(registry, principal, Capability.VIEW_REPORTS)
        if action == "views":
            return bool(self.views_for_role())
        if action == "staff":  # the staff service refuses anyone else as well
            return principal.admin and principal.role == "virtual_school"
        return True

    def action_help(self) -> None:
        """Show the keys of the screen in view."""
        from pep_tui.tui.screens.help import HelpScreen, binding_rows, screen_title

        if isinstance(self.screen, HelpScreen):  # F1 again closes it
            self.screen.dismiss(None)
            return
        self.push_screen(HelpScreen(screen_title(self.screen), binding_rows(self.screen)))

    def action_qa_queue(self) -> None:
        """The Virtual School's QA queue."""
        from pep_tui.tui.screens.qa import QAQueueScreen

        self.push_screen(QAQueueScreen())

    def action_inbox(self) -> None:
        """Everything that needs you (and, for the Virtual School, overdue across the cohort)."""
        from pep_tui.tui.screens.inbox import InboxScreen

        self.push_screen(InboxScreen())

    def action_staff(self) -> None:
        """Staff records: add, edit, disable and enable staff (Virtual School administrators)."""
        from pep_tui.tui.screens.staff import StaffScreen

        if isinstance(self.screen, StaffScreen):
            return
        self.push_screen(StaffScreen())

    def action_compliance(self) -> None:
        """Cohort compliance summary."""
        from pep_tui.tui.screens.compliance import ComplianceScreen

        self.push_screen(ComplianceScreen())

    def action_transfers(self) -> None:
        """Exports and imports, for the child or PEP in view when there is one."""
        from pep_tui.tui.screens.transfers import TransfersScreen

        if isinstance(self.screen, TransfersScreen):
            return
        self.push_screen(TransfersScreen(getattr(self.screen, "child_id", None), getattr(self.screen, "pep_id", None)))

    def action_plugins(self) -> None:
        """Loaded plugins and load errors."""
        from pep_tui.tui.screens.plugins import PluginsScreen

        self.push_screen(PluginsScreen())

    def action_views(self) -> None:
        """Pick a plugin view."""
        from pep_tui.tui.screens.dialogs import PickDialog

        views = self.views_for_role()
        if not views:
            self.notify("No plugin views for your role.", title="Views")
            return
        self.push_screen(PickDialog("Views", [(clean(v.title), v) for v in views]),
                         lambda view: self.open_view(view) if view else None)

    def open_child(self, child_id: str) -> None:
        """Open a child's screen (from the palette)."""
        from pep_tui.tui.screens.child import ChildScreen

        self.push_screen(ChildScreen(child_id))

    def apply_saved_filter(self, filter_id: str) -> None:
        """Show the children list with a saved filter."""
        from pep_tui.tui.screens.children import ChildrenScreen

        def apply() -> None:
            while len(self.screen_stack) > 2 and not isinstance(self.screen, ChildrenScreen):
                self.pop_screen()
            if isinstance(self.screen, ChildrenScreen):
                self.screen.apply_saved(filter_id)

        self.leave_editors(apply)

    # --- leaving with unsaved edits ---------------------------------------------------------

    def leave_editors(self, then: Any) -> None:
        """Run ``then`` once every open PEP editor has no unsaved edits (asking the user)."""
        from pep_tui.tui.screens.pep import PEPScreen

        editors = [s for s in self.screen_stack if isinstance(s, PEPScreen) and s.dirty_forms]
        if not editors:
            then()
            return
        editor = editors[-1]
        while self.screen is not editor:
            self.pop_screen()
        editor.leave(lambda: self._after_leave(editor, then))

    def _after_leave(self, editor: Screen, then: Any) -> None:
        if self.screen is editor:
            self.pop_screen()
        self.leave_editors(then)

    async def action_quit(self) -> None:
        """Quit (asking about unsaved edits first)."""
        self.leave_editors(self.exit)

    # --- training sandbox --------------------------------------------------------------------

    def action_switch_role(self) -> None:
        """Sign in as another staff member or role of the sandbox (training only)."""
        pick_role(self)

    def action_exercises(self) -> None:
        """The training exercises: task, hint, and a check of whether each is done (training only)."""
        open_exercises(self)

    def action_reset_sandbox(self) -> None:
        """Put the training sandbox back to its starting state, after a confirmation (training only)."""
        confirm_reset(self)

    def reopen(self, opened: Opened, principal: Principal) -> None:
        """Carry on with other services (a sandbox just reset) without restarting: back to the list."""
        self.opened = opened
        self.services = opened.services
        self.exercise_progress.clear()
        self.exercise_messages.clear()
        self.switch_principal(principal.login, principal.role, quiet=True)

    def switch_principal(self, login: str, role: str, quiet: bool = False) -> None:
        """Become another principal (training sandboxes allow it) and go back to the children list."""
        try:
            principal = self.services.principal_for(login, role)
        except PermissionDenied as exc:
            self.notify(str(exc), title="Cannot switch", severity="error")
            return
        self.principal = principal
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.show_home()
        self.refresh_bindings()
        if not quiet:
            role_title = self.services.registry.roles[role].title if role in self.services.registry.roles else role
            self.notify(f"Now signed in as {principal.display_name} ({role_title}).", timeout=3)

    # --- plugin views and commands ----------------------------------------------------------

    def views_for_role(self) -> list[ViewSpec]:
        """Plugin views this role may open."""
        return [v for v in self.services.registry.views.values()
                if v.screen and (v.roles is None or self.principal.role in v.roles)]

    def open_view(self, view: ViewSpec) -> None:
        """Construct a plugin's screen as ``Class(services, principal)`` and show it."""
        try:
            module_name, _, class_name = (view.screen or "").partition(":")
            screen_class = getattr(import_module(module_name), class_name)
            screen = screen_class(self.services, self.principal)
        except Exception as exc:
            self.notify(f"The view {clean(view.title)} could not open ({type(exc).__name__}: {clean(exc)}).",
                        title="Plugin view", severity="error")
            return
        self.push_screen(screen)
        self.call_after_refresh(self._add_identity, screen, view.title)

    def _add_identity(self, screen: Screen, where: str) -> None:
        """Give a plugin's screen the header (who is signed in; the TRAINING banner in a sandbox) unless it
        already has one, or docks something else at the top."""
        if not screen.is_attached or screen.query(IdentityBar):
            return
        if any(child.styles.dock == "top" for child in screen.children):
            return
        bar = self.identity_bar()
        bar.where = where
        if screen.children:
            screen.mount(bar, before=0)
        else:
            screen.mount(bar)

    def run_plugin_command(self, command: Any) -> None:
        """Run a plugin's palette command, isolating its errors."""
        from pep_tui.tui.screens.child import ChildScreen
        from pep_tui.tui.screens.pep import PEPScreen

        screen = self.screen
        context = CommandContext(self.services, self.principal,
                                 child_id=getattr(screen, "child_id", None) if isinstance(screen, ChildScreen | PEPScreen) else None,
                                 pep_id=getattr(screen, "pep_id", None))
        try:
            message = command.run(context)
        except Exception as exc:
            self.notify(f"{clean(command.title)} failed ({type(exc).__name__}: {clean(exc)}).", severity="error")
            return
        if message:
            self.notify(clean(message), title=clean(command.title))

    def plugin_palette_commands(self) -> Iterable[PaletteCommand]:
        """Palette entries for plugin views and commands of this role."""
        from functools import partial

        for view in self.views_for_role():
            yield PaletteCommand(f"View: {clean(view.title)}", clean(view.description), partial(self.open_view, view))
        for command in self.services.registry.commands.values():
            if command.roles is None or self.principal.role in command.roles:
                yield PaletteCommand(clean(command.title), clean(command.help), partial(self.run_plugin_command, command))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action of the screen in view, the app's screens and the saved filters."""
        from functools import partial

        from pep_tui.tui.cohort_view import SAVED_FILTERS
        from pep_tui.tui.screens.pep import PEPScreen

        for entry in screen_commands(self, screen):
            yield SystemCommand(entry.title, entry.help, entry.callback)
        if isinstance(screen, PEPScreen):  # type part of a section's name to go straight to it
            for state in screen.states:
                yield SystemCommand(f"Section: {clean(state.spec.title)}", "Show this section of the PEP",
                                    partial(screen.show_section, state.spec.id))
        for saved in SAVED_FILTERS:
            yield SystemCommand(f"Children: {saved.title}", "Show the children list with this saved filter",
                                partial(self.apply_saved_filter, saved.id), discover=False)
        yield SystemCommand("Exports and imports", "Export this PEP, a blank form, the data or the ledger; "
                            "imports from the server's import folder", self.action_transfers)
        yield SystemCommand("Needs you", "What needs you now, most pressing first", self.action_inbox)
        yield SystemCommand("Plugins", "Loaded plugins and load errors", self.action_plugins)
        if self.check_action("qa_queue", ()):
            yield SystemCommand("QA queue", "Submitted PEPs awaiting quality assurance", self.action_qa_queue)
        if self.check_action("compliance", ()):
            yield SystemCommand("Compliance", "Cohort compliance summary", self.action_compliance)
        if self.check_action("staff", ()):
            yield SystemCommand("Staff", "Staff records: add, edit, disable and enable staff, their roles and scopes",
                                self.action_staff)
        if in_sandbox(self):
            yield SystemCommand("Switch role", "Training: act as another fictional staff member", self.action_switch_role)
            yield SystemCommand("Exercises", "Training: the exercises, their hints, and check one", self.action_exercises)
            yield SystemCommand("Reset sandbox", "Training: put the sandbox back to its starting state (asks first)",
                                self.action_reset_sandbox)
        child_id = getattr(screen, "child_id", None)
        if isinstance(child_id, str):
            yield SystemCommand("Download this PEP (PDF)", "The PEP in view as a PDF, for the meeting",
                                partial(self.download_pep, child_id, getattr(screen, "pep_id", None), "pdf"))
            yield SystemCommand("Download this PEP (Word)", "The PEP in view as a Word document",
                                partial(self.download_pep, child_id, getattr(screen, "pep_id", None), "docx"))
        for stage_id in self.services.registry.stages:
            yield SystemCommand(f"Download blank PEP form: {clean(stage_id)}", "An empty form for this stage (PDF)",
                                partial(self.download_blank, stage_id), discover=False)
        yield SystemCommand("Keys", "Show the keys of this screen", self.action_help)
        yield SystemCommand("Quit", "Leave pep-tui (asks about unsaved edits)", self.action_quit)


    # --- downloads: in a browser through deliver_binary; in a terminal the export command -----

    def download_pep(self, child_id: str, pep_id: str | None = None, fmt: str = "pdf") -> None:
        """Give the person a PEP document (permission-checked and audited by the export service)."""
        from pep_tui.services import WorkflowError

        try:
            exported = self.services.exports.pep(self.principal, child_id, pep_id, fmt)
        except (PermissionDenied, WorkflowError) as exc:
            self.notify(str(exc), severity="error")
            return
        self._deliver(exported.content, exported.filename,
                      f"pep-tui export pep {child_id} --format {fmt}")

    def download_blank(self, stage_id: str, fmt: str = "pdf") -> None:
        """Give the person a blank PEP form for a stage."""
        exported = self.services.exports.blank(self.principal, stage_id, fmt)
        self._deliver(exported.content, exported.filename,
                      f"pep-tui export blank --stage {stage_id} --format {fmt}")

    #: a browser download not fetched after this many seconds is reported (a browser refused it)
    DOWNLOAD_WAIT_SECONDS: ClassVar[float] = 20.0

    def _deliver(self, content: bytes, filename: str, terminal_route: str) -> None:
        key = deliver_document(self, content, filename)
        if key is None:
            self.notify(f"Downloads work in the browser. In a terminal: {terminal_route}", title="Download")
            return
        self.notify(f"Downloading {filename}…", title="Download")
        if key:
            self._pending_downloads[key] = filename
            self.set_timer(self.DOWNLOAD_WAIT_SECONDS, lambda: self._download_overdue(key))

    def _download_overdue(self, key: str) -> None:
        filename = self._pending_downloads.get(key)
        if filename is not None:
            self.notify(f"Your browser has not fetched {filename} yet: use the link at the top of the "
                        "page, or allow downloads for this site.", title="Download", severity="warning",
                        timeout=15)

    def on_delivery_complete(self, event: Any) -> None:
        """A browser download went through."""
        filename = self._pending_downloads.pop(getattr(event, "key", ""), None)
        if filename is not None:
            self.notify(f"Downloaded {filename}.", title="Download")

    def on_delivery_failed(self, event: Any) -> None:
        """A browser download that did not complete: say so."""
        self._pending_downloads.pop(getattr(event, "key", ""), None)
        self.notify("The download did not complete; please try again.", title="Download", severity="warning")


def run_app(opened: Opened, principal: Principal) -> int:
    """Run the app until the user quits, the session is idle too long or its terminal goes (blocking);
    the exit code (70 after an internal error)."""
    import os
    import sys

    browser = in_browser()  # pep-tui web: Textual's web driver over pipes, chosen by the environment
    if not browser and not (os.isatty(sys.stdin.fileno()) and os.isatty(sys.stdout.fileno())):
        raise RuntimeError("the full-screen app needs a terminal on standard input and output")  # callers say why first
    apply_escape_delay(opened.settings)
    app = PepApp(opened, principal, driver_class=None if browser else session_driver())
    app.run()
    return app.return_code or 0


__all__ = ["PepApp", "run_app"]
