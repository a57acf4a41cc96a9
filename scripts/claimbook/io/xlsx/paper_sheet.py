"""A print-ready sheet of a client paper (receipt, superbill, statement), laid on a grid.

The receipt's sheet has eleven columns (A-K), a statement's its own; their widths add
up to about a Letter page, portrait, printed one page wide. Tables take one or more grid
columns per column; a value that does not fit its width wraps and its row is made tall
enough, so nothing is clipped. Rows are grouped into blocks that stay on one page: a
block that would cross the foot of a page starts the next one; a table longer than a
page has its heading row repeated.
"""

from __future__ import annotations

import math
from datetime import date

from claimbook.compute.papers import DATE, INT, MONEY
from claimbook.io.xlsx.styles import NAVY, write_cell
from claimbook.rules.dates import DEFAULT_STYLE, excel_date_format

# Grid columns A-K and their widths (characters of the default font).
WIDTHS = (4, 11, 5.5, 8, 7, 16, 13, 7, 7, 10, 12)
LAST = len(WIDTHS) - 1
MONEY_FORMAT = '"$"#,##0.00;-"$"#,##0.00'
LINE = 13.5  # points: one line of 10-point text
SIZE = 10  # points: the text's size
GAP = 8.0  # points: the space between two blocks
PAGE = 715.0  # points of rows on a Letter page between the margins, at fit-to-width
GREY = "#6C757D"
_ALIGN = {"RIGHT": "right", "CENTER": "center"}
RULE = "#CED4DA"


def span_width(first: int, last: int, widths: tuple[float, ...] = WIDTHS) -> float:
    """The characters that fit in columns ``first``..``last``."""
    return sum(widths[first:last + 1]) + (last - first) * 0.7


def lines_needed(text: str, width: float, size: float = 10) -> int:
    """The lines ``text`` wraps to in a cell ``width`` characters wide (a character of
    the width is a digit of 11-point Calibri; text averages narrower)."""
    per_line = max(1.0, width * 11 / size * 1.05 - 1)
    count = 0
    for part in str(text).split("\n"):
        count += max(1, math.ceil(len(part) / per_line))
    return count


class PaperSheet:
    """An xlsxwriter worksheet written top to bottom, row by row, in blocks."""

    def __init__(self, wb, ws, widths: tuple[float, ...] = WIDTHS,
                 date_style: str = DEFAULT_STYLE):
        self.wb, self.ws = wb, ws
        self.date_format = excel_date_format(date_style)  # the practice's Date Style
        self.widths = widths
        self.last = len(widths) - 1
        self.row = 0
        self.heights: dict[int, float] = {}
        self.blocks: list[tuple[int, int, int | None]] = []  # first, last, heading row
        self._formats: dict[tuple, object] = {}
        ws.hide_gridlines(2)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

    # -- formats ---------------------------------------------------------------------------
    def fmt(self, **props):
        """A format with these properties, made once per workbook."""
        props.setdefault("font_size", SIZE)
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def kind_format(self, kind: str, **props):
        if kind == MONEY:
            props["num_format"] = MONEY_FORMAT
        elif kind == DATE:
            props.update(num_format=self.date_format, align=props.get("align", "left"))
        elif kind == INT:
            props["num_format"] = "0"
        return self.fmt(**props)

    # -- cells -----------------------------------------------------------------------------
    def put(self, row: int, first: int, last: int, value, fmt, size: float = SIZE) -> None:
        """``value`` in columns ``first``..``last`` (merged), its row tall enough."""
        if last > first:
            self.ws.merge_range(row, first, row, last, "", fmt)
        if isinstance(value, int) and not isinstance(value, bool) and \
                getattr(fmt, "num_format", "") == MONEY_FORMAT:
            value = value / 100
        if value is None or value == "":
            if last == first:
                self.ws.write_blank(row, first, None, fmt)  # its borders and fill
            return
        write_cell(self.ws, row, first, value, fmt)
        lines = lines_needed(value, span_width(first, last, self.widths), size) \
            if isinstance(value, str) else 1
        self.tall(row, lines * LINE * size / SIZE)

    def tall(self, row: int, points: float) -> None:
        """Make ``row`` at least ``points`` high."""
        if points > self.heights.get(row, 0.0):
            self.heights[row] = round(points * 2) / 2

    def blank_row(self, points: float = GAP) -> int:
        row = self.row
        self.tall(row, points)
        self.row += 1
        return row

    def block(self, first: int, heading: int | None = None) -> None:
        """Rows ``first`` up to the current row stay together on one page."""
        self.blocks.append((first, self.row - 1, heading))

    # -- shapes ------------------------------------------------------------------------------
    def heading(self, text: str, first: int = 0, last: int | None = None) -> None:
        """A small navy heading band across the columns, on the current row."""
        last = self.last if last is None else last
        fmt = self.fmt(bold=True, font_color=NAVY, font_size=9, bg_color="#EAEFF7",
                       bottom=1, bottom_color=NAVY)
        for col in range(first, last + 1):
            self.ws.write_blank(self.row, col, None, fmt)
        self.put(self.row, first, last, text.upper(), fmt, 9)

    def table(self, spans: list[tuple[int, int]], columns, rows: list[list]) -> int:
        """A table: a navy heading row, then one row per item; returns the heading row."""
        head = self.row
        for (first, last), column in zip(spans, columns):
            fmt = self.fmt(bold=True, font_color="#FFFFFF", bg_color=NAVY, valign="vcenter",
                           align=_ALIGN.get(column.align, "left"), text_wrap=True)
            self.put(head, first, last, column.heading, fmt)
        self.tall(head, 16)
        self.row += 1
        for values in rows:
            self.table_row(spans, columns, values)
        return head

    def table_row(self, spans: list[tuple[int, int]], columns, values: list,
                  rule: bool = True) -> None:
        """One row of a table, ruled below unless ``rule`` is false."""
        border = dict(bottom=1, bottom_color=RULE) if rule else {}
        for (first, last), column, value in zip(spans, columns, values):
            kind = DATE if isinstance(value, date) else column.kind
            fmt = self.kind_format(kind, valign="top", text_wrap=kind != DATE,
                                   align=_ALIGN.get(column.align, "left"), **border)
            self.put(self.row, first, last, value, fmt)
        self.row += 1

    def pairs(self, top: int, first: int, split: int, last: int, pairs, right_labels=False
              ) -> int:
        """Label/value pairs from row ``top``: labels in ``first``..``split - 1``, values
        in ``split``..``last``; returns the row after the last pair."""
        row = top
        label_fmt = self.fmt(font_color=GREY, font_size=9, valign="top",
                             align="right" if right_labels else "left")
        for label, value in pairs:
            if label:
                self.put(row, first, split - 1, label, label_fmt, 9)
            if value:
                bold = label in ("Client", "Provider", "Payer", "Account")
                fmt = self.fmt(num_format=self.date_format, align="left", valign="top") \
                    if isinstance(value, date) else self.fmt(bold=bold, text_wrap=True,
                                                             valign="top")
                self.put(row, split, last, value, fmt)
            row += 1
        return row

    def sentence(self, text: str, size: float = SIZE, color: str = "#212529",
                 italic: bool = False) -> None:
        """Wrapped text across the whole width, on its own row."""
        fmt = self.fmt(text_wrap=True, valign="top", font_size=size, font_color=color,
                       italic=italic)
        self.put(self.row, 0, self.last, text, fmt, size)
        self.row += 1

    # -- printing ----------------------------------------------------------------------------
    def finish(self, header_left: str, header_right: str) -> None:
        """Row heights, page breaks between blocks, Letter portrait one page wide."""
        for row in range(self.row):
            self.ws.set_row(row, self.heights.get(row, LINE))
        breaks, used, repeat = [], 0.0, None
        for i, (first, last, heading) in enumerate(self.blocks):
            end = self.blocks[i + 1][0] - 1 if i + 1 < len(self.blocks) else last
            size = sum(self.heights.get(r, LINE) for r in range(first, end + 1))
            if size > PAGE:  # a long table flows over pages, its heading repeated
                repeat = heading if repeat is None else repeat
                used = (used + size) % PAGE
                continue
            if used + size > PAGE:
                breaks.append(first)
                used = 0.0
            used += size
        if breaks:
            self.ws.set_h_pagebreaks(breaks)
        if repeat is not None:
            self.ws.repeat_rows(repeat)
        ws = self.ws
        ws.set_portrait()
        ws.set_paper(1)  # Letter
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
        ws.center_horizontally()
        ws.print_area(0, 0, max(self.row - 1, 0), self.last)
        left = header_left.replace("&", "&&")
        ws.set_header(f'&L&"Calibri,Bold"{left}&R{header_right.replace("&", "&&")}',
                      {"margin": 0.25})
        ws.set_footer(f"&L{left}&RPage &P of &N", {"margin": 0.25})
