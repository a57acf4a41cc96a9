"""``claimbook handoff``: the command, minimum necessary, encryption and formula-safe text."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.compute.bookkeeping import bookkeepers_month
from claimbook.compute.ledger import Month, months_between
from claimbook.io.xlsx.handoff import write_handoff
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.records import client_name
from conftest import BASE_ROWS, SAMPLE, line, payment

MONTHS = [str(m) for m in months_between(Month(2025, 4), Month(2026, 11))]
FORMULA_STARTS = ("=", "+", "-", "@")


def run(*args: str, env: dict | None = None, input: str | None = None):
    return CliRunner().invoke(cli, ["handoff", *args], env=env, input=input)


def cells(path: Path):
    """Every non-blank cell of a workbook: (sheet, coordinate, value, data type)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield ws.title, cell.coordinate, cell.value, cell.data_type
    wb.close()


def csv_fields(path: Path) -> list[str]:
    with open(path, newline="", encoding="utf-8") as fh:
        return [field for row in csv.reader(fh) for field in row]


# -- minimum necessary ---------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_book():
    return load_book(SAMPLE)


def _forbidden(book, names: bool) -> tuple[set[str], set[date]]:
    """Every value of the sample that must not reach the bookkeeper."""
    texts: set[str] = set()
    for c in book.clients.values():
        texts |= {c.phone, c.email, c.address, c.notes}
        if not names:
            texts.add(client_name(c))
    for p in book.policies.values():
        texts |= {p.member_id, p.claim_number, p.group_number}
        if not names:
            texts.add(p.subscriber_name)
    for p in book.payers.values():
        texts |= {p.phone, p.address}
    for ln in book.lines:
        texts |= {ln.claim_number, ln.notes}
        texts |= {code.strip() for code in (ln.diagnosis_codes or "").split(",")}
    for p in book.payments:
        texts |= {p.notes, p.product_title}
    s = book.settings
    texts |= {s.address, s.phone, s.email, s.tax_id}
    births = {c.date_of_birth for c in book.clients.values() if c.date_of_birth}
    texts |= {d.isoformat() for d in births} | {f"{d:%m/%d/%Y}" for d in births}
    return {t for t in texts if t and len(t) > 1}, births


def _leaks(values, texts: set[str], births: set[date]) -> list:
    """The values that are, or contain, a forbidden text or date of birth."""
    by_start: dict[str, list[str]] = {}
    for text in texts:
        by_start.setdefault(text[:2], []).append(text)

    def contains(value: str) -> bool:
        return any(value.startswith(t, i) for i in range(len(value))
                   for t in by_start.get(value[i:i + 2], ()))

    found = []
    for value in values:
        if isinstance(value, datetime) and value.date() in births:
            found.append(value)
        elif isinstance(value, str) and contains(value):
            found.append(value)
    return found


def test_the_forbidden_list_is_real(sample_book):
    texts, births = _forbidden(sample_book, names=False)
    assert len(births) > 100 and len(texts) > 500
    assert any(re.fullmatch(r"[A-Z]\d{2}\.\w+", t) for t in texts)  # diagnosis codes
    assert "Refund of duplicate charge" in texts and "Deductible per EOB" in texts


@pytest.mark.parametrize("month", MONTHS)
def test_no_forbidden_value_in_any_cell(sample_book, tmp_path, month):
    handoff = bookkeepers_month(sample_book, Month.parse(month))
    write_handoff(handoff, str(tmp_path / f"{month}-bookkeeper.xlsx"),
                  csv_path=str(tmp_path / f"{month}-bookkeeper-journal.csv"))
    texts, births = _forbidden(sample_book, names=False)
    values = [v for *_, v, _ in cells(tmp_path / f"{month}-bookkeeper.xlsx")]
    assert len(values) > 100
    assert _leaks(values, texts, births) == []
    assert _leaks(csv_fields(tmp_path / f"{month}-bookkeeper-journal.csv"), texts, births) == []


def test_names_appear_only_with_names(sample_book, tmp_path):
    month = "2026-10"
    assert run("-w", str(SAMPLE), "--month", month, "--out", str(tmp_path / "ids"),
               "--csv").exit_code == 0
    assert run("-w", str(SAMPLE), "--month", month, "--out", str(tmp_path / "names"),
               "--csv", "--names").exit_code == 0
    everyone = {client_name(c) for c in sample_book.clients.values()}
    named = [v for *_, v, _ in cells(tmp_path / "names" / f"{month}-bookkeeper.xlsx")]
    ids = [v for *_, v, _ in cells(tmp_path / "ids" / f"{month}-bookkeeper.xlsx")]
    assert len(everyone & set(named)) > 20
    assert everyone & set(ids) == set()
    assert everyone & set(csv_fields(tmp_path / "names" / f"{month}-bookkeeper-journal.csv"))
    assert not everyone & set(csv_fields(tmp_path / "ids" / f"{month}-bookkeeper-journal.csv"))
    texts, births = _forbidden(sample_book, names=True)
    assert _leaks(named, texts, births) == []
    assert _leaks(named, *_forbidden(sample_book, names=False)), "the scan finds names"


# -- the command ------------------------------------------------------------------------
def test_writes_the_workbook_and_prints_its_path(tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert result.output == f"{tmp_path / '2026-10-bookkeeper.xlsx'}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-10-bookkeeper.xlsx"]


def test_default_folder_is_reports(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("-w", str(SAMPLE), "--month", "2026-10")
    assert result.exit_code == 0
    assert result.output == "reports/2026-10-bookkeeper.xlsx\n"
    assert (tmp_path / "reports" / "2026-10-bookkeeper.xlsx").exists()


def test_csv_is_quickbooks_online_journal_import(tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path), "--csv")
    assert result.exit_code == 0
    csv_path = tmp_path / "2026-10-bookkeeper-journal.csv"
    assert result.output.splitlines() == [str(tmp_path / "2026-10-bookkeeper.xlsx"),
                                          str(csv_path)]
    with open(csv_path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["Journal No", "Journal Date", "Account Name", "Debits", "Credits",
                             "Description", "Name"]
    assert all(re.fullmatch(r"10/\d\d/2026", r["Journal Date"]) for r in rows)
    by_entry: dict[str, list[int]] = {}
    for r in rows:
        assert (r["Debits"] == "") != (r["Credits"] == "")
        for side in ("Debits", "Credits"):
            assert r[side] == "" or re.fullmatch(r"\d+\.\d\d", r[side])
        cents = int(r["Debits"].replace(".", "") or 0) - int(r["Credits"].replace(".", "") or 0)
        by_entry.setdefault(r["Journal No"], []).append(cents)
        if r["Account Name"].startswith("Accounts Receivable"):
            assert r["Name"], "QuickBooks wants a customer on every A/R line"
    assert all(sum(v) == 0 for v in by_entry.values())


def test_bad_month_is_a_usage_error(tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2026-13", "--out", str(tmp_path))
    assert result.exit_code == 2
    assert 'Error: "2026-13" is not a month; give it as YYYY-MM, e.g. 2026-10' in result.output
    assert list(tmp_path.iterdir()) == []


def test_missing_workbook_is_one_line(tmp_path):
    result = run("-w", str(tmp_path / "nope.xlsx"), "--month", "2026-10",
                 "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and result.output.count("\n") == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_bad_data_writes_nothing(book_path, tmp_path):
    bad = book_path(Payments=[payment("PMT1", date(2026, 3, 2), "NOPE", 100)])
    result = run("-w", str(bad), "--month", "2026-03", "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert result.output.startswith("Error: Payments!") and result.output.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_refuses_while_the_workbook_is_open_in_excel(tmp_path):
    (tmp_path / "~$2026-10-bookkeeper.xlsx").write_text("lock")
    result = run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path), "--csv")
    assert result.exit_code == 1
    assert "is open in Excel or LibreOffice" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["~$2026-10-bookkeeper.xlsx"]


def test_help_has_an_example():
    result = CliRunner().invoke(cli, ["handoff", "--help"])
    assert result.exit_code == 0
    assert "claimbook handoff -w workbooks/sample-practice.xlsx --month 2026-10" in result.output
    assert "CLAIMBOOK_HANDOFF_PASSWORD" in result.output


def test_a_month_with_nothing_in_it(tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2024-01", "--out", str(tmp_path), "--csv")
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(tmp_path / "2024-01-bookkeeper.xlsx")
    assert wb["Summary"]["B5"].value == 0 and wb["Journal"]["A2"].value is None
    assert csv_fields(tmp_path / "2024-01-bookkeeper-journal.csv") == [
        "Journal No", "Journal Date", "Account Name", "Debits", "Credits", "Description", "Name"]


# -- encryption -------------------------------------------------------------------------
def _decrypt(path: Path, password: str) -> openpyxl.Workbook:
    with open(path, "rb") as fh:
        office = msoffcrypto.OfficeFile(fh)
        assert office.is_encrypted()
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    out.seek(0)
    return openpyxl.load_workbook(out)


def test_password_from_the_environment_encrypts(tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path),
                 env={"CLAIMBOOK_HANDOFF_PASSWORD": "correct horse"})
    assert result.exit_code == 0, result.output
    path = tmp_path / "2026-10-bookkeeper.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no plain copy left
    wb = _decrypt(path, "correct horse")
    assert wb.sheetnames[0] == "Summary"
    assert wb["Summary"]["A1"].value == "Cedar & Stone Therapeutic Massage"
    assert not zipfile.is_zipfile(path)
    with pytest.raises(zipfile.BadZipFile):
        openpyxl.load_workbook(path)  # what Excel would say: it asks for the password
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        _decrypt(path, "wrong horse")


@pytest.fixture
def small_book(book_path):
    return book_path(Appointments=[line("A1", date(2026, 3, 2), units=2, client_paid=2000,
                                        payment_method="Card")])


def test_password_option_and_prompt(small_book, tmp_path):
    result = run("-w", str(small_book), "--month", "2026-03", "--out", str(tmp_path / "a"),
                 "--password", "pw1")
    assert result.exit_code == 0
    wb = _decrypt(tmp_path / "a" / "2026-03-bookkeeper.xlsx", "pw1")
    assert wb["Journal"]["A2"].value == "V-A1"
    result = run("-w", str(small_book), "--month", "2026-03", "--out", str(tmp_path / "b"),
                 "--ask-password", input="pw2\npw2\n")
    assert result.exit_code == 0, result.output
    assert "pw2" not in result.output
    assert result.output.endswith(f"{tmp_path / 'b' / '2026-03-bookkeeper.xlsx'}\n")
    _decrypt(tmp_path / "b" / "2026-03-bookkeeper.xlsx", "pw2")


def test_an_empty_password_is_refused(tmp_path):
    result = run("-w", str(SAMPLE), "--month", "2026-10", "--out", str(tmp_path),
                 "--password", " ")
    assert result.exit_code == 1
    assert result.output.startswith("Error: the password is empty")
    assert list(tmp_path.iterdir()) == []


def test_failed_encryption_leaves_nothing(small_book, tmp_path, monkeypatch):
    from msoffcrypto.format.ooxml import OOXMLFile

    def fail(self, password, outfile):
        raise msoffcrypto.exceptions.EncryptionError("no luck")

    monkeypatch.setattr(OOXMLFile, "encrypt", fail)
    out = tmp_path / "out"
    out.mkdir()
    result = run("-w", str(small_book), "--month", "2026-03", "--out", str(out), "--csv",
                 "--password", "pw")
    assert result.exit_code == 1
    assert result.output == "Error: could not encrypt the handoff workbook (no luck)\n"
    assert list(out.iterdir()) == []


# -- text that looks like a formula --------------------------------------------------------
TRICKY = {"client_id": "=1+2", "first": "=cmd", "payer": "+Plus Health",
          "reference": "-5 EFT", "service": "@SVC"}


@pytest.fixture
def tricky_book(book_path):
    clients = [{"client_id": TRICKY["client_id"], "first_name": TRICKY["first"],
                "last_name": "Lee"}]
    payers = BASE_ROWS["Payers"] + [{"payer_id": "PLUS", "name": TRICKY["payer"]}]
    policies = [{"policy_id": "P9", "client_id": TRICKY["client_id"], "payer_id": "PLUS"}]
    services = BASE_ROWS["Services"] + [{"service_code": TRICKY["service"],
                                         "description": "-dash", "fee_per_unit": 5000,
                                         "timed": False}]
    lines = [line("A1", date(2026, 3, 2), client=TRICKY["client_id"], policy="P9",
                  code=TRICKY["service"], client_paid=1000, payment_method="Card")]
    payments = [payment("PMT1", date(2026, 3, 20), "A1", 2000, payer="PLUS",
                        reference=TRICKY["reference"], adjustment=1000,
                        patient_responsibility=2000)]  # more than the copay: the client owes
    return book_path(Clients=clients, Payers=payers, Policies=policies, Services=services,
                     Appointments=lines, Payments=payments)


@pytest.mark.parametrize("names", [False, True])
def test_formula_like_text_stays_text(tricky_book, tmp_path, names):
    args = ["-w", str(tricky_book), "--month", "2026-03", "--out", str(tmp_path), "--csv"]
    result = run(*args, *(["--names"] if names else []))
    assert result.exit_code == 0, result.output
    found = list(cells(tmp_path / "2026-03-bookkeeper.xlsx"))
    texts = {v for _, _, v, kind in found if kind == "s"}
    expected = {TRICKY["client_id"], TRICKY["payer"], TRICKY["reference"], TRICKY["service"],
                "-dash"} | ({"=cmd Lee"} if names else set())
    assert expected <= texts
    formulas = [v for _, _, v, kind in found if kind == "f"]
    assert formulas and not [f for f in formulas if any(t in f for t in expected)]
    fields = csv_fields(tmp_path / "2026-03-bookkeeper-journal.csv")
    assert not [f for f in fields if f.startswith(FORMULA_STARTS)]
    assert "'" + TRICKY["payer"] in fields
    assert "'" + ("=cmd Lee" if names else TRICKY["client_id"]) in fields
