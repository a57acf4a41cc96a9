"""The sample practice: reproducible, and believable in the ways the issue asks."""

from collections import Counter
from datetime import timedelta

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from claimbook.cli.main import cli
from claimbook.compute.balances import balances, visits_of
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.npi import npi_problem
from claimbook.usecases.sample import END, START
from conftest import SAMPLE


@pytest.fixture(scope="module")
def book():
    return load_book(SAMPLE)


def _values(path):
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


def test_the_committed_sample_is_what_the_command_generates(tmp_path):
    fresh = tmp_path / "sample.xlsx"
    result = CliRunner().invoke(cli, ["sample", "--out", str(fresh)])
    assert result.exit_code == 0, result.output
    again = tmp_path / "again.xlsx"
    CliRunner().invoke(cli, ["sample", "--out", str(again)])
    assert fresh.read_bytes() == again.read_bytes()
    assert _values(fresh) == _values(SAMPLE)


def test_sample_refuses_to_overwrite_without_force(tmp_path):
    target = tmp_path / "s.xlsx"
    target.write_bytes(b"x")
    result = CliRunner().invoke(cli, ["sample", "--out", str(target)])
    assert result.exit_code == 1 and target.read_bytes() == b"x"


def test_people_and_payers(book):
    assert len(book.staff) == 3
    assert all(s.npi and not npi_problem(s.npi) and s.license_number for s in book.staff.values())
    assert 140 <= len(book.clients) <= 160
    assert {p.type for p in book.payers.values()} >= {"Commercial", "Auto/PIP", "Workers Comp"}
    injured = [p for p in book.policies.values() if p.claim_number]
    assert injured and all(p.date_of_injury and p.authorized_visits for p in injured)


def test_visits_cover_eighteen_months_and_every_kind(book):
    days = [ln.date_of_service for ln in book.lines]
    assert min(days) <= START + timedelta(days=14)
    assert (END - min(days)).days >= 540
    codes = Counter(ln.service_code for ln in book.lines)
    assert all(codes[c] > 10 for c in ("97124", "97140", "97112", "MASSAGE60"))
    visits = visits_of(book)
    assert any(len(v.lines) == 2 for v in visits.values())
    assert any(ln.client_paid and ln.policy_id for ln in book.lines)  # copays


def test_money_events(book):
    by_reference = Counter(p.reference for p in book.payments if p.source == "Insurance")
    assert max(by_reference.values()) >= 3  # one check pays several visits
    assert any(p.adjustment and p.adjustment_reason == "CO-45" for p in book.payments)
    assert any(ln.claim_status == "Denied" for ln in book.lines)
    assert any(p.source == "Client" and p.notes == "Deductible per EOB" for p in book.payments)
    assert any(p.amount < 0 for p in book.payments)  # a refund
    assert all(p.product_title.startswith("Insurance Billing - ")
               for p in book.payments if p.source == "Insurance")


def test_open_claims_of_every_age_and_a_prepayment(book):
    items = balances(book, END)
    insured = [i for i in items if i.insurance_due > 0]
    assert {i.aging_bucket for i in insured} == {"0-30", "31-60", "61-90", "91-120", "120+"}
    assert {i.status for i in items} >= {"Unbilled", "Billed", "Client Due", "Denied",
                                         "Prepaid"}
    credit = [i for i in items if i.balance < 0]
    assert credit and credit[0].client_due == credit[0].balance


def test_the_prepaid_visit_clears_on_its_day(book):
    from datetime import date

    prepaid = [ln for ln in book.lines if ln.notes == "Booked; prepaid"]
    assert len(prepaid) == 1 and prepaid[0].client_paid is None  # paid once, not twice
    visit = prepaid[0].appointment_id
    day = prepaid[0].date_of_service
    assert day == date(2026, 11, 30)
    before = {b.appointment_id: b for b in balances(book, day - timedelta(days=1))}[visit]
    assert (before.balance, before.status) == (-13500, "Prepaid")
    on_the_day = {b.appointment_id: b
                  for b in balances(book, day, include_paid=True)}[visit]
    assert (on_the_day.balance, on_the_day.status) == (0, "Paid")


def test_payment_ids_run_in_date_order(book):
    ids = [p.payment_id for p in sorted(book.payments,
                                        key=lambda p: (p.date_received, p.payment_id))]
    assert ids == sorted(ids) == [f"PMT{n:06d}" for n in range(1, len(ids) + 1)]


def test_visits_end_in_november_2026(book):
    last = max(ln.date_of_service for ln in book.lines)
    assert (last.year, last.month) == (2026, 11)


def test_electronic_payers_remit_and_paper_checks_say_so(book):
    remitted = {r.trace_number: r for r in book.remittances}
    assert remitted and all(r.method == "EFT" for r in remitted.values())
    paid = Counter()
    for p in book.payments:
        if p.source == "Insurance" and p.remittance:
            paid[p.remittance] += p.amount
        elif p.source == "Insurance":
            assert p.payment_method == "Check" and p.reference.startswith("CHK")
    extra = {t: r.amount - paid[t] for t, r in remitted.items() if r.amount != paid[t]}
    assert list(extra.values()) == [237]  # one October EFT carries interest (PLB L6)
    assert remitted[next(iter(extra))].provider_adjustments == "L6 interest -2.37"
