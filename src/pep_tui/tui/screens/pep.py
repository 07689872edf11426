"""The PEP editor: a tab per section, forms from the sections' models, findings, save and workflow."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Label, OptionList, Static, TabbedContent, TabPane

from pep_tui.domain import year_group_label
from pep_tui.plugins.api import Finding, Severity
from pep_tui.services import PermissionDenied
from pep_tui.services.family_view import YOUNG_PERSON_STATUS, is_young_person
from pep_tui.services.peps import SectionState, count_completion
from pep_tui.tui.cohort_view import STATUS_WORDS
from pep_tui.tui.forms import describe_model
from pep_tui.tui.navigation import go_back
from pep_tui.tui.screens.dialogs import ChoiceDialog
from pep_tui.tui.screens.pep_findings import jump_to, refresh_findings
from pep_tui.tui.screens.pep_saving import save_form, settle_typing
from pep_tui.tui.text import clean
from pep_tui.tui.widgets.section_form import SectionForm

if TYPE_CHECKING:
    from pep_tui.domain import PEP
    from pep_tui.tui.app import PepApp

def pane_id(section_id: str) -> str:
    """A widget id for a section's tab (ids may not contain dots)."""
    return "s-" + section_id.replace(".", "--")


class PEPScreen(Screen[None]):
    """Edit one PEP. Unsaved edits are never dropped: leaving asks first."""

    HELP_TITLE = "PEP"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="pep.save", priority=True),
        Binding("ctrl+n", "next_section", "Next section", id="pep.next_section", priority=True),
        Binding("ctrl+o", "previous_section", "Prev section", id="pep.previous_section", priority=True),
        Binding("ctrl+l", "findings", "Findings", id="pep.findings", priority=True),
        Binding("ctrl+g", "workflow", "Actions", id="pep.actions", priority=True),
        Binding("ctrl+r", "reload", "Reload", id="pep.reload", priority=True),
        Binding("f2", "jump_field", "Jump to field", id="pep.jump_field", priority=True),
        Binding("escape", "back", "Back", id="pep.back"),
        Binding("ctrl+z", "undo_action", "Undo sign-off", id="pep.undo_action", priority=True),
    ]

    #: seconds in which a confirmed sign-off (submit, approve, return…) can be undone before it is recorded
    undo_seconds: float = 5.0

    app: PepApp

    def __init__(self, child_id: str, pep_id: str) -> None:
        super().__init__()
        self.child_id = child_id
        self.pep_id = pep_id
        self.child_name = ""
        self.pep: PEP | None = None
        self.states: list[SectionState] = []
        self.findings: list[Finding] = []
        #: a confirmed action waiting out its undo window: (action, reason, timer)
        self.pending_action: tuple[str, str | None, Any] | None = None

    # --- loading -----------------------------------------------------------------------------

    def _read(self) -> None:
        services, principal = self.app.services, self.app.principal
        record = services.children.record(principal, self.child_id)
        self.child_name = record.child.display_name
        self.pep = services.peps.get(principal, self.child_id, self.pep_id)
        self.states = services.peps.visible_sections(principal, record, record.pep(self.pep_id))

    def compose(self) -> ComposeResult:
        try:
            self._read()
        except PermissionDenied as exc:
            self.app.notify(str(exc), title="Not available", severity="error")
            self.call_later(self.app.pop_screen)
            return
        yield self.app.identity_bar()
        yield Static(self._title(), id="pep-title")
        yield Static(self._return_reason(), id="pep-return-reason", classes="-empty" if not self._return_reason() else "")
        with TabbedContent(id="sections"):
            for state in self.states:
                yield TabPane(Content.from_rich_text(self._tab_label(state)), id=pane_id(state.spec.id))
        if not self.states:
            yield Static(Text("No sections are installed for this PEP's stage, or none is visible to your role.",
                              style="bold"))
        with Vertical(id="findings-panel"):
            yield Label(Text("Findings (enter jumps to the field, ctrl+l hides)", style="bold"))
            yield OptionList(id="findings")
        yield Static("", id="pep-status")
        yield Footer()

    def on_mount(self) -> None:
        self.app.set_where(self.child_name)
        if self.states:  # open on the first section this role may edit (a carer's, a young person's)
            first = next((s for s in self.states if s.editable), self.states[0])
            if first is not self.states[0]:
                self.query_one("#sections", TabbedContent).active = pane_id(first.spec.id)
            self.build_form(first.spec.id, focus=True)
        self.refresh_findings()
        self.update_status()

    def on_screen_resume(self) -> None:
        if self.app.screen is not self:
            return
        self.take_my_own_changes()
        self.call_after_refresh(self._keep_focus_in_view)

    def take_my_own_changes(self, anyone: bool = False) -> bool:
        """Back from a screen that saved this PEP (a QA rating, a note): take the newer revision silently
        when nothing is unsaved here and the last save was one's own, so the next action is not refused as
        a conflict with oneself. ``anyone`` takes someone else's newer revision too (after telling the user)."""
        if self.pep is None or self.dirty_forms:
            return False
        try:
            latest = self.app.services.peps.get(self.app.principal, self.child_id, self.pep_id)
        except PermissionDenied:
            return False
        if latest.revision == self.pep.revision or (latest.updated_by != self.app.principal.login and not anyone):
            return False
        self._read()
        self.adopt(self.pep, rebuild=set())  # type: ignore[arg-type]
        return True

    def _keep_focus_in_view(self) -> None:
        """Back from a dialog or the palette: if focus was left on a hidden tab (or nowhere), move it to
        the section in view, so typing never goes into a section the user cannot see."""
        if not self.is_attached or self.app.screen is not self or not self.query("#sections"):
            return
        section = self.current_section()
        form = self.form_for(section) if section else None
        if form is None or self.query_one("#findings-panel").has_class("-shown"):
            return
        focused = self.focused
        if focused is None or form not in focused.ancestors:
            self._focus_form(form)

    def _title(self) -> Text:
        pep = self.pep
        text = Text(no_wrap=True, overflow="ellipsis")
        if pep is None:
            return text
        text.append(clean(self.child_name), style="bold")
        if self._young_person():  # their own plan, in their words: no stage codes or workflow terms
            text.append(f" · your PEP for {pep.term_ref.label} · {year_group_label(pep.year_group)} · ")
            text.append(YOUNG_PERSON_STATUS.get(pep.status.value, pep.status.value.replace("_", " ")), style="bold")
            return text
        text.append(f" · {pep.term_ref.label} PEP · {clean(pep.stage)} Y{pep.year_group} · ")
        text.append(STATUS_WORDS.get(pep.status.value, pep.status.value), style="bold")
        if pep.plugin_data.get("correction"):
            text.append(" · correction of an approved PEP", style="bold")
        if not any(s.editable for s in self.states):
            text.append(" · read only", style="dim")
        return text

    def _return_reason(self) -> Text:
        """Why the PEP was returned, by whom and when: wrapped on its own lines, readable at 80 columns."""
        pep = self.pep
        if pep is None or not pep.return_reason or pep.status.value != "returned":
            return Text()
        step = next((s for s in reversed(pep.sign_offs) if s.step == "return"), None)
        text = Text("Returned", style="bold")
        if step is not None:
            member = self.app.services.store.get_staff(step.by)
            text.append(f" by {clean(member.display_name if member else step.by)} on {step.at:%d %b %Y}")
        text.append(": ", style="bold")
        text.append(clean(pep.return_reason, newlines=True))
        return text

    def _young_person(self) -> bool:
        """Whether the child or young person themself is reading their plan (plain words, no staff terms)."""
        return is_young_person(self.app.services.registry, self.app.principal)

    def _tab_label(self, state: SectionState) -> Text:
        filled, total = state.filled, state.total
        if self.pep is not None:
            filled, total = count_completion(state.spec.model, self.pep.section(state.spec.id))
        mark = "●" if filled >= total else ("◐" if filled else "○")
        label = Text(f"{mark} ")
        label.append(clean(state.spec.title))
        if self._young_person():
            return label
        label.append(f" {filled}/{total}", style="dim")
        if not state.editable:
            label.append(" ro", style="dim")
        return label

    # --- forms -------------------------------------------------------------------------------

    def state_for(self, section_id: str) -> SectionState | None:
        """The visible section with this id."""
        return next((s for s in self.states if s.spec.id == section_id), None)

    def form_for(self, section_id: str) -> SectionForm | None:
        """The form of a section, if it has been built (forms are built when first shown)."""
        for form in self.query(SectionForm):
            if form.section_id == section_id:
                return form
        return None

    def forms(self) -> list[SectionForm]:
        """Every built form."""
        return list(self.query(SectionForm))

    def _reading(self, spec: Any, section_id: str) -> str | None:
        """A read-only section in its plugin's plain words, when it has a reader (else ``None``: the fields)."""
        reader = getattr(spec, "reader", None)
        data = self.pep.section(section_id) if self.pep is not None else None
        if reader is None or not data:
            return None
        try:
            return str(reader(data, self.pep))
        except Exception:  # a plugin's bug must not stop the PEP opening: show the stored fields instead
            return None

    def build_form(self, section_id: str, focus: bool = False) -> SectionForm | None:
        """Build (or rebuild) a section's form from the PEP as last read."""
        state = self.state_for(section_id)
        if state is None or self.pep is None:
            return None
        old = self.form_for(section_id)
        if old is not None:
            old.remove()
        form = SectionForm(section_id, describe_model(state.spec.model), self.pep.section(section_id), state.editable,
                           help=state.spec.help, title=state.spec.title,
                           reading=None if state.editable else self._reading(state.spec, section_id))
        self.query_one(f"#{pane_id(section_id)}", TabPane).mount(form)
        if focus:
            self.call_after_refresh(self._focus_form, form)
        return form

    def _focus_form(self, form: SectionForm, tries: int = 10) -> None:
        if not form.is_attached:
            return
        editors = form.editors()
        ready = bool(editors) and any(w.focusable for w in editors[0].query("Input, TextArea, Select, Checkbox, Button"))
        if form.editable and not ready and tries:  # a form still being built: try again in a moment
            self.set_timer(0.03, lambda: self._focus_form(form, tries - 1))
            return
        if form.editable and editors:
            editors[0].focus_input(scroll_visible=False)
            form.scroll_home(animate=False)
        else:
            form.focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        section_id = next((s.spec.id for s in self.states if pane_id(s.spec.id) == event.pane.id), None)
        if section_id is not None and self.form_for(section_id) is None:
            self.build_form(section_id)

    def current_section(self) -> str | None:
        """The section in view."""
        active = self.query_one("#sections", TabbedContent).active
        return next((s.spec.id for s in self.states if pane_id(s.spec.id) == active), None)

    def show_section(self, section_id: str, focus: bool = True) -> SectionForm | None:
        """Switch to a section's tab (building its form) and focus its first field."""
        tabs = self.query_one("#sections", TabbedContent)
        tabs.active = pane_id(section_id)
        form = self.form_for(section_id) or self.build_form(section_id)
        if form is not None and focus:
            self.call_after_refresh(self._focus_form, form)
        return form

    def on_form_edited(self) -> None:
        self.update_status()

    @property
    def dirty_forms(self) -> list[SectionForm]:
        """Forms with unsaved edits."""
        return [f for f in self.forms() if f.dirty]

    # --- status and findings -----------------------------------------------------------------

    def update_status(self) -> None:
        """Revision, who saved last and when, completion and the unsaved marker."""
        pep = self.pep
        if pep is None or not self.query("#pep-status"):
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        dirty = [f for f in self.forms() if f.dirty]
        if dirty:  # first, so it is never cut off at 80 columns
            names = ", ".join(s.spec.title for s in self.states if any(f.section_id == s.spec.id for f in dirty))
            text.append(" ● unsaved ", style="bold reverse")
            text.append(" ")
            text.append(clean(names), style="bold")
            text.append(f" ({self.app.key_for('pep.save', self.BINDINGS)} saves) · ")
        if self._young_person():  # who saved it by name, never a staff login; how much is written
            member = self.app.services.store.get_staff(pep.updated_by)
            done = sum(1 for s in self.states if count_completion(s.spec.model, pep.section(s.spec.id))[0]
                       >= count_completion(s.spec.model, pep.section(s.spec.id))[1])
            text.append(f"{done} of {len(self.states)} parts written · last changed {pep.updated_at:%d %b %H:%M}")
            if member is not None:
                text.append(" by ")
                text.append(clean(member.display_name))
            self.query_one("#pep-status", Static).update(text)
            self._relabel_tabs()
            return
        text.append(f"rev {pep.revision}", style="bold")
        text.append(" · saved by ")
        text.append(clean(pep.updated_by))
        text.append(f" {pep.updated_at:%d %b %H:%M}")
        done = sum(1 for s in self.states if count_completion(s.spec.model, pep.section(s.spec.id))[0] >= count_completion(s.spec.model, pep.section(s.spec.id))[1])
        text.append(f" · {done}/{len(self.states)} sections complete")
        errors = sum(1 for f in self.findings if f.severity is Severity.ERROR)
        if errors:
            text.append(f" · {errors} error{'s' if errors != 1 else ''}", style="bold")
        self.query_one("#pep-status", Static).update(text)
        self._relabel_tabs()

    def _relabel_tabs(self) -> None:
        for state in self.states:
            with contextlib.suppress(Exception):  # a tab not yet mounted
                self.query_one("#sections", TabbedContent).get_tab(pane_id(state.spec.id)).label = Content.from_rich_text(self._tab_label(state))

    def refresh_findings(self) -> None:
        """Re-run validation (and the QA pre-check, where the role may rate)."""
        refresh_findings(self)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "findings" or event.option.id is None:
            return
        jump_to(self, self.findings[int(event.option.id)])

    # --- saving ------------------------------------------------------------------------------

    async def action_save(self) -> None:
        """Save every section with unsaved edits (``ctrl+s``), including keys typed just before it."""
        await settle_typing(self)
        dirty = self.dirty_forms
        if not dirty:
            self.app.notify("Nothing to save.", timeout=2)
            return
        saved = 0
        for form in dirty:
            if not self.save_form(form):
                break
            saved += 1
        if saved:
            self.refresh_findings()
            self.update_status()
            self.app.notify(f"Saved ({saved} section{'s' if saved > 1 else ''}), revision {self.pep.revision if self.pep else '?'}.",
                            timeout=3)

    def save_form(self, form: SectionForm, data: dict[str, Any] | None = None) -> bool:
        """Save one form through the services; show problems, or the conflict dialog, if refused."""
        return save_form(self, form, data)

    def open_conflict(self, form: SectionForm, mine: dict[str, Any], message: str) -> None:
        """Someone saved first: show what changed; reload theirs or apply mine on top."""
        from pep_tui.tui.screens.conflict import resolve_conflict

        resolve_conflict(self, form, mine, message)

    def adopt(self, latest: PEP, rebuild: set[str]) -> None:
        """Take a newer PEP: rebuild the named forms and every form without unsaved edits."""
        self.pep = latest
        for form in self.forms():
            if form.section_id in rebuild or not form.dirty:
                self.build_form(form.section_id, focus=form.section_id in rebuild)
        self.query_one("#pep-title", Static).update(self._title())
        reason = self._return_reason()
        self.query_one("#pep-return-reason", Static).update(reason)
        self.query_one("#pep-return-reason", Static).set_class(not reason, "-empty")
        self.refresh_findings()
        self.update_status()

    # --- actions -----------------------------------------------------------------------------

    def action_next_section(self) -> None:
        """Show the next section's tab."""
        self._step(1)

    def action_previous_section(self) -> None:
        """Show the previous section's tab."""
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.states:
            return
        ids = [s.spec.id for s in self.states]
        current = self.current_section() or ids[0]
        self.show_section(ids[(ids.index(current) + delta) % len(ids)])

    def action_findings(self) -> None:
        """Show or hide the findings panel."""
        panel = self.query_one("#findings-panel")
        panel.toggle_class("-shown")
        if panel.has_class("-shown"):
            self.refresh_findings()
            self.query_one("#findings", OptionList).focus()
        else:
            section = self.current_section()
            if section:
                self.show_section(section)

    def action_reload(self) -> None:
        """Read the PEP again (asks first if there are unsaved edits)."""

        def go(choice: str | None) -> None:
            if choice == "reload":
                self._read()
                self.adopt(self.pep, rebuild={f.section_id for f in self.forms()})  # type: ignore[arg-type]

        if self.dirty_forms:
            self.app.push_screen(ChoiceDialog("Reload and drop your unsaved edits?", "Your edits would be lost.",
                                              [("r", "Reload anyway", "reload"), ("escape", "Keep editing", None)]), go)
        else:
            go("reload")

    def action_back(self) -> None:
        """Leave the PEP (asking about unsaved edits)."""
        if self.app.screen is self:
            self.leave(lambda: go_back(self))

    def leave(self, then: Any) -> None:
        """Run ``then`` once unsaved edits are saved or knowingly discarded (and a held sign-off recorded)."""
        self.commit_action()
        dirty = self.dirty_forms
        if not dirty:
            then()
            return
        names = ", ".join(s.spec.title for s in self.states if any(f.section_id == s.spec.id for f in dirty))
        body = Text("You have unsaved edits in: ")
        body.append(clean(names), style="bold")

        async def decided(choice: str | None) -> None:
            if choice == "save":
                await self.action_save()
                if not self.dirty_forms:
                    then()
            elif choice == "discard":
                then()

        self.app.push_screen(
            ChoiceDialog("Unsaved changes", body,
                         [("s", "Save and leave", "save"), ("d", "Discard my edits", "discard"),
                          ("escape", "Stay", None)]),
            decided,
        )

    # --- jump to a field -----------------------------------------------------------------------

    def action_jump_field(self) -> None:
        """Pick a field (or an "Add a …" button) of the section in view by typing part of its name, and go
        straight to it: no tabbing through the form."""
        from textual.widgets import Button

        from pep_tui.tui.screens.dialogs import PickDialog
        from pep_tui.tui.widgets.field_editors import FieldEditor

        section = self.current_section()
        form = self.form_for(section) if section else None
        if form is None:
            return
        items: list[tuple[str, Any]] = []
        for widget in form.query("FieldEditor, .rows-add"):
            if isinstance(widget, FieldEditor):
                boxes = [a for a in widget.ancestors if getattr(a, "border_title", None)]
                where = f"{boxes[0].border_title} · " if boxes else ""
                items.append((f"{where}{widget.info.label}", widget))
            elif isinstance(widget, Button):
                items.append((str(widget.label), widget))
        if not items:
            return

        def go(target: Any) -> None:
            if target is None or not target.is_attached:
                return
            if isinstance(target, FieldEditor):
                target.focus_input()
            else:
                target.focus()
            form.scroll_to_widget(target, animate=False)

        self.app.push_screen(PickDialog(f"Jump to a field of {self.state_for(section).spec.title}",  # type: ignore[union-attr]
                                        items, "type part of its name, enter goes there"), go)

    # --- sign-offs held for a few seconds ----------------------------------------------------

    def hold(self, action: str, reason: str | None) -> None:
        """Keep a confirmed action for ``undo_seconds`` (ctrl+z undoes it), then record it."""
        self.commit_action()
        timer = self.set_timer(self.undo_seconds, self.commit_action)
        self.pending_action = (action, reason, timer)
        self.refresh_bindings()
        self.app.notify(f"{action.capitalize()} in {self.undo_seconds:g} s: ctrl+z undoes.", timeout=self.undo_seconds)

    def commit_action(self) -> None:
        """Record the held action now (leaving the PEP does this too)."""
        from pep_tui.tui.screens.workflow import perform

        if self.pending_action is None:
            return
        action, reason, timer = self.pending_action
        self.pending_action = None
        timer.stop()
        perform(self, action, reason)
        if self.live:
            self.refresh_bindings()

    def action_undo_action(self) -> None:
        """Undo the sign-off just confirmed, within its few seconds: nothing is recorded."""
        if self.pending_action is None:
            return
        action, _reason, timer = self.pending_action
        timer.stop()
        self.pending_action = None
        self.refresh_bindings()
        self.app.notify(f"Undone: the PEP was not {'returned' if action == 'return' else action + 'd'}.", timeout=3)

    def on_unmount(self) -> None:
        self._unmounting = True
        self.commit_action()

    _unmounting = False

    @property
    def live(self) -> bool:
        """Whether the screen's widgets can still be updated (not closing down)."""
        return self.is_attached and not self._unmounting and bool(self.query("#pep-title"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo_action":
            return self.pending_action is not None
        return True

    def action_workflow(self) -> None:
        """Workflow actions the role may take on this PEP (submit, approve, return…)."""
        from pep_tui.tui.screens.workflow import open_actions

        open_actions(self)
