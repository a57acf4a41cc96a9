"""The practice's money as double-entry bookkeeping: journal entries and bank deposits.

Pure computation on records (no workbook, no Click); money is integer cents. Every
money event becomes one pair of lines of equal amount, so each entry balances by
construction. A line's amount is never negative: a negative amount (a refund, a reversed
adjustment) swaps the debit and the credit. The rules (docs/handoff.md has the table):

- charge of a service line, on its Date of Service: debit the visit's A/R, credit
  Service Revenue. The visit's A/R is A/R - Insurance when it has a Policy ID, else
  A/R - Clients.
- discount: debit Discounts, credit the visit's A/R.
- paid at the visit (Client Paid): debit Undeposited Funds (the Gift Card account when
  the Payment Method is Gift Card), credit A/R - Clients.
- insurance payment: debit Undeposited Funds, credit the visit's A/R.
- client payment on the Payments sheet: debit Undeposited Funds, credit A/R - Clients;
  a refund (a negative amount) the other way round.
- adjustment: debit Contractual Adjustments, credit the A/R the payment's row paid.
- patient responsibility on an insured visit: debit A/R - Clients, credit A/R - Insurance.

So the two A/R accounts together move by exactly charges - discounts - client payments -
insurance payments - adjustments, the month's roll-forward; patient responsibility only
moves an amount from one A/R account to the other.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from claimbook.compute.balances import Visit
from claimbook.rules import schema
from claimbook.rules.money import fmt
from claimbook.rules.records import Book

# Account roles: what an account is for; its name is the bookkeeper's (a Practice setting).
REVENUE = "revenue"
INSURANCE_AR = "insurance_ar"
CLIENT_AR = "client_ar"
ADJUSTMENTS = "adjustments"
DISCOUNTS = "discounts"
UNDEPOSITED = "undeposited"
GIFT_CARDS = "gift_cards"

ROLE_SETTINGS = {
    REVENUE: "revenue_account",
    INSURANCE_AR: "insurance_a_r_account",
    CLIENT_AR: "client_a_r_account",
    ADJUSTMENTS: "contractual_adjustment_account",
    DISCOUNTS: "discount_account",
    UNDEPOSITED: "undeposited_funds_account",
    GIFT_CARDS: "gift_card_account",
}
AR_ROLES = (INSURANCE_AR, CLIENT_AR)

# Events, as the Journal's Event column names them.
CHARGE = "Charge"
DISCOUNT = "Discount"
PAID_AT_VISIT = "Paid at visit"
INSURANCE_PAYMENT = "Insurance payment"
CLIENT_PAYMENT = "Client payment"
REFUND = "Refund"
ADJUSTMENT = "Adjustment"
PATIENT_RESPONSIBILITY = "Patient responsibility"

GIFT_CARD_METHOD = "Gift Card"
NOT_RECORDED = "Not recorded"
INSURANCE_METHOD = "Check or EFT"

# QuickBooks Online's journal-entry import (Settings > Import data > Journal entries).
QBO_COLUMNS = ("Journal No", "Journal Date", "Account Name", "Debits", "Credits",
               "Description", "Name")

_REASON_CODE = re.compile(r"^\s*([A-Za-z]{2}\s*-?\s*[A-Za-z]?\d{1,3})\b")


def _setting(field_name: str) -> schema.Setting:
    return next(s for s in schema.PRACTICE_SETTINGS if s.field == field_name)


@dataclass(frozen=True)
class Accounts:
    """The bookkeeper's account names, by role."""

    names: dict[str, str]

    @classmethod
    def from_settings(cls, settings) -> Accounts:
        """The accounts named on the Practice sheet; a blank setting takes its default.

        Args:
            settings: the book's Practice settings.

        Returns:
            The account name of every role.
        """
        names = {}
        for role, field_name in ROLE_SETTINGS.items():
            value = getattr(settings, field_name, None)
            names[role] = str(value).strip() if value else str(_setting(field_name).default)
        return cls(names)

    def __getitem__(self, role: str) -> str:
        return self.names[role]

    def settings(self) -> list[tuple[str, str]]:
        """(setting name, account name) for every role, as the Practice sheet lists them."""
        return [(_setting(f).name, self.names[role]) for role, f in ROLE_SETTINGS.items()]


@dataclass(frozen=True, slots=True)
class JournalLine:
    """One debit or credit of a journal entry."""

    number: str  # the entry's Journal No
    day: date
    role: str
    account: str
    debit: int
    credit: int
    name: str  # QuickBooks' Name: the payer on insurance A/R, the client on client A/R
    description: str
    event: str
    appointment_id: str
    payment_id: str | None = None
    client_id: str | None = None
    payer_id: str | None = None
    method: str | None = None
    reference: str | None = None

    @property
    def net(self) -> int:
        """Debit less credit."""
        return self.debit - self.credit


@dataclass(slots=True)
class JournalEntry:
    """Lines posted together: a visit's checkout on one day, or one Payments row."""

    number: str
    day: date
    lines: list[JournalLine] = field(default_factory=list)

    @property
    def debits(self) -> int:
        return sum(ln.debit for ln in self.lines)

    @property
    def credits(self) -> int:
        return sum(ln.credit for ln in self.lines)

    @property
    def balanced(self) -> bool:
        return self.debits == self.credits


@dataclass(frozen=True, slots=True)
class _Context:
    """What every line of one entry shares."""

    accounts: Accounts
    appointment_id: str
    client_id: str | None
    client_label: str
    payer_id: str | None
    payer_name: str
    payment_id: str | None = None
    reference: str | None = None


class _EntryBuilder:
    """Adds balanced pairs of lines to one entry."""

    def __init__(self, entry: JournalEntry, ctx: _Context):
        self.entry = entry
        self.ctx = ctx

    def pair(self, event: str, amount: int, debit_role: str, credit_role: str,
             description: str, method: str | None = None) -> None:
        """Debit one role and credit another with ``amount`` (swapped when negative)."""
        if not amount:
            return
        if amount < 0:
            debit_role, credit_role, amount = credit_role, debit_role, -amount
        self.entry.lines.append(self._line(event, debit_role, amount, 0, description, method))
        self.entry.lines.append(self._line(event, credit_role, 0, amount, description, method))

    def _line(self, event: str, role: str, debit: int, credit: int, description: str,
              method: str | None) -> JournalLine:
        ctx = self.ctx
        name = {INSURANCE_AR: ctx.payer_name, CLIENT_AR: ctx.client_label}.get(role, "")
        return JournalLine(
            number=self.entry.number, day=self.entry.day, role=role,
            account=ctx.accounts[role], debit=debit, credit=credit, name=name or "",
            description=description, event=event, appointment_id=ctx.appointment_id,
            payment_id=ctx.payment_id, client_id=ctx.client_id, payer_id=ctx.payer_id,
            method=method, reference=ctx.reference)


def reason_code(reason: str | None) -> str:
    """The claim adjustment reason code alone: ``"CO-45 contractual"`` -> ``"CO-45"``.

    The free text after the code is the owner's and is left out (minimum necessary).
    """
    found = _REASON_CODE.match(reason or "")
    return re.sub(r"\s+", "", found.group(1)).upper() if found else ""


def journal(book: Book, visits: dict[str, Visit], accounts: Accounts,
            first: date | None, last: date,
            client_label: Callable[[str | None], str] | None = None) -> list[JournalEntry]:
    """Every money event dated from ``first`` to ``last`` as balanced journal entries.

    Args:
        book: the practice (payers, services).
        visits: the visits, from :func:`claimbook.balances.visits_of`.
        accounts: the bookkeeper's account names.
        first: the first day (None: from the beginning).
        last: the last day.
        client_label: how a client is named on A/R lines; the Client ID by default.

    Returns:
        Entries in date order: a visit's checkout before the day's payments, then by
        Journal No. Each entry balances.
    """
    label = client_label or (lambda client_id: client_id or "")
    out: list[JournalEntry] = []
    for visit in visits.values():
        out += _visit_entries(book, visit, accounts, first, last, label)
        for payment in visit.payments:
            day = payment.date_received
            if day is not None and (first is None or day >= first) and day <= last:
                out.append(_payment_entry(book, visit, payment, accounts, label))
    out.sort(key=lambda e: (e.day, not e.number.startswith("V-"), e.number))
    return [e for e in out if e.lines]


def _visit_context(book: Book, visit: Visit, accounts: Accounts, label, payer_id=None,
                   payment=None) -> _Context:
    first = visit.first
    policy_payer = book.payer_of(first.policy_id)
    payer_id = payer_id or (policy_payer.payer_id if policy_payer else None)
    payer = book.payers.get(payer_id) if payer_id else None
    return _Context(
        accounts=accounts, appointment_id=visit.appointment_id, client_id=first.client_id,
        client_label=label(first.client_id), payer_id=payer_id,
        payer_name=(payer.name if payer else payer_id) or "",
        payment_id=payment.payment_id if payment else None,
        reference=payment.reference if payment else None)


def _visit_ar(visit: Visit) -> str:
    return INSURANCE_AR if visit.first.policy_id is not None else CLIENT_AR


def _visit_entries(book: Book, visit: Visit, accounts: Accounts, first: date | None,
                   last: date, label) -> list[JournalEntry]:
    """One entry per day the visit's lines are dated on (usually one)."""
    days: dict[date, list[tuple]] = {}
    for line, charge, units in zip(visit.lines, visit.charges, visit.units):
        day = line.date_of_service
        if day is not None and (first is None or day >= first) and day <= last:
            days.setdefault(day, []).append((line, charge, units))
    ctx = _visit_context(book, visit, accounts, label)
    out = []
    for day, lines in days.items():
        number = f"V-{visit.appointment_id}"
        if len({ln.date_of_service for ln in visit.lines}) > 1:
            number += f"-{day:%m%d}"
        entry = JournalEntry(number, day)
        _checkout(book, _EntryBuilder(entry, ctx), visit, lines)
        out.append(entry)
    return out


def _checkout(book: Book, b: _EntryBuilder, visit: Visit, lines: list[tuple]) -> None:
    """Charges, the discount and the client's payment of one visit's lines on one day."""
    aid, ar = visit.appointment_id, _visit_ar(visit)
    for line, charge, units in lines:
        b.pair(CHARGE, charge, ar, REVENUE, f"Visit {aid}: {line.service_code} x {units}")
    discount = sum(line.discount or 0 for line, *_ in lines)
    b.pair(DISCOUNT, discount, DISCOUNTS, ar, f"Discount on visit {aid}")
    paid: dict[str, int] = {}
    for line, *_ in lines:
        if line.client_paid:
            method = line.payment_method or NOT_RECORDED
            paid[method] = paid.get(method, 0) + line.client_paid
    for method, amount in paid.items():
        money = GIFT_CARDS if method == GIFT_CARD_METHOD else UNDEPOSITED
        b.pair(PAID_AT_VISIT, amount, money, CLIENT_AR, f"Paid at visit {aid} ({method})",
               method)


def _payment_entry(book: Book, visit: Visit, payment, accounts: Accounts,
                   label) -> JournalEntry:
    """One Payments row: the money, its adjustment and the patient responsibility."""
    insurance = payment.source == "Insurance"
    ctx = _visit_context(book, visit, accounts, label,
                         payment.payer_id if insurance else None, payment)
    entry = JournalEntry(f"P-{payment.payment_id}", payment.date_received)
    b = _EntryBuilder(entry, ctx)
    aid, ref = visit.appointment_id, payment.reference
    amount = payment.amount or 0
    if insurance:
        ar = _visit_ar(visit)
        what = " ".join(p for p in (ctx.payer_id, ref) if p)
        b.pair(INSURANCE_PAYMENT, amount, UNDEPOSITED, ar, f"{what} for visit {aid}",
               INSURANCE_METHOD)
    else:
        ar = CLIENT_AR
        event = REFUND if amount < 0 else CLIENT_PAYMENT
        method = payment.payment_method or NOT_RECORDED
        money = GIFT_CARDS if method == GIFT_CARD_METHOD else UNDEPOSITED
        b.pair(event, amount, money, CLIENT_AR,
               f"{event} for visit {aid}" + (f", {ref}" if ref else ""), method)
    code = reason_code(payment.adjustment_reason)
    b.pair(ADJUSTMENT, payment.adjustment or 0, ADJUSTMENTS, ar,
           f"Adjustment{' ' + code if code else ''} on visit {aid}")
    if visit.first.policy_id is not None:
        b.pair(PATIENT_RESPONSIBILITY, payment.patient_responsibility or 0, CLIENT_AR,
               INSURANCE_AR, f"Patient responsibility per EOB, visit {aid}")
    return entry


def lines_of(entries: list[JournalEntry]) -> list[JournalLine]:
    """Every line of the entries, in order."""
    return [line for entry in entries for line in entry.lines]


@dataclass(slots=True)
class Deposit:
    """Money that reaches the bank together: one check or EFT, or a day's card or cash."""

    day: date
    source: str  # Insurance / Client
    method: str
    reference: str | None
    payer_id: str | None
    payer_name: str
    items: int = 0
    amount: int = 0


def deposits(entries: list[JournalEntry],
             payer_names: dict[str, str] | None = None) -> list[Deposit]:
    """Undeposited Funds grouped as the money reaches the bank.

    A row per insurance check or EFT (its Reference; a payment with none stands alone),
    a row per day and method for money clients paid at the visit, and a row per day and
    Reference for client payments and refunds recorded on the Payments sheet.

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
        found.items += 1
        found.amount += line.net
    return sorted(groups.values(), key=lambda d: (d.day, d.source == "Insurance", d.method,
                                                   d.payer_id or "", d.reference or ""))


def _deposit_of(line: JournalLine, payer_names: dict[str, str]) -> tuple[tuple, Deposit]:
    if line.event == INSURANCE_PAYMENT:
        ref = line.reference or f"({line.payment_id})"
        key = (line.day, "Insurance", line.payer_id, ref)
        return key, Deposit(line.day, "Insurance", INSURANCE_METHOD, line.reference,
                            line.payer_id, payer_names.get(line.payer_id or "", ""))
    method = line.method or NOT_RECORDED
    key = (line.day, "Client", method, line.reference)
    return key, Deposit(line.day, "Client", method, line.reference, None, "")


@dataclass(frozen=True, slots=True)
class AccountTotal:
    """What the month posts to one account."""

    account: str
    debits: int
    credits: int

    @property
    def net(self) -> int:
        return self.debits - self.credits


def by_account(entries: list[JournalEntry], accounts: Accounts) -> list[AccountTotal]:
    """Debits and credits per account, in the order of the Practice settings."""
    debits: dict[str, int] = {}
    credits: dict[str, int] = {}
    for line in lines_of(entries):
        debits[line.account] = debits.get(line.account, 0) + line.debit
        credits[line.account] = credits.get(line.account, 0) + line.credit
    order = list(dict.fromkeys(accounts[role] for role in ROLE_SETTINGS))
    order += sorted(a for a in debits if a not in order)
    return [AccountTotal(a, debits[a], credits[a]) for a in order if a in debits]


def net_of(entries: list[JournalEntry], roles: tuple[str, ...]) -> int:
    """Debits less credits of the lines whose role is one of ``roles``."""
    return sum(line.net for line in lines_of(entries) if line.role in roles)


def qbo_rows(entries: list[JournalEntry]) -> list[list[str]]:
    """The journal as QuickBooks Online's journal-entry import wants it.

    Columns :data:`QBO_COLUMNS`; dates MM/DD/YYYY; amounts with two decimals, the other
    side blank. Text is returned as is (the CSV writer makes it formula-safe).
    """
    rows = []
    for line in lines_of(entries):
        rows.append([line.number, f"{line.day:%m/%d/%Y}", line.account,
                     fmt(line.debit) if line.debit else "",
                     fmt(line.credit) if line.credit else "",
                     line.description, line.name])
    return rows
