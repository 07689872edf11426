"""Writing a :class:`~pep_tui.services.pep_document.Document` as PDF (fpdf2) or Word .docx (python-docx,
in :mod:`pep_tui.services.docx_writer`).

Text is always written as text: fpdf2 with markdown off, python-docx as plain runs. The PDF uses a
Unicode font (DejaVu Sans) when the system has one; otherwise the built-in Helvetica, with characters
it cannot show replaced (a note on the first page says so).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

from pep_tui.services.docx_writer import write_docx
from pep_tui.services.pep_document import TRAINING_BANNER, Block, Document

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


def _fit(pdf, text: str, width: float) -> str:
    """``text`` cut (with "...") to fit ``width`` in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "...") > width:
        text = text[:-1]
    return text.rstrip() + "..."


def write_pdf(doc: Document) -> bytes:
    """The document as PDF bytes (A4): left-aligned text, a running header and footer ("page n of m")
    on every page, headings kept with what follows, and the training banner and watermark when
    ``doc.training``."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    fonts = _dejavu()
    family = "DejaVu" if fonts else "Helvetica"
    fix = (lambda s: s) if fonts else _latin1

    class _PDF(FPDF):
        def header(self) -> None:
            if doc.training:
                self._watermark()
                self.set_xy(self.l_margin, 6)
                self.set_font(family, "B", 9)
                self.set_text_color(170, 0, 0)
                self.set_draw_color(170, 0, 0)
                self.cell(self.epw, 6, fix(TRAINING_BANNER), border=1, align="C")
                self.set_text_color(0, 0, 0)
            if self.page_no() > 1 and doc.header:
                self.set_xy(self.l_margin, 13)
                self.set_font(family, "", 8)
                self.set_text_color(90, 90, 90)
                self.cell(self.epw, 4, _fit(self, fix(doc.header), self.epw))
                self.set_draw_color(180, 180, 180)
                self.line(self.l_margin, 17.5, self.l_margin + self.epw, 17.5)
                self.set_text_color(0, 0, 0)
            self.set_xy(self.l_margin, self.t_margin)

        def _watermark(self) -> None:
            self.set_font(family, "B", 70)
            self.set_text_color(235, 235, 235)
            text = "TRAINING"
            x = (self.w - self.get_string_width(text)) / 2
            with self.rotation(45, self.w / 2, self.h / 2):
                self.text(x, self.h / 2 + 10, text)
            self.set_text_color(0, 0, 0)

        def footer(self) -> None:
            page = f"page {self.page_no()} of {{nb}}"
            self.set_draw_color(180, 180, 180)
            self.line(self.l_margin, self.h - 15, self.l_margin + self.epw, self.h - 15)
            self.set_xy(self.l_margin, -14)
            self.set_font(family, "", 8)
            page_width = self.get_string_width(f"page {self.page_no()} of 9999") + 2
            self.cell(self.epw - page_width, 4, _fit(self, fix(doc.footer), self.epw - page_width - 2))
            self.cell(page_width, 4, page, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            if doc.footer_note:
                self.set_font(family, "", 6.5)
                self.set_text_color(90, 90, 90)
                self.cell(self.epw, 3.5, _fit(self, fix(doc.footer_note), self.epw))
                self.set_text_color(0, 0, 0)

    pdf = _PDF(format="A4")
    pdf.set_title(fix(doc.title))
    pdf.set_creator("pep-tui")
    if fonts:
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
    pdf.alias_nb_pages()
    pdf.set_margins(15, 20 if (doc.header or doc.training) else 12, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def write(text: str, size: float, style: str = "", indent: float = 0.0, height: float = 5.0) -> None:
        pdf.set_font(family, style, size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, height, fix(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, markdown=False,
                       align="L")

    def keep(height: float) -> None:
        """Start a new page unless ``height`` more fits on this one (headings stay with what follows)."""
        if pdf.will_page_break(height):
            pdf.add_page()

    write(doc.title, 16, "B", height=8)
    for block in doc.blocks:
        indent = 5.0 * block.level
        if block.kind == "title":
            keep(30)
            write(block.text, 14, "B", height=7)
        elif block.kind == "heading":
            keep(32)
            pdf.ln(3)
            write(block.text, 13, "B", height=7)
            pdf.set_draw_color(120, 120, 120)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
            pdf.ln(1)
        elif block.kind == "subheading":
            keep(20)
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
    from fpdf.enums import MethodReturnValue, XPos, YPos

    if not block.blank and "\n" not in block.text and len(block.text) <= 160:
        _pdf_field_row(pdf, block, fix, family, indent, width)
        return
    pdf.set_font(family, "B", 8.5)
    label_lines = pdf.multi_cell(width - indent, 4.5, fix(block.label), dry_run=True, output=MethodReturnValue.LINES)
    label_height = 4.5 * len(label_lines)
    if not block.blank:
        if pdf.will_page_break(label_height + 10):  # the label and at least the first lines together
            pdf.add_page()
        write(block.label, 8.5, "B", indent, 4.5)
        write(block.text, 10, "", indent + 2)
        pdf.ln(1)
        return
    box = 6.0 if block.choices else 7.0 * block.lines
    if pdf.will_page_break(label_height + box + 1.5):  # never a label at the foot of one page, its box on the next
        pdf.add_page()
    write(block.label, 8.5, "B", indent, 4.5)
    pdf.set_font(family, "", 10)
    if block.choices:
        pdf.set_x(pdf.l_margin + indent + 2)
        pdf.multi_cell(width - indent - 2, 6, fix("   ".join(f"[  ] {c}" for c in block.choices)),
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT, markdown=False, align="L")
    else:
        pdf.set_x(pdf.l_margin + indent + 2)
        pdf.cell(width - indent - 2, box, "", border=1, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(1.5)


def _pdf_field_row(pdf, block: Block, fix, family: str, indent: float, width: float) -> None:
    """A short field as one row: the label in a left column, the value beside it."""
    from fpdf.enums import MethodReturnValue, XPos, YPos

    label_width = min(70.0, (width - indent) * 0.42)
    value_width = width - indent - label_width - 2
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
    pdf.multi_cell(label_width, 4.5, fix(block.label), new_x=XPos.RIGHT, new_y=YPos.TOP, markdown=False, align="L")
    pdf.set_xy(left + label_width + 2, top)
    pdf.set_font(family, "", 10)
    pdf.multi_cell(value_width, 5, fix(block.text), new_x=XPos.LMARGIN, new_y=YPos.NEXT, markdown=False, align="L")
    pdf.set_y(top + height + 1)


def _pdf_table(pdf, block: Block, fix, family: str) -> None:
    if not block.rows:
        return
    columns = len(block.rows[0])
    widths = block.widths if len(block.widths) == columns else None
    if pdf.will_page_break(4.5 * 3 + 4):  # the header row with at least one row under it
        pdf.add_page()
    pdf.set_font(family, "", 8.5)
    with pdf.table(first_row_as_headings=True, line_height=4.5, markdown=False, text_align="LEFT",
                   col_widths=widths, padding=1, v_align="TOP") as table:
        for n, row in enumerate(block.rows):
            cells = table.row()
            for value in row:
                if n == 0:
                    pdf.set_font(family, "B", 8.5)
                text = fix(value) if value else " "
                if n and block.lines > 1:  # room to write by hand (a blank form)
                    text += "\n" * (block.lines - 1)
                cells.cell(text)
            pdf.set_font(family, "", 8.5)
    pdf.ln(2)


def write_document(doc: Document, fmt: str) -> bytes:
    """PDF or Word bytes for ``fmt`` in :data:`FORMATS`."""
    if fmt == "pdf":
        return write_pdf(doc)
    if fmt == "docx":
        return write_docx(doc)
    raise ValueError(f"format {fmt!r}: choose pdf or docx")
