"""The cohort and PEP data as tables (CSV) and one JSON document, for the council's analysts.

Files written (each owner-readable only, since they hold personal data):

- ``children.csv``: one row per child;
- ``peps.csv``: one row per PEP (status, dates, latest QA rating, sign-off dates);
- ``pep_fields.csv``: every field of every section the exporter may see, one row per value
  (``child_id, pep_id, section_id, field, value``; nested fields as dotted paths);
- ``targets.csv``: one row per SMART target;
- ``cohort.json``: everything above as ``{"children": [{"child": …, "peps": […]}]}``.

CSV cells a spreadsheet would run as formulas (starting ``= + - @``) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from pep_tui.domain import PEP, Child
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(getattr(value, "value", value))


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(_cell(row.get(c))) for c in columns])
    return out.getvalue().encode("utf-8-sig")  # with a BOM so that Excel reads UTF-8


def _step_date(pep: PEP, step: str, last: bool = False) -> str | None:
    steps = [s for s in pep.sign_offs if s.step == step]
    if not steps:
        return None
    return (steps[-1] if last else steps[0]).at.date().isoformat()


def _flatten(prefix: str, value: Any) -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        out: list[tuple[str, Any]] = []
        for key, inner in value.items():
            out += _flatten(f"{prefix}.{key}" if prefix else str(key), inner)
        return out
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        out = []
        for n, inner in enumerate(value, start=1):
            out += _flatten(f"{prefix}.{n}", inner)
        return out
    return [(prefix, value)]


def tables(children: list[tuple[Child, list[PEP]]]) -> dict[str, bytes]:
    """The four CSV files' bytes by file name."""
    child_rows, pep_rows, field_rows, target_rows = [], [], [], []
    for child, peps in children:
        child_rows.append(child.model_dump(mode="json"))
        for pep in peps:
            rating = pep.qa_rating
            pep_rows.append({
                **pep.model_dump(mode="json", include={"child_id", "academic_year", "term", "stage", "year_group",
                                                       "status", "revision", "initial", "interim", "due_date",
                                                       "superseded_by", "created_by", "created_at", "updated_by",
                                                       "updated_at"}),
                "pep_id": pep.id, "meeting_date": pep.meeting_date,
                "submitted_on": _step_date(pep, "submit"), "approved_on": _step_date(pep, "approve", last=True),
                "qa_overall": rating.overall if rating else None, "qa_on": rating.at.date() if rating else None,
            })
            for section_id, stored in pep.sections.items():
                for name, value in _flatten("", stored.data):
                    field_rows.append({"child_id": child.id, "pep_id": pep.id, "section_id": section_id,
                                       "field": name, "value": value})
            for key, value in _flatten("", {k: v for k, v in pep.plugin_data.items()}):
                field_rows.append({"child_id": child.id, "pep_id": pep.id, "section_id": "plugin_data",
                                   "field": key, "value": value})
            for target in pep.targets:
                target_rows.append({"child_id": child.id, "pep_id": pep.id, "target_id": target.id,
                                    **target.model_dump(mode="json", exclude={"id"})})
    return {
        "children.csv": _csv(CHILD_COLUMNS, child_rows),
        "peps.csv": _csv(PEP_COLUMNS, pep_rows),
        "pep_fields.csv": _csv(FIELD_COLUMNS, field_rows),
        "targets.csv": _csv(TARGET_COLUMNS, target_rows),
    }


def document(children: list[tuple[Child, list[PEP]]], exported_by: str, as_of: date) -> bytes:
    """``cohort.json``: every child with their PEPs as the exporter may see them."""
    body = {
        "format": "pep-tui-export",
        "version": 1,
        "as_of": as_of.isoformat(),
        "exported_by": exported_by,
        "children": [
            {"child": child.model_dump(mode="json", exclude=LEFT_OUT),
             "peps": [pep.model_dump(mode="json") for pep in peps]}
            for child, peps in children
        ],
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")
