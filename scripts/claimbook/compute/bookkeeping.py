"""The bookkeeper's month, as data: the journal, deposits, revenue, insurance receipts,
the A/R roll-forward and the two A/R accounts tied to the aging. The workbook is drawn
from this by :mod:`claimbook.io.xlsx.handoff`.

Minimum necessary: nothing here carries a date of birth, diagnosis code, member ID,
claim number, address, phone, email or note. Clients are named by Client ID; their names
only when the caller asks for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from claimbook.compute.balances import Visit, VisitMap, balances, visits_of
from claimbook.compute.deposits import Deposit, deposits
from claimbook.compute.frames import as_of, day_number, frames_of
from claimbook.compute.journal import (
    AR_ROLES,
    CLIENT_AR,
    CLIENT_PAYMENT,
    GIFT_CARDS,
    INSURANCE_AR,
    INSURANCE_PAYMENT,
    PAID_AT_VISIT,
    PROVIDER_ADJUSTMENT,
    REFUND,
    UNDEPOSITED,
    Accounts,
    AccountTotal,
    JournalEntry,
    by_account,
    journal,
    lines_of,
    net_of,
    totals,
)
from claimbook.compute.journal_export import daily
from claimbook.compute.ledger import Month, RollForward, roll_forward
from claimbook.rules.dates import style_of
from claimbook.rules.records import Book


@dataclass(slots=True)
class RevenueRow:
    """The month's revenue for one service code or one therapist: charges and discounts
    of the lines dated in the month, and the adjustments posted in the month (shared
    among a visit's lines in proportion to their charges)."""

    key: str
    name: str
    visits: set = field(default_factory=set)
    lines: int = 0
    units: int = 0
    charges: int = 0
    discounts: int = 0
    adjustments: int = 0

    @property
    def net(self) -> int:
        """Charges less discounts and adjustments."""
        return self.charges - self.discounts - self.adjustments


@dataclass(slots=True)
class PayerReceipts:
    """What one payer paid in the month, and what its EOBs adjusted and passed on."""

    payer_id: str
    name: str
    kind: str
    references: set = field(default_factory=set)
    visits: int = 0
    paid: int = 0
    adjustments: int = 0
    patient_responsibility: int = 0


@dataclass(frozen=True, slots=True)
class ArAccount:
    """One A/R account over the month, as the journal moves it, beside what the aging
    says is due (from insurers, or from clients) at each end of the month."""

    account: str
    opening: int
    debits: int
    credits: int
    aging_opening: int = 0
    aging_closing: int = 0

    @property
    def closing(self) -> int:
        return self.opening + self.debits - self.credits

    @property
    def ties(self) -> bool:
        """The account equals the aging at both ends of the month."""
        return self.opening == self.aging_opening and self.closing == self.aging_closing


@dataclass(slots=True)
class Received:
    """Money received in the month, by where it came from, and what remittances added or
    withheld beyond the visits they paid."""

    insurance: int = 0
    at_visit: int = 0
    client_later: int = 0
    refunds: int = 0
    provider_adjustments: int = 0

    @property
    def total(self) -> int:
        """Payments received, net of refunds (the roll-forward's collections)."""
        return self.insurance + self.at_visit + self.client_later + self.refunds


@dataclass(slots=True)
class Handoff:
    """Everything the bookkeeper's workbook shows for one month."""

    practice_name: str
    month: Month
    accounts: Accounts
    entries: list[JournalEntry]
    deposits: list[Deposit]
    by_account: list[AccountTotal]
    by_code: list[RevenueRow]
    by_therapist: list[RevenueRow]
    by_payer: list[PayerReceipts]
    roll: RollForward
    ar_accounts: list[ArAccount]
    received: Received
    visits: int = 0  # visits with a line dated in the month
    names: bool = False
    client_names: dict[str, str] = field(default_factory=dict)  # only with ``names``
    daily: bool = False
    date_style: str = "MM/DD/YYYY"

    @property
    def posted(self) -> list[JournalEntry]:
        """The entries as handed over: one per event group, or one per day (``daily``)."""
        return daily(self.entries) if self.daily else self.entries

    @property
    def debits(self) -> int:
        """Total debits of the entries handed over (their accounts' totals added up)."""
        return sum(a.debits for a in self.by_account)

    @property
    def credits(self) -> int:
        return sum(a.credits for a in self.by_account)

    @property
    def balanced(self) -> bool:
        """Total debits equal total credits, and so does every entry."""
        return self.debits == self.credits and all(e.balanced for e in self.posted)

    @property
    def ar_net_change(self) -> int:
        """What the journal adds to the two A/R accounts together."""
        return net_of(self.entries, AR_ROLES)

    @property
    def ties(self) -> bool:
        """The journal moves A/R as the roll-forward does, the roll-forward ties, and
        each A/R account equals the aging's insurance due or client due."""
        return (self.ar_net_change == self.roll.activity.net_change and self.roll.ties
                and all(a.ties for a in self.ar_accounts))

    @property
    def deposits_total(self) -> int:
        return sum(d.amount for d in self.deposits)


def bookkeepers_month(book: Book, month: Month, names: bool = False,
                      by_day: bool = False) -> Handoff:
    """Compute the handoff of ``month``.

    Args:
        book: the practice.
        month: the month handed to the bookkeeper.
        names: name clients on A/R lines (else their Client ID only).
        by_day: hand the journal over as one summary entry per day.

    Returns:
        The month's journal, deposits, revenue, insurance receipts and roll-forward.
    """
    visits = visits_of(book)
    frames = frames_of(book)
    accounts = Accounts.from_settings(book.settings)
    label = book.client_name if names else None
    moving = month_visits(frames, month)
    ids = frames.visits["appointment_id"].iloc[moving].tolist()
    walked = visits.some(ids) if isinstance(visits, VisitMap) else {a: visits[a] for a in ids}
    opening: dict[str, int] = {}
    entries = journal(book, walked, accounts, month.first_day, month.last_day, label, opening,
                      posted_by_remittance_of(frames))
    before = as_of(frames, month.previous().last_day)
    aging_before = _dues(before)
    for role, due in _dues(before, moving, others=True).items():
        opening[role] = opening.get(role, 0) + due  # the visits with nothing in the month
    aging_after = aging_dues_of(frames, month.last_day)
    payer_names = {pid: p.name for pid, p in book.payers.items()}
    by_code, by_therapist, seen = revenue(book, walked, month)
    posted = daily(entries) if by_day else entries
    summed = totals(posted)
    return Handoff(
        practice_name=book.settings.practice_name or "",
        month=month,
        accounts=accounts,
        entries=entries,
        deposits=deposits(entries, payer_names),
        by_account=by_account(posted, accounts, summed),
        by_code=by_code,
        by_therapist=by_therapist,
        by_payer=insurance_receipts(book, walked, month),
        roll=roll_forward(book, month, visits, closing=sum(aging_after.values())),
        ar_accounts=ar_accounts(posted, accounts, opening, aging_before, aging_after,
                                summed),
        received=received(entries),
        visits=seen,
        names=names,
        client_names=_client_names(book, entries) if names else {},
        daily=by_day,
        date_style=style_of(book.settings),
    )


def month_visits(frames, month: Month):
    """The numbers of the visits with a line or a payment dated in ``month`` (the only
    ones with entries in its journal), in sheet order."""
    first, last = day_number(month.first_day), day_number(month.last_day)
    lines, pays = frames.lines, frames.payments
    return np.union1d(lines.loc[lines["day"].between(first, last), "visit"].unique(),
                      pays.loc[pays["day"].between(first, last), "visit"].unique())


def aging_dues(book: Book, visits: dict[str, Visit], day: date) -> dict[str, int]:
    """What the aging says is due on a day: from insurers (by role INSURANCE_AR) and
    from clients (CLIENT_AR), credits netted."""
    rows = balances(book, day, visits)
    return {INSURANCE_AR: sum(r.insurance_due for r in rows),
            CLIENT_AR: sum(r.client_due for r in rows)}


def aging_dues_of(frames, day: date, visits=None, others: bool = False) -> dict[str, int]:
    """:func:`aging_dues` with pandas over every visit's balance (or only ``visits``, by
    number; with ``others``, every visit but those)."""
    return _dues(as_of(frames, day), visits, others)


def _dues(money, visits=None, others: bool = False) -> dict[str, int]:
    """The insurance and client dues summed from :func:`as_of`'s table (see
    :func:`aging_dues_of`)."""
    if visits is not None:
        chosen = money.index.isin(visits)
        money = money[~chosen if others else chosen]
    return {INSURANCE_AR: int(money["insurance_due"].sum()),
            CLIENT_AR: int(money["client_due"].sum())}


def posted_by_remittance_of(frames) -> dict[tuple, int]:
    """:func:`claimbook.compute.journal.posted_by_remittance` with pandas, over every
    visit's insurance payments."""
    pays = frames.payments[frames.payments["insurance"]]
    summed = pays.groupby(["payer_id", "trace"], dropna=False, sort=False)["amount"].sum()
    return {(_value(payer), _value(trace)): int(amount)
            for (payer, trace), amount in summed.items()}


def _value(text):
    """A text key as remittance_key gives it: None for a blank."""
    return None if text is None or pd.isna(text) else text


def _client_names(book: Book, entries: list[JournalEntry]) -> dict[str, str]:
    ids = {line.client_id for line in lines_of(entries) if line.client_id}
    return {client_id: book.client_name(client_id) for client_id in sorted(ids)}


def _in(day: date | None, month: Month) -> bool:
    return day is not None and month.first_day <= day <= month.last_day


def revenue(book: Book, visits: dict[str, Visit],
            month: Month) -> tuple[list[RevenueRow], list[RevenueRow], int]:
    """The month's revenue by service code and by therapist, largest charges first, and
    the number of visits with a line dated in the month (a visit billed with two codes
    counts under each code, once in the total)."""
    codes: dict[str, RevenueRow] = {}
    staff: dict[str, RevenueRow] = {}
    seen: set[str] = set()

    def rows_of(line) -> tuple[RevenueRow, RevenueRow]:
        service = book.services.get(line.service_code)
        member = book.staff.get(line.staff_id)
        return (codes.setdefault(line.service_code, RevenueRow(
                    line.service_code, service.description if service else "")),
                staff.setdefault(line.staff_id, RevenueRow(
                    line.staff_id, member.name if member else "")))

    first, last = month.first_day, month.last_day
    for visit in visits.values():
        for line, charge, units in zip(visit.lines, visit.charges, visit.units):
            day = line.date_of_service
            if day is None or not first <= day <= last:
                continue
            seen.add(visit.appointment_id)
            for row in rows_of(line):
                row.visits.add(visit.appointment_id)
                row.lines += 1
                row.units += units
                row.charges += charge
                row.discounts += line.discount or 0
        adjusted = sum(p.adjustment or 0 for p in visit.payments
                       if p.date_received is not None and first <= p.date_received <= last)
        if adjusted:
            for line, share in zip(visit.lines, shares(adjusted, visit.charges)):
                for row in rows_of(line):
                    row.adjustments += share
    return _largest_first(codes), _largest_first(staff), len(seen)


def shares(amount: int, weights: list[int]) -> list[int]:
    """``amount`` cents shared in proportion to ``weights``, to the cent: each share is
    rounded down and the cents left go to the largest remainders (the earlier line on a
    tie); equal weights when they are all zero."""
    if not weights:
        return []
    if not any(weights):
        weights = [1] * len(weights)
    total = sum(weights)
    sign, whole = (-1 if amount < 0 else 1), abs(amount)
    base = [whole * w // total for w in weights]
    rest = [whole * w % total for w in weights]
    for i in sorted(range(len(weights)), key=lambda k: (-rest[k], k))[:whole - sum(base)]:
        base[i] += 1
    return [sign * b for b in base]


def _largest_first(rows: dict[str, RevenueRow]) -> list[RevenueRow]:
    return sorted(rows.values(), key=lambda r: (-r.charges, r.key))


def insurance_receipts(book: Book, visits: dict[str, Visit], month: Month) -> list[PayerReceipts]:
    """Insurance payments received in ``month`` by payer: checks and EFTs, visits paid,
    amounts paid, adjusted and passed on to the client; largest first."""
    rows: dict[str, PayerReceipts] = {}
    for visit in visits.values():
        for payment in visit.payments:
            if payment.source != "Insurance" or not _in(payment.date_received, month):
                continue
            payer_id = payment.payer_id or ""
            row = rows.get(payer_id)
            if row is None:
                payer = book.payers.get(payer_id)
                row = rows[payer_id] = PayerReceipts(
                    payer_id, payer.name if payer else "", (payer.type or "") if payer else "")
            row.references.add(payment.remittance or payment.reference or payment.payment_id)
            row.visits += 1
            row.paid += payment.amount or 0
            row.adjustments += payment.adjustment or 0
            row.patient_responsibility += payment.patient_responsibility or 0
    return sorted(rows.values(), key=lambda r: (-r.paid, r.payer_id))


def ar_accounts(entries: list[JournalEntry], accounts: Accounts, opening: dict[str, int],
                aging_before: dict[str, int] | None = None,
                aging_after: dict[str, int] | None = None, summed=None) -> list[ArAccount]:
    """The two A/R accounts: their balance before the month (``opening``, by role, from
    every event before it), the month's debits and credits (summed with pandas:
    :func:`claimbook.compute.journal.totals`, unless ``summed`` gives them), and the
    aging's dues at both ends."""
    summed = totals(entries) if summed is None else summed
    by_role = summed.groupby(level="role").sum()
    out = []
    for role in AR_ROLES:
        debits, credits = (int(by_role.at[role, c]) if role in by_role.index else 0
                           for c in ("debits", "credits"))
        out.append(ArAccount(accounts[role], opening.get(role, 0), debits, credits,
                             (aging_before or {}).get(role, 0),
                             (aging_after or {}).get(role, 0)))
    return out


_RECEIVED_BY_EVENT = {INSURANCE_PAYMENT: "insurance", PAID_AT_VISIT: "at_visit",
                      CLIENT_PAYMENT: "client_later", REFUND: "refunds",
                      PROVIDER_ADJUSTMENT: "provider_adjustments"}


def received(entries: list[JournalEntry]) -> Received:
    """The month's money received (net of refunds): the Undeposited Funds and gift card
    sides of its payments, and what remittances added beyond them. Its total is the
    roll-forward's client and insurance payments."""
    out = Received()
    for line in lines_of(entries):
        slot = _RECEIVED_BY_EVENT.get(line.event)
        if slot and line.role in (UNDEPOSITED, GIFT_CARDS):
            setattr(out, slot, getattr(out, slot) + line.net)
    return out
