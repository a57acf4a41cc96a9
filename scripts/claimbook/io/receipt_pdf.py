"""The receipt or superbill as a PDF, drawn with fpdf2 on US Letter paper.

Layout, top to bottom: the practice and the receipt's number; the blocks (client,
rendering provider, insurance); the diagnoses with their pointer letters; the service
lines (with modifiers); the account summary, headed by what the client owes, beside
the notes that say where each visit stands with its insurer; the payments and the
reason codes in words; one signature block per rendering provider. A self-pay receipt
has no codes, no insurance and no attestation. The font is DejaVu Sans, embedded
(:mod:`claimbook.io.pdf_kit`), so every name prints as typed.
"""

from __future__ import annotations

from fpdf.enums import XPos, YPos

from claimbook.compute import receipt_text as words
from claimbook.compute.papers import SUBMIT
from claimbook.compute.receipts import Receipt
from claimbook.io.pdf_kit import (
    GREY,
    INK,
    NAVY,
    WHITE,
    PaperPDF,
    draw_blocks,
    draw_summary,
    draw_table,
    save_pdf,
)
from claimbook.rules.icd10 import pointer
from claimbook.rules.problems import Problem

IMAGE_KINDS = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


def write_receipt_pdf(receipt: Receipt, path: str) -> str:
    """Draw ``receipt`` and save it as a PDF at ``path`` (written whole, then renamed).

    Returns:
        The path written.
    """
    return save_pdf(receipt_pdf_bytes(receipt), path)


def receipt_pdf_bytes(receipt: Receipt) -> bytes:
    """The PDF as bytes (what is saved, and what is attached to the email)."""
    pdf = PaperPDF(receipt.practice.name, f"{receipt.title} {receipt.number}",
                   receipt.issued, receipt.practice.date_style)
    pdf.add_page()
    for part in (_masthead, _blocks, _diagnoses, _services, _summary, _payments,
                 _signatures):
        part(pdf, receipt)
    return pdf.finish(f"{receipt.title.lower()} {receipt.number} for "
                      f"{receipt.client.client_id}")


def signature_problems(book, staff_ids) -> list[Problem]:
    """A Signature Image on Staff that is not a PNG or JPEG file beside the workbook."""
    from claimbook.compute.receipts import signature_path

    out = []
    for staff_id in dict.fromkeys(staff_ids):
        member = book.staff.get(staff_id)
        typed = (getattr(member, "signature_image", None) or "").strip() if member else ""
        if not typed:
            continue
        path = signature_path(book, typed)
        try:
            with open(path, "rb") as fh:
                head = fh.read(8)
        except OSError:
            out.append(member.src.problem("signature_image", f'no signature image "{typed}" '
                                          "beside the workbook"))
            continue
        if not any(head.startswith(magic) for magic in IMAGE_KINDS):
            out.append(member.src.problem("signature_image", f'"{typed}" is not a PNG or '
                                          "JPEG image"))
    return out


# -- the parts ---------------------------------------------------------------------------
def _masthead(pdf: PaperPDF, receipt: Receipt) -> None:
    practice, top = receipt.practice, pdf.get_y()
    pdf.practice_block(practice)
    ids = "    ".join(f"{label} {value}" for label, value in words.practice_rows(practice))
    if ids:
        pdf.style(8, color=INK)
        pdf.cell(0, 4.6, ids, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    left_bottom = pdf.get_y()
    width, x = 80, pdf.w - pdf.r_margin - 80
    pdf.set_xy(x, top)
    pdf.style(15, bold=True, color=NAVY)
    pdf.cell(width, 8, receipt.title.upper(), align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    span_label, span = words.period_text(receipt)
    for label, value in (("Receipt no.", receipt.number),
                         ("Date issued", pdf.shown_date(receipt.issued)), (span_label, span)):
        pdf.set_x(x)
        pdf.style(8.2, color=GREY)
        pdf.cell(width - 56, 4.6, label, align="R")
        pdf.style(8.2, bold=True)
        pdf.cell(56, 4.6, value, align="R", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 3)
    pdf.set_draw_color(*NAVY)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.set_line_width(0.2)
    pdf.ln(3.5)


def _blocks(pdf: PaperPDF, receipt: Receipt) -> None:
    client = ("Client", words.client_rows(receipt.client))
    if receipt.plain:
        names = [("Therapist", t.signed_name) for t in receipt.therapists]
        draw_blocks(pdf, [client, ("Your therapist", names)])
        return
    therapists = [p for t in receipt.therapists for p in words.therapist_rows(t) + [("", "")]]
    coverages = [p for c in receipt.coverages for p in words.coverage_rows(c) + [("", "")]]
    if not coverages:
        submit = any(v.insurer.kind == SUBMIT for v in receipt.visits)
        coverages = [("", "Not billed by us: submit this to your insurer" if submit
                      else "None billed"), ("", "")]
    draw_blocks(pdf, [client, ("Rendering provider", therapists[:-1]),
                      ("Insurance", coverages[:-1])], (1.2, 1, 1))


def _diagnoses(pdf: PaperPDF, receipt: Receipt) -> None:
    if receipt.plain:
        return
    pdf.section("Diagnoses (ICD-10-CM)", 14)
    x0, slot = pdf.l_margin, 30.5
    for i, code in enumerate(receipt.diagnoses):
        column = i % 6
        if column == 0 and i:
            pdf.ln(6.5)
        pdf.set_x(x0 + column * slot)
        pdf.set_fill_color(*NAVY)
        pdf.style(8, bold=True, color=WHITE)
        pdf.cell(5.5, 5.5, pointer(i), align="C", fill=True)
        pdf.style(9.5, bold=True)
        pdf.cell(slot - 7, 5.5, " " + code)
    pdf.ln(7.5)


def _services(pdf: PaperPDF, receipt: Receipt) -> None:
    pdf.section("Services", 24)
    widths = draw_table(pdf, words.service_columns(receipt),
                        words.service_table_rows(receipt))
    pdf.set_draw_color(*NAVY)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.style(9, bold=True)
    pdf.cell(pdf.content_width - widths[-1], 6.5, "Total charges", align="R")
    pdf.cell(widths[-1], 6.5, words.money_text(receipt.totals.charge), align="R",
             new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _summary(pdf: PaperPDF, receipt: Receipt) -> None:
    width = 92
    top = draw_summary(pdf, "Account summary", words.summary_rows(receipt.totals), width)
    bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin, top + 1)
    note_width = pdf.content_width - width - 7
    for i, sentence in enumerate(words.notes(receipt)):
        last = i == len(words.notes(receipt)) - 1 and sentence.startswith("Questions")
        pdf.style(8.4 if not last else 8, color=INK if not last else GREY)
        pdf.multi_cell(note_width, 4.3, sentence, align="L", new_x=XPos.LMARGIN,
                       new_y=YPos.NEXT)
        pdf.ln(1.5)
    pdf.set_y(max(bottom, pdf.get_y()) + 3.5)


def _payments(pdf: PaperPDF, receipt: Receipt) -> None:
    pdf.section("Payments and adjustments", 20)
    if not receipt.payments:
        pdf.paragraph("No payments yet.", 8.6, GREY, italic=True)
        pdf.ln(4)
        return
    draw_table(pdf, words.PAYMENT_COLUMNS, words.payment_table_rows(receipt))
    legend = words.reason_lines(receipt)
    if legend:
        pdf.ln(1.5)
        pdf.style(7.6, bold=True, color=GREY)
        pdf.cell(0, 4, "Reason codes", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        for line in legend:
            pdf.paragraph(line, 7.6, GREY, height=3.8)
    pdf.ln(3.5)


def _signatures(pdf: PaperPDF, receipt: Receipt) -> None:
    for block in words.signature_blocks(receipt):
        _signature(pdf, block)


def _signature(pdf: PaperPDF, block: words.SignatureBlock) -> None:
    pdf.room(29)
    pdf.paragraph(block.statement, 8, GREY, italic=True)
    pdf.ln(2)
    y = pdf.get_y() + 11
    sign_w, date_w = 100, 48
    date_x = pdf.w - pdf.r_margin - date_w
    image = block.therapist.signature_image
    if image:
        pdf.image(image, x=pdf.l_margin + 2, y=y - 11, h=10.5, keep_aspect_ratio=True,
                  w=sign_w - 4)
    elif block.on_file:
        pdf.set_xy(pdf.l_margin + 2, y - 6)
        pdf.style(10, italic=True, color=NAVY)
        pdf.cell(sign_w - 4, 5, "Signature on file")
    if block.dated:
        pdf.set_xy(date_x + 2, y - 6)
        pdf.style(10, color=INK)
        pdf.cell(date_w - 4, 5, pdf.shown_date(block.dated))
    pdf.set_draw_color(*INK)
    pdf.line(pdf.l_margin, y, pdf.l_margin + sign_w, y)
    pdf.line(date_x, y, date_x + date_w, y)
    pdf.set_xy(pdf.l_margin, y + 1)
    pdf.style(7.5, color=GREY)
    pdf.cell(sign_w, 4, "Signature of rendering provider")
    pdf.set_x(date_x)
    pdf.cell(date_w, 4, "Date", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    therapist = block.therapist
    pdf.style(9, bold=True)
    ids = f"  ·  NPI {therapist.npi}" if therapist.npi else ""
    pdf.cell(0, 5, f"{therapist.signed_name}{ids}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
