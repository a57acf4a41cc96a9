"""The receipt workbook (one print-ready sheet) and the Email Log workbook.

The receipt sheet shows what the PDF shows, with real dates and numbers: the practice
and receipt number, client and rendering provider, insurance and diagnoses, the service
lines, the account summary, the payments and the signature lines. It prints on Letter
paper, portrait, one page wide, with the practice's name and the page number in the
header and footer.

The Email Log is claimbook's own record of every receipt it emailed (or failed to), one
row per attempt, rewritten whole and atomically after each one.
"""

from __future__ import annotations

import os
from datetime import date, datetime

from claimbook.compute.receipts import (
    CERTIFICATION,
    Receipt,
    client_rows,
    coverage_rows,
    practice_rows,
    summary_rows,
    therapist_rows,
)
from claimbook.io.mail import LogEntry
from claimbook.io.xlsx.safe import replace_atomically
from claimbook.io.xlsx.styles import NAVY, new_workbook, write_cell
from claimbook.rules.icd10 import pointer

SHEET = "Receipt"
MONEY = '"$"#,##0.00;-"$"#,##0.00'
DATE = "mm/dd/yyyy"
SERVICE_HEADERS = ("Date", "POS", "Code", "Description", "Dx pointer", "Minutes", "Units",
                   "Charge")
SERVICE_WIDTHS = (12, 6, 11, 36, 12, 9, 7, 13)
RIGHT_BLOCK = 4  # column E: the right-hand blocks start here


class _Formats:
    """The receipt sheet's formats."""

    def __init__(self, wb):
        add = wb.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": NAVY})
        self.kind = add({"bold": True, "font_size": 14, "font_color": NAVY, "align": "right"})
        self.grey = add({"font_color": "#6C757D"})
        self.grey_right = add({"font_color": "#6C757D", "align": "right"})
        self.strong_right = add({"bold": True, "align": "right"})
        self.date_right = add({"bold": True, "align": "right", "num_format": DATE})
        self.heading = add({"bold": True, "font_color": NAVY, "font_size": 9,
                            "bg_color": "#EAEFF7", "bottom": 1, "bottom_color": NAVY})
        self.label = add({"font_color": "#6C757D", "font_size": 9})
        self.value = add({})
        self.value_bold = add({"bold": True})
        self.value_date = add({"num_format": DATE, "align": "left"})
        self.pointer = add({"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY,
                            "align": "center"})
        self.code = add({"bold": True})
        self.th = add({"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY,
                       "valign": "vcenter"})
        self.th_right = add({"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY,
                             "align": "right", "valign": "vcenter"})
        self.cell = add({"bottom": 1, "bottom_color": "#CED4DA", "valign": "top"})
        self.cell_wrap = add({"bottom": 1, "bottom_color": "#CED4DA", "text_wrap": True,
                              "valign": "top"})
        self.cell_center = add({"bottom": 1, "bottom_color": "#CED4DA", "align": "center",
                                "valign": "top"})
        self.cell_date = add({"bottom": 1, "bottom_color": "#CED4DA", "num_format": DATE,
                              "align": "left", "valign": "top"})
        self.cell_int = add({"bottom": 1, "bottom_color": "#CED4DA", "num_format": "0",
                             "valign": "top"})
        self.cell_money = add({"bottom": 1, "bottom_color": "#CED4DA", "num_format": MONEY,
                               "valign": "top"})
        self.total_label = add({"bold": True, "align": "right", "top": 1, "top_color": NAVY})
        self.total_money = add({"bold": True, "num_format": MONEY, "top": 1,
                                "top_color": NAVY})
        self.sum_label = add({})
        self.sum_money = add({"num_format": MONEY})
        self.balance_label = add({"bold": True, "font_color": NAVY, "font_size": 12,
                                  "top": 1, "top_color": NAVY})
        self.balance_money = add({"bold": True, "font_color": NAVY, "font_size": 12,
                                  "num_format": MONEY, "top": 1, "top_color": NAVY})
        self.detail_label = add({"italic": True, "font_color": "#6C757D", "indent": 1})
        self.detail_money = add({"italic": True, "font_color": "#6C757D", "num_format": MONEY})
        self.note = add({"italic": True, "font_color": "#6C757D", "text_wrap": True,
                         "valign": "top", "font_size": 9})
        self.sign_line = add({"top": 1})
        self.sign_label = add({"top": 1, "font_color": "#6C757D", "font_size": 9})
        self.signer = add({"bold": True})


def write_receipt_workbook(receipt: Receipt, path: str) -> str:
    """Write the receipt's print-ready workbook at ``path`` (atomically).

    Args:
        receipt: the receipt's content.
        path: where the workbook goes.

    Returns:
        The path written.
    """
    def build(tmp: str) -> None:
        wb = new_workbook(tmp)
        issued = datetime(receipt.issued.year, receipt.issued.month, receipt.issued.day)
        wb.set_properties({"title": f"{receipt.title} {receipt.number}",
                           "author": "claimbook", "company": receipt.practice.name,
                           "created": issued})
        ws = wb.add_worksheet(SHEET)
        fmts = _Formats(wb)
        last_row = _draw(ws, fmts, receipt)
        _print_setup(ws, receipt, last_row, len(service_headers(receipt)) - 1)
        wb.close()

    replace_atomically(path, build)
    return path


def service_headers(receipt: Receipt) -> tuple[str, ...]:
    """The service table's headers; a Rendering NPI column when several therapists."""
    if len(receipt.therapists) > 1:
        return SERVICE_HEADERS[:4] + ("Rendering NPI",) + SERVICE_HEADERS[4:]
    return SERVICE_HEADERS


def _draw(ws, fmts: _Formats, receipt: Receipt) -> int:
    ws.hide_gridlines(2)
    headers = service_headers(receipt)
    widths = list(SERVICE_WIDTHS)
    if len(headers) > len(SERVICE_WIDTHS):
        widths.insert(4, 13)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    last = len(headers) - 1
    row = _masthead(ws, fmts, receipt, last)
    row = _pairs_side_by_side(ws, fmts, row, ("Client", client_rows(receipt.client)),
                              ("Rendering provider", _therapist_pairs(receipt)), last)
    row = _insurance_and_diagnoses(ws, fmts, row, receipt, last)
    row = _services(ws, fmts, row, receipt, headers)
    row = _summary(ws, fmts, row, receipt, last)
    row = _payments(ws, fmts, row, receipt, last)
    return _signature(ws, fmts, row, receipt, last)


def _masthead(ws, fmts: _Formats, receipt: Receipt, last: int) -> int:
    practice = receipt.practice
    ws.set_row(0, 24)
    ws.write_string(0, 0, practice.name, fmts.title)
    ws.write_string(0, last, receipt.title.upper(), fmts.kind)
    contact = "  ·  ".join(p for p in (practice.phone, practice.email) if p)
    ids = "    ".join(f"{label} {value}" for label, value in practice_rows(practice))
    left = [line for line in (*practice.address_lines, contact, ids) if line]
    first, final = receipt.period
    right = [("Receipt no.", receipt.number), ("Date issued", receipt.issued),
             ("Date of service" if first == final else "First date of service", first)]
    if first != final:
        right.append(("Last date of service", final))
    for i in range(max(len(left), len(right))):
        if i < len(left):
            ws.write_string(1 + i, 0, left[i], fmts.grey)
        if i < len(right):
            label, value = right[i]
            ws.write_string(1 + i, last - 2, label, fmts.grey_right)
            fmt = fmts.date_right if isinstance(value, date) else fmts.strong_right
            write_cell(ws, 1 + i, last, value, fmt)
    return 2 + max(len(left), len(right))


def _therapist_pairs(receipt: Receipt) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for therapist in receipt.therapists:
        if pairs:
            pairs.append(("", ""))
        pairs += therapist_rows(therapist)
    return pairs


def _heading(ws, fmts: _Formats, row: int, first: int, last: int, text: str) -> None:
    for col in range(first, last + 1):
        ws.write_blank(row, col, None, fmts.heading)
    ws.write_string(row, first, text.upper(), fmts.heading)


def _span(ws, row: int, first: int, last: int, value, fmt) -> None:
    """``value`` in a cell merged across columns ``first``..``last`` (text stays text)."""
    if last > first:
        ws.merge_range(row, first, row, last, "", fmt)
    write_cell(ws, row, first, value, fmt)


def _pairs_side_by_side(ws, fmts: _Formats, row: int, left: tuple, right: tuple,
                        last: int) -> int:
    _heading(ws, fmts, row, 0, RIGHT_BLOCK - 1, left[0])
    _heading(ws, fmts, row, RIGHT_BLOCK, last, right[0])
    height = max(len(left[1]), len(right[1]))
    for i, (label, value) in enumerate(left[1]):
        _pair(ws, fmts, row + 1 + i, 0, RIGHT_BLOCK - 1, label, value)
    for i, (label, value) in enumerate(right[1]):
        _pair(ws, fmts, row + 1 + i, RIGHT_BLOCK, last, label, value)
    return row + height + 2


def _pair(ws, fmts: _Formats, row: int, col: int, last: int, label: str, value) -> None:
    """A label in ``col`` and its value merged across the rest of the block."""
    if label:
        ws.write_string(row, col, label, fmts.label)
    if value:
        bold = label in ("Client", "Provider", "Payer")
        fmt = fmts.value_date if isinstance(value, date) else (
            fmts.value_bold if bold else fmts.value)
        _span(ws, row, col + 1, last, value, fmt)


def _insurance_and_diagnoses(ws, fmts: _Formats, row: int, receipt: Receipt,
                             last: int) -> int:
    pairs: list[tuple[str, str]] = []
    for coverage in receipt.coverages:
        if pairs:
            pairs.append(("", ""))
        pairs += coverage_rows(coverage)
    if not pairs:
        pairs = [("", "Self-pay: no insurance billed")]
    _heading(ws, fmts, row, 0, RIGHT_BLOCK - 1, "Insurance")
    _heading(ws, fmts, row, RIGHT_BLOCK, last, "Diagnoses (ICD-10-CM)")
    for i, (label, value) in enumerate(pairs):
        _pair(ws, fmts, row + 1 + i, 0, RIGHT_BLOCK - 1, label, value)
    for i, code in enumerate(receipt.diagnoses):
        ws.write_string(row + 1 + i, RIGHT_BLOCK, pointer(i), fmts.pointer)
        ws.write_string(row + 1 + i, RIGHT_BLOCK + 1, code, fmts.code)
    if not receipt.diagnoses:
        ws.write_string(row + 1, RIGHT_BLOCK, "None recorded (self-pay)", fmts.grey)
    return row + max(len(pairs), len(receipt.diagnoses), 1) + 2


def _services(ws, fmts: _Formats, row: int, receipt: Receipt,
              headers: tuple[str, ...]) -> int:
    last = len(headers) - 1
    ws.set_row(row, 20)
    for col, header in enumerate(headers):
        right = header in ("Minutes", "Units", "Charge")
        ws.write_string(row, col, header, fmts.th_right if right else fmts.th)
    npi = {t.staff_id: t.npi for t in receipt.therapists}
    for s in receipt.services:
        row += 1
        values = [(s.date_of_service, fmts.cell_date), (s.place_of_service, fmts.cell_center),
                  (s.code, fmts.cell), (s.description, fmts.cell_wrap),
                  (s.pointers, fmts.cell_center), (s.minutes, fmts.cell_int),
                  (s.units, fmts.cell_int), (s.charge / 100, fmts.cell_money)]
        if len(headers) > len(SERVICE_HEADERS):
            values.insert(4, (npi.get(s.staff_id), fmts.cell))
        for col, (value, fmt) in enumerate(values):
            write_cell(ws, row, col, value, fmt)
    row += 1
    for col in range(last - 1):
        ws.write_blank(row, col, None, fmts.total_label)
    ws.write_string(row, last - 1, "Total charges", fmts.total_label)
    ws.write_number(row, last, receipt.totals.charge / 100, fmts.total_money)
    return row + 2


def _summary(ws, fmts: _Formats, row: int, receipt: Receipt, last: int) -> int:
    _heading(ws, fmts, row, last - 3, last, "Account summary")
    for item in summary_rows(receipt.totals):
        row += 1
        label_fmt, money_fmt = {"total": (fmts.balance_label, fmts.balance_money),
                                "detail": (fmts.detail_label, fmts.detail_money)}.get(
            item.style, (fmts.sum_label, fmts.sum_money))
        if item.style == "total":
            for col in range(last - 3, last):
                ws.write_blank(row, col, None, label_fmt)
            ws.set_row(row, 20)
        ws.write_string(row, last - 3, item.label, label_fmt)
        ws.write_number(row, last, item.cents / 100, money_fmt)
    return row + 2


PAYMENT_HEADERS = ("Date", "Paid by", "Reference", "Appointment", "Reason", "Paid",
                   "Adjusted")


def _payments(ws, fmts: _Formats, row: int, receipt: Receipt, last: int) -> int:
    _heading(ws, fmts, row, 0, last, "Payments and adjustments")
    if not receipt.payments:
        ws.write_string(row + 1, 0, "No payments yet.", fmts.grey)
        return row + 3
    row += 1
    cols = (0, 1, 3, 4, last - 2, last - 1, last)
    for col, header in zip(cols, PAYMENT_HEADERS):
        right = header in ("Paid", "Adjusted")
        ws.write_string(row, col, header, fmts.th_right if right else fmts.th)
    for col in range(last + 1):
        if col not in cols:
            ws.write_blank(row, col, None, fmts.th)
    for p in receipt.payments:
        row += 1
        values = (p.date_received, p.paid_by, p.reference, p.appointment_id,
                  p.adjustment_reason, p.amount / 100,
                  p.adjustment / 100 if p.adjustment else None)
        formats = (fmts.cell_date, fmts.cell, fmts.cell, fmts.cell, fmts.cell,
                   fmts.cell_money, fmts.cell_money)
        for col in range(last + 1):
            if col not in cols:
                ws.write_blank(row, col, None, fmts.cell)
        for col, value, fmt in zip(cols, values, formats):
            write_cell(ws, row, col, value, fmt)
        _span(ws, row, 1, 2, p.paid_by, fmts.cell)
    return row + 2


def _signature(ws, fmts: _Formats, row: int, receipt: Receipt, last: int) -> int:
    ws.merge_range(row, 0, row, last, CERTIFICATION, fmts.note)
    ws.set_row(row, 30)
    row += 3
    ws.set_row(row - 1, 30)
    for col in range(0, 4):
        ws.write_blank(row, col, None, fmts.sign_line)
    ws.write_string(row, 0, "Signature of rendering provider", fmts.sign_label)
    ws.write_string(row, last - 1, "Date", fmts.sign_label)
    ws.write_blank(row, last, None, fmts.sign_line)
    if receipt.therapists:
        signer = receipt.therapists[0]
        npi = f"  ·  NPI {signer.npi}" if signer.npi else ""
        ws.write_string(row + 1, 0, f"{signer.signed_name}{npi}", fmts.signer)
    return row + 1


def _print_setup(ws, receipt: Receipt, last_row: int, last_col: int) -> None:
    ws.set_portrait()
    ws.set_paper(1)  # Letter
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.center_horizontally()
    ws.print_area(0, 0, last_row, last_col)
    name = receipt.practice.name.replace("&", "&&")
    ws.set_header(f'&L&"Calibri,Bold"{name}&R{receipt.title} {receipt.number}')
    ws.set_footer(f"&L{name}&RPage &P of &N")


# -- the Email Log ------------------------------------------------------------------------
LOG_NAME = "Email Log.xlsx"
LOG_HEADERS = ("When", "Receipt", "Client ID", "Client", "To", "PDF", "Status", "Detail",
               "Fingerprint")
LOG_WIDTHS = (19, 30, 10, 22, 30, 40, 10, 50, 18)


def read_email_log(path: str) -> list[LogEntry]:
    """The Email Log's rows (an empty list when there is no log yet)."""
    if not os.path.exists(path):
        return []
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
    rows = sheet.to_python()
    out = []
    for raw in rows[1:]:
        values = [("" if v is None else v) for v in list(raw) + [""] * len(LOG_HEADERS)]
        if not any(str(v).strip() for v in values[:len(LOG_HEADERS)]):
            continue
        when = values[0] if isinstance(values[0], datetime) else _parse_when(values[0])
        out.append(LogEntry(when, *(str(v) for v in values[1:len(LOG_HEADERS)])))
    return out


def _parse_when(value) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min


def write_email_log(path: str, entries: list[LogEntry]) -> str:
    """Rewrite the Email Log with ``entries`` (oldest first), atomically."""
    def build(tmp: str) -> None:
        wb = new_workbook(tmp)
        ws = wb.add_worksheet("Email Log")
        head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY})
        when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "align": "left"})
        status = {"Sent": wb.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"}),
                  "Not sent": wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})}
        for col, (header, width) in enumerate(zip(LOG_HEADERS, LOG_WIDTHS)):
            ws.set_column(col, col, width)
            ws.write_string(0, col, header, head)
        for r, e in enumerate(entries, start=1):
            write_cell(ws, r, 0, e.when, when)
            for col, value in enumerate((e.receipt, e.client_id, e.client, e.to, e.pdf),
                                        start=1):
                write_cell(ws, r, col, value)
            write_cell(ws, r, 6, e.status, status.get(e.status))
            write_cell(ws, r, 7, e.detail)
            write_cell(ws, r, 8, e.fingerprint)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(entries), 1), len(LOG_HEADERS) - 1)
        wb.close()

    replace_atomically(path, build)
    return path
