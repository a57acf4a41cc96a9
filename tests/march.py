"""A March worked out by hand: its rows, and the journal and deposits it must give.

Shared by test modules, which never import each other.
"""

from __future__ import annotations

from datetime import date

from claimbook.compute.ledger import Month
from conftest import line, payment

MARCH = Month(2026, 3)


AR_INS, AR_CLI = "Accounts Receivable - Insurance", "Accounts Receivable - Clients"


INCOME, UF, GIFT = "Massage Income", "Undeposited Funds", "Gift Card Liability"


CONTRACTUAL, DISCOUNTS = "Contractual Adjustments", "Discounts"


TRANSFER, PLB = "A/R Transfers (clearing)", "Insurance Provider Adjustments"


def march_rows() -> dict:
    """Settings and rows of the hand-made practice (for ``book_path``)."""
    lines = [
        line("A0", date(2026, 2, 20), units=2),
        line("A1", date(2026, 3, 2), minutes=60, client_paid=2000, payment_method="Card"),
        line("A2", date(2026, 3, 3), client="C2", policy=None, code="MASSAGE60",
             discount=1000, client_paid=8000, payment_method="Cash"),
        line("A3", date(2026, 3, 10), client="C2", policy=None, code="MASSAGE60"),
        line("A4", date(2026, 4, 2), client="C2", policy=None, code="MASSAGE60"),
        line("A5", date(2026, 3, 12), policy=None, code="MASSAGE60", client_paid=9000,
             payment_method="Gift Card"),
        line("A6", date(2026, 3, 5), units=2, client_paid=2000, payment_method="Card"),
        line("A7", date(2026, 3, 9), client="C2", policy="P2", units=3),
    ]
    payments = [
        payment("PMT1", date(2026, 3, 20), "A1", 7000, reference="EFT100", adjustment=3000,
                adjustment_reason="CO-45 contractual", patient_responsibility=2000),
        payment("PMT2", date(2026, 3, 15), "A3", 9000, source="Client"),
        payment("PMT3", date(2026, 3, 15), "A3", 9000, source="Client", reference="=DUP",
                notes="Charged twice at the desk"),
        payment("PMT4", date(2026, 3, 22), "A3", -9000, source="Client", reference="Refund"),
        payment("PMT5", date(2026, 3, 28), "A4", 9000, source="Client", reference="Package"),
        payment("PMT6", date(2026, 3, 25), "A6", 1000, reference="EFT200", adjustment=1000,
                adjustment_reason="CO-45", patient_responsibility=4000),
        payment("PMT8", date(2026, 3, 8), "A7", 5000, source="Client", reference="Deposit",
                payment_method="Check"),
        payment("PMT9", date(2026, 3, 31), "A7", 4000, payer="SF", reference="CHK7",
                payment_method="Check"),
    ]
    remittances = [{"trace_number": "EFT100", "date": date(2026, 3, 20), "payer_id": "AET",
                    "amount": 7200, "claims_paid": 7000, "provider_adjustments": "L6 -2.00",
                    "method": "EFT"}]
    return {"settings": {"revenue_account": INCOME}, "Appointments": lines,
            "Payments": payments, "Remittances": remittances}


# (Journal No, day, account, debit, credit, Name, description, event)
EXPECTED_JOURNAL = [
    ("V-A1", 2, AR_INS, 12000, 0, "Aetna", "Visit A1: 97124 x 4", "Charge"),
    ("V-A1", 2, INCOME, 0, 12000, "", "Visit A1: 97124 x 4", "Charge"),
    ("V-A1", 2, UF, 2000, 0, "", "Paid at visit A1 (Card)", "Paid at visit"),
    ("V-A1", 2, AR_INS, 0, 2000, "Aetna", "Paid at visit A1 (Card)", "Paid at visit"),
    ("V-A2", 3, AR_CLI, 9000, 0, "C2", "Visit A2: MASSAGE60 x 1", "Charge"),
    ("V-A2", 3, INCOME, 0, 9000, "", "Visit A2: MASSAGE60 x 1", "Charge"),
    ("V-A2", 3, DISCOUNTS, 1000, 0, "", "Discount on visit A2", "Discount"),
    ("V-A2", 3, AR_CLI, 0, 1000, "C2", "Discount on visit A2", "Discount"),
    ("V-A2", 3, UF, 8000, 0, "", "Paid at visit A2 (Cash)", "Paid at visit"),
    ("V-A2", 3, AR_CLI, 0, 8000, "C2", "Paid at visit A2 (Cash)", "Paid at visit"),
    ("V-A6", 5, AR_INS, 6000, 0, "Aetna", "Visit A6: 97124 x 2", "Charge"),
    ("V-A6", 5, INCOME, 0, 6000, "", "Visit A6: 97124 x 2", "Charge"),
    ("V-A6", 5, UF, 2000, 0, "", "Paid at visit A6 (Card)", "Paid at visit"),
    ("V-A6", 5, AR_INS, 0, 2000, "Aetna", "Paid at visit A6 (Card)", "Paid at visit"),
    ("P-PMT8", 8, UF, 5000, 0, "", "Client payment for visit A7, Deposit", "Client payment"),
    ("P-PMT8", 8, AR_CLI, 0, 5000, "C2", "Client payment for visit A7, Deposit",
     "Client payment"),
    ("V-A7", 9, AR_INS, 4000, 0, "State Farm", "Visit A7: 97124 x 3", "Charge"),
    ("V-A7", 9, TRANSFER, 5000, 0, "C2", "Visit A7: 97124 x 3", "Charge"),
    ("V-A7", 9, INCOME, 0, 9000, "", "Visit A7: 97124 x 3", "Charge"),
    ("V-A7-T", 9, AR_CLI, 5000, 0, "C2", f"Visit A7: charge, moved to {AR_CLI}", "A/R transfer"),
    ("V-A7-T", 9, TRANSFER, 0, 5000, "C2", f"Visit A7: charge, moved to {AR_CLI}",
     "A/R transfer"),
    ("V-A3", 10, AR_CLI, 9000, 0, "C2", "Visit A3: MASSAGE60 x 1", "Charge"),
    ("V-A3", 10, INCOME, 0, 9000, "", "Visit A3: MASSAGE60 x 1", "Charge"),
    ("V-A5", 12, AR_CLI, 9000, 0, "C1", "Visit A5: MASSAGE60 x 1", "Charge"),
    ("V-A5", 12, INCOME, 0, 9000, "", "Visit A5: MASSAGE60 x 1", "Charge"),
    ("V-A5", 12, GIFT, 9000, 0, "", "Paid at visit A5 (Gift Card)", "Paid at visit"),
    ("V-A5", 12, AR_CLI, 0, 9000, "C1", "Paid at visit A5 (Gift Card)", "Paid at visit"),
    ("P-PMT2", 15, UF, 9000, 0, "", "Client payment for visit A3", "Client payment"),
    ("P-PMT2", 15, AR_CLI, 0, 9000, "C2", "Client payment for visit A3", "Client payment"),
    ("P-PMT3", 15, UF, 9000, 0, "", "Client payment for visit A3, =DUP", "Client payment"),
    ("P-PMT3", 15, AR_CLI, 0, 9000, "C2", "Client payment for visit A3, =DUP",
     "Client payment"),
    ("P-PMT1", 20, UF, 7000, 0, "", "AET EFT100 for visit A1", "Insurance payment"),
    ("P-PMT1", 20, AR_INS, 0, 7000, "Aetna", "AET EFT100 for visit A1", "Insurance payment"),
    ("P-PMT1", 20, CONTRACTUAL, 3000, 0, "", "Adjustment CO-45 on visit A1", "Adjustment"),
    ("P-PMT1", 20, AR_INS, 0, 3000, "Aetna", "Adjustment CO-45 on visit A1", "Adjustment"),
    ("R-EFT100", 20, UF, 200, 0, "", "AET EFT100: L6 -2.00", "Provider adjustment"),
    ("R-EFT100", 20, PLB, 0, 200, "", "AET EFT100: L6 -2.00", "Provider adjustment"),
    ("P-PMT4", 22, AR_CLI, 9000, 0, "C2", "Refund for visit A3, Refund", "Refund"),
    ("P-PMT4", 22, UF, 0, 9000, "", "Refund for visit A3, Refund", "Refund"),
    ("P-PMT6", 25, UF, 1000, 0, "", "AET EFT200 for visit A6", "Insurance payment"),
    ("P-PMT6", 25, AR_INS, 0, 1000, "Aetna", "AET EFT200 for visit A6", "Insurance payment"),
    ("P-PMT6", 25, CONTRACTUAL, 1000, 0, "", "Adjustment CO-45 on visit A6", "Adjustment"),
    ("P-PMT6", 25, AR_INS, 0, 1000, "Aetna", "Adjustment CO-45 on visit A6", "Adjustment"),
    ("P-PMT6", 25, TRANSFER, 2000, 0, "C1", "Patient responsibility per EOB, visit A6",
     "Patient responsibility"),
    ("P-PMT6", 25, AR_INS, 0, 2000, "Aetna", "Patient responsibility per EOB, visit A6",
     "Patient responsibility"),
    ("P-PMT6-T", 25, AR_CLI, 2000, 0, "C1",
     f"Visit A6: patient responsibility, moved to {AR_CLI}", "A/R transfer"),
    ("P-PMT6-T", 25, TRANSFER, 0, 2000, "C1",
     f"Visit A6: patient responsibility, moved to {AR_CLI}", "A/R transfer"),
    ("P-PMT5", 28, UF, 9000, 0, "", "Client payment for visit A4, Package", "Client payment"),
    ("P-PMT5", 28, AR_CLI, 0, 9000, "C2", "Client payment for visit A4, Package",
     "Client payment"),
    ("P-PMT9", 31, UF, 4000, 0, "", "SF CHK7 for visit A7", "Insurance payment"),
    ("P-PMT9", 31, AR_INS, 0, 4000, "State Farm", "SF CHK7 for visit A7", "Insurance payment"),
]


# (day, from, method, reference, payer ID, payer, items, paid to visits, other, amount)
EXPECTED_DEPOSITS = [
    (2, "Client", "Card", None, None, "", 1, 2000, 0, 2000),
    (3, "Client", "Cash", None, None, "", 1, 8000, 0, 8000),
    (5, "Client", "Card", None, None, "", 1, 2000, 0, 2000),
    (8, "Client", "Check", None, None, "", 1, 5000, 0, 5000),
    (15, "Client", "(method not recorded)", None, None, "", 2, 18000, 0, 18000),
    (20, "Insurance", "EFT", "EFT100", "AET", "Aetna", 1, 7000, 200, 7200),
    (22, "Client", "(method not recorded)", None, None, "", 1, -9000, 0, -9000),
    (25, "Insurance", "(method not recorded)", "EFT200", "AET", "Aetna", 1, 1000, 0, 1000),
    (28, "Client", "(method not recorded)", None, None, "", 1, 9000, 0, 9000),
    (31, "Insurance", "Check", "CHK7", "SF", "State Farm", 1, 4000, 0, 4000),
]
