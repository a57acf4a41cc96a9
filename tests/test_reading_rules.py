"""Reading rules that had no test: serial dates, choice aliases, formula errors, a missing
sheet, strict money text, implausible dates, half-up on float cells; and the four
``check`` rules no test triggered."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.xlsx.reader import read_book
from claimbook.rules.problems import in_order
from conftest import BASE_ROWS, line, payment

D = date(2026, 10, 1)


def problems_of(path) -> list[str]:
    return [str(p) for p in in_order(read_book(path)[1])]


def test_a_serial_number_in_a_plain_cell_is_a_date(book_path):
    path = book_path(Appointments=[line("A1", 46296.0, units=1)])  # a number, not a date cell
    book, problems = read_book(path)
    assert problems == []
    assert book.lines[0].date_of_service == date(2026, 10, 1)
    path = book_path(Appointments=[line("A1", D, units=1, billed_date=73051.0)])
    assert problems_of(path) == ['Appointments!O2: "2100-01-01" is not a date between '
                                 '1901 and 2099']


def test_choice_aliases_read_as_the_choice(book_path):
    path = book_path(Payers=[{"payer_id": "SF", "name": "State Farm", "type": "PIP"},
                             {"payer_id": "LNI", "name": "L&I", "type": "wc"},
                             {"payer_id": "X", "name": "X", "type": "Dental"}])
    book, problems = read_book(path)
    assert book.payers["SF"].type == "Auto/PIP"
    assert book.payers["LNI"].type == "Workers Comp"
    assert [str(p) for p in problems] == [
        'Payers!C4: "Dental" is not one of Commercial, Auto/PIP, Workers Comp, Medicare, '
        'Medicaid, Other']


def test_formula_errors_name_their_cell_in_any_column_type(tmp_path):
    path = tmp_path / "errors.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    sheets = {}
    for name, header, row in [
            ("Practice", ["Setting", "Value"], ["Practice Name", "Errors"]),
            ("Staff", ["Staff ID", "Name"], ["S1", "Tess"]),
            ("Clients", ["Client ID", "First Name", "Last Name"], ["C1", "Ann", "Lee"]),
            ("Payers", ["Payer ID", "Name"], ["AET", "Aetna"]),
            ("Policies", ["Policy ID", "Client ID", "Payer ID"], ["P1", "C1", "AET"]),
            ("Services", ["Service Code", "Description", "Fee per Unit"], ["97124", "M", 30]),
            ("Appointments", ["Appointment ID", "Date of Service", "Client ID", "Staff ID",
                              "Service Code", "Charge"], ["A1", "2026-10-01", "C1", "S1",
                                                          "97124", 100]),
            ("Payments", ["Payment ID", "Date Received", "Source", "Payer ID",
                          "Reference", "Appointment ID", "Amount"],
             ["PM1", "2026-10-02", "Client", None, None, "A1", 10])]:
        ws = sheets[name] = wb.add_worksheet(name)
        ws.write_row(0, 0, header)
        ws.write_row(1, 0, row)
    ws = sheets["Payments"]
    ws.write_row(2, 0, ["PM2", "2026-10-02", "Client", None, None, None, 10])
    ws.write_formula(2, 5, "=#REF!", None, "#REF!")  # Appointment ID
    ws.write_row(3, 0, ["PM3", None, "Client", None, None, "A1", None])
    ws.write_formula(3, 1, "=1/0", None, "#DIV/0!")  # Date Received
    ws.write_formula(3, 6, "=NA()", None, "#N/A")  # Amount
    ws.write_row(4, 0, ["PM4", "2026-10-02", "Client", None, "#VALUE!", "A1", "#NUM!"])
    wb.close()
    assert problems_of(path) == [
        "Payments!F3: shows the error #REF!",
        "Payments!B4: shows the error #DIV/0!",
        "Payments!G4: shows the error #N/A",
        "Payments!E5: shows the error #VALUE!",
        "Payments!G5: shows the error #NUM!",
    ]


def test_a_missing_sheet_is_a_problem_and_stops_every_command(tmp_path, book_path):
    path = book_path()
    wb = openpyxl.load_workbook(path)
    del wb["Services"]
    wb.save(path)
    assert "Services: the sheet is missing" in problems_of(path)
    result = CliRunner().invoke(cli, ["balances", "-w", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Services: the sheet is missing")


@pytest.mark.parametrize("typed, message", [
    ("12,50", '"12,50" is not an amount'),  # a decimal comma: $12.50 or $1,250?
    ("(-5)", '"(-5)" is not an amount'),  # negative twice
    ("--5", '"--5" is not an amount'),
    ("-$-5", '"-$-5" is not an amount'),
    ("1 234", '"1 234" is not an amount'),
    (1e307, '"1e+307" is not an amount'),
    (1e10, '"10000000000" is not an amount'),  # ten billion dollars: no practice's
    (-1e9, '"-1000000000" is not an amount'),
    ("inf", '"inf" is not an amount'),
    ("nan", '"nan" is not an amount'),
])
def test_ambiguous_or_impossible_money_is_refused_naming_the_cell(book_path, typed, message):
    path = book_path(Appointments=[line("A1", D, units=1, charge=typed)])
    assert problems_of(path) == [f"Appointments!I2: {message}"]


@pytest.mark.parametrize("typed, cents", [
    ("$1,234.50", 123450), ("(12.00)", -1200), ("-$5.00", -500), ("1234.5", 123450),
    (0.125, 13), (2.665, 267), (10.125, 1013), (-0.125, -13),
])
def test_money_as_owners_type_it_half_up_on_float_cells(book_path, typed, cents):
    path = book_path(Appointments=[line("A1", D, units=1, charge=typed)])
    book, problems = read_book(path)
    assert problems == []
    assert book.lines[0].charge == cents


@pytest.mark.parametrize("typed, message", [
    ("1850-01-01", '"1850-01-01" is not a date between 1901 and 2099'),
    ("9999-12-31", '"9999-12-31" is not a date between 1901 and 2099'),
    ("2150-06-01", '"2150-06-01" is not a date between 1901 and 2099'),
])
def test_implausible_dates_are_flagged_by_check(book_path, typed, message):
    path = book_path(Appointments=[line("A1", D, units=1, billed_date=typed)])
    result = CliRunner().invoke(cli, ["check", "-w", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [f"Appointments!O2: {message}"]


def test_the_four_cross_checks_no_test_triggered(book_path):
    path = book_path(
        Appointments=[
            line("A1", D, units=1, billed_date=date(2026, 9, 30)),  # billed before the visit
            line("A2", D, policy="P9", units=1),  # no such policy
            line("A3", D, units=1), line("A3", date(2026, 10, 2), units=1),  # lines disagree
            line("A4", D, policy=None, units=1)],  # self-pay
        Payments=[payment("PM1", D, "A4", 1000)])  # an insurer paying a self-pay visit
    result = CliRunner().invoke(cli, ["check", "-w", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Appointments!O2: the Billed Date is before the Date of Service",
        'Appointments!E3: no policy with Policy ID "P9"',
        'Appointments!B5: appointment "A3" has Date of Service 10/01/2026 on row 4; '
        "every line of a visit must agree",
        'Payments!D2: appointment "A4" is self-pay; no insurer pays it',
    ]
    assert BASE_ROWS["Policies"][0]["policy_id"] == "P1"


SPACES = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u2003",
          "\u3000", "\u2028"]
WORDS = ["", "Ann", "Lée", "名", "A1", "#", "~x", "x y"]


def test_outer_white_space_is_found_however_the_text_begins_and_ends():
    """Reading trims what str.strip trims and reads a text of white space as blank; the
    fast look at each text's first and last bytes must never hide one."""
    import numpy as np
    import pyarrow as pa

    from claimbook.io.xlsx import columns
    from claimbook.io.xlsx.reader import _kept_rows

    texts = [None] + [f"{a}{w}{b}" for w in WORDS for a in ["", *SPACES]
                      for b in ["", *SPACES]]
    for array in (pa.array(texts, pa.string()), pa.array(texts, pa.large_string()),
                  pa.array(["pad", *texts], pa.string()).slice(1)):
        expected = [None if t is None or not t.strip() else t.strip() for t in texts]
        assert columns.trimmed(array).to_pylist() == expected
        only = [t if t is None or t.strip() == t else "x" for t in texts]  # nothing to trim
        assert columns.trimmed(pa.array(only, pa.string())).to_pylist() == \
            [None if t == "" else t for t in only]
        batch = pa.record_batch([array], names=["a"])
        kept = _kept_rows(batch, {})
        assert np.array_equal(kept, [i for i, t in enumerate(texts) if t and t.strip()])
