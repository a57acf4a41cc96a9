"""How claimbook's own workbooks look: one set of formats, one way to write a table.

Every workbook claimbook writes goes through :func:`new_workbook` (text is never taken
for a formula) and :func:`write_table` (a real Excel Table: header style, banded rows,
filter buttons, frozen header, widths that fit, money and date formats, cells written by
type so that ``=1+2`` typed as a client name stays text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.utility import xl_range

from claimbook.io.xlsx.bulkrows import BULK_FROM, BulkRows, splice_into
from claimbook.io.xlsx.sheetxml import excel_serial
from claimbook.rules.dates import DEFAULT_STYLE, excel_date_format

MONEY_FORMAT = '#,##0.00;[Red]-#,##0.00;"-"'
DATE_FORMAT = excel_date_format(DEFAULT_STYLE)
# an account's net: debits and credits both read as positive amounts, marked Dr or Cr
DRCR_FORMAT = '#,##0.00" Dr";#,##0.00" Cr";"-"'
# a check figure: 0.00 reads as 0.00 (not "-"); conditional formats color it
DIFFERENCE_FORMAT = "#,##0.00;-#,##0.00;0.00"
TEXT_FORMAT = "@"  # a cell Excel keeps as typed: 00430 stays 00430
TABLE_STYLE = "Table Style Medium 2"
NAVY = "#1F3864"
HEADER = {"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY, "text_wrap": True,
          "valign": "top", "border": 1, "border_color": "#8EA9DB"}
LINE_HEIGHT = 15  # points per line of 11-point text

# Column kinds; CODE is text that Excel must keep as typed (IDs, ZIP codes, phone numbers)
TEXT, MONEY, DATE, INT, PERCENT, DECIMAL = "text", "money", "date", "int", "percent", "decimal"
CODE = "code"
NUMBER_KINDS = (MONEY, INT, PERCENT, DECIMAL)


class _Workbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook that splices in big tables' rows when it closes."""

    def __init__(self, path: str, options: dict):
        super().__init__(path, options)
        self.bulk_rows: list[BulkRows] = []

    def close(self) -> None:
        super().close()
        splice_into(self.filename, self.bulk_rows)


def new_workbook(path: str, **options) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook that writes text as text, never as a formula or number."""
    opts = {"strings_to_formulas": False, "strings_to_numbers": False,
            "strings_to_urls": False, "remove_timezone": True}
    opts.update(options)
    return _Workbook(path, opts)


class Formats:
    """The formats of one workbook, made once.

    Args:
        wb: the workbook.
        date_style: the practice's date style (the Practice setting "Date Style").
    """

    def __init__(self, wb: xlsxwriter.Workbook, date_style: str = DEFAULT_STYLE):
        self.wb = wb
        self.date_style = date_style
        self.text = wb.add_format({"valign": "top"})
        self.text_code = wb.add_format({"valign": "top", "num_format": TEXT_FORMAT})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.money = wb.add_format({"num_format": MONEY_FORMAT, "valign": "top"})
        self.date = wb.add_format({"num_format": excel_date_format(date_style),
                                   "align": "left", "valign": "top"})
        self.header = wb.add_format(HEADER)
        # text right of a number column starts a little in, so "128.00" and "Aetna" part
        self.header_after_number = wb.add_format({**HEADER, "align": "left", "indent": 1})
        self.text_after_number = wb.add_format({"valign": "top", "align": "left", "indent": 1})
        self.header_number = wb.add_format({**HEADER, "align": "right"})
        self.total_text = wb.add_format({"bold": True, "top": 1})
        self.total_money = wb.add_format({"bold": True, "top": 1, "num_format": MONEY_FORMAT})
        self.total_int = wb.add_format({"bold": True, "top": 1, "num_format": "0"})
        self.drcr = wb.add_format({"num_format": DRCR_FORMAT})
        self.drcr_total = wb.add_format({"num_format": DRCR_FORMAT, "bold": True, "top": 1})
        self.difference = wb.add_format({"num_format": DIFFERENCE_FORMAT})
        self.matches = wb.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"})
        self.differs = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
        self.int = wb.add_format({"num_format": "0", "valign": "top"})
        self.decimal = wb.add_format({"num_format": "0.0"})
        self.percent = wb.add_format({"num_format": "0.0%"})
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": NAVY})
        self.subtitle = wb.add_format({"italic": True, "font_color": "#595959"})
        self.heading = wb.add_format({"bold": True, "font_size": 12, "font_color": NAVY,
                                      "bottom": 1, "bottom_color": NAVY})
        self.label = wb.add_format({})
        self.label_bold = wb.add_format({"bold": True, "top": 1})
        self.money_bold = wb.add_format({"num_format": MONEY_FORMAT, "bold": True, "top": 1})
        self.money_total = wb.add_format({"num_format": MONEY_FORMAT, "bold": True,
                                          "top": 1, "bottom": 6})

    def for_kind(self, kind: str):
        return {MONEY: self.money, DATE: self.date, INT: self.int, PERCENT: self.percent,
                DECIMAL: self.decimal, CODE: self.text_code}.get(kind, self.text)

    def header_for(self, kind: str):
        """A header cell's format: numbers' headers sit right, over their numbers."""
        return self.header_number if kind in NUMBER_KINDS else self.header

    def total_for(self, kind: str):
        return {MONEY: self.total_money, INT: self.total_int}.get(kind, self.total_text)


def write_difference(ws, fmts: Formats, row: int, col: int, formula: str,
                     cents: int) -> None:
    """A check figure (ties when 0.00): a formula showing 0.00 as 0.00, green while it is
    zero and red otherwise, however it is recomputed."""
    ws.write_formula(row, col, formula, fmts.difference, cents / 100)
    ws.conditional_format(row, col, row, col, {"type": "cell", "criteria": "==", "value": 0,
                                               "format": fmts.matches})
    ws.conditional_format(row, col, row, col, {"type": "cell", "criteria": "!=", "value": 0,
                                               "format": fmts.differs})


@dataclass(frozen=True)
class Col:
    """A column of a table claimbook writes."""

    header: str
    kind: str = TEXT
    width: float | None = None
    total: str | None = None  # "sum", "count", or a label for the total row


def write_cell(ws, row: int, col: int, value, fmt=None) -> None:
    """Write one value by its Python type; text is always text."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _column_writer(ws, kind: str, fmt):
    """A cell writer for one column, chosen once: a report writes thousands of rows.

    Numbers and dates (as serial numbers with a date format) go straight to
    ``write_number``; anything unexpected falls back to :func:`write_cell`.
    """
    number, blank = ws.write_number, ws.write_blank

    def number_or_blank(r: int, c: int, value) -> None:
        if value is None or value == "":
            blank(r, c, None, fmt)
        elif type(value) in (int, float):
            number(r, c, value, fmt)
        else:
            write_cell(ws, r, c, value, fmt)

    def day(r: int, c: int, value) -> None:
        if type(value) is date:
            number(r, c, excel_serial(value), fmt)
        else:
            write_cell(ws, r, c, value, fmt)

    def text(r: int, c: int, value) -> None:
        if type(value) is str and value:
            ws.write_string(r, c, value, fmt)
        else:
            write_cell(ws, r, c, value, fmt)

    if kind == DATE:
        return day
    return text if kind in (TEXT, CODE) else number_or_blank


def cell_value(kind: str, value):
    """What a cell of ``kind`` holds for a Python value: money cents become dollars."""
    if kind == MONEY and isinstance(value, int) and not isinstance(value, bool):
        return value / 100
    return value


def _fit_width(col: Col, values: list) -> float:
    """A column's width: as given, else what its values need (the first 2,000); never
    narrower than the longest word of its header (headers wrap between words, never
    inside one)."""
    word = max((len(w) for w in col.header.split()), default=0) + 1
    if col.width:
        return max(col.width, word)
    longest = len(col.header) + 3  # room for the filter button
    for value in values[:2000]:
        if value is None:
            continue
        shown = 10 if isinstance(value, (date, datetime)) else len(
            f"{value:,.2f}" if isinstance(value, float) else str(value))
        longest = max(longest, shown + 1)
    return min(max(longest, word, 6), 60)


def text_lines(text: str | None, width: float) -> int:
    """How many lines a text wraps to in a column ``width`` characters wide: words move
    whole to the next line; a word longer than the line is cut."""
    room = max(int(width), 1)
    lines, used = 1, 0
    for word in (text or "").split():
        need = len(word) if used == 0 else used + 1 + len(word)
        if need <= room:
            used = need
        else:
            lines += -(-len(word) // room) - (1 if used == 0 else 0)
            used = len(word) % room or room
    return lines


def write_table(ws, fmts: Formats, name: str, cols: list[Col], rows: list[list] | None,
                first_row: int = 0, first_col: int = 0, total_row: bool = False,
                style: str = TABLE_STYLE, freeze: bool = True,
                totals: dict[int, object] | None = None,
                columns: list[list] | None = None, cell_formats: dict | None = None,
                heights: list[float] | None = None) -> tuple[int, int, int, int]:
    """Write ``rows`` as an Excel Table with a header row at ``first_row``.

    The header cells carry their own style (white on navy, numbers' headers right), so
    they read as headers in LibreOffice and Google Sheets too, which ignore table styles;
    the header row is tall enough for its text above the filter buttons.

    Args:
        ws: the worksheet.
        fmts: the workbook's formats.
        name: the table's name (unique in the workbook, no spaces).
        cols: the columns.
        rows: the values, one list per row, money in cents (converted here); None when
            ``columns`` gives them.
        first_row: zero-based row of the header.
        first_col: zero-based column of the first column.
        total_row: add a totals row (sums of the columns whose ``total`` is set).
        style: the Excel table style.
        freeze: freeze the panes below the header.
        totals: values of the totals row by column index, where a sum would mislead
            (e.g. visits counted once though they appear under two codes).
        columns: the values a column at a time instead of ``rows`` (all of one length).
        cell_formats: a column's cell format (by index) instead of its kind's.
        heights: each row's height in points (e.g. for text that wraps).

    Returns:
        The table's range (first_row, first_col, last_row, last_col), zero-based.
    """
    raw = _columns_of(cols, rows) if columns is None else columns
    values = _converted(cols, raw)
    height = len(values[0]) if values else 0
    cents = {i: _cents_total(raw[i]) for i, col in enumerate(cols)
             if col.kind == MONEY and col.total == "sum"}  # exact, for the total row
    formats = [fmts.for_kind(col.kind) for col in cols]
    headers = [fmts.header_for(col.kind) for col in cols]
    for i in range(1, len(cols)):
        if cols[i].kind == TEXT and cols[i - 1].kind in NUMBER_KINDS:
            formats[i], headers[i] = fmts.text_after_number, fmts.header_after_number
    for i, fmt in (cell_formats or {}).items():
        formats[i] = fmt
    writers = [_column_writer(ws, col.kind, fmt) for col, fmt in zip(cols, formats)]
    bulk = height > BULK_FROM and isinstance(fmts.wb, _Workbook)
    for r, row in enumerate(zip(*(column[:1] if bulk else column for column in values)),
                            start=first_row + 1):  # row by row (constant_memory writes so)
        for c, (write, value) in enumerate(zip(writers, row), start=first_col):
            write(r, c, value)
        if heights:
            ws.set_row(r, heights[r - first_row - 1])
    last_row = first_row + max(height, 1) + (1 if total_row else 0)
    last_col = first_col + len(cols) - 1
    columns = [{"header": c.header, "format": fmt, "header_format": head,
                **({"total_string": c.total} if c.total not in (None, "sum", "count")
                   else {})} for c, fmt, head in zip(cols, formats, headers)]
    if bulk:  # the rest as XML, spliced in on close (see bulkrows.py)
        # The table is added over its header and first row (and a total row right under
        # them, left empty: the totals are written below at the table's real end), and
        # grown to its real range on splicing.
        fmts.wb.bulk_rows.append(BulkRows(
            ws.name, first_row + 2, first_col,
            ["date" if c.kind == DATE else "text" if c.kind in (TEXT, CODE) else "number"
             for c in cols], [column[1:] for column in values], name,
            xl_range(first_row, first_col, last_row, last_col),
            xl_range(first_row, first_col, last_row - (1 if total_row else 0), last_col),
            [column.pop("total_string", None) for column in columns],
            heights[1:] if heights else None))
        table_last = first_row + 1 + (1 if total_row else 0)
    else:
        table_last = last_row
    if not height:  # an empty table keeps one formatted row to type into
        for c, fmt in enumerate(formats, start=first_col):
            ws.write_blank(first_row + 1, c, None, fmt)
    ws.add_table(first_row, first_col, table_last, last_col, {
        "name": name,
        "style": style,
        "total_row": total_row,
        "columns": columns,
    })
    if total_row:
        _write_totals(ws, fmts, cols, values, first_row + 1, last_row, first_col,
                      totals or {}, cents)
    widths = [_fit_width(col, column) for col, column in zip(cols, values)]
    for i, col in enumerate(cols):  # a total never shows as ####
        if col.kind == MONEY and col.total == "sum" and total_row:
            widths[i] = max(widths[i], len(f"{cents[i] / 100:,.2f}") + 1.5)
    for i, width in enumerate(widths):
        ws.set_column(first_col + i, first_col + i, width)
    lines = max(text_lines(c.header, w) for c, w in zip(cols, widths))
    ws.set_row(first_row, LINE_HEIGHT * (lines + 1))  # the text, then the filter buttons
    if freeze:
        ws.freeze_panes(first_row + 1, 0)
    return first_row, first_col, last_row, last_col


def _columns_of(cols: list[Col], rows: list[list]) -> list:
    """The rows' values column by column; a short row is filled out with blanks."""
    width = len(cols)
    rows = [row if len(row) == width else (list(row) + [None] * width)[:width] for row in rows]
    return list(zip(*rows)) if rows else [()] * width


def _cents_total(column) -> int:
    """A money column's total in cents (cents as integers; a float as dollars)."""
    return sum(v if type(v) is int else round(v * 100) for v in column
               if type(v) is int or type(v) is float)


def _converted(cols: list[Col], columns: list) -> list[list]:
    """Each column as a list of what its cells hold (money cents as dollars:
    :func:`cell_value`)."""
    return [[v / 100 if type(v) is int else v for v in column] if col.kind == MONEY
            else list(column) for col, column in zip(cols, columns)]


def _write_totals(ws, fmts: Formats, cols: list[Col], values: list[list], first_data: int,
                  total_row: int, first_col: int, fixed: dict[int, object],
                  cents: dict[int, int]) -> None:
    """Totals as SUBTOTAL over plain ranges, so they follow the filter and read the same in
    Excel and LibreOffice (which misreads structured references to headers like "0-30");
    the cached value comes from exact cents, not from adding floats. The row is bold
    over a rule, in LibreOffice too."""
    for i, col in enumerate(cols):
        c = first_col + i
        fmt = fmts.total_for(col.kind)
        if i in fixed:
            write_cell(ws, total_row, c, fixed[i], fmt)
            continue
        if col.total not in ("sum", "count"):
            write_cell(ws, total_row, c, col.total, fmt)  # a label, or a blank over a rule
            continue
        cells = xl_range(first_data, c, max(total_row - 1, first_data), c)
        column = values[i]
        if col.total == "count":
            formula, cached = f"=SUBTOTAL(103,{cells})", sum(v not in (None, "") for v in column)
        elif col.kind == MONEY:
            formula = f"=SUBTOTAL(109,{cells})"
            cached = cents[i] / 100
        else:
            formula = f"=SUBTOTAL(109,{cells})"
            cached = sum(v for v in column if isinstance(v, (int, float)))
        ws.write_formula(total_row, c, formula, fmt, cached)


def print_setup(ws, title: str, landscape: bool = True, repeat_row: int | None = 0,
                paper_letter: bool = True, footer: str = "",
                pages_wide: int = 1, side_margin: float = 0.4) -> None:
    """Print-ready: one page wide (or ``pages_wide``), header rows repeated, the title
    and sheet name on top, ``footer`` (e.g. "As of 10/31/2026") and page numbers below."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if paper_letter:
        ws.set_paper(1)
    ws.fit_to_pages(pages_wide, 0)
    ws.set_margins(left=side_margin, right=side_margin, top=0.75, bottom=0.75)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    safe = title.replace("&", "&&")
    ws.set_header(f"&L&\"Calibri,Bold\"{safe}&R&A")
    left = f"&L{footer.replace('&', '&&')}" if footer else ""
    ws.set_footer(f"{left}&RPage &P of &N")
