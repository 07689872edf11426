"""Writing a :class:`~pep_tui.services.pep_document.Document` as PDF (fpdf2) or Word .docx (python-docx).

Text is always written as text: fpdf2 with markdown off, python-docx as plain runs. The PDF uses a
Unicode font (DejaVu Sans) when the system has one; otherwise the built-in Helvetica, with characters
it cannot show replaced (a note on the first page says so).
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from pep_tui.services.pep_document import Block, Document

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
)
FORMATS = ("pdf", "docx")


def _dejavu() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


def _latin1(text: str) -> str:
    """Text the built-in PDF fonts can show: accents kept where latin-1 has them, others simplified."""
    swaps = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
             "\u2026": "...", "\u00a0": " ", "\u2022": "*", "\u2610": "[ ]"}
    out = []
    for char in text:
        char = swaps.get(char, char)
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


def write_pdf(doc: Document) -> bytes:
    """The document as PDF bytes (A4)."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fonts = _dejavu()
    family = "DejaVu" if fonts else "Helvetica"
    fix = (lambda s: s) if fonts else _latin1

    class _PDF(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(family, "", 8)
            self.cell(0, 5, fix(f"{doc.footer}  -  page {self.page_no()}/{{nb}}"), align="C")

    pdf = _PDF(format="A4")
    pdf.set_title(fix(doc.title))
    pdf.set_creator("pep-tui")
    if fonts:
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
    pdf.alias_nb_pages()
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: float, style: str = "", indent: float = 0.0, height: float = 5.0) -> None:
        pdf.set_font(family, style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, height, fix(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, markdown=False)

    write(doc.title, 16, "B", height=8)
    for block in doc.blocks:
        indent = 5.0 * block.level
        if block.kind == "title":
            write(block.text, 14, "B", height=7)
        elif block.kind == "heading":
            pdf.ln(3)
            write(block.text, 13, "B", height=7)
            pdf.set_draw_color(120, 120, 120)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
            pdf.ln(1)
        elif block.kind == "subheading":
            pdf.ln(1)
            write(block.text, 10.5, "B", indent)
        elif block.kind == "field":
            _pdf_field(pdf, block, write, fix, family, indent, width)
        elif block.kind == "table":
            _pdf_table(pdf, block, fix, family)
        elif block.kind == "note":
            write(block.text, 8.5, "", indent, 4.5)
        else:
            write(block.text, 10, "", indent)
    return bytes(pdf.output())


def _pdf_field(pdf, block: Block, write, fix, family: str, indent: float, width: float) -> None:
    from fpdf.enums import XPos, YPos

    if not block.blank and "\n" not in block.text and len(block.text) <= 160:
        _pdf_field_row(pdf, block, fix, family, indent, width)
        return
    write(block.label, 8.5, "B", indent, 4.5)
    if not block.blank:
        write(block.text, 10, "", indent + 2)
        pdf.ln(1)
        return
    pdf.set_font(family, "", 10)
    if block.choices:
        pdf.set_x(pdf.l_margin + indent + 2)
        pdf.multi_cell(width - indent - 2, 6, fix("   ".join(f"[  ] {c}" for c in block.choices)),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, markdown=False)
    else:
        height = 7.0 * block.lines
        if pdf.will_page_break(height):
            pdf.add_page()
        pdf.set_x(pdf.l_margin + indent + 2)
        pdf.cell(width - indent - 2, height, "", border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _pdf_field_row(pdf, block: Block, fix, family: str, indent: float, width: float) -> None:
    """A short field as one row: the label in a left column, the value beside it."""
    from fpdf.enums import MethodReturnValue, XPos, YPos

    label_width = min(70.0, (width - indent) * 0.42)
    value_width = width - indent - label_width
    pdf.set_font(family, "B", 8.5)
    label_lines = pdf.multi_cell(label_width, 4.5, fix(block.label), dry_run=True, output=MethodReturnValue.LINES)
    pdf.set_font(family, "", 10)
    value_lines = pdf.multi_cell(value_width, 5, fix(block.text), dry_run=True, output=MethodReturnValue.LINES)
    height = max(4.5 * len(label_lines), 5.0 * len(value_lines))
    if pdf.will_page_break(height):
        pdf.add_page()
    top = pdf.get_y()
    left = pdf.l_margin + indent
    pdf.set_xy(left, top)
    pdf.set_font(family, "B", 8.5)
    pdf.multi_cell(label_width, 4.5, fix(block.label), new_x=XPos.RIGHT, new_y=YPos.TOP, markdown=False)
    pdf.set_xy(left + label_width, top)
    pdf.set_font(family, "", 10)
    pdf.multi_cell(value_width, 5, fix(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, markdown=False)
    pdf.set_y(top + height + 1)


def _pdf_table(pdf, block: Block, fix, family: str) -> None:
    if not block.rows:
        return
    pdf.set_font(family, "", 8.5)
    with pdf.table(first_row_as_headings=True, line_height=4.5, markdown=False) as table:
        for n, row in enumerate(block.rows):
            cells = table.row()
            for value in row:
                if n == 0:
                    pdf.set_font(family, "B", 8.5)
                cells.cell(fix(value))
            pdf.set_font(family, "", 8.5)
    pdf.ln(2)


def write_docx(doc: Document) -> bytes:
    """The document as Word .docx bytes."""
    from docx import Document as WordDocument
    from docx.shared import Cm, Pt

    word = WordDocument()
    word.core_properties.title = doc.title
    word.core_properties.author = "pep-tui"
    style = word.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10)
    word.add_heading(doc.title, level=0)
    for block in doc.blocks:
        indent = Cm(0.5 * block.level)
        if block.kind == "title" or block.kind == "heading":
            word.add_heading(block.text, level=1)
        elif block.kind == "subheading":
            para = word.add_heading(block.text, level=3)
            para.paragraph_format.left_indent = indent
        elif block.kind == "field":
            para = word.add_paragraph()
            para.paragraph_format.left_indent = indent
            para.paragraph_format.space_after = Pt(1)
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
            table = word.add_table(rows=len(block.rows), cols=len(block.rows[0]))
            table.style = "Table Grid"
            for r, row in enumerate(block.rows):
                for c, value in enumerate(row):
                    cell = table.cell(r, c)
                    cell.text = ""
                    run = cell.paragraphs[0].add_run(value)
                    run.bold = r == 0
                    run.font.size = Pt(8.5)
        elif block.kind == "note":
            para = word.add_paragraph()
            run = para.add_run(block.text)
            run.italic = True
            run.font.size = Pt(8.5)
        else:
            para = word.add_paragraph()
            para.paragraph_format.left_indent = indent
            para.add_run(block.text)
    for section in word.sections:
        section.footer.paragraphs[0].text = doc.footer
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()


def write_document(doc: Document, fmt: str) -> bytes:
    """PDF or Word bytes for ``fmt`` in :data:`FORMATS`."""
    if fmt == "pdf":
        return write_pdf(doc)
    if fmt == "docx":
        return write_docx(doc)
    raise ValueError(f"format {fmt!r}: choose pdf or docx")
