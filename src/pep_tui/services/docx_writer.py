"""Writing a :class:`~pep_tui.services.pep_document.Document` as a Word .docx (python-docx), for schools
that annotate the PEP.

The same blocks as the PDF, written as plain runs (never interpreted): an A4 page, a running header
(the training banner when the document comes from a training sandbox, and whose document it is) and
footer (child, revision, date printed, "page n of m" as Word fields), labels kept on the page of their
values, and tables whose header row repeats on each page.
"""

from __future__ import annotations

import io

from pep_tui.services.pep_document import TRAINING_BANNER, Block, Document


def _docx_field(paragraph, code: str) -> None:
    """Append a Word field (``PAGE``, ``NUMPAGES``) that Word fills in when it lays out the page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), ("instr", f" {code} "), ("separate", None), ("placeholder", "1"), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        elif kind == "placeholder":
            run.text = text
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def _docx_banner(paragraph) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(TRAINING_BANNER)
    run.bold = True
    run.font.size = Pt(10)
    run.font.color.rgb = RGBColor(0xAA, 0, 0)


def _docx_running(word, doc: Document) -> None:
    """Header (training banner, whose document) and footer (child, revision, date, "page n of m")."""
    from docx.enum.text import WD_TAB_ALIGNMENT
    from docx.shared import Pt, RGBColor

    section = word.sections[0]
    header = section.header.paragraphs[0]
    if doc.training:
        _docx_banner(header)
        header = section.header.add_paragraph()
    if doc.header:
        run = header.add_run(doc.header)
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x5A, 0x5A, 0x5A)
    footer = section.footer.paragraphs[0]
    footer.paragraph_format.tab_stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin,
                                                   WD_TAB_ALIGNMENT.RIGHT)
    footer.add_run(doc.footer + "\tpage ")
    _docx_field(footer, "PAGE")
    footer.add_run(" of ")
    _docx_field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)
    if doc.footer_note:
        note = section.footer.add_paragraph().add_run(doc.footer_note)
        note.font.size = Pt(6.5)
        note.font.color.rgb = RGBColor(0x5A, 0x5A, 0x5A)


def write_docx(doc: Document) -> bytes:
    """The document as Word .docx bytes: the same blocks, a running header and footer with page
    numbers, labels kept with their values, and the training banner when ``doc.training``."""
    from docx import Document as WordDocument
    from docx.shared import Cm, Pt

    word = WordDocument()
    word.core_properties.title = doc.title
    word.core_properties.author = "pep-tui"
    style = word.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    section = word.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # A4, like the PDF
    section.left_margin = section.right_margin = Cm(1.8)
    _docx_running(word, doc)
    usable = section.page_width - section.left_margin - section.right_margin
    word.add_heading(doc.title, level=0)
    for block in doc.blocks:
        indent = Cm(0.5 * block.level)
        if block.kind == "title":
            run = word.add_paragraph().add_run(block.text)
            run.bold = True
            run.font.size = Pt(14)
        elif block.kind == "heading":
            word.add_heading(block.text, level=1)
        elif block.kind == "subheading":
            para = word.add_heading(block.text, level=3)
            para.paragraph_format.left_indent = indent
        elif block.kind == "field":
            para = word.add_paragraph()
            para.paragraph_format.left_indent = indent
            para.paragraph_format.space_after = Pt(1)
            para.paragraph_format.keep_with_next = True  # never a label at a page foot, its value overleaf
            label = para.add_run(block.label)
            label.bold = True
            label.font.size = Pt(8.5)
            if not block.blank:
                value = word.add_paragraph()
                value.paragraph_format.left_indent = indent + Cm(0.2)
                value.add_run(block.text)
            elif block.choices:
                value = word.add_paragraph()
                value.paragraph_format.left_indent = indent + Cm(0.2)
                value.add_run("   ".join(f"\u2610 {c}" for c in block.choices))
            else:
                box = word.add_table(rows=1, cols=1)
                box.style = "Table Grid"
                box.rows[0].height = Cm(0.75 * block.lines)
                box.cell(0, 0).text = ""
        elif block.kind == "table" and block.rows:
            _docx_table(word, block, usable)
        elif block.kind == "note":
            para = word.add_paragraph()
            run = para.add_run(block.text)
            run.italic = True
            run.font.size = Pt(8.5)
        else:
            para = word.add_paragraph()
            para.paragraph_format.left_indent = indent
            para.add_run(block.text)
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def _docx_table(word, block: Block, usable: int) -> None:
    from docx.shared import Cm, Pt

    columns = len(block.rows[0])
    table = word.add_table(rows=len(block.rows), cols=columns)
    table.style = "Table Grid"
    table.autofit = False
    weights = block.widths if len(block.widths) == columns else [1.0] * columns
    widths = [int(usable * w / sum(weights)) for w in weights]
    for r, row in enumerate(block.rows):
        if r and block.lines > 1:
            table.rows[r].height = Cm(0.6 * block.lines)
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.width = widths[c]
            cell.text = ""
            run = cell.paragraphs[0].add_run(value)
            run.bold = r == 0
            run.font.size = Pt(8.5)
    _repeat_header_row(table.rows[0])


def _repeat_header_row(row) -> None:
    """Mark a table's first row to be repeated at the top of each page it runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
