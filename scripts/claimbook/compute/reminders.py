"""The clients' reminders and the Outstanding list, in the article's words.

A client's Reminder says, for each visit with money still open, what was taken and
what remains, from whom: "Partial payment taken 10/05/2026; balance of $100.00 remains:
$80.00 expected from Aetna, $20.00 from the client", every date in the practice's Date
Style. A reminder that no longer applies
is cleared. Notes are the owner's and never written. The Outstanding list is the
article's "Insurance Payment" record: every visit with insurance money still due, by
payer, oldest first. Pure computation: no Click, no workbook I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from claimbook.compute.balances import PREPAID, VisitBalance, balances, visits_of
from claimbook.rules.changes import CellChange
from claimbook.rules.dates import DEFAULT_STYLE, show_date, style_of
from claimbook.rules.money import dollars
from claimbook.rules.records import Book
from claimbook.rules.schema import product_title

MOST_VISITS = 5  # a reminder lists this many open visits, then sums up the rest


def visit_sentence(item: VisitBalance, payer_name: str | None,
                   style: str = DEFAULT_STYLE) -> str:
    """One open visit in the article's words.

    Args:
        item: the visit's balance.
        payer_name: the insurer's name (None for self-pay).
        style: the practice's date style (rules/dates.py).

    Returns:
        e.g. ``Partial payment taken 10/05/2026; balance of $100.00 remains: $80.00
        expected from Aetna, $20.00 from the client``; a visit paid before its day:
        ``Paid $135.00 ahead for the visit of 11/30/2026``.
    """
    day = show_date(item.date_of_service, style) if item.date_of_service else "undated visit"
    if item.balance < 0 and item.status == PREPAID:
        return f"Paid {dollars(-item.balance)} ahead for the visit of {day}"
    if item.balance < 0:
        return f"Visit of {day} overpaid; credit of {dollars(-item.balance)} to refund or apply"
    head = f"Partial payment taken {day}" if item.client_paid > 0 else f"Nothing paid {day}"
    return f"{head}; balance of {dollars(item.balance)} remains: {who_owes(item, payer_name)}"


def who_owes(item: VisitBalance, payer_name: str | None) -> str:
    """``$80.00 expected from Aetna, $20.00 from the client``: who owes a balance."""
    parts = []
    if item.insurance_due:
        parts.append(f"{dollars(item.insurance_due)} expected from {payer_name or 'insurance'}")
    if item.client_due:
        parts.append(f"{dollars(item.client_due)} from the client")
    return ", ".join(parts)


def reminder_text(book: Book, open_visits: list[VisitBalance],
                  statement_sent: date | None = None) -> str | None:
    """A client's whole reminder: one sentence per open visit, oldest first, then when
    their last statement was sent (``Statement sent 11/02/2026``), if one was; dates in
    the practice's Date Style."""
    if not open_visits:
        return None
    items = sorted(open_visits, key=lambda b: (b.date_of_service or date.min, b.appointment_id))
    style = style_of(book.settings)
    sentences = [visit_sentence(b, _payer_name(book, b), style) for b in items[:MOST_VISITS]]
    rest = items[MOST_VISITS:]
    if rest:
        sentences.append(f"Also {len(rest)} more visits with "
                         f"{dollars(sum(b.balance for b in rest))} open")
    if statement_sent is not None:
        sentences.append(f"Statement sent {show_date(statement_sent, style)}")
    return ". ".join(sentences)


def _payer_name(book: Book, item: VisitBalance) -> str | None:
    payer = book.payers.get(item.payer_id) if item.payer_id else None
    return payer.name if payer else None


def _open_items(book: Book, as_of: date) -> list[VisitBalance]:
    """The book's open balances: over its columns (pandas) when it was read whole, visit
    by visit when it holds a few clients' records (a desk command's, without pandas)."""
    return balances(book, as_of, visits_of(book))


def reminders(book: Book, as_of: date, client_ids=None,
              items: list[VisitBalance] | None = None,
              statements: dict[str, date] | None = None) -> dict[str, str | None]:
    """Each client's reminder as of a date (None: nothing open).

    Args:
        book: the practice (or the part of it holding these clients' visits).
        as_of: balances are taken on this date.
        client_ids: only these clients (default: every client in the book).
        items: the book's open balances as of that date, when the caller has them.
        statements: each client's last statement date (the Statement Log's), if known.
    """
    wanted = set(book.clients) if client_ids is None else set(client_ids)
    open_by_client: dict[str, list[VisitBalance]] = {c: [] for c in wanted}
    for item in _open_items(book, as_of) if items is None else items:
        if item.client_id in open_by_client:
            open_by_client[item.client_id].append(item)
    sent = {c: d for c, d in (statements or {}).items() if d <= as_of}
    return {c: reminder_text(book, items, sent.get(c)) for c, items in open_by_client.items()}


def reminder_changes(book: Book, as_of: date, client_ids=None, optional: bool = False,
                     items: list[VisitBalance] | None = None,
                     statements: dict[str, date] | None = None) -> list[CellChange]:
    """The Reminder cells that differ from what they should say (Notes never included).

    Args:
        book: the practice.
        as_of: balances are taken on this date.
        client_ids: only these clients (default: all).
        optional: skip quietly when the Clients sheet has no Reminder column.
        items: the book's open balances as of that date, when the caller has them.
        statements: each client's last statement date (the Statement Log's), if known.
    """
    out = []
    for client_id, text in sorted(reminders(book, as_of, client_ids, items,
                                            statements).items()):
        client = book.clients.get(client_id)
        if client is None or client.src.row == 0:
            continue
        if (client.reminder or None) != text:
            out.append(CellChange("Clients", client.src.row, "reminder", text, optional))
    return out


@dataclass(frozen=True, slots=True)
class OutstandingItem(VisitBalance):
    """One visit with insurance money still due: a row of the Outstanding sheet (its
    balance, and what the sheet adds: the payer's name, the claim number, the title)."""

    payer_name: str
    claim_number: str | None
    product_title: str


@dataclass(frozen=True)
class OutstandingList:
    """The Outstanding sheet's content: its rows and the date they were taken."""

    as_of: date
    items: list[OutstandingItem]
    date_style: str = DEFAULT_STYLE  # the practice's (rules/dates.py)


def outstanding(book: Book, as_of: date,
                items: list[VisitBalance] | None = None) -> list[OutstandingItem]:
    """Every visit with insurance money still due, by payer, oldest first.

    Args:
        book: the practice.
        as_of: balances are taken on this date.
        items: the book's open balances as of that date, when the caller has them.
    """
    out = []
    for b in _open_items(book, as_of) if items is None else items:
        if b.insurance_due <= 0:
            continue
        client = book.clients.get(b.client_id)
        title = product_title(client.first_name or "", client.last_name or "",
                              b.date_of_service) if client and b.date_of_service else ""
        policy = book.policies.get(b.policy_id)
        out.append(OutstandingItem(
            *(getattr(b, f.name) for f in fields(VisitBalance)),
            payer_name=_payer_name(book, b) or "",
            claim_number=policy.claim_number if policy else None, product_title=title))
    out.sort(key=lambda o: (o.payer_name.casefold(), o.date_of_service or date.min,
                            o.appointment_id))
    return out
