"""`claimbook check` on a workbook with mistakes planted at known cells."""

from datetime import date

from click.testing import CliRunner

from claimbook.cli.main import cli
from conftest import BASE_ROWS, line, payment

EXPECTED = [
    'Staff!D2: NPI "1234567890" fails its check digit',
    'Clients!D2: "31/31/1980" is not a date',
    'Clients!A3: Client ID "C1" is used again (first on row 2)',
    'Appointments!C3: no client with Client ID "C9"',
    'Appointments!B4: "2026-13-45" is not a date',
    'Appointments!D5: Staff ID is required',
    'Appointments!I5: "ten" is not an amount',
    'Appointments!E6: policy "P2" belongs to client "C2", not "C1"',
    'Appointments!F6: no service with Service Code "99999"',
    'Payments!G2: "12O.00" is not an amount',
    'Payments!F3: no appointment "A99" on Appointments',
    'Payments!D4: "SF" is not the payer of appointment "A1" (its policy "P1" is with "AET")',
    'Payments!A5: Payment ID "PM1" is used again (first on row 2)',
    'Payments!D5: Payer ID is required when Source is Insurance',
]


def test_check_lists_every_planted_problem(book_path):
    d = date(2026, 10, 1)
    path = book_path(
        Staff=[{**BASE_ROWS["Staff"][0], "npi": "1234567890"}],
        Clients=[{"client_id": "C1", "first_name": "Ann", "last_name": "Lee",
                  "date_of_birth": "31/31/1980"},
                 {"client_id": "C1", "first_name": "Again", "last_name": "Lee"},
                 {"client_id": "C2", "first_name": "Bo", "last_name": "Diaz"}],
        Appointments=[line("A1", d, units=1), line("A2", d, client="C9", policy=None),
                      line("A3", "2026-13-45"), line("A4", d, staff_id=None, charge="ten"),
                      line("A5", d, policy="P2", code="99999")],
        Payments=[payment("PM1", d, "A1", "12O.00"), payment("PM2", d, "A99", 100),
                  payment("PM3", d, "A1", 100, payer="SF"),
                  {**payment("PM1", d, "A1", 100), "payer_id": None}])
    result = CliRunner().invoke(cli, ["check", "-w", str(path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == EXPECTED
    assert result.stderr == f"{len(EXPECTED)} problems in {path}\n"


def test_check_clean_workbook(book_path):
    path = book_path(Appointments=[line("A1", date(2026, 10, 1), units=1)])
    result = CliRunner().invoke(cli, ["check", "-w", str(path)])
    assert result.exit_code == 0
    assert result.output == (f"{path}: no problems (2 clients, 1 visits on 1 lines, "
                             "0 payments)\n")


def test_other_commands_stop_on_bad_data_with_one_line_and_write_nothing(book_path, tmp_path):
    path = book_path(Payments=[payment("PM1", date(2026, 10, 1), "A99", "12O.00")])
    out = tmp_path / "reports"
    result = CliRunner().invoke(cli, ["report", "-w", str(path), "--month", "2026-10",
                                      "--out", str(out)])
    assert result.exit_code == 1
    assert result.stderr == ('Error: Payments!F2: no appointment "A99" on Appointments '
                             '(and 1 more problem; run claimbook check)\n')
    assert not out.exists()
