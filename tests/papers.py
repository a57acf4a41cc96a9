"""A small practice for receipts and the ways to read what a receipt says.

Shared by test modules, which never import each other.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from claimbook.cli.main import cli
from claimbook.compute.balances import visits_of
from claimbook.compute.receipt_checks import receipt_problems
from claimbook.compute.receipts import build_receipt
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.npi import make_npi
from conftest import line, payment

THERAPIST_NPI = make_npi("123456789")


BILLING_NPI = make_npi("100000000")


REFERRING_NPI = make_npi("198765432")


AS_OF = date(2026, 11, 29)


SETTINGS = {"address": "12 Pine St", "city": "Seattle", "state": "WA", "zip": "98103",
            "phone": "(206) 555-0100", "email": "front@test.example", "tax_id": "91-0000001"}


STAFF = [{"staff_id": "S1", "name": "Tess Therapist", "credentials": "LMT",
          "npi": THERAPIST_NPI, "license_number": "MA123", "license_state": "WA",
          "taxonomy_code": "225700000X"}]


CLIENTS = [{"client_id": "C1", "first_name": "Ann", "last_name": "Lee",
            "date_of_birth": date(1980, 5, 6), "email": "ann@example.com"},
           {"client_id": "C2", "first_name": "Bo", "last_name": "Diaz",
            "date_of_birth": date(1975, 1, 2), "email": "bo@example.com",
            "address": "5 Elm Ave", "city": "Tacoma", "state": "WA", "zip": "98402"}]


POLICIES = [{"policy_id": "P1", "client_id": "C1", "payer_id": "AET", "member_id": "M1",
             "group_number": "G77"},
            {"policy_id": "P2", "client_id": "C2", "payer_id": "SF", "member_id": "SF-555",
             "claim_number": "CL9", "date_of_injury": date(2026, 9, 1),
             "referring_provider": "Dr. Ray Park, DO", "referring_npi": REFERRING_NPI}]


LINES = [line("A1", date(2026, 10, 5), "C2", "P2", "97124", minutes=30,
              diagnosis_codes="S13.4XXA, M54.2", client_paid=2000, payment_method="Card",
              modifiers="gp", billed_date=date(2026, 10, 7)),
         line("A1", date(2026, 10, 5), "C2", "P2", "97140", minutes=23,
              diagnosis_codes="M54.2", modifiers="59,GP", billed_date=date(2026, 10, 7)),
         line("A2", date(2026, 10, 12), "C1", "P1", "97124", units=4,
              diagnosis_codes="m5450")]


PAYMENTS = [payment("PM1", date(2026, 10, 30), "A1", 7000, payer="SF", reference="EFT1",
                    adjustment=2000, adjustment_reason="CO-45"),
            payment("PM2", date(2026, 11, 3), "A1", 1000, source="Client", reference="card")]


def practice_rows(**changes) -> dict:
    """The sheets of the practice above, with any replaced."""
    rows = {"Staff": STAFF, "Clients": CLIENTS, "Policies": POLICIES,
            "Appointments": LINES, "Payments": PAYMENTS}
    rows.update(changes)
    return rows


@pytest.fixture
def practice(book_path):
    """A function that writes the practice above (with changes) and returns its path."""
    def make(settings: dict | None = None, **changes) -> Path:
        return book_path({**SETTINGS, **(settings or {})}, **practice_rows(**changes))
    return make


def receipt_of(path: Path, appointment_id: str = "A1"):
    book = load_book(path)
    visit = visits_of(book)[appointment_id]
    assert receipt_problems(book, [visit]) == []
    return build_receipt(book, [visit], AS_OF)


# -- the PDF ---------------------------------------------------------------------------------
def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# -- the workbook ------------------------------------------------------------------------------
def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    return result


def write_receipt(path: Path, out: Path, *extra: str, appointment: str = "A1"):
    result = run("receipt", "-w", str(path), "--appointment", appointment, "--out", str(out),
                 "--as-of", AS_OF.isoformat(), *extra)
    assert result.exit_code == 0, result.output
    return result


def sheet_cells(path: Path) -> dict:
    ws = openpyxl.load_workbook(path).active
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row
            if c.value is not None}


def sheet_text(path: Path) -> str:
    """Every value of the paper's sheet in reading order, as Excel shows it: dates as
    10/05/2026, money as $1,234.00 (-$20.00)."""
    ws = openpyxl.load_workbook(path).active
    out = []
    for row in ws.iter_rows():
        for c in row:
            if c.value is None:
                continue
            if isinstance(c.value, datetime):
                out.append(f"{c.value:%m/%d/%Y}")
            elif isinstance(c.value, (int, float)) and '"$"' in c.number_format:
                out.append(("-" if c.value < 0 else "") + f"${abs(c.value):,.2f}")
            else:
                out.append(str(c.value))
    return "\n".join(out)
