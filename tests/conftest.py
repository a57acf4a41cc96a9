"""Shared fixtures: small practice workbooks written to disk and read back for real."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from claimbook.io.xlsx.template import write_practice_workbook
from claimbook.rules.npi import make_npi

# Fixtures shared by many test modules live in helper modules, loaded here as plugins so
# that test modules never import each other (or a fixture by name).
pytest_plugins = ["papers", "mailserver", "harden_files"]

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks" / "sample-practice.xlsx"

BASE_SETTINGS = {"practice_name": "Test Massage", "billing_npi": make_npi("100000000"),
                 "timely_filing_days": 90}
BASE_ROWS = {
    "Staff": [{"staff_id": "S1", "name": "Tess Therapist", "credentials": "LMT",
               "npi": make_npi("123456789"), "license_number": "MA123", "license_state": "WA"}],
    "Clients": [{"client_id": "C1", "first_name": "Ann", "last_name": "Lee",
                 "date_of_birth": date(1980, 5, 6)},
                {"client_id": "C2", "first_name": "Bo", "last_name": "Diaz"}],
    "Payers": [{"payer_id": "AET", "name": "Aetna", "type": "Commercial"},
               {"payer_id": "SF", "name": "State Farm", "type": "Auto/PIP",
                "timely_filing_days": 365}],
    "Policies": [{"policy_id": "P1", "client_id": "C1", "payer_id": "AET", "member_id": "M1"},
                 {"policy_id": "P2", "client_id": "C2", "payer_id": "SF", "claim_number": "CL9"}],
    "Services": [{"service_code": "97124", "description": "Massage", "minutes_per_unit": 15,
                  "fee_per_unit": 3000, "timed": True},
                 {"service_code": "97140", "description": "Manual", "fee_per_unit": 3500},
                 {"service_code": "MASSAGE60", "description": "60 min", "fee_per_unit": 9000,
                  "timed": False}],
    "Appointments": [],
    "Payments": [],
}


def line(appointment_id: str, day: date, client: str = "C1", policy: str | None = "P1",
         code: str = "97124", **extra) -> dict:
    """An Appointments row with sensible defaults."""
    row = {"appointment_id": appointment_id, "date_of_service": day, "client_id": client,
           "staff_id": "S1", "policy_id": policy, "service_code": code}
    row.update(extra)
    return row


def payment(payment_id: str, day: date, appointment_id: str, amount: int,
            source: str = "Insurance", payer: str | None = "AET", **extra) -> dict:
    """A Payments row (amount in cents)."""
    row = {"payment_id": payment_id, "date_received": day, "source": source,
           "payer_id": payer if source == "Insurance" else None,
           "appointment_id": appointment_id, "amount": amount}
    row.update(extra)
    return row


def write_book(path: Path, settings: dict | None = None, **rows) -> Path:
    """Write a small practice workbook: the base rows, with any sheet replaced by ``rows``."""
    data = {k: list(v) for k, v in BASE_ROWS.items()}
    data.update(rows)
    write_practice_workbook(str(path), {**BASE_SETTINGS, **(settings or {})}, data,
                            overwrite=True)
    return path


@pytest.fixture(autouse=True)
def sample_today(monkeypatch):
    """Commands take the sample's last days as today ($CLAIMBOOK_TODAY), so a test's
    dates stay near "today" whenever it runs (a date far from today is asked about)."""
    monkeypatch.setenv("CLAIMBOOK_TODAY", "2026-11-30")


@pytest.fixture
def book_path(tmp_path: Path):
    """A function that writes a small workbook into the test's folder and returns its path."""
    counter = iter(range(1000))

    def make(settings: dict | None = None, **rows) -> Path:
        return write_book(tmp_path / f"practice{next(counter)}.xlsx", settings, **rows)

    return make


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """A private copy of the committed sample workbook."""
    target = tmp_path / "sample-practice.xlsx"
    shutil.copyfile(SAMPLE, target)
    return target
