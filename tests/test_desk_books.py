"""Workbooks for the desk tests, made as an owner's would be, and helpers to look inside.

``owner_book`` writes, with xlsxwriter, a practice workbook carrying what a load-and-save
would lose: a chart, an image, a comment, conditional formats, data validation, a
formula with its cached value, a defined name, an extra sheet, extra columns (one with
formulas), headers in another case and order, and pre-formatted empty rows under the
Payments table.
"""

from __future__ import annotations

from owner_books import (  # noqa: F401
    APPOINTMENT_HEADERS,
    CLAIMBOOK,
    PAYMENT_HEADERS,
    _appointments,
    _payments,
    _summary,
    _table,
    cells,
    owner_book,
    parts_of,
    run,
    run_process,
    sheet_part,
    tiny_png,
)


def test_the_owner_book_reads_clean(tmp_path):
    path = owner_book(tmp_path / "owner.xlsx")
    result = run("check", "-w", str(path))
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output
