"""What the report's follow-up takes from the visits (from the DataFrames, not records):
the Claim Number typed on any of a visit's lines, else its policy's; the reason codes of
every insurance row of a denied visit dated by the report's date, in sheet order."""

from __future__ import annotations

from datetime import date

from claimbook.compute.balances import balances
from claimbook.compute.outstanding import follow_up
from claimbook.io.xlsx.reader import load_book
from conftest import line, payment

DAY = date(2026, 3, 31)


def test_claim_numbers_and_denial_reasons(book_path):
    book = load_book(book_path(
        Appointments=[
            line("A1", date(2026, 3, 2), units=2, billed_date=date(2026, 3, 3)),
            line("A1", date(2026, 3, 2), code="97140", units=1, claim_number="CLM-A1"),
            line("A2", date(2026, 3, 5), client="C2", policy="P2", units=1,
                 billed_date=date(2026, 3, 6)),
            line("A3", date(2026, 3, 9), units=1, billed_date=date(2026, 3, 10),
                 claim_number="CLM-A3"),
            line("A4", date(2026, 3, 9), units=1, billed_date=date(2026, 3, 10))],
        Payments=[
            payment("PM0", date(2026, 4, 2), "A1", 0, reason_codes="CO-29"),  # after the date
            payment("PM1", date(2026, 3, 20), "A1", 0, adjustment_reason="CO-197 no auth"),
            payment("PM2", date(2026, 3, 21), "A1", 0, reason_codes="CO-50"),
            payment("PM4", date(2026, 3, 20), "A2", 0, payer="SF"),
            payment("PM5", date(2026, 3, 19), "A3", 0, source="Client",
                    reason_codes="CO-29"),  # a client's row is no answer
            payment("PM6", date(2026, 3, 20), "A3", 0, reason_codes="CO-50")]))
    rows = follow_up(book, balances(book, DAY), DAY)
    got = {f.item.appointment_id: (f.reason, f.action, f.claim_number) for f in rows}
    # the first reason in sheet order among the rows dated by then (the Adjustment Reason
    # when the row has no Reason Codes), and the Claim Number on the visit's second line
    assert got["A1"] == ("Denied", "Appeal (CO-197: precertification, authorization or "
                         "notification was absent) or bill the client", "CLM-A1")
    assert got["A2"] == ("Denied", "Appeal (no reason given) or bill the client", "CL9")
    assert got["A3"] == ("Denied", "Appeal (CO-50: not deemed a medical necessity by the "
                         "payer) or bill the client", "CLM-A3")
    assert "A4" not in got  # billed 21 days ago, no answer yet: nothing to chase
    assert [f.item.appointment_id for f in rows if f.reason == "Denied"] == ["A1", "A2", "A3"]
