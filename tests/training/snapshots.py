"""What a sandbox holds, as comparable data (children with their PEPs, ids included, and staff)."""

from __future__ import annotations

from typing import Any

from pep_tui.bootstrap import Opened


def cohort_snapshot(opened: Opened) -> dict[str, Any]:
    """Every child record and PEP (as JSON-able dicts, keyed by id) and every staff record, read through the
    services as the Virtual School Head."""
    services = opened.services
    head = services.principal_for("vs.head")
    children = {}
    for summary in services.children.list(head):
        record = services.children.record(head, summary["child_id"])
        children[record.child.id] = {
            "child": record.child.model_dump(mode="json"),
            "peps": [p.model_dump(mode="json") for p in record.peps],
        }
    staff = sorted((m.model_dump(mode="json") for m in services.store.list_staff()), key=lambda m: m["login"])
    return {"children": children, "staff": staff}
