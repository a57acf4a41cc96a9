"""The command line through Click's CliRunner: exact exit codes, outputs and messages."""

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from claimbook.cli.main import BALANCE_KEYS, cli
from conftest import line, payment
from helpers import all_commands

D = date(2026, 10, 1)


@pytest.fixture
def path(book_path):
    return book_path(
        Clients=[{"client_id": "C1", "first_name": "Ann", "last_name": "Lee"},
                 {"client_id": "C2", "first_name": "=1+2", "last_name": "Diaz"}],
        Appointments=[line("A1", D, units=4, client_paid=2500, billed_date=D),
                      line("A2", D, client="C2", policy="P2", units=2),
                      line("A3", D, client="C2", policy=None, code="MASSAGE60",
                           client_paid=9000)],
        Payments=[payment("P1", date(2026, 10, 20), "A1", 6000, adjustment=3500)])


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_balances_json_is_the_contract(path):
    result = run("balances", "-w", path, "--as-of", "2026-10-31", "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert [r["appointment_id"] for r in records] == ["A2"]
    assert list(records[0]) == list(BALANCE_KEYS)
    assert records[0] == {
        "appointment_id": "A2", "date_of_service": "2026-10-01", "client_id": "C2",
        "client_name": "=1+2 Diaz", "staff_id": "S1", "policy_id": "P2", "payer_id": "SF",
        "charge": "60.00", "discount": "0.00", "client_paid": "0.00", "insurance_paid": "0.00",
        "adjustments": "0.00", "balance": "60.00", "insurance_due": "60.00",
        "client_due": "0.00", "age_days": 30, "aging_bucket": "0-30", "status": "Unbilled",
        "claim_status": None}


def test_balances_as_of_all_and_filters(path):
    before = json.loads(run("balances", "-w", path, "--as-of", "10/19/2026",
                            "--format", "json").output)
    assert [(r["appointment_id"], r["balance"]) for r in before] == [("A1", "95.00"),
                                                                    ("A2", "60.00")]
    everything = json.loads(run("balances", "-w", path, "--as-of", "2026-10-31", "--all",
                                "--format", "json").output)
    assert [(r["appointment_id"], r["status"]) for r in everything] == [
        ("A1", "Paid"), ("A2", "Unbilled"), ("A3", "Paid")]
    by_client = json.loads(run("balances", "-w", path, "--as-of", "2026-10-19",
                               "--client", "C1", "--format", "json").output)
    assert [r["appointment_id"] for r in by_client] == ["A1"]
    by_payer = json.loads(run("balances", "-w", path, "--as-of", "2026-10-19",
                              "--payer", "SF", "--format", "json").output)
    assert [r["appointment_id"] for r in by_payer] == ["A2"]


def test_balances_csv_keeps_formula_text_as_text(path):
    result = run("balances", "-w", path, "--as-of", "2026-10-31", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == list(BALANCE_KEYS)
    assert rows[1][3] == "'=1+2 Diaz"
    assert rows[1][12] == "60.00"


def test_balances_table(path):
    result = run("balances", "-w", path, "--as-of", "2026-10-19")
    assert result.exit_code == 0
    assert "A1" in result.output and "$95.00" in result.output and "$155.00" in result.output
    assert result.output.rstrip().endswith("2 visits")


@pytest.mark.parametrize("args, code, message", [
    (["balances", "--client", "C7"], 1, 'Error: --client C7: no client "C7" in {path}\n'),
    (["balances", "--payer", "NOPE"], 1, 'Error: --payer NOPE: no payer "NOPE" in {path}\n'),
    (["balances", "--as-of", "someday"], 2, 'Invalid value for \'--as-of\': "someday" is not '
                                            'a date; give it as YYYY-MM-DD'),
    (["report", "--month", "2026-13"], 2, 'Error: "2026-13" is not a month; give it as '
                                          'YYYY-MM, e.g. 2026-10'),
])
def test_usage_and_request_errors(path, args, code, message):
    result = run(*args, "-w", path)
    assert result.exit_code == code
    assert message.format(path=path) in result.stderr
    assert "Traceback" not in result.output


def test_missing_and_broken_workbooks(tmp_path):
    missing = tmp_path / "nope.xlsx"
    result = run("balances", "-w", missing)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {missing}: no such workbook (give one with --workbook)\n"
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    result = run("check", "-w", broken)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {broken}: not an Excel workbook claimbook can read")


def test_workbook_from_environment(path, monkeypatch):
    monkeypatch.setenv("CLAIMBOOK_WORKBOOK", str(path))
    result = run("balances", "--as-of", "2026-10-31", "--format", "json")
    assert result.exit_code == 0
    assert len(json.loads(result.output)) == 1


def test_report_refuses_while_the_report_is_open_in_excel(path, tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / "~$2026-10-outstanding-balances.xlsx").write_text("lock")
    result = run("report", "-w", path, "--month", "2026-10", "--out", out)
    assert result.exit_code == 1
    assert "is open in Excel or LibreOffice" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["~$2026-10-outstanding-balances.xlsx"]


def test_every_command_has_help_with_an_example():
    assert {"checkout", "pay", "remind", "today", "receipt", "handoff"} <= set(all_commands())
    for name in all_commands():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"claimbook {name} --help shows no example"
