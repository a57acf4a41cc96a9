"""Money as it reaches the bank: the Undeposited Funds lines of the journal grouped into
the deposits a bank statement shows.

- an insurer's check or EFT is one deposit (its trace number or Reference; a payment
  with neither stands alone), for what reached the bank: the payments posted to visits
  plus what the Remittances row adds or withholds (interest, recoupments);
- card payments settle as the processor batches them: one deposit per day, every card
  (Card and HSA/FSA) together, whether paid at the visit or later;
- cash, clients' checks and the rest: one deposit per day and method.

Gift cards never reach the bank and are not listed. Pure computation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from claimbook.compute.journal import (
    INSURANCE_PAYMENT,
    NOT_RECORDED,
    PROVIDER_ADJUSTMENT,
    UNDEPOSITED,
    JournalEntry,
    JournalLine,
    lines_of,
)

CARD_METHODS = ("Card", "HSA/FSA")
CARDS = "Card"


@dataclass(slots=True)
class Deposit:
    """Money that reaches the bank together: one check or EFT, or a day's cards, cash
    or checks."""

    day: date
    source: str  # Insurance / Client
    method: str
    reference: str | None
    payer_id: str | None
    payer_name: str
    items: int = 0  # payments in it
    posted: int = 0  # paid to visits
    other: int = 0  # what a remittance adds or withholds beyond the visits it pays
    references: list[str] = field(default_factory=list)

    @property
    def amount(self) -> int:
        """What reaches the bank."""
        return self.posted + self.other


def deposits(entries: list[JournalEntry],
             payer_names: dict[str, str] | None = None) -> list[Deposit]:
    """Undeposited Funds grouped as the money reaches the bank.

    Args:
        entries: the month's journal entries.
        payer_names: payer names by Payer ID, for the insurers' rows.

    Returns:
        Deposits by date, clients before insurers; their total is the month's net debit
        to Undeposited Funds.
    """
    groups: dict[tuple, Deposit] = {}
    for line in lines_of(entries):
        if line.role != UNDEPOSITED:
            continue
        key, deposit = _deposit_of(line, payer_names or {})
        found = groups.setdefault(key, deposit)
        if line.event == PROVIDER_ADJUSTMENT:
            found.other += line.net
            continue
        found.items += 1
        found.posted += line.net
        if found.source == "Client" and line.reference and line.reference not in \
                found.references:
            found.references.append(line.reference)
    return sorted(groups.values(), key=lambda d: (d.day, d.source == "Insurance", d.method,
                                                   d.payer_id or "", d.reference or ""))


def _deposit_of(line: JournalLine, payer_names: dict[str, str]) -> tuple[tuple, Deposit]:
    if line.event in (INSURANCE_PAYMENT, PROVIDER_ADJUSTMENT):
        ref = line.reference or f"({line.payment_id})"
        key = (line.day, "Insurance", line.payer_id, ref)
        return key, Deposit(line.day, "Insurance", line.method or NOT_RECORDED,
                            line.reference, line.payer_id,
                            payer_names.get(line.payer_id or "", ""))
    method = line.method or NOT_RECORDED
    if method in CARD_METHODS:
        method = CARDS
    return (line.day, "Client", method), Deposit(line.day, "Client", method, None, None, "")
