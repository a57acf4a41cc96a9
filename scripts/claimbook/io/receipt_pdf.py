"""The receipt or superbill as a PDF, drawn with fpdf2 on US Letter paper.

Layout, top to bottom: the practice and the receipt's number; three blocks (client,
rendering provider, insurance); the diagnoses with their pointer letters; the service
lines; the money summary; the payments; the certification and signature lines. The
page footer carries the practice's name and ``Page n of N``.

The PDF uses the built-in Helvetica, so it needs no font files; text outside Latin-1
(``Nguyễn``) is written without its accents (``Nguyen``).
"""

from __future__ import annotations

import os
import unicodedata
from datetime import datetime

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, TableCellFillMode, XPos, YPos

from claimbook.compute.receipts import (
    CERTIFICATION,
    SUPERBILL,
    Receipt,
    client_rows,
    coverage_rows,
    date_text,
    money_text,
    practice_rows,
    shown,
    summary_rows,
    therapist_rows,
)

NAVY = (31, 56, 100)
INK = (33, 37, 41)
GREY = (108, 117, 125)
RULE = (206, 212, 218)
BAND = (234, 239, 247)
ZEBRA = (246, 248, 251)
MARGIN = 16  # mm
FONT = "Helvetica"


def safe_text(text: object) -> str:
    """Text the built-in PDF fonts can draw: Latin-1, accents dropped where needed."""
    value = "" if text is None else str(text)
    value = value.replace("\u2013", "-").replace("\u2014", "-").replace("\u2019", "'")
    try:
        value.encode("latin-1")
        return value
    except UnicodeEncodeError:
        plain = unicodedata.normalize("NFKD", value)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
        return plain.encode("latin-1", "replace").decode("latin-1")


class ReceiptPDF(FPDF):
    """A Letter-size page with the practice's name and the page number at the foot."""

    def __init__(self, receipt: Receipt):
        super().__init__(orientation="portrait", unit="mm", format="letter")
        self.receipt = receipt
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=16)
        self.set_title(safe_text(f"{receipt.title} {receipt.number}"))
        self.set_author(safe_text(receipt.practice.name))
        self.set_creator("claimbook")
        self.set_creation_date(datetime(receipt.issued.year, receipt.issued.month,
                                        receipt.issued.day))

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.style(7.5, color=GREY)
        self.cell(0, 5, safe_text(self.receipt.practice.name))
        self.cell(0, 5, safe_text(f"{self.receipt.title} {self.receipt.number} (continued)"),
                  align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(1.5)
        self.style(7.5, color=GREY)
        self.cell(0, 4, safe_text(f"{self.receipt.practice.name}  ·  "
                                  f"{self.receipt.title} {self.receipt.number}"))
        self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    def style(self, size: float, bold: bool = False, italic: bool = False,
              color: tuple[int, int, int] = INK) -> None:
        """Set the font and text colour in one call."""
        self.set_font(FONT, ("B" if bold else "") + ("I" if italic else ""), size)
        self.set_text_color(*color)


def write_receipt_pdf(receipt: Receipt, path: str) -> str:
    """Draw ``receipt`` and save it as a PDF at ``path`` (written whole, then renamed).

    Args:
        receipt: the receipt's content.
        path: where the PDF goes.

    Returns:
        The path written.
    """
    data = receipt_pdf_bytes(receipt)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
    return path


def receipt_pdf_bytes(receipt: Receipt) -> bytes:
    """The PDF as bytes (for tests and mail)."""
    pdf = ReceiptPDF(receipt)
    pdf.add_page()
    for part in (_masthead, _blocks, _diagnoses, _services, _summary, _payments, _signature):
        part(pdf, receipt)
    return bytes(pdf.output())


# -- the parts ---------------------------------------------------------------------------
def _masthead(pdf: ReceiptPDF, receipt: Receipt) -> None:
    practice, top = receipt.practice, pdf.get_y()
    pdf.style(17, bold=True, color=NAVY)
    pdf.cell(pdf.content_width * 0.6, 8, safe_text(practice.name),
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.style(9, color=GREY)
    contact = "  ·  ".join(p for p in (practice.phone, practice.email) if p)
    for text in (*practice.address_lines, contact):
        if text:
            pdf.cell(0, 4.4, safe_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    ids = "    ".join(f"{label} {value}" for label, value in practice_rows(practice))
    if ids:
        pdf.style(8.5, color=INK)
        pdf.cell(0, 4.6, safe_text(ids), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    _title_block(pdf, receipt, top)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 3)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(4.5)


def _title_block(pdf: ReceiptPDF, receipt: Receipt, top: float) -> None:
    width, x = 90, pdf.w - pdf.r_margin - 90
    pdf.set_xy(x, top)
    pdf.style(15, bold=True, color=NAVY)
    pdf.cell(width, 8, receipt.title.upper(), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    first, last = receipt.period
    span = date_text(first) if first == last else f"{date_text(first)} - {date_text(last)}"
    for label, value in (("Receipt no.", receipt.number), ("Date issued",
                         date_text(receipt.issued)), ("Date of service" if first == last
                                                      else "Service dates", span)):
        pdf.set_x(x)
        pdf.style(8.5, color=GREY)
        pdf.cell(width - 50, 4.6, label, align="R")
        pdf.style(8.5, bold=True)
        pdf.cell(50, 4.6, safe_text(value), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)


def _blocks(pdf: ReceiptPDF, receipt: Receipt) -> None:
    """Client, rendering provider and insurance side by side, as tall as the tallest."""
    gap = 4
    width = (pdf.content_width - 2 * gap) / 3
    therapist_pairs = [p for t in receipt.therapists for p in therapist_rows(t) + [("", "")]]
    coverage_pairs = [p for c in receipt.coverages for p in coverage_rows(c) + [("", "")]]
    blocks = [("Client", client_rows(receipt.client)),
              ("Rendering provider", therapist_pairs[:-1]),
              ("Insurance", coverage_pairs[:-1] or [("", "Self-pay: no insurance billed")])]
    top = pdf.get_y()
    height = max(_block_lines(pdf, pairs, width, draw_at=None) for _, pairs in blocks)
    height += BLOCK_HEAD + 3
    if top + height > pdf.page_break_trigger:
        pdf.add_page()
        top = pdf.get_y()
    for i, (heading, pairs) in enumerate(blocks):
        x = pdf.l_margin + i * (width + gap)
        _block_frame(pdf, x, top, width, height, heading)
        _block_lines(pdf, pairs, width, draw_at=(x, top + BLOCK_HEAD + 1.5))
    pdf.set_xy(pdf.l_margin, top + height + 4)


BLOCK_HEAD, BLOCK_LABEL, BLOCK_LINE = 6.5, 20.5, 4.3
BOLD_LABELS = ("Client", "Provider", "Payer")


def _block_frame(pdf: ReceiptPDF, x: float, top: float, width: float, height: float,
                 heading: str) -> None:
    pdf.set_draw_color(*RULE)
    pdf.set_fill_color(*BAND)
    pdf.rect(x, top, width, height)
    pdf.rect(x, top, width, BLOCK_HEAD, style="DF")
    pdf.set_xy(x + 2.5, top + 0.8)
    pdf.style(7.5, bold=True, color=NAVY)
    pdf.cell(width - 5, 5, heading.upper())


def _block_lines(pdf: ReceiptPDF, pairs: list[tuple[str, str]], width: float,
                 draw_at: tuple[float, float] | None) -> float:
    """Draw label/value lines at ``draw_at`` (or only measure them); returns the height."""
    value_w = width - BLOCK_LABEL - 4
    used = 0.0
    for label, value in pairs:
        if not label and not value:
            if draw_at:
                pdf.set_draw_color(*RULE)
                y = draw_at[1] + used + 1.2
                pdf.line(draw_at[0] + 2.5, y, draw_at[0] + width - 2.5, y)
            used += 2.6
            continue
        pdf.style(8.6, bold=label in BOLD_LABELS)
        lines = pdf.multi_cell(value_w, BLOCK_LINE, safe_text(shown(value)), dry_run=True,
                               output="LINES")
        if draw_at:
            x, y = draw_at[0] + 2.5, draw_at[1] + used
            pdf.set_xy(x, y + 0.15)
            pdf.style(7.2, color=GREY)
            pdf.cell(BLOCK_LABEL, BLOCK_LINE, label)
            pdf.style(8.6, bold=label in BOLD_LABELS)
            for i, text in enumerate(lines):
                pdf.set_xy(x + BLOCK_LABEL, y + i * BLOCK_LINE)
                pdf.cell(value_w, BLOCK_LINE, text)
        used += BLOCK_LINE * max(1, len(lines)) + 0.3
    return used


def _section(pdf: ReceiptPDF, title: str, needed: float = 20) -> None:
    if pdf.get_y() + needed > pdf.page_break_trigger:
        pdf.add_page()
    pdf.style(8, bold=True, color=NAVY)
    pdf.cell(0, 5, title.upper(), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(0.5)


def _diagnoses(pdf: ReceiptPDF, receipt: Receipt) -> None:
    from claimbook.rules.icd10 import pointer

    _section(pdf, "Diagnoses (ICD-10-CM)", 14)
    if not receipt.diagnoses:
        pdf.style(9, italic=True, color=GREY)
        pdf.cell(0, 6, "None recorded (self-pay)", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(3)
        return
    x0, slot = pdf.l_margin, 31
    for i, code in enumerate(receipt.diagnoses):
        column = i % 6
        if column == 0 and i:
            pdf.ln(6.5)
        pdf.set_x(x0 + column * slot)
        pdf.set_fill_color(*NAVY)
        pdf.style(8, bold=True, color=(255, 255, 255))
        pdf.cell(5.5, 5.5, pointer(i), align="C", fill=True)
        pdf.style(10, bold=True)
        pdf.cell(slot - 7, 5.5, " " + safe_text(code))
    pdf.ln(8.5)


SERVICE_COLUMNS = (  # heading, width in mm (0: what is left), alignment
    ("Date", 21, "LEFT"), ("POS", 10, "CENTER"), ("Code", 22, "LEFT"),
    ("Description", 0, "LEFT"), ("Dx pointer", 18, "CENTER"), ("Minutes", 15, "RIGHT"),
    ("Units", 12, "RIGHT"), ("Charge", 24, "RIGHT"))
PROVIDER_COLUMN = ("Rendering NPI", 24, "LEFT")


def service_columns(receipt: Receipt) -> list[tuple[str, float, str]]:
    """The service table's columns; a rendering NPI column when several therapists."""
    columns = list(SERVICE_COLUMNS)
    if len(receipt.therapists) > 1:
        columns.insert(4, PROVIDER_COLUMN)
    return columns


def service_table_rows(receipt: Receipt) -> list[tuple[str, ...]]:
    """The service lines as the PDF prints them, in :func:`service_columns` order."""
    npi = {t.staff_id: t.npi or "" for t in receipt.therapists}
    several = len(receipt.therapists) > 1
    rows = []
    for s in receipt.services:
        row = [date_text(s.date_of_service), s.place_of_service, s.code, s.description,
               s.pointers, "" if s.minutes is None else str(s.minutes), str(s.units),
               money_text(s.charge)]
        if several:
            row.insert(4, npi.get(s.staff_id, ""))
        rows.append(tuple(row))
    return rows


def _table_style() -> dict:
    return dict(borders_layout=TableBordersLayout.HORIZONTAL_LINES,
                cell_fill_mode=TableCellFillMode.NONE,
                headings_style=FontFace(emphasis="BOLD", color=(255, 255, 255),
                                        fill_color=NAVY, size_pt=8),
                line_height=4.2, padding=(1.0, 1.6), v_align="MIDDLE", repeat_headings=1)


def _zebra(index: int) -> FontFace:
    """Every other row lightly shaded; the rest white."""
    return FontFace(fill_color=ZEBRA if index % 2 else (255, 255, 255), color=INK)


def _services(pdf: ReceiptPDF, receipt: Receipt) -> None:
    _section(pdf, "Services", 24)
    columns = service_columns(receipt)
    widths = [w for _, w, _ in columns]
    widths[3] = pdf.content_width - sum(widths)
    pdf.set_draw_color(*RULE)
    pdf.style(8.5)
    with pdf.table(col_widths=widths, width=pdf.content_width,
                   text_align=tuple(a for _, _, a in columns), **_table_style()) as table:
        table.row([h for h, _, _ in columns])
        for i, values in enumerate(service_table_rows(receipt)):
            table.row([safe_text(v) for v in values], style=_zebra(i))
    pdf.set_draw_color(*NAVY)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.style(9, bold=True)
    pdf.cell(pdf.content_width - widths[-1], 6.5, "Total charges", align="R")
    pdf.cell(widths[-1], 6.5, money_text(receipt.totals.charge), align="R",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _summary(pdf: ReceiptPDF, receipt: Receipt) -> None:
    rows = summary_rows(receipt.totals)
    width, amount = 84, 26
    x = pdf.w - pdf.r_margin - width
    if pdf.get_y() + 6 * len(rows) + 8 > pdf.page_break_trigger:
        pdf.add_page()
    top = pdf.get_y()
    pdf.set_fill_color(*BAND)
    pdf.set_draw_color(*RULE)
    pdf.set_xy(x, top)
    pdf.style(8, bold=True, color=NAVY)
    pdf.cell(width, 6.5, "  ACCOUNT SUMMARY", fill=True, new_x=XPos.LEFT, new_y=YPos.NEXT)
    for row in rows:
        _summary_row(pdf, x, width, amount, row)
    pdf.rect(x, top, width, pdf.get_y() - top + 1)
    _note(pdf, receipt, top)
    pdf.set_y(pdf.get_y() + 5)


def _summary_row(pdf: ReceiptPDF, x: float, width: float, amount: float, row) -> None:
    pdf.set_x(x)
    if row.style == "total":
        pdf.set_draw_color(*NAVY)
        pdf.line(x + 3, pdf.get_y() + 0.5, x + width - 3, pdf.get_y() + 0.5)
        pdf.ln(1)
        pdf.set_x(x)
        pdf.style(10.5, bold=True, color=NAVY)
        height = 7
    elif row.style == "detail":
        pdf.style(8, italic=True, color=GREY)
        height = 4.4
    else:
        pdf.style(9)
        height = 5.0
    indent = "      " if row.style == "detail" else "  "
    pdf.cell(width - amount - 3, height, indent + row.label)
    pdf.cell(amount, height, money_text(row.cents), align="R", new_x=XPos.LEFT,
             new_y=YPos.NEXT)
    pdf.set_x(x)


def _note(pdf: ReceiptPDF, receipt: Receipt, top: float) -> None:
    """Left of the summary: who to contact, and how to use the receipt."""
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top + 1)
    pdf.style(8, color=GREY)
    if receipt.kind == SUPERBILL:
        note = ("This superbill lists every visit in the period with its codes. Submit it "
                "to your insurer with their claim form to be reimbursed for what you paid.")
    else:
        note = ("Keep this receipt for your records or submit it to your insurer. "
                "It lists the codes and identifiers an insurer needs to process the visit.")
    contact = receipt.practice.phone or receipt.practice.email
    if contact:
        note += f" Questions about your bill: {contact}."
    pdf.multi_cell(pdf.content_width - 84 - 8, 4.2, safe_text(note),
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(bottom, pdf.get_y()))


PAYMENT_HEADINGS = ("Date", "Paid by", "Reference", "Appointment", "Paid", "Adjusted")
PAYMENT_WIDTHS = (21, 0, 30, 26, 24, 24)
PAYMENT_ALIGN = ("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT", "RIGHT")


def payment_table_rows(receipt: Receipt) -> list[tuple[str, ...]]:
    """The payments as the PDF prints them."""
    out = []
    for p in receipt.payments:
        adjusted = money_text(p.adjustment) if p.adjustment else ""
        if p.adjustment and p.adjustment_reason:
            adjusted = f"{adjusted} {p.adjustment_reason}"
        out.append((date_text(p.date_received), p.paid_by, p.reference or "",
                    p.appointment_id, money_text(p.amount), adjusted))
    return out


def _payments(pdf: ReceiptPDF, receipt: Receipt) -> None:
    _section(pdf, "Payments and adjustments", 20)
    if not receipt.payments:
        pdf.style(9, italic=True, color=GREY)
        pdf.cell(0, 6, "No payments yet.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
        return
    widths = list(PAYMENT_WIDTHS)
    widths[1] = pdf.content_width - sum(widths)
    pdf.set_draw_color(*RULE)
    pdf.style(8.5)
    with pdf.table(col_widths=widths, width=pdf.content_width, text_align=PAYMENT_ALIGN,
                   **_table_style()) as table:
        table.row(list(PAYMENT_HEADINGS))
        for i, values in enumerate(payment_table_rows(receipt)):
            table.row([safe_text(v) for v in values], style=_zebra(i))
    pdf.ln(5)


def _signature(pdf: ReceiptPDF, receipt: Receipt) -> None:
    signer = receipt.therapists[0] if receipt.therapists else None
    if pdf.get_y() + 25 > pdf.page_break_trigger:
        pdf.add_page()
    pdf.style(8, italic=True, color=GREY)
    pdf.multi_cell(0, 4.2, CERTIFICATION, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(9)
    y = pdf.get_y()
    sign_w, date_w = 100, 48
    date_x = pdf.w - pdf.r_margin - date_w
    pdf.set_draw_color(*INK)
    pdf.line(pdf.l_margin, y, pdf.l_margin + sign_w, y)
    pdf.line(date_x, y, date_x + date_w, y)
    pdf.set_y(y + 1)
    pdf.style(7.5, color=GREY)
    pdf.cell(sign_w, 4, "Signature of rendering provider")
    pdf.set_x(date_x)
    pdf.cell(date_w, 4, "Date", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if signer is not None:
        pdf.style(9, bold=True)
        ids = f"  ·  NPI {signer.npi}" if signer.npi else ""
        pdf.cell(0, 5, safe_text(f"{signer.signed_name}{ids}"), new_x=XPos.LMARGIN,
                 new_y=YPos.NEXT)
