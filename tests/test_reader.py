"""Reading what the owner typed, as typed: one conversion per column, at the edge."""

from datetime import date

import xlsxwriter

from claimbook.io.xlsx.reader import column_letter, read_book
from conftest import line, payment


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == \
        ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_typed_values_become_contract_types(book_path):
    path = book_path(
        Clients=[{"client_id": " C1 ", "first_name": "Ann", "last_name": "Lee",
                  "zip": 2134, "date_of_birth": "11/02/1980"},
                 {"client_id": "C2", "first_name": "Bo", "last_name": "Diaz", "zip": "02134"}],
        Services=[{"service_code": 97110, "description": "Ther ex", "fee_per_unit": "$1,234.50",
                   "timed": "yes"},
                  {"service_code": "97124", "description": "Massage", "fee_per_unit": 3000}],
        Appointments=[line("A1", "2026-11-02", code="97110", minutes="53", client_paid="20")],
    )
    book, problems = read_book(path)
    assert problems == []
    assert book.clients["C1"].zip == "02134"  # a ZIP typed as a number gets its zero back
    assert book.clients["C2"].zip == "02134"
    assert book.clients["C1"].date_of_birth == date(1980, 11, 2)
    assert "97110" in book.services  # a code typed as a number is still the code
    assert book.services["97110"].fee_per_unit == 123450
    assert book.services["97124"].fee_per_unit == 3000
    assert book.services["97110"].timed is True
    (ln,) = book.lines
    assert (ln.date_of_service, ln.minutes, ln.client_paid) == (date(2026, 11, 2), 53, 2000)
    assert ln.src.cell("client_paid") == "Appointments!K2"


def _handmade(path, headers, rows):
    """A workbook typed by hand: any header spelling, any order, formulas, blank rows."""
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Practice")
    ws.write_row(0, 0, ["Setting", "Value"])
    ws.write_row(1, 0, ["Practice Name", "Hand Made"])
    for name in ("Staff", "Clients", "Payers", "Policies", "Services", "Appointments"):
        wb.add_worksheet(name)
    sheets = {w.name: w for w in wb.worksheets()}
    sheets["Staff"].write_row(0, 0, ["Staff ID", "Name"])
    sheets["Staff"].write_row(1, 0, ["S1", "Tess"])
    sheets["Clients"].write_row(0, 0, ["client_id", "FIRST NAME", "last  name", "Favorite Oil"])
    sheets["Clients"].write_row(1, 0, ["C1", "Ann", "Lee", "lavender"])
    sheets["Services"].write_row(0, 0, ["Service Code", "Description", "Fee per Unit"])
    sheets["Services"].write_row(1, 0, ["97124", "Massage", 30])
    sheets["Payers"].write_row(0, 0, ["Payer ID", "Name"])
    sheets["Policies"].write_row(0, 0, ["Policy ID", "Client ID", "Payer ID"])
    ws = wb.add_worksheet("Payments")
    ws.write_row(2, 1, headers)  # the header need not start at A1
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            if isinstance(value, tuple):
                ws.write_formula(r, c, value[0], None, value[1])
            elif value is not None:
                ws.write(r, c, value)
    sheets["Appointments"].write_row(0, 0, ["Appointment ID", "Date of Service", "Client ID",
                                            "Staff ID", "Service Code", "Charge"])
    sheets["Appointments"].write_row(1, 0, ["A1", "2026-11-02", "C1", "S1", "97124", 100])
    wb.close()


def test_headers_any_case_order_and_place_formulas_and_blank_rows(tmp_path):
    path = tmp_path / "hand.xlsx"
    headers = ["amount", "Appointment_ID", "Source", " Date Received ", "payment id", "Mine"]
    rows = [[("=10+15", 25), "A1", "Client", "2026-11-03", "P1", "x"],
            [None, None, None, None, None, None],
            ["12O.00", "A1", "Client", "2026-11-04", "P2", "y"]]
    _handmade(str(path), headers, rows)
    book, problems = read_book(path)
    assert [str(p) for p in problems] == ['Payments!B6: "12O.00" is not an amount']
    assert book.payments[0].amount == 2500  # the formula's cached value counts
    assert book.payments[0].src.cell("amount") == "Payments!B4"
    assert book.clients["C1"].last_name == "Lee"


def test_missing_sheet_and_column_are_problems(tmp_path):
    path = tmp_path / "hand.xlsx"
    _handmade(str(path), ["Payment ID", "Date Received", "Source"], [])
    book, problems = read_book(path)
    shown = [str(p) for p in problems]
    assert 'Payments!3:3: no "Appointment ID" column in the header row' in shown
    assert 'Payments!3:3: no "Amount" column in the header row' in shown


def test_money_text_and_dates_as_typed(book_path):
    path = book_path(
        Appointments=[line("A1", date(2026, 11, 2), charge="$1,234.50")],
        Payments=[payment("P1", "2026-11-20", "A1", "(10.00)", source="Client")])
    book, problems = read_book(path)
    assert problems == []
    assert book.lines[0].charge == 123450
    assert book.payments[0].amount == -1000
    assert book.payments[0].date_received == date(2026, 11, 20)


def test_a_number_typed_into_a_date_cell_is_not_a_date(tmp_path):
    path = tmp_path / "hand.xlsx"
    _handmade(str(path), ["Payment ID", "Date Received", "Source", "Appointment ID", "Amount"],
              [["P1", "2026-11-03", "Client", "A1", 10]])
    import openpyxl  # a test-only edit: put 12.5 in a date-formatted cell

    wb = openpyxl.load_workbook(path)
    wb["Appointments"]["B2"].value = 12.5
    wb["Appointments"]["B2"].number_format = "yyyy-mm-dd"
    wb.save(path)
    book, problems = read_book(path)
    assert [str(p) for p in problems] == ['Appointments!B2: "12.5" is not a date']


def test_a_big_file_gives_freed_memory_back_and_reads_the_same(monkeypatch):
    """From GIVE_BACK_FROM on, what each parse freed goes back to the system; the book
    read is the same, and the biggest sheet is parsed with the workbook's own reader (a
    reader opened on the file's bytes holds a copy of them)."""
    import sys

    import fastexcel

    from claimbook.io import memory
    from claimbook.io.xlsx import reader
    from conftest import SAMPLE

    def records(book):
        return (list(book.lines), list(book.payments),
                book.clients, book.policies, book.remittances)

    plain, problems = read_book(SAMPLE)
    assert problems == []
    given, opened = [], []
    real_give_back, real_open = memory.give_back, fastexcel.read_excel
    monkeypatch.setattr(reader, "GIVE_BACK_FROM", 0)
    monkeypatch.setattr(memory, "give_back", lambda: given.append(1) or real_give_back())
    monkeypatch.setattr(fastexcel, "read_excel", lambda src: opened.append(1) or real_open(src))
    book, problems = read_book(SAMPLE)
    assert problems == []
    assert records(book) == records(plain)
    assert len(given) == 2  # after the Payments parse, and once every sheet is read
    assert len(opened) == 2  # the workbook's reader, and one for Payments' thread
    if sys.platform.startswith("linux"):
        assert memory._trim() is not None
    assert isinstance(real_give_back(), bool)
