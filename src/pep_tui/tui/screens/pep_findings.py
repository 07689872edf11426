"""The PEP editor's findings panel: errors, warnings and QA criteria, each jumping to its field."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from pep_tui.plugins.api import Finding, Severity
from pep_tui.services import PermissionDenied, WorkflowError
from pep_tui.tui.text import clean

if TYPE_CHECKING:
    from pep_tui.tui.screens.pep import PEPScreen
    from pep_tui.tui.widgets.section_form import SectionForm

SEVERITY_MARK = {Severity.ERROR: ("✖ ", "bold"), Severity.WARNING: ("! ", ""), Severity.INFO: ("i ", "dim")}


def refresh_findings(screen: PEPScreen) -> None:
    """Re-run validation (and the QA pre-check, where the role may rate)."""
    services, principal = screen.app.services, screen.app.principal
    try:
        findings = list(services.peps.validate(principal, screen.child_id, screen.pep_id))
    except PermissionDenied:
        findings = []
    qa = screen.app.qa
    if qa is not None and hasattr(qa, "precheck"):
        with contextlib.suppress(PermissionDenied, WorkflowError):
            findings += [f for f in qa.precheck(principal, screen.child_id, screen.pep_id) if f not in findings]
    screen.findings = findings
    options = screen.query_one("#findings", OptionList)
    options.clear_options()
    titles = {s.spec.id: s.spec.title for s in screen.states}
    reason = screen._return_reason()
    if reason:  # what was asked for comes first: it is why the PEP is back with its writers
        options.add_option(Option(Text("↩ ") + reason, id="return-reason", disabled=True))
    for index, finding in enumerate(findings):
        mark, style = SEVERITY_MARK.get(finding.severity, ("  ", ""))
        line = Text(mark, style=style)
        if finding.criterion:
            line.append(f"[{clean(finding.criterion)}] ")
        if finding.section_id:
            line.append(clean(titles.get(finding.section_id, finding.section_id)) + ": ", style="bold")
        line.append(clean(finding.message))
        options.add_option(Option(line, id=str(index)))
    if not findings:
        options.add_option(Option(Text("No findings: nothing blocks submission.", style="dim"), disabled=True))


def jump_to(screen: PEPScreen, finding: Finding) -> None:
    """Show the section and field a finding is about."""
    if not finding.section_id or screen.state_for(finding.section_id) is None:
        screen.app.notify("This finding is not tied to a section you can see.", title="Findings")
        return
    form = screen.show_section(finding.section_id, focus=not finding.field)
    if form is not None and finding.field:
        screen.call_after_refresh(_focus_field, screen, form, finding.field)


def _focus_field(screen: PEPScreen, form: SectionForm, path: str) -> None:
    editor = form.find_editor(path)
    if editor is None:
        screen._focus_form(form)
        return
    editor.focus_input()
    form.scroll_to_widget(editor, animate=False)
