"""The ``Outstanding`` sheet claimbook keeps in the owner's workbook, as worksheet XML.

It is claimbook's own sheet: rewritten whole each time, recognised by the words
"Written by claimbook" in A2, so a sheet of the owner's that happens to be called
Outstanding is never overwritten.
"""

from __future__ import annotations

from datetime import date

from claimbook.io.xlsx.sheetxml import Value, cell_xml, column_letters, excel_serial
from claimbook.io.xlsx.stylesheet import Stylesheet
from claimbook.rules.money import dollars, fmt

SHEET_NAME = "Outstanding"
MARK = "Written by claimbook"
HEADER_ROW = 4

# header, attribute, kind, width
COLUMNS = (
    ("Payer", "payer_name", "text", 24),
    ("Payer ID", "payer_id", "text", 11),
    ("Date of Service", "date_of_service", "date", 12),
    ("Appointment ID", "appointment_id", "text", 13),
    ("Client", "client_name", "text", 22),
    ("Client ID", "client_id", "text", 10),
    ("Policy ID", "policy_id", "text", 10),
    ("Claim Number", "claim_number", "text", 14),
    ("Billed Date", "billed_date", "date", 12),
    ("Charge", "charge", "money", 11),
    ("Insurance Paid", "insurance_paid", "money", 11),
    ("Insurance Due", "insurance_due", "money", 11),
    ("Client Due", "client_due", "money", 11),
    ("Age (days)", "age_days", "int", 9),
    ("Aging", "aging_bucket", "text", 8),
    ("Status", "status", "text", 14),
    ("Claim Status", "claim_status", "text", 12),
    ("Timely Filing Deadline", "timely_filing_deadline", "date", 13),
    ("Product Title", "product_title", "text", 46),
)
MONEY_CODE = '#,##0.00;[Red]-#,##0.00;"-"'
DATE_CODE = "yyyy-mm-dd"


def is_claimbooks(xml: bytes) -> bool:
    """Whether a sheet's XML is an Outstanding sheet claimbook wrote."""
    return MARK.encode() in xml[:4096]


def _styles(styles: Stylesheet) -> dict[str, bytes]:
    bold = styles.font(b'<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/>'
                       b"</font>")
    title = styles.font(b'<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/>'
                        b"</font>")
    rule = styles.border(b'<border><left/><right/><top/><bottom style="thin"><color auto="1"/>'
                         b"</bottom><diagonal/></border>")
    return {"title": styles.cell_format(font_id=title),
            "header": styles.cell_format(font_id=bold, border_id=rule),
            "money": styles.cell_format(fmt_id=styles.number_format(MONEY_CODE)),
            "date": styles.cell_format(fmt_id=styles.number_format(DATE_CODE)),
            "int": styles.cell_format(fmt_id=1), "text": None}


def _value(kind: str, value, date1904: bool = False) -> Value:
    if value is None or value == "":
        return Value("")
    if kind == "money":
        return Value("n", fmt(value))
    if kind == "date" and isinstance(value, date):
        return Value("n", str(excel_serial(value, date1904)))
    if kind == "int":
        return Value("n", str(int(value)))
    return Value("s", str(value))


def _row(number: int, cells: list[bytes]) -> bytes:
    return b'<row r="%d">%s</row>' % (number, b"".join(cells))


def outstanding_xml(items: list, as_of: date, styles: Stylesheet) -> bytes:
    """The whole Outstanding sheet: a title, a note, and one row per visit.

    Args:
        items: :class:`claimbook.reminders.OutstandingItem` rows, in order.
        as_of: the date the balances were taken.
        styles: the workbook's styles (grown once with the formats needed).
    """
    s = _styles(styles)
    total = sum(i.insurance_due for i in items)
    last_col = column_letters(len(COLUMNS) - 1)
    rows = [
        _row(1, [cell_xml("A1", Value("s", "Outstanding insurance payments"), s["title"])]),
        _row(2, [cell_xml("A2", Value("s", f"As of {as_of.isoformat()}: {len(items)} visits, "
                                           f"{dollars(total)} expected from insurers. {MARK} "
                                           "(claimbook remind): changes typed here are lost."),
                          None)]),
        _row(HEADER_ROW, [cell_xml(f"{column_letters(j)}{HEADER_ROW}", Value("s", header),
                                   s["header"]) for j, (header, *_) in enumerate(COLUMNS)]),
    ]
    d1904 = styles.date1904
    for n, item in enumerate(items, start=HEADER_ROW + 1):
        rows.append(_row(n, [cell_xml(f"{column_letters(j)}{n}",
                                      _value(kind, getattr(item, a), d1904), s[kind])
                             for j, (_, a, kind, _) in enumerate(COLUMNS)]))
    last_row = HEADER_ROW + max(len(items), 1)
    cols = b"".join(b'<col min="%d" max="%d" width="%d" customWidth="1"/>' % (j + 1, j + 1, w)
                    for j, (*_, w) in enumerate(COLUMNS))
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<dimension ref="A1:%s%d"/>' % (last_col.encode(), last_row)
            + b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="%d" topLeftCell="A%d" '
              b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            % (HEADER_ROW, HEADER_ROW + 1)
            + b'<sheetFormatPr defaultRowHeight="15"/><cols>' + cols + b"</cols><sheetData>"
            + b"".join(rows) + b"</sheetData>"
            + b'<pageMargins left="0.5" right="0.5" top="0.75" bottom="0.75" header="0.3" '
              b'footer="0.3"/><pageSetup orientation="landscape"/>'
              b"</worksheet>")
