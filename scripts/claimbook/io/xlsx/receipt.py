"""The receipt workbook: one print-ready sheet that shows what the PDF shows.

With real dates and numbers: the practice and receipt number, the client and rendering
provider, the insurance and diagnoses, the service lines with their modifiers, the
account summary headed by what the client owes, the notes on where each visit stands,
the payments with their reason codes in words, and one signature block per rendering
provider. It prints on Letter paper, portrait, one page wide, with nothing clipped
(:mod:`claimbook.io.xlsx.paper_sheet`), the practice's name and the receipt number in
the header, the page number in the footer.
"""

from __future__ import annotations

from datetime import date, datetime

from claimbook.compute import receipt_text as words
from claimbook.compute.papers import SUBMIT
from claimbook.compute.receipts import Receipt
from claimbook.io.xlsx.paper_sheet import GREY, LAST, MONEY_FORMAT, PaperSheet
from claimbook.io.xlsx.safe import replace_atomically
from claimbook.io.xlsx.styles import NAVY, new_workbook
from claimbook.rules.icd10 import pointer

SHEET = "Receipt"
LEFT, RIGHT = (0, 2, 4), (5, 6, LAST)  # a block: first column, first value column, last
SERVICE_SPANS = [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 6), (7, 7), (8, 8), (9, 9),
                 (10, 10)]
SERVICE_SPANS_NPI = [(i, i) for i in range(11)]
PLAIN_SPANS = [(0, 0), (1, 1), (2, 5), (6, 7), (8, 9), (10, 10)]
PAYMENT_SPANS = [(0, 1), (2, 3), (4, 5), (6, 6), (7, 8), (9, 9), (10, 10)]


def write_receipt_workbook(receipt: Receipt, path: str) -> str:
    """Write the receipt's print-ready workbook at ``path`` (atomically).

    Returns:
        The path written.
    """
    def build(tmp: str) -> None:
        wb = new_workbook(tmp)
        issued = datetime(receipt.issued.year, receipt.issued.month, receipt.issued.day)
        wb.set_properties({"title": f"{receipt.title} {receipt.number}",
                           "author": "claimbook", "company": receipt.practice.name,
                           "created": issued})
        sheet = PaperSheet(wb, wb.add_worksheet(SHEET), date_style=receipt.practice.date_style)
        for part in (_masthead, _people, _insurance, _services, _summary, _payments,
                     _signatures):
            part(sheet, receipt)
        sheet.finish(receipt.practice.name, f"{receipt.title} {receipt.number}")
        wb.close()

    replace_atomically(path, build)
    return path


def _masthead(sheet: PaperSheet, receipt: Receipt) -> None:
    practice = receipt.practice
    sheet.put(0, 0, 6, practice.name, sheet.fmt(bold=True, font_size=16, font_color=NAVY,
                                               text_wrap=True, valign="top"), 16)
    sheet.put(0, 7, LAST, receipt.title.upper(), sheet.fmt(
        bold=True, font_size=14, font_color=NAVY, align="right", valign="top"))
    sheet.tall(0, 24)
    contact = "  ·  ".join(p for p in (practice.phone, practice.email) if p)
    ids = "    ".join(f"{label} {value}" for label, value in words.practice_rows(practice))
    left = [line for line in (*practice.address_lines, contact, ids) if line]
    label, _ = words.period_text(receipt)
    first, last = receipt.period
    right: list[tuple[str, object]] = [("Receipt no.", receipt.number),
                                       ("Date issued", receipt.issued)]
    right += [(label, first)] if first == last else [("First date of service", first),
                                                     ("Last date of service", last)]
    grey = sheet.fmt(font_color=GREY)
    for i in range(max(len(left), len(right))):
        if i < len(left):
            sheet.put(1 + i, 0, 5, left[i], grey)
        if i < len(right):
            name, value = right[i]
            sheet.put(1 + i, 6, 8, name, sheet.fmt(font_color=GREY, align="right"))
            fmt = sheet.fmt(bold=True, align="right", num_format=sheet.date_format) \
                if isinstance(value, date) else sheet.fmt(bold=True, align="right")
            sheet.put(1 + i, 9, LAST, value, fmt)
    sheet.row = 2 + max(len(left), len(right))
    sheet.block(0)


def _two_blocks(sheet: PaperSheet, left: tuple[str, list], right: tuple[str, list]) -> int:
    """Two label/value blocks side by side; returns the row after them."""
    top = sheet.row
    sheet.heading(left[0], LEFT[0], LEFT[2])
    sheet.heading(right[0], RIGHT[0], RIGHT[2])
    end_left = sheet.pairs(top + 1, *LEFT, left[1])
    end_right = sheet.pairs(top + 1, *RIGHT, right[1], right_labels=True)
    return max(end_left, end_right)


def _people(sheet: PaperSheet, receipt: Receipt) -> None:
    top = sheet.row
    if receipt.plain:
        names = [("Therapist", t.signed_name) for t in receipt.therapists]
        end = _two_blocks(sheet, ("Client", words.client_rows(receipt.client)),
                          ("Your therapist", names))
    else:
        therapists: list[tuple[str, object]] = []
        for therapist in receipt.therapists:
            therapists += ([("", "")] if therapists else []) + words.therapist_rows(therapist)
        end = _two_blocks(sheet, ("Client", words.client_rows(receipt.client)),
                          ("Rendering provider", therapists))
    sheet.row = end
    sheet.block(top)
    sheet.blank_row()


def _insurance(sheet: PaperSheet, receipt: Receipt) -> None:
    if receipt.plain:
        return
    pairs: list[tuple[str, object]] = []
    for coverage in receipt.coverages:
        pairs += ([("", "")] if pairs else []) + words.coverage_rows(coverage)
    if not pairs:
        submit = any(v.insurer.kind == SUBMIT for v in receipt.visits)
        pairs = [("", "Not billed by us: submit this to your insurer" if submit
                  else "None billed")]
    top = sheet.row
    sheet.heading("Insurance", LEFT[0], LEFT[2])
    sheet.heading("Diagnoses (ICD-10-CM)", RIGHT[0], RIGHT[2])
    end = sheet.pairs(top + 1, *LEFT, pairs)
    letter = sheet.fmt(bold=True, font_color=NAVY, align="right")
    for i, code in enumerate(receipt.diagnoses):
        sheet.put(top + 1 + i, RIGHT[0], RIGHT[0], pointer(i), letter)
        sheet.put(top + 1 + i, RIGHT[1], RIGHT[2], code, sheet.fmt(bold=True))
    sheet.row = max(end, top + 1 + len(receipt.diagnoses))
    sheet.block(top)
    sheet.blank_row()


def _services(sheet: PaperSheet, receipt: Receipt) -> None:
    top = sheet.row
    sheet.heading("Services")
    sheet.row += 1
    columns = words.service_columns(receipt)
    spans = PLAIN_SPANS if receipt.plain else (
        SERVICE_SPANS_NPI if len(columns) > len(SERVICE_SPANS) else SERVICE_SPANS)
    head = sheet.table(spans, columns, words.service_table_rows(receipt))
    total = sheet.fmt(bold=True, align="right", top=1, top_color=NAVY)
    for col in range(LAST):
        sheet.ws.write_blank(sheet.row, col, None, total)
    sheet.put(sheet.row, 5, LAST - 1, "Total charges", total)
    sheet.put(sheet.row, LAST, LAST, receipt.totals.charge,
              sheet.fmt(bold=True, num_format=MONEY_FORMAT, top=1, top_color=NAVY))
    sheet.row += 1
    sheet.block(top, head)
    sheet.blank_row()


def _summary(sheet: PaperSheet, receipt: Receipt) -> None:
    top = sheet.row
    sheet.heading("Account summary", 5, LAST)
    sheet.row += 1
    for item in words.summary_rows(receipt.totals):
        if item.style == words.TOTAL:
            props = dict(bold=True, font_color=NAVY, font_size=13, top=1, top_color=NAVY)
            size = 13
        elif item.style == words.DETAIL:
            props = dict(italic=True, font_color=GREY, font_size=9)
            size = 9
        else:
            props, size = {}, 10
        label = sheet.fmt(text_wrap=True, valign="top", **props)
        if item.style == words.TOTAL:
            for col in range(5, LAST):
                sheet.ws.write_blank(sheet.row, col, None, label)
        sheet.put(sheet.row, 5, LAST - 1, item.label, label, size)
        sheet.put(sheet.row, LAST, LAST, item.cents,
                  sheet.fmt(num_format=MONEY_FORMAT, valign="top", **props))
        if item.style == words.TOTAL:
            sheet.tall(sheet.row, 21)
        sheet.row += 1
    sheet.blank_row(6)
    for text in words.notes(receipt):
        sheet.sentence(text, 10)
    sheet.block(top)
    sheet.blank_row()


def _payments(sheet: PaperSheet, receipt: Receipt) -> None:
    top = sheet.row
    sheet.heading("Payments and adjustments")
    sheet.row += 1
    head = None
    if receipt.payments:
        head = sheet.table(PAYMENT_SPANS, words.PAYMENT_COLUMNS,
                           words.payment_table_rows(receipt))
        legend = words.reason_lines(receipt)
        if legend:
            sheet.sentence("Reason codes", 9, GREY)
            for line in legend:
                sheet.sentence(line, 9, GREY)
    else:
        sheet.sentence("No payments yet.", 10, GREY, italic=True)
    sheet.block(top, head)
    sheet.blank_row()


def _signatures(sheet: PaperSheet, receipt: Receipt) -> None:
    for block in words.signature_blocks(receipt):
        top = sheet.row
        sheet.sentence(block.statement, 9, GREY, italic=True)
        sign = sheet.blank_row(32)
        image = block.therapist.signature_image
        if image:
            sheet.ws.insert_image(sign, 0, image, {"y_offset": 4, "object_position": 3,
                                                   **_fit(image)})
        elif block.on_file:
            sheet.put(sign, 0, 4, "Signature on file", sheet.fmt(
                italic=True, font_color=NAVY, valign="bottom", font_size=12))
        if block.dated:
            sheet.put(sign, 8, LAST, block.dated,
                      sheet.fmt(num_format=sheet.date_format, align="left", valign="bottom"))
        line = sheet.fmt(top=1, font_color=GREY, font_size=9)
        for col in (0, 1, 2, 3, 4, 8, 9, 10):
            sheet.ws.write_blank(sheet.row, col, None, line)
        sheet.put(sheet.row, 0, 4, "Signature of rendering provider", line, 9)
        sheet.put(sheet.row, 8, LAST, "Date", line, 9)
        sheet.row += 1
        therapist = block.therapist
        npi = f"  ·  NPI {therapist.npi}" if therapist.npi else ""
        sheet.put(sheet.row, 0, LAST, f"{therapist.signed_name}{npi}", sheet.fmt(bold=True))
        sheet.row += 1
        sheet.block(top)
        sheet.blank_row()


def _fit(image: str) -> dict:
    """Scale a signature image to about 28 points (38 pixels) high."""
    try:
        from PIL import Image

        with Image.open(image) as im:
            height = im.size[1] or 1
        scale = min(1.0, 38 / height)
        return {"x_scale": scale, "y_scale": scale}
    except (ImportError, OSError):  # pragma: no cover - Pillow comes with fpdf2
        return {}
