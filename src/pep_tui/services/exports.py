"""Data out: a PEP as a printable document (PDF, Word), a blank PEP for a stage, and the cohort's data
as CSV and JSON for analysts. Every export is permission-checked and recorded in the audit trail.

A PEP document holds exactly what the reader's role may see (the PEP service decides); files are
written owner-readable only (folders created for them too), never over an existing file unless asked,
never inside the data folder or a ``.ssh`` folder; a write that fails names the path and the reason.
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


def _refuse(path: Path, why: str) -> InvalidInput:
    return InvalidInput("Export", [FieldProblem(str(path), why)])


def check_export_path(path: Path | str, *, data_dir: Path | None = None, overwrite: bool = False,
                      folder: bool = False) -> Path:
    """The absolute path an export may write (a file, or with ``folder`` a folder), or
    :class:`InvalidInput` naming the path and why not.

    Refused: anything inside the data folder ``data_dir`` (exports would be copied into every
    backup and outlive the retention of the store), anything inside a ``.ssh`` folder (an export
    must never become an ``authorized_keys``), and (unless ``overwrite``) an existing file. Symbolic
    links are followed before checking, so a link cannot lead around these rules.
    """
    given = Path(path).expanduser()
    target = Path(os.path.abspath(given)).resolve(strict=False)
    if ".ssh" in target.parts or ".ssh" in given.parts:
        raise _refuse(given, "is inside a .ssh folder; exports are never written there")
    if data_dir is not None:
        root = Path(data_dir).expanduser().resolve(strict=False)
        if target == root or root in target.parents:
            raise _refuse(given, f"is inside the data folder {root}; write exports outside it")
    if folder:
        if target.exists() and not target.is_dir():
            raise _refuse(given, "is a file, not a folder")
    elif target.is_dir():
        raise _refuse(given, "is a folder; give a file name")
    elif target.exists() and not overwrite:
        raise _refuse(given, "already exists; choose another name or use --force")
    return target


def make_private_folders(folder: Path) -> None:
    """Create ``folder`` and any missing parent, each readable by the owner only (0700); a failure is
    :class:`InvalidInput` naming the folder and the reason."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for item in reversed(missing):
        try:
            item.mkdir(mode=0o700)
            os.chmod(item, 0o700)
        except FileExistsError:
            continue
        except OSError as exc:
            raise _refuse(item, f"cannot be created ({exc.strerror or type(exc).__name__})") from None


def write_failed(path: Path, exc: OSError) -> InvalidInput:
    """A write that failed, as a one-line error naming the path and the system's reason."""
    return _refuse(path, f"cannot be written ({exc.strerror or type(exc).__name__})")


def write_private_check(path: Path | str, overwrite: bool = False, *, data_dir: Path | None = None) -> Path:
    """The path :func:`write_private` would write, or :class:`InvalidInput` saying why it may not."""
    return check_export_path(path, data_dir=data_dir, overwrite=overwrite)


def write_private(path: Path | str, content: bytes, overwrite: bool = False, *,
                  data_dir: Path | None = None) -> Path:
    """Write ``content`` to ``path`` atomically, readable by the owner only (missing folders created
    0700); refuse what :func:`check_export_path` refuses. The path written (absolute)."""
    path = check_export_path(path, data_dir=data_dir, overwrite=overwrite)
    make_private_folders(path.parent)
    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=".pep-tui-", dir=path.parent)
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        if not overwrite and path.exists():  # appeared since the check: still never replaced silently
            raise _refuse(path, "already exists; choose another name or use --force")
        os.replace(temp, path)
    except OSError as exc:
        if temp:
            Path(temp).unlink(missing_ok=True)
        raise write_failed(path, exc) from None
    except BaseException:
        if temp:
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
        folder = check_export_path(out_dir, data_dir=self.ctx.settings.data_dir, folder=True)
        targets = [folder / name for name in data_export.FILES[fmt]]
        existing = [p.name for p in targets if p.exists()]
        if existing and not overwrite:
            raise InvalidInput("Export", [FieldProblem(str(folder), f"already holds {', '.join(existing)}; "
                                                                    f"choose an empty folder or use --force")])
        make_private_folders(folder)
        summaries = self.children.list(principal, include_closed=True)
        try:
            writer: data_export.CsvExport | data_export.JsonExport = (
                data_export.CsvExport(folder) if fmt == "csv"
                else data_export.JsonExport(folder, principal.login, self.ctx.today()))
        except OSError as exc:
            raise write_failed(folder, exc) from None
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
        except OSError as exc:
            writer.discard()
            raise write_failed(folder, exc) from None
        except BaseException:
            writer.discard()
            raise
        self._audit(principal, "export.data", {
            "format": fmt, "children": writer.children, "peps": writer.peps, "files": [p.name for p in written],
        })
        return written
