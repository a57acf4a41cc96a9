"""The ``Outstanding`` sheet claimbook keeps in the owner's workbook, as worksheet XML.

It is claimbook's own sheet: rewritten whole each time, recognised by the words
"Written by claimbook" in A2, so a sheet of the owner's that happens to be called
Outstanding is never overwritten. Visits are grouped by payer, each payer closed by a
subtotal row, all of them by a total. It prints landscape, one page wide at 8 points or
more, its header repeated on every page (the sheet's print titles and print area are
defined names of workbook.xml: :func:`print_names`); the last columns (IDs and the
booking software's product title) are for filtering and are left off the printout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from claimbook.io.xlsx.sheetxml import (
    Value,
    cell_rest,
    cell_xml,
    column_letters,
    excel_serial,
    laid_rows,
)
from claimbook.io.xlsx.stylesheet import Stylesheet
from claimbook.rules.dates import DEFAULT_STYLE, excel_date_format, show_date
from claimbook.rules.money import dollars, fmt

SHEET_NAME = "Outstanding"
MARK = "Written by claimbook"
HEADER_ROW = 4
LINE_HEIGHT = 15


@dataclass(frozen=True)
class Column:
    header: str
    attribute: str
    kind: str  # text, date, money, int
    width: float


COLUMNS = (
    Column("Payer", "payer_name", "text", 20),
    Column("Date of Service", "date_of_service", "date", 10.5),
    Column("Appointment ID", "appointment_id", "text", 12),
    Column("Client", "client_name", "text", 18),
    Column("Claim Number", "claim_number", "text", 13),
    Column("Billed Date", "billed_date", "date", 10.5),
    Column("Charge", "charge", "money", 9.5),
    Column("Insurance Paid", "insurance_paid", "money", 9.5),
    Column("Insurance Due", "insurance_due", "money", 9.5),
    Column("Client Due", "client_due", "money", 9.5),
    Column("Age (days)", "age_days", "int", 6),
    Column("Aging", "aging_bucket", "text", 7),
    Column("Status", "status", "text", 13),
    Column("Claim Status", "claim_status", "text", 10),
    Column("Filing Deadline", "timely_filing_deadline", "date", 10.5),
    # left off the printout: for filtering, and the booking software's product title
    Column("Payer ID", "payer_id", "text", 11),
    Column("Client ID", "client_id", "text", 10),
    Column("Policy ID", "policy_id", "text", 10),
    Column("Product Title", "product_title", "text", 46),
)
PRINTED = 15  # columns A:O
MONEY_CODE = '#,##0.00;[Red]-#,##0.00;"-"'
PADDING = 0.71  # what Excel adds to a column's width in characters (Calibri 11)


def is_claimbooks(xml: bytes) -> bool:
    """Whether a sheet's XML is an Outstanding sheet claimbook wrote."""
    return MARK.encode() in xml[:4096]


def _styles(styles: Stylesheet, date_style: str) -> dict[str, bytes | None]:
    bold = styles.font(b'<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/>'
                       b"</font>")
    white = styles.font(b'<font><b/><sz val="11"/><color rgb="FFFFFFFF"/>'
                        b'<name val="Calibri"/><family val="2"/></font>')
    title = styles.font(b'<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/>'
                        b"</font>")
    navy = styles.fill(b'<fill><patternFill patternType="solid"><fgColor rgb="FF1F3864"/>'
                       b'<bgColor indexed="64"/></patternFill></fill>')
    rule = styles.border(b'<border><left/><right/><top style="thin"><color auto="1"/></top>'
                         b"<bottom/><diagonal/></border>")
    money = styles.number_format(MONEY_CODE)
    top = b'<alignment vertical="top"/>'
    head = b'<alignment vertical="top" wrapText="1"/>'
    head_right = b'<alignment horizontal="right" vertical="top" wrapText="1"/>'
    return {
        "title": styles.cell_format(font_id=title),
        "header": styles.cell_format(font_id=white, fill_id=navy, alignment=head),
        "header_right": styles.cell_format(font_id=white, fill_id=navy, alignment=head_right),
        "money": styles.cell_format(fmt_id=money, alignment=top),
        "date": styles.cell_format(fmt_id=styles.number_format(excel_date_format(date_style)),
                                   alignment=b'<alignment horizontal="left" vertical="top"/>'),
        "int": styles.cell_format(fmt_id=1, alignment=top),
        "text": styles.cell_format(alignment=top),
        # text right of a number starts a little in, so "194" and "120+" part
        "text_after_number": styles.cell_format(
            alignment=b'<alignment horizontal="left" vertical="top" indent="1"/>'),
        "total_text": styles.cell_format(font_id=bold, border_id=rule),
        "total_money": styles.cell_format(fmt_id=money, font_id=bold, border_id=rule),
        "total_blank": styles.cell_format(border_id=rule),
    }


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


def _rest(kind: str, value, style: bytes, date1904: bool) -> bytes:
    """:func:`cell_rest` of :func:`_value`, made straight for the kinds a visit's row
    holds (a big practice's Outstanding sheet has a hundred thousand distinct values)."""
    if value is None or value == "":
        return b'" s="%s"/>' % style
    if kind == "money":
        return b'" s="%s"><v>%s</v></c>' % (style, fmt(value).encode())
    if kind == "int":
        return b'" s="%s"><v>%d</v></c>' % (style, int(value))
    if kind == "date" and isinstance(value, date):
        return b'" s="%s"><v>%d</v></c>' % (style, excel_serial(value, date1904))
    return cell_rest(Value("s", str(value)), style)


def _row(number: int, cells: list[bytes], height: float | None = None) -> bytes:
    ht = b' ht="%g" customHeight="1"' % height if height else b""
    return b'<row r="%d"%s>%s</row>' % (number, ht, b"".join(cells))


def _header_lines(text: str, width: float) -> int:
    lines, used = 1, 0
    for word in text.split():
        need = len(word) if used == 0 else used + 1 + len(word)
        lines, used = (lines, need) if need <= int(width) else (lines + 1, len(word))
    return lines


def _visits(n: int) -> str:
    return f"{n} visit{'s' if n != 1 else ''}"


def _item_rows(visits: list, first: int, columns: list, date1904: bool) -> bytes:
    """The visits' rows from row ``first``, made a column at a time: a column's cells
    differ only in their row and value, so each value's XML is made once
    (:func:`sheetxml.laid_rows` lays them out)."""
    numbers = [b"%d" % n for n in range(first, first + len(visits))]
    laid = []
    for attribute, kind, style, opening, made in columns:
        values = [getattr(item, attribute) for item in visits]
        keys = list(zip(map(type, values), values))
        for key in dict.fromkeys(keys):
            if key not in made:
                made[key] = _rest(kind, key[1], style, date1904)
        laid.append((opening, list(map(made.__getitem__, keys))))
    return b"".join(laid_rows(numbers, [b'">'] * len(visits), laid, b"</row>"))


def _total_row(number: int, label: str, visits: list, s: dict) -> bytes:
    """A payer's subtotal (or the total): the label, the visits, and the money summed."""
    cells = []
    for j, col in enumerate(COLUMNS):
        ref = f"{column_letters(j)}{number}"
        if j == 0:
            cells.append(cell_xml(ref, Value("s", label), s["total_text"]))
        elif col.attribute == "client_name":
            cells.append(cell_xml(ref, Value("s", _visits(len(visits))), s["total_text"]))
        elif col.kind == "money":
            total = sum(getattr(v, col.attribute) or 0 for v in visits)
            cells.append(cell_xml(ref, Value("n", fmt(total)), s["total_money"]))
        elif j < PRINTED:
            cells.append(cell_xml(ref, Value(""), s["total_blank"]))
    return _row(number, cells)


def outstanding_xml(items: list, as_of: date, styles: Stylesheet,
                    date_style: str = DEFAULT_STYLE) -> bytes:
    """The whole Outstanding sheet: a title, a note, the header, and the visits by payer,
    each payer closed by its subtotal, then the total.

    Args:
        items: :class:`claimbook.compute.reminders.OutstandingItem` rows, by payer.
        as_of: the date the balances were taken.
        styles: the workbook's styles (grown once with the formats needed).
        date_style: the practice's date style.
    """
    s = _styles(styles, date_style)
    total = sum(i.insurance_due for i in items)
    rows = [
        _row(1, [cell_xml("A1", Value("s", "Outstanding insurance payments"), s["title"])]),
        _row(2, [cell_xml("A2", Value("s", f"As of {show_date(as_of, date_style)}: "
                                           f"{_visits(len(items))}, {dollars(total)} expected "
                                           f"from insurers. {MARK} (claimbook remind): "
                                           "changes typed here are lost."), None)]),
        _row(HEADER_ROW, [cell_xml(f"{column_letters(j)}{HEADER_ROW}", Value("s", c.header),
                                   s["header_right" if c.kind in ("money", "int")
                                     else "header"])
                          for j, c in enumerate(COLUMNS)],
             LINE_HEIGHT * max(_header_lines(c.header, c.width) for c in COLUMNS)),
    ]
    n = HEADER_ROW + 1
    d1904 = styles.date1904  # the workbook's date system
    kinds = [c.kind if c.kind != "text" or j == 0 or COLUMNS[j - 1].kind not in
             ("money", "int") else "text_after_number" for j, c in enumerate(COLUMNS)]
    columns = [(c.attribute, c.kind, s[kind], b'<c r="' + column_letters(j).encode(), {})
               for j, (c, kind) in enumerate(zip(COLUMNS, kinds))]
    for payer, group in groupby(items, key=lambda i: i.payer_name):
        visits = list(group)
        rows.append(_item_rows(visits, n, columns, d1904))
        n += len(visits)
        rows.append(_total_row(n, f"{payer or 'No payer'} total", visits, s))
        n += 1
    if items:
        rows.append(_total_row(n, "All payers", items, s))
    last_row = max(last_row_of(items), HEADER_ROW + 1)
    return _sheet(rows, last_row, f"As of {show_date(as_of, date_style)}")


def _sheet(rows: list[bytes], last_row: int, as_of: str) -> bytes:
    last_col = column_letters(len(COLUMNS) - 1)
    cols = b"".join(b'<col min="%d" max="%d" width="%.2f" customWidth="1"/>'
                    % (j + 1, j + 1, c.width + PADDING) for j, c in enumerate(COLUMNS))
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            b'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
            b'<dimension ref="A1:%s%d"/>' % (last_col.encode(), last_row)
            + b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="%d" topLeftCell="A%d" '
              b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            % (HEADER_ROW, HEADER_ROW + 1)
            + b'<sheetFormatPr defaultRowHeight="15"/><cols>' + cols + b"</cols><sheetData>"
            + b"".join(rows) + b"</sheetData>"
            + b'<pageMargins left="0.3" right="0.3" top="0.75" bottom="0.75" header="0.3" '
              b'footer="0.3"/><pageSetup paperSize="1" orientation="landscape" '
              b'fitToWidth="1" fitToHeight="0"/>'
              b"<headerFooter><oddHeader>&amp;L&amp;\"Calibri,Bold\"Outstanding insurance "
              b"payments&amp;R%s</oddHeader><oddFooter>&amp;LWritten by claimbook remind"
              b"&amp;RPage &amp;P of &amp;N</oddFooter></headerFooter>"
              b"</worksheet>" % as_of.encode())


def last_row_of(items: list) -> int:
    """The sheet's last row for these visits: one per visit, one per payer, the total."""
    payers = len({i.payer_name for i in items})
    return HEADER_ROW + len(items) + payers + (1 if items else 0)


def print_names(items: list) -> dict[str, str]:
    """The sheet's print titles (its header row) and print area (columns A:O, to the
    total), as the defined names workbook.xml holds them."""
    last = column_letters(PRINTED - 1)
    return {"_xlnm.Print_Titles": f"'{SHEET_NAME}'!${HEADER_ROW}:${HEADER_ROW}",
            "_xlnm.Print_Area": f"'{SHEET_NAME}'!$A$1:${last}${last_row_of(items)}"}
