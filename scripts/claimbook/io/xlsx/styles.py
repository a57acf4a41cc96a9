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

MONEY_FORMAT = '#,##0.00;[Red]-#,##0.00;"-"'
DATE_FORMAT = "yyyy-mm-dd"
TABLE_STYLE = "Table Style Medium 2"
NAVY = "#1F3864"

# Column kinds
TEXT, MONEY, DATE, INT, PERCENT, DECIMAL = "text", "money", "date", "int", "percent", "decimal"


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
    """The formats of one workbook, made once."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        self.money = wb.add_format({"num_format": MONEY_FORMAT})
        self.date = wb.add_format({"num_format": DATE_FORMAT, "align": "left"})
        self.int = wb.add_format({"num_format": "0"})
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
        self.good = wb.add_format({"num_format": MONEY_FORMAT, "font_color": "#006100",
                                   "bg_color": "#C6EFCE"})
        self.bad = wb.add_format({"num_format": MONEY_FORMAT, "font_color": "#9C0006",
                                  "bg_color": "#FFC7CE"})
        self.note = wb.add_format({"font_color": "#595959", "text_wrap": True, "valign": "top"})

    def for_kind(self, kind: str):
        return {MONEY: self.money, DATE: self.date, INT: self.int, PERCENT: self.percent,
                DECIMAL: self.decimal}.get(kind, self.text)


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
    return text if kind == TEXT else number_or_blank


def cell_value(kind: str, value):
    """What a cell of ``kind`` holds for a Python value: money cents become dollars."""
    if kind == MONEY and isinstance(value, int) and not isinstance(value, bool):
        return value / 100
    return value


def _fit_width(col: Col, rows: list[list], index: int) -> float:
    if col.width:
        return col.width
    longest = len(col.header) + 3  # room for the filter button
    for row in rows[:2000]:
        value = row[index]
        if value is None:
            continue
        shown = 10 if isinstance(value, (date, datetime)) else len(
            f"{value:,.2f}" if isinstance(value, float) else str(value))
        longest = max(longest, shown + 1)
    return min(max(longest, 6), 60)


def write_table(ws, fmts: Formats, name: str, cols: list[Col], rows: list[list],
                first_row: int = 0, first_col: int = 0, total_row: bool = False,
                style: str = TABLE_STYLE, freeze: bool = True) -> tuple[int, int, int, int]:
    """Write ``rows`` as an Excel Table with a header row at ``first_row``.

    Args:
        ws: the worksheet.
        fmts: the workbook's formats.
        name: the table's name (unique in the workbook, no spaces).
        cols: the columns.
        rows: the values, one list per row, money in cents (converted here).
        first_row: zero-based row of the header.
        first_col: zero-based column of the first column.
        total_row: add a totals row (sums of the columns whose ``total`` is set).
        style: the Excel table style.
        freeze: freeze the panes below the header.

    Returns:
        The table's range (first_row, first_col, last_row, last_col), zero-based.
    """
    values = [[cell_value(c.kind, v) for c, v in zip(cols, row)] for row in rows]
    formats = [fmts.for_kind(col.kind) for col in cols]
    writers = [_column_writer(ws, col.kind, fmt) for col, fmt in zip(cols, formats)]
    bulk = len(values) > BULK_FROM and isinstance(fmts.wb, _Workbook)
    for r, row in enumerate(values[:1] if bulk else values, start=first_row + 1):
        for c, (write, value) in enumerate(zip(writers, row), start=first_col):
            write(r, c, value)
    if bulk:  # the rest as XML, spliced in on close (see bulkrows.py)
        fmts.wb.bulk_rows.append(BulkRows(
            ws.name, first_row + 2, first_col,
            ["date" if c.kind == DATE else "text" if c.kind == TEXT else "number"
             for c in cols], values[1:]))
    if not values:  # an empty table keeps one formatted row to type into
        for c, col in enumerate(cols, start=first_col):
            ws.write_blank(first_row + 1, c, None, fmts.for_kind(col.kind))
    last_row = first_row + max(len(values), 1) + (1 if total_row else 0)
    last_col = first_col + len(cols) - 1
    ws.add_table(first_row, first_col, last_row, last_col, {
        "name": name,
        "style": style,
        "total_row": total_row,
        "columns": [{"header": c.header, "format": fmts.for_kind(c.kind),
                     **({"total_string": c.total} if c.total not in (None, "sum", "count")
                        else {})} for c in cols],
    })
    if total_row:
        _write_totals(ws, fmts, cols, values, first_row + 1, last_row, first_col)
    for i, col in enumerate(cols):
        ws.set_column(first_col + i, first_col + i, _fit_width(col, values, i))
    if freeze:
        ws.freeze_panes(first_row + 1, 0)
    return first_row, first_col, last_row, last_col


def _write_totals(ws, fmts: Formats, cols: list[Col], values: list[list], first_data: int,
                  total_row: int, first_col: int) -> None:
    """Totals as SUBTOTAL over plain ranges, so they follow the filter and read the same in
    Excel and LibreOffice (which misreads structured references to headers like "0-30");
    the cached value comes from exact cents, not from adding floats."""
    for i, col in enumerate(cols):
        if col.total not in ("sum", "count"):
            continue
        c = first_col + i
        cells = xl_range(first_data, c, max(total_row - 1, first_data), c)
        column = [row[i] for row in values]
        if col.total == "count":
            formula, cached = f"=SUBTOTAL(103,{cells})", sum(v not in (None, "") for v in column)
        elif col.kind == MONEY:
            formula = f"=SUBTOTAL(109,{cells})"
            cached = sum(round(v * 100) for v in column if isinstance(v, (int, float))) / 100
        else:
            formula = f"=SUBTOTAL(109,{cells})"
            cached = sum(v for v in column if isinstance(v, (int, float)))
        ws.write_formula(total_row, c, formula, fmts.for_kind(col.kind), cached)


def print_setup(ws, title: str, landscape: bool = True, repeat_row: int | None = 0,
                paper_letter: bool = True) -> None:
    """Print-ready: one page wide, header rows repeated, title and page numbers."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    if paper_letter:
        ws.set_paper(1)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    if repeat_row is not None:
        ws.repeat_rows(repeat_row)
    safe = title.replace("&", "&&")
    ws.set_header(f"&L&\"Calibri,Bold\"{safe}&R&A")
    ws.set_footer("&LPrinted &D&RPage &P of &N")
