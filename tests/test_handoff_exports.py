"""The journal as accounting software imports it: Xero's manual journals (300 lines a
file, signed amounts, account codes) and the one-entry-a-day summary."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.compute.bookkeeping import bookkeepers_month
from claimbook.compute.journal import lines_of
from claimbook.compute.journal_export import XERO_COLUMNS, daily
from claimbook.compute.ledger import Month
from claimbook.io.xlsx.reader import load_book
from conftest import SAMPLE
from march import march_rows

CODES = {"revenue_account_code": "4000", "insurance_a_r_account_code": "1210",
         "client_a_r_account_code": "1200", "contractual_adjustment_account_code": "4900",
         "discount_account_code": "4910", "undeposited_funds_account_code": "1050",
         "gift_card_account_code": "2300", "a_r_transfer_account_code": "1299",
         "provider_adjustment_account_code": "4950"}


def run(*args: str):
    return CliRunner().invoke(cli, ["handoff", *args])


def _rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def test_xero_files_hold_at_most_300_lines_and_whole_journals(tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path),
                 "--csv", "xero")
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("2026-10-bookkeeper-xero-*.csv"))
    assert result.output.splitlines() == [str(tmp_path / "2026-10-bookkeeper.xlsx"),
                                          *map(str, files)]
    assert len(files) >= 2
    entries = bookkeepers_month(load_book(SAMPLE), Month(2026, 10)).entries
    seen: dict[str, Path] = {}
    total_lines = 0
    for path in files:
        rows = _rows(path)
        assert tuple(rows[0]) == XERO_COLUMNS
        assert 1 <= len(rows) - 1 <= 300
        sums: dict[tuple, Decimal] = defaultdict(Decimal)
        for narration, day, _about, code, tax, amount, *tracking in rows[1:]:
            assert seen.setdefault(narration, path) == path  # a journal never splits
            assert code.isdigit() and tax == "Tax Exempt" and tracking == ["", "", "", ""]
            assert day.endswith(" Oct 2026") and len(day) == 11
            sums[(narration, day)] += Decimal(amount)  # "-128.00", never "'-128.00"
        assert set(sums.values()) == {Decimal(0)}
        total_lines += len(rows) - 1
    assert total_lines == len(lines_of(entries))
    assert len(seen) == len(entries)


def test_xero_amounts_codes_and_names(tmp_path):
    run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path), "--csv", "xero")
    rows = _rows(tmp_path / "2026-10-bookkeeper-xero-1.csv")
    assert rows[1] == ["V-A001129: Visit A001129: 97124 x 4", "01 Oct 2026",
                       "Visit A001129: 97124 x 4 - Regence BlueShield", "1210", "Tax Exempt",
                       "128.00", "", "", "", ""]
    assert rows[2] == ["V-A001129: Visit A001129: 97124 x 4", "01 Oct 2026",
                       "Visit A001129: 97124 x 4", "4000", "Tax Exempt", "-128.00", "", "",
                       "", ""]


def test_xero_needs_the_account_codes(book_path, tmp_path):
    rows = march_rows()
    path = book_path(rows.pop("settings"), **rows)
    out = tmp_path / "out"
    result = run("-w", str(path), "--month", "2026-03", "--out", str(out), "--csv", "xero")
    assert result.exit_code == 1
    book = load_book(path)
    row = book.settings.rows["revenue_account_code"]
    assert result.output.startswith(
        f"Error: Xero imports accounts by code: fill Practice!B{row} (Revenue Account Code), ")
    assert "(Provider Adjustment Account Code) with the codes of your chart of accounts" \
        in result.output
    assert len(result.output.splitlines()) == 1 and not out.exists()


def test_xero_with_codes_from_the_practice_sheet(book_path, tmp_path):
    rows = march_rows()
    path = book_path({**rows.pop("settings"), **CODES}, **rows)
    result = run("-w", str(path), "--month", "2026-03", "--out", str(tmp_path), "--csv",
                 "xero")
    assert result.exit_code == 0, result.output
    rows = _rows(tmp_path / "2026-03-bookkeeper-xero.csv")
    codes = {r[3] for r in rows[1:]}
    assert codes == set(CODES.values())
    transfer = [r for r in rows if r[0].startswith("P-PMT6-T")]
    assert [(r[3], r[5]) for r in transfer] == [("1200", "20.00"), ("1299", "-20.00")]
    refund = [r for r in rows if r[0].startswith("P-PMT4")]
    assert [r[5] for r in refund] == ["90.00", "-90.00"]


def test_daily_hands_over_one_entry_a_day(tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path), "--csv",
                 "--daily")
    assert result.exit_code == 0, result.output
    handoff = bookkeepers_month(load_book(SAMPLE), Month(2026, 10), by_day=True)
    rows = _rows(tmp_path / "2026-10-bookkeeper-journal.csv")[1:]
    numbers = list(dict.fromkeys(r[0] for r in rows))
    days = sorted({e.day for e in handoff.entries})
    assert numbers == [f"D-{d:%Y%m%d}" for d in days]
    for number in numbers:
        lines = [r for r in rows if r[0] == number]
        debits = sum(Decimal(r[3] or 0) for r in lines)
        assert debits == sum(Decimal(r[4] or 0) for r in lines) and debits > 0
        assert len({r[1] for r in lines}) == 1
    ws = openpyxl.load_workbook(tmp_path / "2026-10-bookkeeper.xlsx")["Journal"]
    assert ws["A2"].value == "D-20261001" and ws["H2"].value == "Daily summary"
    summary = openpyxl.load_workbook(tmp_path / "2026-10-bookkeeper.xlsx")["Summary"]
    assert summary["A8"].value == (f"{len(days)} entries, {len(rows)} lines (sheet Journal); "
                                   "one summary entry a day")
    assert len(daily(handoff.entries)) == len(days)
    journal = openpyxl.load_workbook(tmp_path / "2026-10-bookkeeper.xlsx", data_only=True)
    total = journal["Journal"].cell(len(rows) + 2, 4).value
    assert summary["B5"].value == pytest.approx(total)  # the Summary's debits are the sheet's
    assert total == pytest.approx(handoff.debits / 100)
    assert handoff.debits < sum(e.debits for e in handoff.entries)  # netted by day
    assert handoff.ties and handoff.balanced


@pytest.mark.parametrize("option", [["--csv", "quickbooks"]])
def test_an_unknown_csv_layout_is_a_usage_error(option, tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path), *option)
    assert result.exit_code == 2 and "'quickbooks' is not one of 'qbo', 'xero'" in result.output
    assert not list(tmp_path.iterdir())
