"""claimbook import: the booking software's exports, written as MassageBook, Square and
Vagaro write them, brought into a real workbook and read back."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.xlsx.reader import load_book
from conftest import BASE_ROWS, line

INCOME = ["Date", "Client", "Service", "Discount", "Tips", "Tax", "Sub-Totals", "Total",
          "Payment Method"]
SERVICES = [dict(s) for s in BASE_ROWS["Services"]]
SERVICES[0]["booking_name"] = "Insurance Massage 60"
SERVICES[2]["booking_name"] = "Swedish 60; Relaxation Massage"


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8",
              delimiter: str = ",") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


def income(path: Path, rows: list[list], **kw) -> Path:
    return write_csv(path, [INCOME, *rows], **kw)


def sale(day: str, client: str, item: str, total: str, discount: str = "$0.00",
         subtotal: str | None = None, method: str = "Check", tips: str = "$0.00") -> list:
    return [day, client, item, discount, tips, "$0.00", subtotal or total, total, method]


@pytest.fixture
def practice(book_path):
    """Ann Lee (C1, Aetna policy P1) and Bo Diaz (C2, State Farm P2); Ann's 10/5 visit is
    already in the workbook."""
    return book_path(Services=SERVICES, Appointments=[
        line("A0001", date(2026, 10, 5), minutes=60, client_paid=2000, checked_out=True)])


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_insurance_product_under_the_pseudo_client_pays_the_named_visit(practice, tmp_path):
    export = income(tmp_path / "income.csv", [
        sale("11/02/2026", "Insurance Payment(s)", "Insurance Billing - Lee, Ann - 10/5/2026",
             "$70.00")])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(practice))
    assert result.exit_code == 0, result.output
    assert "income.csv: MassageBook Income by Payment Type, 1 rows" in result.output
    assert "New payments: 1 (PMT000001 A0001 $70.00 from AET)" in result.output
    paid = load_book(practice).payments[-1]
    assert (paid.payment_id, paid.date_received, paid.source, paid.payer_id) == \
        ("PMT000001", date(2026, 11, 2), "Insurance", "AET")
    assert (paid.appointment_id, paid.amount) == ("A0001", 7000)
    assert paid.product_title == "Insurance Billing - Lee, Ann - 10/5/2026"
    assert paid.notes == "Imported from income.csv:2"


@pytest.mark.parametrize("title", [
    "Insurance Billing - Ann Lee - 2026-10-05",
    "Insurance Payment - Ann Lee - 10/05/26",
    "insurance billing: LEE, ANN: Oct 5, 2026",
    "Insurance Billing – Ann Q. Lee – 5 Oct 2026",
    "Insurance Billing - Ann Lee - 10/5",  # no year: the nearest visit before the sale
])
def test_titles_as_owners_typed_them(practice, tmp_path, title):
    export = income(tmp_path / "income.csv", [sale("11/02/2026", "Ann Lee", title, "$70.00")])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(practice))
    assert result.exit_code == 0, result.output
    paid = load_book(practice).payments[-1]
    assert (paid.appointment_id, paid.amount, paid.product_title) == ("A0001", 7000, title)


def test_one_product_for_several_dates_is_split_by_what_each_visit_owes(book_path, tmp_path):
    path = book_path(Services=SERVICES, Appointments=[
        line("A0001", date(2026, 10, 5), units=4, client_paid=2000, checked_out=True),
        line("A0002", date(2026, 10, 12), units=2, client_paid=2000, checked_out=True),
        line("A0003", date(2026, 10, 19), units=2, client_paid=2000, checked_out=True)])
    export = income(tmp_path / "income.csv", [
        sale("11/02/2026", "Insurance Payments", "Insurance Billing - Ann Lee - 10/5 & "
             "10/12/2026", "$150.00"),
        sale("11/09/2026", "Insurance Payments", "Insurance Billing - Ann Lee - 10/12 - "
             "10/19/2026", "$40.00")])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(path))
    assert result.exit_code == 0, result.output
    paid = [(p.appointment_id, p.amount) for p in load_book(path).payments]
    # 10/5 owes 120-20 = 100 from Aetna, so 100 there and the rest (50) on 10/12;
    # the range 10/12-10/19 then: 10/12 owes nothing more from Aetna, 10/19 the rest
    assert paid == [("A0001", 10000), ("A0002", 5000), ("A0002", 0), ("A0003", 4000)]


def test_discounted_checkouts_become_visits_with_what_the_client_paid(practice, tmp_path):
    export = income(tmp_path / "income.csv", [
        sale("11/09/2026", "Ann Lee", "Insurance Massage 60", "$25.00", discount="$95.00",
             subtotal="$120.00", method="Credit Card", tips="$5.00"),
        sale("11/10/2026", "Bo Diaz", "Relaxation Massage", "$80.00", discount="$10.00",
             subtotal="$90.00", method="Cash"),
        sale("11/12/2026", "Insurance Payment(s)", "Insurance Billing - Ann Lee - 11/9/2026",
             "$60.00")])
    result = run("import", str(export), "--date", "2026-11-30", "--staff", "tess",
                 "-w", str(practice))
    assert result.exit_code == 0, result.output
    book = load_book(practice)
    ann = [ln for ln in book.lines if ln.appointment_id == "A0002"][0]
    # insured: the booking discount is the insurer's share, left due (no Discount)
    assert (ann.client_id, ann.policy_id, ann.service_code, ann.charge) == \
        ("C1", "P1", "97124", 12000)
    assert (ann.client_paid, ann.discount, ann.payment_method, ann.checked_out) == \
        (2000, None, "Card", True)  # the $5.00 tip is not the visit's money
    assert "the booking discount of $95.00 is the insurer's share" in ann.notes
    bo = [ln for ln in book.lines if ln.appointment_id == "A0003"][0]
    # Bo has a PIP policy, but his discounted massage is a self-pay service (not a CPT
    # code insurers are billed for): a real discount, kept
    assert (bo.service_code, bo.policy_id, bo.charge, bo.client_paid, bo.discount) == \
        ("MASSAGE60", None, 9000, 8000, 1000)
    assert book.payments[-1].appointment_id == "A0002"
    assert book.payments[-1].amount == 6000


def test_overlapping_exports_count_once_and_a_reimport_adds_nothing(practice, tmp_path):
    shared = [sale("11/02/2026", "Insurance Payment(s)",
                   "Insurance Billing - Ann Lee - 2026-10-05", "$50.00"),
              sale("11/02/2026", "Insurance Payment(s)",
                   "Insurance Billing - Ann Lee - 2026-10-05", "$50.00")]  # two checks, same day
    first = income(tmp_path / "jun-nov.csv", shared)
    second = income(tmp_path / "sep-feb.csv", [*shared, sale(
        "11/20/2026", "Insurance Payment(s)", "Insurance Billing - Bo Diaz - 11/18/2026",
        "$40.00")])
    result = run("import", str(first), str(second), "--date", "2026-11-30", "-w",
                 str(practice))
    assert result.exit_code == 0, result.output
    assert "sep-feb.csv: MassageBook Income by Payment Type, 3 rows (2 also in an earlier " \
           "file)" in result.output
    amounts = [p.amount for p in load_book(practice).payments]
    assert amounts == [5000, 5000]  # both checks of the day, each once
    before = _digest(practice)
    again = run("import", str(first), str(second), "--date", "2026-11-30", "-w", str(practice))
    assert again.exit_code == 0, again.output
    assert "Already in the workbook: 2 rows" in again.output
    assert "Nothing new to write" in again.output
    assert _digest(practice) == before


def test_what_matches_no_visit_is_kept_on_the_unmatched_list_and_resolved_later(
        practice, tmp_path):
    export = income(tmp_path / "income.csv", [
        sale("11/02/2026", "Insurance Payment(s)", "Insurance Billing - Bo Diaz - 10/20/2026",
             "$40.00"),
        sale("11/03/2026", "Ann Lee", "Arnica Gel", "$18.00"),
        sale("11/04/2026", "Insurance Payment(s)", "Insurance Billing - Sam Whit - 10/1/2026",
             "$70.00"),
        sale("11/05/2026", "Ann Lee", "Gift Certificate", "$100.00")])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(practice))
    assert result.exit_code == 0, result.output
    assert "Skipped: 1 gift certificate and gift card sales" in result.output
    assert "  income.csv:2: Insurance Billing - Bo Diaz - 10/20/2026 $40.00: no visit of Bo " \
           "Diaz on 2026-10-20" in result.output
    sheet = openpyxl.load_workbook(practice)["Unmatched Imports"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert [(r[0], r[2], r[3], r[7], r[8]) for r in rows] == [
        ("U0001", "income.csv", 2, "Insurance Billing - Bo Diaz - 10/20/2026", 40),
        ("U0002", "income.csv", 3, "Arnica Gel", 18),
        ("U0003", "income.csv", 4, "Insurance Billing - Sam Whit - 10/1/2026", 70)]
    assert rows[2][9] == 'no client "Sam Whit" (named in the title) on Clients or in the exports'
    assert rows[0][1].date() == date(2026, 11, 30) and rows[0][5].date() == date(2026, 11, 2)
    # the visit is typed in; the next import places the payment and resolves the entry
    again = run("import", str(export), str(_bo_visit(tmp_path)), "--date", "2026-12-01",
                "-w", str(practice))
    assert again.exit_code == 0, again.output
    assert "Unmatched Imports resolved: U0001" in again.output
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(practice)[
        "Unmatched Imports"].iter_rows(min_row=2)]
    assert len(rows) == 3  # nothing listed twice
    assert rows[0][10] == "PMT000001 (2026-12-01)" and rows[1][10] is None
    paid = load_book(practice).payments[-1]
    assert (paid.payer_id, paid.amount) == ("SF", 4000)


def _bo_visit(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "appointments.csv", [
        ["Date", "Time", "Client", "Service", "Staff", "Duration", "Status"],
        ["10/20/2026", "9:00", "Bo Diaz", "Insurance Massage 60", "Tess Therapist", "60",
         "Checked Out"]])


@pytest.mark.parametrize("encoding, delimiter", [
    ("utf-8-sig", ","), ("cp1252", ","), ("utf-16", "\t"), ("utf-16-le", "\t"),
    ("utf-8", ";")])
def test_csv_in_the_encodings_excel_saves(book_path, tmp_path, encoding, delimiter):
    path = book_path(Services=SERVICES)
    export = write_csv(tmp_path / "clients.csv", [
        ["First Name", "Last Name", "Email", "Birthday", "Zip"],
        ["José", "Núñez", "jose@mail.example", "3/4/65", "02134"]], encoding, delimiter)
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(path))
    assert result.exit_code == 0, result.output
    client = load_book(path).clients["C3"]
    assert (client.first_name, client.last_name, client.email) == \
        ("José", "Núñez", "jose@mail.example")
    assert client.date_of_birth == date(1965, 3, 4)  # not 2065
    assert client.zip == "02134"


def test_an_excel_export_is_read_too(practice, tmp_path):
    path = tmp_path / "vagaro.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Transactions")
    ws.write_row(0, 0, ["Transaction List", "", "", ""])  # a title above the header
    headers = ["Checkout Date / Checkout By / Transaction ID", "Customer", "Item", "Tip",
               "Discount", "Amount Paid", "Payment Type"]
    ws.write_row(2, 0, headers)
    ws.write_row(3, 0, ["11/02/2026 / Front Desk / 884213", "Ann Lee",
                        "Insurance Billing - Ann Lee - 10/05/2026", 0, 0, 70, "Check"])
    wb.close()
    result = run("import", str(path), "--date", "2026-11-30", "-w", str(practice))
    assert result.exit_code == 0, result.output
    assert "vagaro.xlsx: Vagaro Transaction List, 1 rows" in result.output
    paid = load_book(practice).payments[-1]
    assert (paid.date_received, paid.reference, paid.amount) == \
        (date(2026, 11, 2), "884213", 7000)


def test_square_items_detail(practice, tmp_path):
    headers = ["Date", "Time", "Time Zone", "Category", "Item", "Qty", "Price Point Name",
               "SKU", "Modifiers Applied", "Gross Sales", "Discounts", "Net Sales", "Tax",
               "Transaction ID", "Payment ID", "Device Name", "Notes", "Details",
               "Event Type", "Location", "Dining Option", "Customer ID", "Customer Name",
               "Customer Reference ID", "Unit", "Count", "GTIN", "Itemization Type",
               "Commission", "Employee", "Loyalty Points"]
    row = dict.fromkeys(headers, "")
    row.update({"Date": "2026-11-09", "Time": "14:05:11", "Item": "Insurance Massage 60",
                "Qty": "1", "Gross Sales": "$120.00", "Discounts": "-$95.00",
                "Net Sales": "$25.00", "Tax": "$0.00", "Transaction ID": "tx77",
                "Event Type": "Payment", "Customer Name": "Ann Lee",
                "Itemization Type": "Service", "Employee": "Tess Therapist"})
    lotion = {**row, "Item": "Lotion", "Itemization Type": "Physical Item",
              "Gross Sales": "$12.00", "Discounts": "$0.00", "Net Sales": "$12.00"}
    export = write_csv(tmp_path / "items.csv", [headers, [row[h] for h in headers],
                                                [lotion[h] for h in headers]])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(practice))
    assert result.exit_code == 0, result.output
    assert "items.csv: Square Items Detail, 2 rows; columns ignored: Loyalty Points" \
        in result.output
    assert "Skipped: 1 retail sales (Square: not a service)" in result.output
    visit = load_book(practice).lines[-1]
    assert (visit.date_of_service, visit.staff_id, visit.charge, visit.client_paid,
            visit.policy_id) == (date(2026, 11, 9), "S1", 12000, 2500, "P1")


def test_square_transactions_are_refused_with_what_to_export_instead(practice, tmp_path):
    export = write_csv(tmp_path / "transactions.csv", [
        ["Date", "Time", "Gross Sales", "Total Collected", "Transaction ID", "Card Brand"],
        ["2026-11-09", "14:05", "$120.00", "$25.00", "tx77", "Visa"]])
    before = _digest(practice)
    result = run("import", str(export), "-w", str(practice))
    assert result.exit_code == 1
    assert result.stderr == ("Error: transactions.csv: Square's Transactions report has no item "
                             "names; export Items Detail instead (Reports > Sales > Item Sales "
                             "> Export > Items Detail CSV)\n")
    assert _digest(practice) == before


def test_an_unknown_layout_is_refused_naming_the_columns_it_could_not_place(practice,
                                                                           tmp_path):
    export = write_csv(tmp_path / "mystery.csv", [
        ["When", "Who", "Service", "Paid Amt"], ["11/02/2026", "Ann Lee", "Massage", "70"]])
    before = _digest(practice)
    result = run("import", str(export), "-w", str(practice))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
    assert result.stderr.startswith("Error: mystery.csv: not an export claimbook knows: could "
                                    "not place the columns When, Who, Paid Amt; the nearest, ")
    assert _digest(practice) == before


def test_a_bad_amount_names_the_file_and_row_and_writes_nothing(practice, tmp_path):
    export = income(tmp_path / "income.csv", [
        sale("11/02/2026", "Ann Lee", "Insurance Billing - Ann Lee - 10/5/2026", "$7O.00",
             subtotal="$70.00")])
    before = _digest(practice)
    result = run("import", str(export), "-w", str(practice))
    assert result.exit_code == 1
    assert result.stderr == 'Error: income.csv:2: "$7O.00" is not an amount (Total)\n'
    assert _digest(practice) == before


def test_the_schedule_and_history_from_the_appointments_report(practice, tmp_path):
    export = write_csv(tmp_path / "appointments.csv", [
        ["Date", "Time", "Client", "Email", "Service", "Staff", "Duration", "Status"],
        ["11/09/2026", "9:00 AM", "Ann Lee", "", "Insurance Massage 60", "Tess", "53 min",
         "Checked Out"],
        ["11/30/2026", "9:00 AM", "Ann Lee", "", "Insurance Massage 60", "Tess", "60 min",
         "Booked"],
        ["11/30/2026", "10:00 AM", "Cy Young", "cy@mail.example", "Swedish 60", "Tess",
         "1 hr", "Confirmed"],
        ["11/30/2026", "11:00 AM", "Bo Diaz", "", "Swedish 60", "Tess", "60", "No Show"]])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(practice))
    assert result.exit_code == 0, result.output
    assert "New clients: 1 (C3 Cy Young)" in result.output
    assert "Skipped: 1 cancelled or no-show appointments" in result.output
    book = load_book(practice)
    new = [(ln.appointment_id, ln.date_of_service, ln.client_id, ln.minutes, ln.checked_out,
            ln.policy_id) for ln in book.lines[1:]]
    assert new == [("A0002", date(2026, 11, 9), "C1", 53, True, None),
                   ("A0003", date(2026, 11, 30), "C1", 60, False, "P1"),
                   ("A0004", date(2026, 11, 30), "C3", None, False, None)]
    assert book.clients["C3"].email == "cy@mail.example"


def test_reminders_that_disagree_are_listed_never_written(practice, tmp_path):
    export = write_csv(tmp_path / "clients.csv", [
        ["First Name", "Last Name", "Reminder"],
        ["Ann", "Lee", "Partial payment taken 10/5; a balance of $80.00 remains"],
        ["Bo", "Diaz", "Nothing owed"]])
    result = run("import", str(export), "--date", "2026-11-30", "--format", "json",
                 "-w", str(practice))
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    # Ann's 10/5 visit: 4 units x $30 = $120, $20 paid: $100 computed
    assert out["disagreements"] == [
        "Ann Lee (C1): the booking software's reminder says $80.00 remains; claimbook "
        "computes $100.00 as of 2026-11-30 (clients.csv:2)"]
    assert load_book(practice).clients["C1"].reminder is None


def test_dry_run_writes_nothing(practice, tmp_path):
    export = income(tmp_path / "income.csv", [
        sale("11/02/2026", "Ann Lee", "Insurance Billing - Ann Lee - 10/5/2026", "$70.00")])
    before = _digest(practice)
    result = run("import", str(export), "--dry-run", "-w", str(practice))
    assert result.exit_code == 0, result.output
    assert "New payments would be: 1" in result.output and "Dry run: nothing written" \
        in result.output
    assert _digest(practice) == before


def test_an_insured_visit_whose_client_has_no_policy_waits_on_the_list(book_path, tmp_path):
    path = book_path(Services=SERVICES, Policies=[])
    export = income(tmp_path / "income.csv", [
        sale("10/05/2026", "Ann Lee", "Insurance Massage 60", "$20.00", discount="$100.00",
             subtotal="$120.00"),
        sale("11/02/2026", "Ann Lee", "Insurance Billing - Ann Lee - 10/5/2026", "$70.00")])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(path))
    assert result.exit_code == 0, result.output
    why = "Ann Lee (C1) has no policy on Policies for 2026-10-05: add it, then import again"
    assert result.output.count(why) == 2
    assert load_book(path).lines == [] and load_book(path).payments == []


def test_a_refund_is_a_negative_client_payment_on_the_last_visit(practice, tmp_path):
    export = income(tmp_path / "income.csv", [
        sale("10/09/2026", "Ann Lee", "Insurance Massage 60", "-$20.00", method="Credit Card")])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(practice))
    assert result.exit_code == 0, result.output
    refund = load_book(practice).payments[-1]
    assert (refund.source, refund.appointment_id, refund.amount, refund.payment_method) == \
        ("Client", "A0001", -2000, "Card")


def test_the_unmatched_imports_sheet_is_added_to_a_workbook_without_it(tmp_path):
    from owner_books import owner_book

    path = owner_book(tmp_path / "owner.xlsx")
    export = income(tmp_path / "income.csv", [sale("11/03/2026", "Ann Lee", "Arnica Gel",
                                                   "$18.00")])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(path))
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    sheet = wb["Unmatched Imports"]
    assert [c.value for c in sheet[1]][:3] == ["Entry", "Imported", "File"]
    assert sheet["H2"].value == "Arnica Gel"
    assert "Unmatched_Imports" in sheet.tables or sheet.tables


def test_the_sample_exports_bring_in_the_sample_history(sample_copy):
    exports = sorted((Path(__file__).parent.parent / "workbooks" / "sample-exports").glob("*"))
    result = run("import", *map(str, exports), "--date", "2026-11-30", "-w", str(sample_copy))
    assert result.exit_code == 0, result.output
    assert "New clients: 1 (C0152 José Núñez)" in result.output
    assert "Rosa Delgado (C0151): the booking software's reminder says $100.00 remains; " \
           "claimbook computes $110.00" in result.output
    check = run("check", "-w", str(sample_copy))
    assert check.exit_code == 0, check.output
    again = run("import", *map(str, exports), "--date", "2026-11-30", "-w", str(sample_copy))
    assert "Nothing new to write" in again.output


def test_in_a_reverse_flow_practice_a_product_sold_at_the_visit_is_the_clients(book_path,
                                                                               tmp_path):
    path = book_path({"checkout_flow": "Reverse"}, Services=SERVICES, Appointments=[
        line("A0001", date(2026, 10, 5), units=4, checked_out=False)])
    export = income(tmp_path / "income.csv", [
        sale("10/05/2026", "Ann Lee", "Insurance Billing - Ann Lee - 10/5/2026", "$20.00",
             method="Cash"),
        sale("11/02/2026", "Insurance Payment(s)", "Insurance Billing - Ann Lee - 10/5/2026",
             "$100.00")])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(path))
    assert result.exit_code == 0, result.output
    paid = [(p.date_received, p.source, p.payer_id, p.amount, p.payment_method)
            for p in load_book(path).payments]
    assert paid == [(date(2026, 10, 5), "Client", None, 2000, "Cash"),
                    (date(2026, 11, 2), "Insurance", "AET", 10000, None)]


def test_what_the_owners_sheet_has_no_column_for_is_left_out_and_said(tmp_path):
    from owner_books import owner_book

    path = owner_book(tmp_path / "owner.xlsx")  # Clients: ID, names, Favorite Oil, Reminder
    export = write_csv(tmp_path / "clients.csv", [
        ["First Name", "Last Name", "Email", "Phone"],
        ["Cy", "Young", "cy@mail.example", "(206) 555-0101"],
        ["Di", "Lane", "di@mail.example", ""]])
    result = run("import", str(export), "--date", "2026-11-30", "-w", str(path))
    assert result.exit_code == 0, result.output
    assert "Not written, your sheet has no column for it: Clients: Phone, Clients: Email" \
        in result.output
    ws = openpyxl.load_workbook(path)["Clients"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[:3] for r in rows[-2:]] == [["C4", "Cy", "Young"], ["C5", "Di", "Lane"]]
