"""Data out: a PEP as a printable document (PDF, Word), a blank PEP for a stage, and the cohort's data
as CSV and JSON for analysts. Every export is permission-checked and recorded in the audit trail.

A PEP document holds exactly what the reader's role may see (the PEP service decides); files are
written owner-readable only and never over an existing file unless asked.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pep_tui.services.data_export as data_export
from pep_tui.domain import PEP, TermRef
from pep_tui.plugins.api import Capability
from pep_tui.services.access import PermissionDenied, require, role_of
from pep_tui.services.children import ChildService
from pep_tui.services.context import ServiceContext
from pep_tui.services.document_writers import FORMATS, write_document
from pep_tui.services.errors import FieldProblem, InvalidInput, WorkflowError
from pep_tui.services.pep_document import Document
from pep_tui.services.pep_export import blank_document, describe_stages, pep_document
from pep_tui.services.peps import PEPService
from pep_tui.services.principal import Principal

FILE_MODE = 0o600


@dataclass(frozen=True)
class ExportedFile:
    """A document ready to save: its bytes and a suggested file name."""

    content: bytes
    filename: str
    document: Document


def write_private_check(path: Path | str, overwrite: bool = False) -> Path:
    """The path :func:`write_private` would write, or :class:`InvalidInput` saying why it may not."""
    path = Path(path).expanduser()
    if path.exists() and not overwrite:
        raise InvalidInput("Export", [FieldProblem(str(path), "already exists; choose another name or use --force")])
    if not path.parent.is_dir():
        raise InvalidInput("Export", [FieldProblem(str(path.parent), "is not a folder")])
    return path


def write_private(path: Path | str, content: bytes, overwrite: bool = False) -> Path:
    """Write ``content`` to ``path`` atomically, readable by the owner only; refuse to replace a file
    unless ``overwrite``."""
    path = write_private_check(path, overwrite)
    fd, temp = tempfile.mkstemp(prefix=".pep-tui-", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise InvalidInput("Export", [FieldProblem("format", f"{fmt!r} is not one of {', '.join(allowed)}")])


class ExportService:
    """PEP documents and data exports, permission-checked and audited."""

    def __init__(self, ctx: ServiceContext, children: ChildService, peps: PEPService) -> None:
        self.ctx = ctx
        self.children = children
        self.peps = peps

    def _audit(self, principal: Principal, action: str, detail: dict, child_id: str | None = None,
               pep_id: str | None = None) -> None:
        from pep_tui.services.transfer_audit import audit_transfer

        audit_transfer(self.ctx, principal, action, detail, child_id, pep_id)

    def _training(self) -> bool:
        """Documents from a training sandbox are marked as fictional on every page."""
        return self.ctx.store.kind == "training"

    def _names(self) -> dict[str, str]:
        try:
            return {m.login: m.display_name for m in self.ctx.store.list_staff()}
        except Exception:
            return {}

    # --- one PEP -------------------------------------------------------------------------------

    def default_pep_id(self, principal: Principal, child_id: str) -> str:
        """This term's PEP, or else the latest one (not superseded)."""
        record = self.children.record(principal, child_id)
        live = [p for p in record.peps if p.superseded_by is None]
        if not live:
            raise WorkflowError("this child has no PEP yet")
        term = TermRef.containing(self.ctx.today())
        current = next((p for p in reversed(live) if p.term_ref == term), None)
        return (current or live[-1]).id

    def pep_document(self, principal: Principal, child_id: str, pep_id: str | None = None) -> Document:
        """The PEP as a document, with only what the principal's role may see."""
        record = self.children.record(principal, child_id)
        pep_id = pep_id or self.default_pep_id(principal, child_id)
        visible: PEP = self.peps.get(principal, child_id, pep_id)
        states = self.peps.visible_sections(principal, record, record.pep(pep_id))
        role = role_of(self.ctx.registry, principal)
        return pep_document(
            child=record.child, pep=visible, sections=[s.spec for s in states], registry=self.ctx.registry,
            role=role, reader=f"{principal.display_name} ({role.title})",
            today=self.ctx.today(), names=self._names(), training=self._training(),
        )

    def pep(self, principal: Principal, child_id: str, pep_id: str | None = None, fmt: str = "pdf") -> ExportedFile:
        """The PEP as PDF or Word bytes (audited as ``export.pep``)."""
        _check_format(fmt, FORMATS)
        pep_id = pep_id or self.default_pep_id(principal, child_id)
        document = self.pep_document(principal, child_id, pep_id)
        content = write_document(document, fmt)
        pep = self.peps.get(principal, child_id, pep_id)
        self._audit(principal, "export.pep", {"format": fmt, "revision": pep.revision}, child_id, pep_id)
        name = f"pep-{pep.academic_year}-{pep.term.value}-{child_id}.{fmt}"
        return ExportedFile(content, name, document)

    # --- blank PEP -----------------------------------------------------------------------------

    def blank(self, principal: Principal, stage_id: str, fmt: str = "pdf") -> ExportedFile:
        """A blank PEP form for a stage, with the sections the principal's role may see."""
        _check_format(fmt, FORMATS)
        role_of(self.ctx.registry, principal)
        stage = self.ctx.registry.stages.get(stage_id)
        if stage is None:
            raise InvalidInput("Blank PEP", [FieldProblem("stage", f"{stage_id!r} is not an installed stage; "
                                                                   f"choose from {describe_stages(self.ctx.registry)}")])
        document = blank_document(self.ctx.registry, stage, principal.role, self.ctx.today(), self._training())
        content = write_document(document, fmt)
        self._audit(principal, "export.blank", {"format": fmt, "stage": stage_id})
        return ExportedFile(content, f"blank-pep-{stage_id}.{fmt}", document)

    # --- data for analysts ---------------------------------------------------------------------

    def data(self, principal: Principal, fmt: str, out_dir: Path | str, *, overwrite: bool = False,
             progress: Callable[[str, int, int], None] | None = None) -> list[Path]:
        """Write the cohort and PEP data as CSV files or one JSON file into ``out_dir``; the paths written."""
        require(self.ctx.registry, principal, Capability.EXPORT_DATA)
        _check_format(fmt, ("csv", "json"))
        folder = Path(out_dir).expanduser()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        targets = [folder / name for name in data_export.FILES[fmt]]
        existing = [p.name for p in targets if p.exists()]
        if existing and not overwrite:
            raise InvalidInput("Export", [FieldProblem(str(folder), f"already holds {', '.join(existing)}; "
                                                                    f"choose an empty folder or use --force")])
        summaries = self.children.list(principal, include_closed=True)
        writer: data_export.CsvExport | data_export.JsonExport = (
            data_export.CsvExport(folder) if fmt == "csv"
            else data_export.JsonExport(folder, principal.login, self.ctx.today()))
        try:
            for n, summary in enumerate(summaries, start=1):
                try:
                    record = self.children.record_or_skip(principal, summary["child_id"])
                except PermissionDenied:
                    continue
                if record is None:
                    continue  # named by the caller from store.unreadable
                writer.add(record.child, self.peps.visible_peps(principal, record))
                if progress is not None and (n % 200 == 0 or n == len(summaries)):
                    progress("exporting", n, len(summaries))
            written = writer.finish()
        except BaseException:
            writer.discard()
            raise
        self._audit(principal, "export.data", {
            "format": fmt, "children": writer.children, "peps": writer.peps, "files": [p.name for p in written],
        })
        return written
