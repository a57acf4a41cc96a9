"""Summary sheets: sections of labelled figures (a heading, then label and amount rows),
their check figures, and page breaks that never leave a heading at the foot of a page."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from claimbook.io.xlsx.styles import Formats, write_difference

ROWS_PER_PAGE = 42  # 15-point rows on a Letter page inside the margins, with room to spare


@dataclass(frozen=True)
class Formula:
    """A figure computed in the sheet, with its value in exact cents for the cache."""

    text: str
    cents: int
    kind: str = "total"  # "total" (bold, ruled) or "difference" (a check figure)


class LabelRows:
    """Writes sections of (label, amount) rows in two columns, from ``row`` down.

    Args:
        ws: the worksheet.
        fmts: the workbook's formats.
        row: the zero-based row of the first section's heading.
        col: the zero-based column of the labels (amounts sit one to the right).
    """

    def __init__(self, ws, fmts: Formats, row: int, col: int = 0):
        self.ws, self.fmts, self.row, self.col = ws, fmts, row, col
        self.sections: list[tuple[int, int]] = []  # (heading row, last row), zero-based

    def cell(self, i: int) -> str:
        """The amount cell of the ``i``-th row of the section about to be written."""
        return xl_rowcol_to_cell(self.row + 1 + i, self.col + 1)

    def difference_of(self, i: int, j: int, cents: int) -> Formula:
        """``row i - row j`` as a check figure (ties when 0.00)."""
        return Formula(f"=ROUND({self.cell(i)}-{self.cell(j)},2)", cents, "difference")

    def sum_of(self, i: int, j: int, cents: int) -> Formula:
        """The sum of rows ``i`` to ``j``."""
        return Formula(f"=SUM({self.cell(i)}:{self.cell(j)})", cents)

    def section(self, heading: str, rows: list[tuple], note: str | None = None) -> None:
        """A heading, then one row per (label, cents or :class:`Formula`[, "total"]),
        then an optional grey note; leaves a blank row after it."""
        ws, fmts, c = self.ws, self.fmts, self.col
        first = self.row
        ws.write_string(first, c, heading, fmts.heading)
        ws.write_string(first, c + 1, "", fmts.heading)
        for i, (label, value, *style) in enumerate(rows, start=first + 1):
            total = bool(style) or (isinstance(value, Formula) and value.kind == "total")
            ws.write_string(i, c, label, fmts.label_bold if total else fmts.label)
            if isinstance(value, Formula) and value.kind == "difference":
                write_difference(ws, fmts, i, c + 1, value.text, value.cents)
            elif isinstance(value, Formula):
                ws.write_formula(i, c + 1, value.text, fmts.money_total, value.cents / 100)
            else:
                ws.write_number(i, c + 1, value / 100, fmts.money_total if total else fmts.money)
        last = first + len(rows)
        if note:
            last += 1
            ws.write_string(last, c, note, fmts.subtitle)
        self.sections.append((first, last))
        self.row = last + 2


def roll_forward_section(out: LabelRows, heading: str, roll, closing_label: str) -> None:
    """The A/R roll-forward as the report and the handoff both show it: opening A/R, the
    month's activity, the closing A/R as a formula, the closing A/R from the open
    balances, and their difference (0.00 when they tie)."""
    act = roll.activity
    out.section(heading, [
        ("A/R at the start of the month", roll.opening_ar), ("+ Charges", act.charges),
        ("- Discounts", act.discounts), ("- Client payments", act.client_payments),
        ("- Insurance payments", act.insurance_payments), ("- Adjustments", act.adjustments),
        ("A/R at the end of the month",
         Formula(f"={out.cell(0)}+{out.cell(1)}-{out.cell(2)}-{out.cell(3)}-{out.cell(4)}"
                 f"-{out.cell(5)}", roll.opening_ar + act.net_change)),
        (closing_label, roll.closing_ar),
        ("Difference (ties when 0.00)", out.difference_of(6, 7, -roll.difference))])


def keep_sections_whole(ws, sections: list[tuple[int, int]],
                        rows_per_page: int = ROWS_PER_PAGE) -> list[int]:
    """Page breaks before any section that would run over the foot of a page (a
    section taller than a page starts where it falls); returns the breaks."""
    breaks, page_start = [], 0
    for first, last in sorted(sections):
        if last - page_start + 1 <= rows_per_page:
            continue
        if last - first + 1 <= rows_per_page and first > page_start:
            breaks.append(first)
            page_start = first
        while last - page_start + 1 > rows_per_page:  # a tall section breaks where it falls
            page_start += rows_per_page
    if breaks:
        ws.set_h_pagebreaks(breaks)
    return breaks
