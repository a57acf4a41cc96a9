"""The Payments sheet's Payment Method (an extension): recorded by `pay --client --method`,
and grouping the bookkeeper's deposits by how clients paid."""

from datetime import date

import openpyxl
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment

D = date(2026, 10, 5)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_pay_records_how_the_client_paid(book_path):
    path = book_path(Appointments=[line("A1", D, client="C2", policy=None, code="MASSAGE60")])
    result = run("pay", "-w", path, "--date", "2026-10-06", "--client", "--apply", "A1=90",
                 "--method", "cash")
    assert result.exit_code == 0, result.output
    (paid,) = load_book(path).payments
    assert (paid.source, paid.amount, paid.payment_method) == ("Client", 9000, "Cash")


def test_method_goes_with_client_payments_only(book_path):
    path = book_path(Appointments=[line("A1", D, units=2)])
    result = run("pay", "-w", path, "--date", "2026-10-06", "--payer", "AET", "--reference",
                 "R1", "--apply", "A1=10", "--method", "Card")
    assert result.exit_code == 2
    assert "--method is how a client paid; give it with --client" in result.stderr


def test_deposits_group_later_client_payments_by_method(book_path, tmp_path):
    path = book_path(
        Appointments=[line("A1", D, client="C2", policy=None, code="MASSAGE60"),
                      line("A2", D, client="C2", policy=None, code="MASSAGE60"),
                      line("A3", D, client="C2", policy=None, code="MASSAGE60")],
        Payments=[payment("P1", date(2026, 10, 9), "A1", 9000, source="Client",
                          payment_method="Card"),
                  payment("P2", date(2026, 10, 9), "A2", 4000, source="Client",
                          payment_method="Card"),
                  payment("P3", date(2026, 10, 9), "A3", 9000, source="Client",
                          payment_method="Cash")])
    result = run("handoff", "-w", path, "--month", "2026-10", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(tmp_path / "2026-10-bookkeeper.xlsx")["Deposits"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)
            if r[0] not in (None, "Total")]
    assert sorted((r["Method"], r["Amount"]) for r in rows) == [("Card", 130.0), ("Cash", 90.0)]
