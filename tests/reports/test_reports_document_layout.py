"""What a printed PEP carries on every page: whose it is, the revision, the date, "page n of m", and on
documents from a training sandbox a TRAINING banner; no pep-tui record ids; Word pages number themselves."""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document as WordDocument
from pypdf import PdfReader

from pep_tui.domain import StaffMember
from pep_tui.services.document_writers import write_pdf
from pep_tui.services.pep_document import TRAINING_BANNER, Document

RECORD_ID = re.compile(r"\b(?:child|pep|t|ppr|ev)_[0-9a-f]{8,}\b")


def pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def richest(cohort, vs):
    """The sample PEP with the most to print (sections, QA, sign-offs, PP+)."""
    best = None
    for summary in sorted(cohort.children.list(vs), key=lambda s: s["child_id"]):
        for pep in cohort.children.record(vs, summary["child_id"]).peps:
            score = len(pep.sections) + 3 * len(pep.qa_ratings) + len(pep.sign_offs) + 5 * bool(pep.plugin_data)
            if best is None or score > best[0]:
                best = (score, summary["child_id"], pep)
    return best[1], best[2]


def test_every_pdf_page_names_the_child_revision_date_and_page_of_pages(cohort):
    vs = cohort.principal_for("vs.head")
    child_id, pep = richest(cohort, vs)
    child = cohort.children.get(vs, child_id)
    texts = pages(cohort.exports.pep(vs, child_id, pep.id, "pdf").content)
    assert len(texts) > 1
    for n, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        assert f"page {n} of {len(texts)}" in flat
        assert f"{child.display_name} - PEP {pep.term_ref.label} - revision {pep.revision} - printed 09 Feb 2026" in flat
        assert TRAINING_BANNER in flat, f"page {n} of a sandbox PEP must say it is fictional"
        if n > 1:
            assert f"{child.display_name} - Personal Education Plan {pep.term_ref.label}" in flat
    assert not RECORD_ID.findall("\n".join(texts)), "record ids mean nothing on paper"


def test_word_copy_has_the_banner_and_numbered_pages_in_its_header_and_footer(cohort):
    vs = cohort.principal_for("vs.head")
    child_id, pep = richest(cohort, vs)
    word = WordDocument(io.BytesIO(cohort.exports.pep(vs, child_id, pep.id, "docx").content))
    section = word.sections[0]
    assert section.header.paragraphs[0].text == TRAINING_BANNER
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml and "NUMPAGES" in footer_xml
    assert f"revision {pep.revision}" in section.footer.paragraphs[0].text
    labels = [p for p in word.paragraphs if p.runs and p.runs[0].bold and p.paragraph_format.keep_with_next]
    assert labels, "field labels are kept on the page of their values"
    body = "\n".join(p.text for p in word.paragraphs)
    assert not RECORD_ID.findall(body)


def test_documents_from_a_live_store_carry_no_training_banner(make_store):
    opened = make_store("live", name="live")
    services = opened.services
    services.store.save_staff(StaffMember(login="vs.head", display_name="VS Head", roles=["virtual_school"],
                                          admin=True), None, "test", "system")
    vs = services.principal_for("vs.head")
    child = services.children.create(vs, {"first_name": "Real", "last_name": "Person",
                                          "date_of_birth": date(2016, 5, 1), "date_entered_care": date(2025, 1, 6)})
    pep = services.peps.start(vs, child.id)
    for fmt in ("pdf", "docx"):
        exported = services.exports.pep(vs, child.id, pep.id, fmt)
        assert not exported.document.training
        blank = services.exports.blank(vs, "ks2", fmt)
        assert not blank.document.training
    assert all(TRAINING_BANNER not in text for text in pages(services.exports.pep(vs, child.id, pep.id, "pdf").content))
    assert all("TRAINING" not in text for text in pages(services.exports.blank(vs, "ks2", "pdf").content))


def test_a_blank_form_from_a_sandbox_is_marked_and_has_no_id_boxes(cohort):
    vs = cohort.principal_for("vs.head")
    exported = cohort.exports.blank(vs, "ks2", "pdf")
    texts = pages(exported.content)
    assert all(TRAINING_BANNER in " ".join(t.split()) for t in texts)
    assert all(f"page {n} of {len(texts)}" in t for n, t in enumerate(texts, start=1))
    labels = [b.label for b in exported.document.blocks if b.kind == "field"]
    assert not [label for label in labels if label == "Id" or label.lower().startswith("id of")]


def test_long_unbroken_text_is_wrapped_onto_the_page_not_cut_off():
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4
    doc = Document(title="Layout", footer="footer " * 40, footer_note="note " * 60)
    doc.add("field", word, label="A long label " * 8)
    doc.add("table", rows=[["A", "B"], [word, "x"]], widths=[3, 1])
    text = " ".join(pages(write_pdf(doc)))
    # every piece of the long word is on the page (wrapped, never clipped), and the footer still ends
    # with the page number after being shortened to fit
    assert text.replace("\n", "").count("Pneumonoultramicroscopicsilicovolcanoconiosis") >= 8
    assert "page 1 of 1" in text
