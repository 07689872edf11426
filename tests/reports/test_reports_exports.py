"""PEP documents (PDF, Word) hold every section the reader's role may see and nothing else; blank forms;
data exports for analysts are permission-checked, owner-only and audited."""

from __future__ import annotations

import csv
import io
import json
import stat

import pytest
from docx import Document as WordDocument
from pypdf import PdfReader

from pep_tui.domain import SectionData
from pep_tui.services import PermissionDenied
from pep_tui.services.errors import InvalidInput


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    word = WordDocument(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    for table in word.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def squash(text: str) -> str:
    return " ".join(text.split())


def young_person(cohort):
    for member in cohort.store.list_staff():
        if member.login.startswith("yp.") and member.scope.child_ids:
            child_id = member.scope.child_ids[0]
            record = cohort.store.load_child(child_id)
            if record.peps:
                return member.login, child_id, record.peps[-1].id
    pytest.skip("no young person with a PEP in the sample cohort")


def test_vs_pdf_and_docx_hold_every_visible_section_qa_and_sign_offs(cohort):
    vs = cohort.principal_for("vs.head")
    summary = next(s for s in cohort.children.list(vs) if s["current_status"] == "approved")
    record = cohort.children.record(vs, summary["child_id"])
    pep = record.pep(summary["current_pep_id"])
    titles = [s.spec.title for s in cohort.peps.visible_sections(vs, record, pep)]
    assert titles, "the sample PEP should have sections"
    for fmt, extract in (("pdf", pdf_text), ("docx", docx_text)):
        exported = cohort.exports.pep(vs, record.child.id, pep.id, fmt)
        text = squash(extract(exported.content))
        for title in titles:
            assert squash(title) in text, (fmt, title)
        assert "Quality assurance" in text and "Sign-offs" in text
        assert f"Revision {pep.revision}" in text or f"Revision\n{pep.revision}" in extract(exported.content)
        assert record.child.display_name in text
    events = [e for e in cohort.store.audit.for_child(record.child.id) if e.action == "export.pep"]
    assert [e.detail["format"] for e in events] == ["pdf", "docx"]


def test_a_young_persons_copy_leaves_out_what_they_may_not_see(cohort):
    login, child_id, pep_id = young_person(cohort)
    vs = cohort.principal_for("vs.head")
    yp = cohort.principal_for(login)
    record = cohort.children.record(vs, child_id)
    pep = record.pep(pep_id)
    everyone = {s.spec.title for s in cohort.peps.visible_sections(vs, record, pep)}
    theirs = {s.spec.title for s in cohort.peps.visible_sections(yp, record, pep)}
    hidden = everyone - theirs
    assert hidden, "the child role should see fewer sections than the Virtual School"
    document = cohort.exports.pep_document(yp, child_id, pep_id)
    headings = {b.text for b in document.blocks if b.kind == "heading"}
    assert headings & hidden == set()
    assert "Quality assurance" not in headings and "Pupil Premium Plus: decisions and payments" not in headings
    text = squash(pdf_text(cohort.exports.pep(yp, child_id, pep_id, "pdf").content))
    for title in theirs:
        assert squash(title) in text
    for title in hidden:
        assert squash(title) not in text


def test_a_designated_teacher_cannot_export_a_child_outside_their_school(cohort):
    vs = cohort.principal_for("vs.head")
    dt = cohort.principal_for("dt.moorland")
    outside = next(s for s in cohort.children.list(vs) if s.get("designated_teacher") not in ("dt.moorland", None)
                   and s.get("latest_pep_id"))
    with pytest.raises(PermissionDenied):
        cohort.exports.pep(dt, outside["child_id"], outside["latest_pep_id"], "pdf")


def test_user_text_is_written_as_text(cohort):
    vs = cohort.principal_for("vs.head")
    for summary in cohort.children.list(vs):
        if summary["current_status"] not in ("in_progress", "returned") or not summary.get("current_pep_id"):
            continue
        record = cohort.children.record(vs, summary["child_id"])
        pep = record.pep(summary["current_pep_id"])
        for state in cohort.peps.visible_sections(vs, record, pep):
            stored = pep.section(state.spec.id)
            name = next((n for n, f in state.spec.model.model_fields.items()
                         if f.annotation is str and (f.json_schema_extra or {}).get("long_text")), None)
            if state.editable and stored and name:
                break
        else:
            continue
        sneaky = "[bold red]x[/bold red] **y** <b>z</b>\x1b[2J\x07 done"
        # Input refuses control characters; plant them in stored data to prove the documents are safe too.
        with pytest.raises(InvalidInput, match="control character"):
            cohort.peps.save_section(vs, record.child.id, pep.id, state.spec.id, {**stored, name: sneaky}, pep.revision)
        planted = {**pep.sections, state.spec.id: SectionData(version=state.spec.version, data={**stored, name: sneaky})}
        cohort.store.save_pep(pep.model_copy(update={"sections": planted}), pep.revision, "test", "virtual_school")
        document = cohort.exports.pep_document(vs, record.child.id, pep.id)
        assert "[bold red]x[/bold red] **y** <b>z</b>[2J done" in document.text()
        assert "\x1b" not in document.text() and "\x07" not in document.text()
        for fmt, extract in (("pdf", pdf_text), ("docx", docx_text)):
            text = extract(cohort.exports.pep(vs, record.child.id, pep.id, fmt).content)
            assert "[bold red]x[/bold red] **y** <b>z</b>" in text
        return
    pytest.skip("no editable long-text section in the sample cohort")


def test_blank_form_for_a_stage_has_empty_boxes_for_its_sections(cohort):
    vs = cohort.principal_for("vs.head")
    for fmt, extract in (("pdf", pdf_text), ("docx", docx_text)):
        exported = cohort.exports.blank(vs, "ks2", fmt)
        text = squash(extract(exported.content))
        assert "Key Stage 2 (blank form)" in text and "Sign-offs" in text
        assert exported.filename == f"blank-pep-ks2.{fmt}"
    fields = [b for b in exported.document.blocks if b.kind == "field"]
    assert fields and all(b.blank for b in fields)
    assert any(b.choices == ["Yes", "No"] for b in fields)
    with pytest.raises(InvalidInput, match="'ks9' is not an installed stage"):
        cohort.exports.blank(vs, "ks9", "pdf")


def test_data_export_for_analysts(cohort, tmp_path):
    vs = cohort.principal_for("vs.head")
    written = cohort.exports.data(vs, "csv", tmp_path / "out")
    assert sorted(p.name for p in written) == ["children.csv", "pep_fields.csv", "peps.csv", "targets.csv"]
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    children = list(csv.DictReader(io.StringIO((tmp_path / "out" / "children.csv").read_text("utf-8-sig"))))
    assert len(children) == 60 and "upn" in children[0] and "import_snapshot" not in children[0]
    peps = list(csv.DictReader(io.StringIO((tmp_path / "out" / "peps.csv").read_text("utf-8-sig"))))
    assert len(peps) == sum(len(cohort.store.load_child(c["id"]).peps) for c in children)
    with pytest.raises(InvalidInput, match="already holds"):
        cohort.exports.data(vs, "csv", tmp_path / "out")
    [json_path] = cohort.exports.data(vs, "json", tmp_path / "json")
    body = json.loads(json_path.read_text())
    assert body["format"] == "pep-tui-export" and len(body["children"]) == 60
    actions = [e.action for e in cohort.store.audit.events() if e.action == "export.data"]
    assert actions == ["export.data", "export.data"]


def test_data_export_is_refused_without_the_export_capability(cohort, tmp_path):
    with pytest.raises(PermissionDenied):
        cohort.exports.data(cohort.principal_for("dt.moorland"), "csv", tmp_path / "out")
    assert not (tmp_path / "out").exists()
