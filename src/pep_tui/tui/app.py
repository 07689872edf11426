"""The pep-tui Textual app: ``run_app(opened, principal)`` opens it on a store for a signed-in person."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
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
from pep_tui.tui.text import clean
from pep_tui.tui.widgets.identity import IdentityBar

PLAIN_THEME = "ansi-dark"


class PepApp(App[None]):
    """Keyboard-first PEP work. Every action has a key (with an id, remappable) and a palette entry."""

    CSS_PATH = "app.tcss"
    TITLE = "pep-tui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {ChildrenProvider, PluginCommandsProvider}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help"),
        Binding("question_mark", "help", "Help", show=False, id="app.help_question_mark"),
        Binding("ctrl+t", "switch_role", "Switch role", id="app.switch_role"),
        Binding("f3", "qa_queue", "QA queue", id="app.qa_queue"),
        Binding("f4", "compliance", "Compliance", id="app.compliance"),
        Binding("f5", "views", "Views", id="app.views"),
        Binding("f6", "plugins", "Plugins", id="app.plugins"),
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
    ]

    def __init__(self, opened: Opened, principal: Principal, **kwargs: Any) -> None:
        plain = opened.settings.theme == "plain"
        super().__init__(ansi_color=True if plain else None, **kwargs)
        self.opened = opened
        self.services = opened.services
        self.principal = principal
        self.plain = plain
        self._where = ""
        if opened.settings.keys:
            self.set_keymap(dict(opened.settings.keys))

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

    # --- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.plain:
            self.theme = PLAIN_THEME
            self.animation_level = "none"
        broken = [r for r in self.plugin_records() if r.error and not getattr(r, "disabled", False)]
        if broken:
            self.notify(f"{len(broken)} plugin(s) failed to load: "
                        f"{', '.join(clean(r.name) for r in broken)}. F6 shows why.",
                        title="Plugins", severity="warning", timeout=8)
        self.show_home()

    def show_home(self) -> None:
        """Show the children list for the current principal."""
        from pep_tui.tui.screens.children import ChildrenScreen

        self.push_screen(ChildrenScreen())

    def identity_bar(self) -> IdentityBar:
        """The header every screen shows."""
        role = self.services.registry.roles.get(self.principal.role)
        return IdentityBar(self.principal.display_name, role.title if role else self.principal.role,
                           self.principal.login, self.principal.training)

    def set_where(self, where: str) -> None:
        """Tell the header which child or view is on screen."""
        for bar in self.screen.query(IdentityBar):
            bar.set_where(where)

    # --- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        registry, principal = self.services.registry, self.principal
        if action == "switch_role":
            return principal.training
        if action == "qa_queue":
            return can(registry, principal, Capability.RATE_QA)
        if action == "compliance":
            return can(registry, principal, Capability.VIEW_REPORTS)
        if action == "views":
            return bool(self.views_for_role())
        return True

    def action_help(self) -> None:
        """Show the keys of the screen in view."""
        from pep_tui.tui.screens.help import HelpScreen, binding_rows

        if isinstance(self.screen, HelpScreen):
            return
        title = type(self.screen).__name__.removesuffix("Screen") or "pep-tui"
        self.push_screen(HelpScreen(title, binding_rows(self.screen)))

    def action_qa_queue(self) -> None:
        """The Virtual School's QA queue."""
        from pep_tui.tui.screens.qa import QAQueueScreen

        self.push_screen(QAQueueScreen())

    def action_compliance(self) -> None:
        """Cohort compliance summary."""
        from pep_tui.tui.screens.compliance import ComplianceScreen

        self.push_screen(ComplianceScreen())

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

    # --- training role picker ---------------------------------------------------------------

    def action_switch_role(self) -> None:
        """Sign in as another staff member or role of the sandbox (training only)."""
        from pep_tui.tui.screens.dialogs import PickDialog

        if not self.principal.training:
            self.notify("Switching role is only for training sandboxes.", severity="warning")
            return
        items = []
        for member in sorted(self.services.store.list_staff(), key=lambda m: (m.roles[0] if m.roles else "", m.login)):
            if not member.active:
                continue
            for role in member.roles:
                definition = self.services.registry.roles.get(role)
                label = f"{definition.title if definition else role:<20} {member.display_name} ({member.login})"
                items.append((clean(label), (member.login, role)))
        self.push_screen(PickDialog("Switch to (training)", items, "Fictional staff of the sandbox"),
                         lambda picked: self.leave_editors(lambda: self.switch_principal(*picked)) if picked else None)

    def switch_principal(self, login: str, role: str) -> None:
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
        self.notify(f"Now signed in as {clean(principal.display_name)} ({clean(principal.role)}).", timeout=3)

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

        for entry in screen_commands(self, screen):
            yield SystemCommand(entry.title, entry.help, entry.callback)
        for saved in SAVED_FILTERS:
            yield SystemCommand(f"Children: {saved.title}", "Show the children list with this saved filter",
                                partial(self.apply_saved_filter, saved.id), discover=False)
        yield SystemCommand("Plugins", "Loaded plugins and load errors", self.action_plugins)
        if self.check_action("qa_queue", ()):
            yield SystemCommand("QA queue", "Submitted PEPs awaiting quality assurance", self.action_qa_queue)
        if self.check_action("compliance", ()):
            yield SystemCommand("Compliance", "Cohort compliance summary", self.action_compliance)
        if self.principal.training:
            yield SystemCommand("Switch role", "Training: act as another fictional staff member", self.action_switch_role)
        yield SystemCommand("Keys", "Show the keys of this screen", self.action_help)
        yield SystemCommand("Quit", "Leave pep-tui (asks about unsaved edits)", self.action_quit)


def run_app(opened: Opened, principal: Principal) -> None:
    """Run the app until the user quits (blocking)."""
    PepApp(opened, principal).run()


__all__ = ["PepApp", "run_app"]
