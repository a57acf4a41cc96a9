"""The monthly report's own figures, worked by hand on a practice built at the boundaries:
days in A/R, % over 90, every Follow-up boundary, the 12-month trend, the by-payer
figures, every JSON summary key, and the aging history and days to pay.

The practice (as of 2026-10-31; 97124 is $30 a unit, MASSAGE60 $90; AET files within
the practice's 90 days, SF within 365):

    visit dos         who        $   billed      age bucket  follow-up
    A1    2026-10-31  AET (P1)   60  -             0 0-30    Unbilled (deadline 2027-01-29)
    A2    2026-10-01  AET        30  2026-10-01   30 0-30    Billed, unpaid: 30 days ago
    A3    2026-09-30  AET        30  2026-10-02   31 31-60   - (billed 29 days ago)
    A4    2026-08-02  AET        30  -            90 61-90   Timely filing soon: today
    A5    2026-08-01  AET        30  -            91 91-120  Timely filing passed
    A6    2026-07-03  self-pay   90  -           120 91-120  - (client due)
    A7    2026-07-02  SF (P2)    30  2026-07-10  121 120+    Billed, unpaid: no answer
    A8    2026-09-01  AET        30  -            60 31-60   Timely filing soon: in 30 days
    A9    2026-09-02  AET        30  -            59 31-60   Unbilled: deadline in 31 days
    A10   2026-10-15  AET        30  2026-10-16  paid: AET $20 + $10 adjusted on 10-25
    A11   2026-06-01  AET        30  2026-06-02  paid: AET $0 on 06-20, $30 on 07-16
    A12   2025-10-01  AET        30  2025-10-02  paid: AET $30 on 2025-10-20 (too early)
    A13   2026-10-20  AET        30  2026-10-21   11 0-30    - (AET $0: Client Due)
    A14   2025-10-25  AET        30  2025-10-26  paid: AET $30 on 2025-11-01 (first day)
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.compute.outstanding import monthly_report
from claimbook.io.xlsx.reader import load_book
from claimbook.rules.months import Month
from conftest import BASE_ROWS, line, payment

OCT = Month(2026, 10)


def _practice(book_path):
    d = date
    payers = BASE_ROWS["Payers"] + [{"payer_id": "MED", "name": "Medicare",
                                     "type": "Medicare"}]
    return book_path(
        Payers=payers,
        Appointments=[
            line("A1", d(2026, 10, 31), units=2),
            line("A2", d(2026, 10, 1), units=1, billed_date=d(2026, 10, 1)),
            line("A3", d(2026, 9, 30), units=1, billed_date=d(2026, 10, 2)),
            line("A4", d(2026, 8, 2), units=1),
            line("A5", d(2026, 8, 1), units=1),
            line("A6", d(2026, 7, 3), policy=None, code="MASSAGE60"),
            line("A7", d(2026, 7, 2), client="C2", policy="P2", units=1,
                 billed_date=d(2026, 7, 10)),
            line("A8", d(2026, 9, 1), units=1),
            line("A9", d(2026, 9, 2), units=1),
            line("A10", d(2026, 10, 15), units=1, billed_date=d(2026, 10, 16)),
            line("A11", d(2026, 6, 1), units=1, billed_date=d(2026, 6, 2)),
            line("A12", d(2025, 10, 1), units=1, billed_date=d(2025, 10, 2)),
            line("A13", d(2026, 10, 20), units=1, billed_date=d(2026, 10, 21)),
            line("A14", d(2025, 10, 25), units=1, billed_date=d(2025, 10, 26))],
        Payments=[payment("PM1", d(2026, 6, 20), "A11", 0, adjustment=0),
                  payment("PM2", d(2026, 10, 25), "A10", 2000, adjustment=1000),
                  payment("PM3", d(2026, 7, 16), "A11", 3000),
                  payment("PM4", d(2025, 10, 20), "A12", 3000),
                  payment("PM5", d(2026, 10, 28), "A13", 0, patient_responsibility=3000),
                  payment("PM6", d(2025, 11, 1), "A14", 3000)])


@pytest.fixture
def report(book_path):
    return monthly_report(load_book(_practice(book_path)), OCT)


def test_roll_forward_aging_and_who_owes(report):
    roll = report.roll
    assert (roll.opening_ar, roll.activity.charges, roll.activity.insurance_payments,
            roll.activity.adjustments, roll.closing_ar) == (27000, 15000, 2000, 1000, 39000)
    assert roll.ties
    assert report.aging == {"0-30": 12000, "31-60": 9000, "61-90": 3000, "91-120": 12000,
                            "120+": 3000}
    assert (report.insurance_due, report.client_due) == (27000, 12000)


def test_percent_over_90_and_days_in_ar(report):
    # (120.00 + 30.00) / 390.00 = 38.4615...% -> 38.5 (half-up)
    assert report.over_90_percent == Decimal("38.5")
    # 390.00 x 92 days (Aug, Sep, Oct) / 300.00 charged in them = 119.6
    assert report.days_in_ar == Decimal("119.6")


def test_every_follow_up_boundary(report):
    assert [(f.item.appointment_id, f.reason, f.due_date) for f in report.follow_up] == [
        ("A7", "Billed, unpaid", date(2026, 8, 9)),  # billed 07-10 + 30
        ("A5", "Timely filing passed", date(2026, 10, 30)),  # deadline yesterday
        ("A2", "Billed, unpaid", date(2026, 10, 31)),  # billed exactly 30 days ago
        ("A4", "Timely filing soon", date(2026, 10, 31)),  # deadline today: not passed
        ("A8", "Timely filing soon", date(2026, 11, 30)),  # deadline in exactly 30 days
        ("A9", "Unbilled", date(2026, 12, 1)),  # in 31 days: just unbilled
        ("A1", "Unbilled", date(2027, 1, 29)),
    ]
    assert "A3" not in {f.item.appointment_id for f in report.follow_up}  # 29 days


def test_the_twelve_month_trend(report):
    months = [str(m) for m, _ in report.trend]
    assert months == [f"2025-{m}" for m in ("11", "12")] + \
        [f"2026-{m:02d}" for m in range(1, 11)]
    figures = {str(m): (a.charges, a.collections, a.adjustments) for m, a in report.trend}
    assert figures["2026-06"] == (3000, 0, 0)
    assert figures["2026-07"] == (12000, 3000, 0)
    assert figures["2026-08"] == (6000, 0, 0)
    assert figures["2026-09"] == (9000, 0, 0)
    assert figures["2026-10"] == (15000, 2000, 1000)
    assert figures["2025-11"] == (0, 3000, 0)
    assert sum(c for c, _, _ in figures.values()) == 45000  # A12, A14 (2025-10) are outside


def test_by_payer_counts_only_insurance_due(report):
    owed = [(r.key, r.total, r.visits) for r in report.by_payer if r.total]
    # A6 (self-pay), A10 (paid) and A13 (nothing due from AET) are not AET's
    assert owed == [("AET", 24000, 7), ("SF", 3000, 1)]
    aet = report.by_payer[0].buckets
    assert aet == {"0-30": 9000, "31-60": 9000, "61-90": 3000, "91-120": 3000, "120+": 0}


def test_aging_history_at_each_month_end(report):
    history = {str(h.month): h.buckets for h in report.history}
    assert len(report.history) == 12 and str(report.history[-1].month) == "2026-10"
    assert history["2026-05"] == dict.fromkeys(history["2026-05"], 0)
    assert history["2026-06"] == {"0-30": 3000, "31-60": 0, "61-90": 0, "91-120": 0,
                                  "120+": 0}
    assert history["2026-07"] == {"0-30": 12000, "31-60": 0, "61-90": 0, "91-120": 0,
                                  "120+": 0}
    assert history["2026-08"] == {"0-30": 6000, "31-60": 12000, "61-90": 0, "91-120": 0,
                                  "120+": 0}
    assert history["2026-09"] == {"0-30": 9000, "31-60": 6000, "61-90": 12000, "91-120": 0,
                                  "120+": 0}
    assert history["2026-10"] == report.aging
    assert [h.total for h in report.history][-2:] == [27000, 39000]  # the roll-forward's


def test_days_to_pay_by_payer(report):
    # AET paid A14 7 days (on the 12 months' first day), A10 10 days and A11 45 days after
    # the visit (A11's $0 row on day 19 is no payment; nor is A13's); A12's payment is
    # older than the 12 months; SF has paid nothing
    assert [(d.payer_id, d.visits, d.median_days, d.longest_days)
            for d in report.days_to_pay] == [("AET", 3, Decimal("10.0"), 45)]


def test_every_json_summary_key(book_path):
    path = _practice(book_path)
    result = CliRunner().invoke(cli, ["report", "-w", str(path), "--month", "2026-10",
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert {k: v for k, v in summary.items() if k not in
            ("by_payer", "aging_history", "days_to_pay")} == {
        "month": "2026-10", "as_of": "2026-10-31", "opening_ar": "270.00",
        "charges": "150.00", "discounts": "0.00", "client_payments": "0.00",
        "insurance_payments": "20.00", "adjustments": "10.00", "closing_ar": "390.00",
        "aging": {"0-30": "120.00", "31-60": "90.00", "61-90": "30.00",
                  "91-120": "120.00", "120+": "30.00"},
        "insurance_due": "270.00", "client_due": "120.00", "over_90_percent": "38.5",
        "days_in_ar": "119.6", "ties": True}
    assert summary["by_payer"][0] == {
        "payer_id": "AET", "name": "Aetna", "insurance_due": "240.00",
        "aging": {"0-30": "90.00", "31-60": "90.00", "61-90": "30.00", "91-120": "30.00",
                  "120+": "0.00"}}
    assert {p["payer_id"]: p["insurance_due"] for p in summary["by_payer"]}["SF"] == "30.00"
    assert summary["aging_history"][-1] == {
        "month": "2026-10", "as_of": "2026-10-31", "total": "390.00",
        "aging": summary["aging"]}
    assert summary["days_to_pay"] == [{"payer_id": "AET", "name": "Aetna", "visits": 3,
                                       "median_days": "10.0", "longest_days": 45}]


def test_the_aging_history_is_the_aging_at_each_month_end():
    """Every visit's balance at twelve month ends at once is, bucket by bucket, the
    balances taken at each month end one after the other (on the sample, both bases)."""
    from dataclasses import replace

    from claimbook.compute.ar_history import aging_history
    from claimbook.compute.balances import balances
    from claimbook.compute.frames import frames_of
    from claimbook.io.xlsx.reader import load_book
    from claimbook.rules.months import Month
    from conftest import SAMPLE

    sample = load_book(SAMPLE)
    for basis in ("Date of Service", "Billed Date"):
        book = replace(sample, settings=replace(sample.settings, aging_basis=basis))
        for month in (Month(2025, 6), Month(2026, 11)):
            for end in aging_history(frames_of(book), month):
                expected = dict.fromkeys(end.buckets, 0)
                for item in balances(book, end.month.last_day):
                    expected[item.aging_bucket] += item.balance
                assert end.buckets == expected, (basis, end.month)
