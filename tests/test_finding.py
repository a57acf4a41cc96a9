"""Finding people, visits and months as people type them; titles and reminders as the
booking software's workaround wrote them; dates of birth with two-digit years."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.rules.months import BadMonth, Month
from claimbook.rules.textdates import DaySpec
from claimbook.rules.titles import (
    InsuranceTitle,
    is_pseudo_client,
    name_variants,
    parse_title,
    reminder_amounts,
)
from conftest import line, payment


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("text", ["2026-10", "2026/10", "10/2026", "Oct 2026", "october 2026",
                                  "Oct. 2026", "2026 Oct", " 2026-10 "])
def test_a_month_as_people_type_it(text):
    assert Month.parse(text) == Month(2026, 10)


@pytest.mark.parametrize("text", ["2026-13", "13/2026", "Octember 2026", "2026", ""])
def test_not_a_month(text):
    with pytest.raises(BadMonth, match="is not a month; give it as YYYY-MM"):
        Month.parse(text)


def test_report_takes_a_month_by_name(book_path):
    path = book_path(Appointments=[line("A1", date(2026, 10, 5), units=1)])
    by_name = run("report", "--month", "Oct 2026", "--format", "json", "-w", str(path))
    by_slash = run("report", "--month", "2026/10", "--format", "json", "-w", str(path))
    assert by_name.exit_code == 0, by_name.output
    assert json.loads(by_name.output) == json.loads(by_slash.output)
    assert json.loads(by_name.output)["month"] == "2026-10"


@pytest.mark.parametrize("title, expected", [
    ("Insurance Billing - Jane Doe - 2026-10-05",
     InsuranceTitle("Jane Doe", (DaySpec(10, 5, 2026),))),
    ("Insurance Payment: Doe, Jane: 10/5/2026",
     InsuranceTitle("Doe, Jane", (DaySpec(10, 5, 2026),))),
    ("Insurance Billing - Mary-Kate Olsen - 10/05/26",
     InsuranceTitle("Mary-Kate Olsen", (DaySpec(10, 5, 2026),))),
    ("Insurance Billing - Jane Doe - 10/5 & 10/12/2026",
     InsuranceTitle("Jane Doe", (DaySpec(10, 5, 2026), DaySpec(10, 12, 2026)))),
    ("Insurance Billing - Jane Doe - 10/5 - 10/19/2026",
     InsuranceTitle("Jane Doe", (), ((DaySpec(10, 5, 2026), DaySpec(10, 19, 2026)),))),
    ("Insurance Billing - Jane Doe - Oct 5", InsuranceTitle("Jane Doe", (DaySpec(10, 5),))),
    ("Insurance Billing - Jane Doe", InsuranceTitle("Jane Doe")),
    ("Arnica Gel", None),
])
def test_product_titles(title, expected):
    assert parse_title(title) == expected


def test_names_and_pseudo_clients():
    assert name_variants("Doe, Jane") == [("Jane", "Doe")]
    assert name_variants("Jane Q. Doe")[:2] == [("Jane Q.", "Doe"), ("Jane", "Doe")]
    assert is_pseudo_client("Insurance Payment(s)") and is_pseudo_client("insurance payments")
    assert not is_pseudo_client("Jane Insurance")


def test_reminder_amounts_are_the_ones_near_balance_words():
    assert reminder_amounts("Partial payment taken 10/5; a balance of $80.00 remains") == [8000]
    assert reminder_amounts("Paid $20.00 copay at the visit") == []
    assert reminder_amounts("Owes $1,020 after the EOB") == [102000]


def test_a_two_digit_birth_year_reads_as_excel_reads_it_and_a_future_one_is_flagged(
        book_path):
    path = book_path(Clients=[
        {"client_id": "C1", "first_name": "Ann", "last_name": "Lee", "date_of_birth": "3/4/65"},
        {"client_id": "C2", "first_name": "Bo", "last_name": "Diaz",
         "date_of_birth": date(2065, 3, 4)}])
    from claimbook.io.xlsx.reader import read_book

    book, _ = read_book(path)
    assert book.clients["C1"].date_of_birth == date(1965, 3, 4)
    result = run("check", "-w", str(path))
    assert result.exit_code == 1
    assert result.stdout == ("Clients!D3: the Date of Birth 03/04/2065 is in the future; type "
                             "the year with four digits (1965)\n")


def _filtered(path, *args: str) -> list[str]:
    result = run("balances", "--as-of", "2026-11-30", "--format", "json", *args, "-w", str(path))
    assert result.exit_code == 0, result.output
    return [b["appointment_id"] for b in json.loads(result.output)]


def test_balances_filters(book_path):
    path = book_path(
        Staff=[{"staff_id": "S1", "name": "Tess Therapist"},
               {"staff_id": "S2", "name": "Uma Ueda"}],
        Appointments=[
            line("A1", date(2026, 6, 1), units=2),  # 182 days: 120+, unbilled, Aetna
            line("A2", date(2026, 11, 2), units=2, billed_date=date(2026, 11, 3)),
            line("A3", date(2026, 11, 10), client="C2", policy=None, code="MASSAGE60",
                 staff_id="S2"),
            line("A4", date(2026, 10, 20), units=2, staff_id="S2")],
        Payments=[payment("P1", date(2026, 11, 20), "A4", 3000, patient_responsibility=1000)])
    assert _filtered(path) == ["A1", "A4", "A2", "A3"]
    assert _filtered(path, "--status", "billed") == ["A2"]
    assert _filtered(path, "--status", "Unbilled", "--status", "client due") == ["A1", "A3"]
    assert _filtered(path, "--staff", "uma") == ["A4", "A3"]
    assert _filtered(path, "--from", "2026-10-01", "--to", "2026-11-05") == ["A4", "A2"]
    assert _filtered(path, "--bucket", "120+") == ["A1"]
    assert _filtered(path, "--due", "client") == ["A4", "A3"]
    assert _filtered(path, "--due", "insurance") == ["A1", "A4", "A2"]
    assert _filtered(path, "--client", "bo diaz") == ["A3"]
    assert _filtered(path, "--payer", "aetna", "--status", "partially paid") == ["A4"]
    bad = run("balances", "--status", "Lost", "-w", str(path))
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: --status Lost: not a status; one of Unbilled, Billed")
