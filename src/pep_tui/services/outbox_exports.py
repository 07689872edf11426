"""Exports and imports made in the app, for staff on the other end of an SSH link.

What a role may export or import is what the services allow; this module lists those actions for a
principal (so the app offers only what would succeed), runs them through the same services as the
command line (permission-checked and audited there), leaves each file in the login's outbox and says
how to fetch it. Imports read a file the operator put in ``[server] import_folder``, chosen by name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pep_tui.domain.text import drop_control
from pep_tui.plugins.api import Capability
from pep_tui.services.access import can, require
from pep_tui.services.data_archive import build_archive
from pep_tui.services.outbox import Outbox, fetch_command, import_file, import_files
from pep_tui.services.principal import Principal
from pep_tui.services.report_render import safe_cell

AUDIT_COLUMNS = ("at", "actor", "role", "action", "child_id", "pep_id", "section_id", "old_revision", "new_revision")
IMPORT_KINDS = ("cohort", "attendance")
#: The plugin service (``register_services``) whose ``current_ledger_csv(principal, kind)`` gives the
#: ledger export; offered only while a plugin provides it.
PP_SERVICE = "pupil_premium"


@dataclass(frozen=True)
class Delivered:
    """A file left in the outbox: where it is and the command that fetches it."""

    name: str
    path: Path
    fetch: str
    size: int


@dataclass(frozen=True)
class Action:
    """One export or import the principal may run from where they are in the app."""

    id: str
    title: str
    run: Callable[[], object]


class OutboxExports:
    """The app's exports and imports for one principal."""

    def __init__(self, services, principal: Principal) -> None:
        self.services = services
        self.principal = principal
        self.settings = services.ctx.settings
        self.outbox = Outbox(self.settings, principal)

    def _can(self, capability: Capability) -> bool:
        return can(self.services.registry, self.principal, capability)

    def _deliver(self, path: Path) -> Delivered:
        return Delivered(path.name, path, fetch_command(self.settings, path.name), path.stat().st_size)

    # --- exports -------------------------------------------------------------------------------

    def pep(self, child_id: str, pep_id: str | None, fmt: str) -> Delivered:
        """The PEP as PDF or Word, as this role may see it."""
        exported = self.services.exports.pep(self.principal, child_id, pep_id, fmt)
        return self._deliver(self.outbox.save(exported.filename, exported.content))

    def blank(self, stage_id: str, fmt: str) -> Delivered:
        """The blank form of a stage."""
        exported = self.services.exports.blank(self.principal, stage_id, fmt)
        return self._deliver(self.outbox.save(exported.filename, exported.content))

    def data(self, fmt: str, progress: Callable[[str, int, int], None] | None = None) -> Delivered:
        """The data export: the CSV tables in a zip, or the JSON document."""
        with self.outbox.temp_folder() as scratch:
            path = build_archive(self.services, self.principal, fmt, Path(scratch), progress)
            return self._deliver(self.outbox.move_in(path, path.name))

    def audit_trail(self, child_id: str) -> Delivered:
        """A child's audit trail as CSV (ids and logins only, as the trail holds them)."""
        events = self.services.audit.for_child(self.principal, child_id)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(AUDIT_COLUMNS)
        for event in events:
            row = event.model_dump(mode="json", include=set(AUDIT_COLUMNS))
            writer.writerow([safe_cell(drop_control("" if row.get(c) is None else str(row[c]))) for c in AUDIT_COLUMNS])
        name = f"audit-{child_id}-{self.services.ctx.today().isoformat()}.csv"
        return self._deliver(self.outbox.save(name, out.getvalue().encode("utf-8-sig")))

    def ledger(self, kind: str = "fy") -> Delivered:
        """The Pupil Premium Plus ledger of this financial (``fy``) or academic (``ay``) year, as CSV."""
        label, text = self.services.plugin_service(PP_SERVICE).current_ledger_csv(self.principal, kind)
        return self._deliver(self.outbox.save(f"pp-ledger-{label}.csv", text.encode("utf-8")))

    # --- imports -------------------------------------------------------------------------------

    def import_files(self) -> list[str]:
        """The CSV files waiting in the import folder (none unless this role may import)."""
        return import_files(self.settings) if self._can(Capability.IMPORT_DATA) else []

    def read_import(self, name: str) -> bytes:
        """The bytes of a file in the import folder, chosen by name (refused unless this role may import)."""
        require(self.services.registry, self.principal, Capability.IMPORT_DATA)
        return import_file(self.settings, name).read_bytes()

    def run_import(self, kind: str, name: str, *, dry_run: bool, content: bytes | None = None):
        """Check (``dry_run``) or apply an import of a file from the import folder; the service's result.

        Pass the ``content`` that was checked to apply exactly that, even if the file has since changed.
        """
        if content is None:
            content = self.read_import(name)
        run = self.services.imports.cohort if kind == "cohort" else self.services.imports.attendance
        return run(self.principal, content, name=name, dry_run=dry_run)

    # --- what to offer -------------------------------------------------------------------------

    def pp_installed(self) -> bool:
        """Whether the Pupil Premium Plus plugin is loaded."""
        return PP_SERVICE in self.services.registry.services

    def stage_of(self, child_id: str, pep_id: str | None) -> str | None:
        """The stage of the PEP in view (or the child's current PEP), for its blank form."""
        try:
            pep_id = pep_id or self.services.exports.default_pep_id(self.principal, child_id)
            return self.services.peps.get(self.principal, child_id, pep_id).stage
        except Exception:  # no PEP yet, or not visible: no blank form to offer from here
            return None

    def actions(self, child_id: str | None = None, pep_id: str | None = None) -> list[Action]:
        """What this principal may export or import from here, in the order the app lists them."""
        out: list[Action] = []
        if child_id and self._can(Capability.VIEW_CHILD):
            for fmt, label in (("pdf", "PDF"), ("docx", "Word")):
                out.append(Action(f"pep.{fmt}", f"This PEP as {label}",
                                  lambda fmt=fmt: self.pep(child_id, pep_id, fmt)))
            stage = self.stage_of(child_id, pep_id)
            if stage:
                title = self.services.registry.stages[stage].title if stage in self.services.registry.stages else stage
                out.append(Action("blank.pdf", f"Blank {title} form (PDF)", lambda: self.blank(stage, "pdf")))
                out.append(Action("blank.docx", f"Blank {title} form (Word)", lambda: self.blank(stage, "docx")))
            if self._can(Capability.VIEW_AUDIT):
                out.append(Action("audit", "This child's audit trail (CSV)", lambda: self.audit_trail(child_id)))
        if self._can(Capability.EXPORT_DATA):
            out.append(Action("data.csv", "Data export: CSV tables (zip)", lambda: self.data("csv")))
            out.append(Action("data.json", "Data export: JSON", lambda: self.data("json")))
            if self.pp_installed():
                out.append(Action("ledger.fy", "PP+ ledger, this financial year (CSV)", lambda: self.ledger("fy")))
                out.append(Action("ledger.ay", "PP+ ledger, this academic year (CSV)", lambda: self.ledger("ay")))
        return out

