"""The cohort and PEP data as tables (CSV) and one JSON document, for the council's analysts.

Files written (each owner-readable only, since they hold personal data):

- ``children.csv``: one row per child;
- ``peps.csv``: one row per PEP (status, dates, latest QA rating, sign-off dates);
- ``pep_fields.csv``: every field of every section the exporter may see, one row per value
  (``child_id, pep_id, section_id, field, value``; nested fields as dotted paths);
- ``targets.csv``: one row per SMART target;
- ``cohort.json``: everything above as ``{"children": [{"child": …, "peps": […]}]}``.

CSV cells a spreadsheet would run as formulas (starting ``= + - @``) are prefixed with ``'``, and
control characters in stored text (escape, bell, C1, bidirectional overrides) are written out visibly
(``\\x1b``). In JSON they are ``\\u`` escapes, so the file holds no control byte while a program
reading it gets the stored text exactly.

The files are written as the children are read, one child at a time (a cohort of thousands is never
held in memory), into temporary files in the destination folder; only when every child has been
written are they fsynced and renamed into place, so a failed export leaves no partial file behind.
"""

from __future__ import annotations

import csv
import json
import os
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import IO, Any

from pep_tui.domain import PEP, Child
from pep_tui.domain.text import CONTROL_CHARACTERS
from pep_tui.services.report_render import safe_cell

CHILD_COLUMNS = (
    "id", "la_child_id", "first_name", "last_name", "preferred_name", "date_of_birth", "sex", "upn",
    "date_entered_care", "legal_status", "placement", "school_urn", "school_name", "on_roll", "social_worker",
    "designated_teacher", "carer", "iro", "sen_status", "ehcp_review_date", "left_care_on",
)
PEP_COLUMNS = (
    "child_id", "pep_id", "academic_year", "term", "stage", "year_group", "status", "revision", "initial",
    "interim", "due_date", "meeting_date", "submitted_on", "approved_on", "qa_overall", "qa_on",
    "superseded_by", "created_by", "created_at", "updated_by", "updated_at",
)
FIELD_COLUMNS = ("child_id", "pep_id", "section_id", "field", "value")
TARGET_COLUMNS = (
    "child_id", "pep_id", "target_id", "area", "need", "description", "success_measure", "owner", "actions",
    "frequency", "review_date", "outcome", "outcome_comment", "carried_from",
)
FILES = {"csv": ("children.csv", "peps.csv", "pep_fields.csv", "targets.csv"), "json": ("cohort.json",)}
#: Fields of the child record left out of exports (import bookkeeping, not information about the child).
LEFT_OUT = {"import_snapshot", "revision"}


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any) -> str:
    """``value`` as JSON (UTF-8 text kept readable) with every control character as a ``\\u`` escape:
    ``json`` escapes those below space itself, not DEL, C1 or the bidirectional overrides."""
    return CONTROL_CHARACTERS.sub(_json_escape, json.dumps(value, ensure_ascii=False))


def _cell(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(getattr(value, "value", value))




def _step_date(pep: PEP, step: str, last: bool = False) -> str | None:
    steps = [s for s in pep.sign_offs if s.step == step]
    if not steps:
        return None
    return (steps[-1] if last else steps[0]).at.date().isoformat()


def _flatten(prefix: str, value: Any, out: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    """``(dotted.path, value)`` for every leaf of ``value`` (lists of records numbered from 1)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), inner, out)
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for n, inner in enumerate(value, start=1):
            _flatten(f"{prefix}.{n}", inner, out)
    else:
        out.append((prefix, value))
    return out


def _pep_row(pep: PEP) -> dict[str, Any]:
    rating = pep.qa_rating
    return {
        **pep.model_dump(mode="json", include={"child_id", "academic_year", "term", "stage", "year_group",
                                               "status", "revision", "initial", "interim", "due_date",
                                               "superseded_by", "created_by", "created_at", "updated_by",
                                               "updated_at"}),
        "pep_id": pep.id, "meeting_date": pep.meeting_date,
        "submitted_on": _step_date(pep, "submit"), "approved_on": _step_date(pep, "approve", last=True),
        "qa_overall": rating.overall if rating else None, "qa_on": rating.at.date() if rating else None,
    }


class _TempFiles:
    """Files written under temporary names in ``folder`` (owner-only) and renamed into place at the end."""

    def __init__(self, folder: Path, names: tuple[str, ...], bom: bool = False) -> None:
        self.folder = folder
        self.handles: dict[str, tuple[str, IO[str]]] = {}
        try:
            for name in names:
                fd, temp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
                os.fchmod(fd, 0o600)
                handle = open(fd, "w", encoding="utf-8", newline="", buffering=1 << 20)  # noqa: SIM115
                self.handles[name] = (temp, handle)
                if bom:
                    handle.write("\ufeff")  # so that Excel reads UTF-8
        except BaseException:
            self.discard()
            raise

    def __getitem__(self, name: str) -> IO[str]:
        return self.handles[name][1]

    def finish(self) -> list[Path]:
        """Flush, fsync and rename every file into place (replacing any file of the same name)."""
        for _, handle in self.handles.values():
            handle.flush()
            os.fsync(handle.fileno())
            handle.close()
        written = []
        for name, (temp, _) in self.handles.items():
            os.replace(temp, self.folder / name)
            written.append(self.folder / name)
        dir_fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self.handles = {}
        return written

    def discard(self) -> None:
        """Close and delete the temporary files (after a failure)."""
        for temp, handle in self.handles.values():
            handle.close()
            Path(temp).unlink(missing_ok=True)
        self.handles = {}


class CsvExport:
    """The four CSV files, written one child at a time (UTF-8 with a byte-order mark, for Excel)."""

    files = FILES["csv"]

    def __init__(self, folder: Path) -> None:
        self._out = _TempFiles(folder, self.files, bom=True)
        self._writers = {name: csv.writer(self._out[name], lineterminator="\r\n") for name in self.files}
        for name, columns in zip(self.files, (CHILD_COLUMNS, PEP_COLUMNS, FIELD_COLUMNS, TARGET_COLUMNS), strict=True):
            self._writers[name].writerow(columns)
        self.children = 0
        self.peps = 0

    @staticmethod
    def _row(columns: tuple[str, ...], row: dict[str, Any]) -> list[str]:
        return [safe_cell(_cell(row.get(c))) for c in columns]

    def add(self, child: Child, peps: list[PEP]) -> None:
        """Write one child's rows (``peps`` as the exporter may see them)."""
        self.children += 1
        self.peps += len(peps)
        self._writers["children.csv"].writerow(self._row(CHILD_COLUMNS, child.model_dump(mode="json")))
        pep_rows, fields, targets = self._writers["peps.csv"], self._writers["pep_fields.csv"], self._writers["targets.csv"]
        for pep in peps:
            pep_rows.writerow(self._row(PEP_COLUMNS, _pep_row(pep)))
            for section_id, stored in pep.sections.items():
                for name, value in _flatten("", stored.data, []):
                    fields.writerow((child.id, pep.id, section_id, safe_cell(name), safe_cell(_cell(value))))
            for name, value in _flatten("", pep.plugin_data, []):
                fields.writerow((child.id, pep.id, "plugin_data", safe_cell(name), safe_cell(_cell(value))))
            for target in pep.targets:
                targets.writerow(self._row(TARGET_COLUMNS, {
                    "child_id": child.id, "pep_id": pep.id, "target_id": target.id,
                    **target.model_dump(mode="json", exclude={"id"})}))

    def finish(self) -> list[Path]:
        """Put the files in place; their paths."""
        return self._out.finish()

    def discard(self) -> None:
        """Leave nothing behind after a failure."""
        self._out.discard()


class JsonExport:
    """``cohort.json``, written one child at a time: ``{"format", "version", "as_of", "exported_by",
    "children": [{"child": …, "peps": […]}, …]}``."""

    files = FILES["json"]

    def __init__(self, folder: Path, exported_by: str, as_of: date) -> None:
        self._out = _TempFiles(folder, self.files)
        self._fh = self._out["cohort.json"]
        head = json_text({"format": "pep-tui-export", "version": 1, "as_of": as_of.isoformat(),
                          "exported_by": exported_by})
        self._fh.write(head[:-1] + ', "children": [')
        self.children = 0
        self.peps = 0

    def add(self, child: Child, peps: list[PEP]) -> None:
        """Write one child with their PEPs (as the exporter may see them)."""
        entry = {"child": child.model_dump(mode="json", exclude=LEFT_OUT),
                 "peps": [pep.model_dump(mode="json") for pep in peps]}
        self._fh.write(("\n" if not self.children else ",\n") + json_text(entry))
        self.children += 1
        self.peps += len(peps)

    def finish(self) -> list[Path]:
        """Close the document and put it in place."""
        self._fh.write("\n]}\n")
        return self._out.finish()

    def discard(self) -> None:
        """Leave nothing behind after a failure."""
        self._out.discard()
