"""The monthly outstanding-balance report, as data: roll-forward, aging, open items,
follow-up and the 12-month trend. The workbook is drawn from this by
:mod:`claimbook.xlsx.report`; ``--format json`` prints :func:`summary_json`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from claimbook.compute.balances import (
    BILLED,
    BUCKETS,
    DENIED,
    UNBILLED,
    VisitBalance,
    balances,
    visits_of,
)
from claimbook.compute.ledger import Activity, Month, RollForward, activity_by_month, roll_forward
from claimbook.rules.carc import denial_words, reasons_in
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.money import fmt, percent_half_up
from claimbook.rules.records import Book

FOLLOW_UP_BILLED_DAYS = 30
TIMELY_FILING_WARNING_DAYS = 30
DAYS_IN_AR_MONTHS = 3


@dataclass(slots=True)
class AgingRow:
    """Amounts due from one payer or one client, by aging bucket."""

    key: str
    name: str
    kind: str  # the payer's type, or "Client"
    buckets: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    other_due: int = 0  # by client: what insurers still owe on the client's visits
    visits: int = 0

    @property
    def total(self) -> int:
        return sum(self.buckets.values())


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A visit that needs someone to act, why, by when, and what the call needs: the
    payer's name and phone, the member ID and the claim number."""

    reason: str
    action: str
    due_date: date | None
    item: VisitBalance
    when: str = ""  # "overdue since 08/12/2025", "by 11/15/2026"
    payer_name: str = ""
    payer_phone: str | None = None
    member_id: str | None = None
    claim_number: str | None = None


@dataclass(slots=True)
class MonthlyReport:
    """Everything the monthly outstanding-balance workbook shows."""

    practice_name: str
    month: Month
    roll: RollForward
    open_items: list[VisitBalance]
    aging: dict[str, int]
    by_payer: list[AgingRow]
    by_client: list[AgingRow]
    follow_up: list[FollowUp]
    trend: list[tuple[Month, Activity]]
    insurance_due: int
    client_due: int
    over_90_percent: Decimal
    days_in_ar: Decimal
    date_style: str = "MM/DD/YYYY"
    payer_names: dict[str, str] = field(default_factory=dict)
    history: list = field(default_factory=list)  # MonthEnd: the last 12 month ends' aging
    days_to_pay: list = field(default_factory=list)  # DaysToPay by insurer, last 12 months

    @property
    def as_of(self) -> date:
        return self.month.last_day


def monthly_report(book: Book, month: Month) -> MonthlyReport:
    """Compute the outstanding-balance report of ``month`` as of its last day."""
    visits = visits_of(book)
    by_month = activity_by_month(visits)
    open_items = balances(book, month.last_day, visits)
    roll = roll_forward(book, month, visits, by_month, open_items)
    aging = dict.fromkeys(BUCKETS, 0)
    for item in open_items:
        aging[item.aging_bucket] += item.balance
    trend = _trend(month, by_month)
    return MonthlyReport(
        practice_name=book.settings.practice_name or "",
        month=month,
        roll=roll,
        open_items=open_items,
        aging=aging,
        by_payer=_by_payer(book, open_items),
        by_client=_by_client(open_items),
        follow_up=follow_up(book, open_items, month.last_day),
        trend=trend,
        insurance_due=sum(i.insurance_due for i in open_items),
        client_due=sum(i.client_due for i in open_items),
        over_90_percent=percent_half_up(aging["91-120"] + aging["120+"], roll.closing_ar),
        days_in_ar=_days_in_ar(roll.closing_ar, trend[-DAYS_IN_AR_MONTHS:]),
        date_style=style_of(book.settings),
        payer_names={pid: p.name or pid for pid, p in book.payers.items()},
        **_history(book, month),
    )


def _history(book: Book, month: Month) -> dict:
    """The aging at the last 12 month ends and each insurer's days to pay."""
    from claimbook.compute.ar_history import aging_history, days_to_pay
    from claimbook.compute.frames import frames_of

    frames = frames_of(book)
    return {"history": aging_history(frames, month), "days_to_pay": days_to_pay(frames, month)}


def _trend(month: Month, by_month: dict[Month, Activity]) -> list[tuple[Month, Activity]]:
    months = [month]
    while len(months) < 12:
        months.insert(0, months[0].previous())
    return [(m, by_month.get(m, Activity())) for m in months]


def _days_in_ar(closing_ar: int, recent: list[tuple[Month, Activity]]) -> Decimal:
    """A/R divided by the average daily charge of the last three months (half-up, 0.1)."""
    charges = sum(a.charges for _, a in recent)
    days = sum((m.last_day - m.first_day).days + 1 for m, _ in recent)
    if charges <= 0:
        return Decimal(0)
    value = Decimal(closing_ar) * days / Decimal(charges)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _by_payer(book: Book, items: list[VisitBalance]) -> list[AgingRow]:
    """What each insurer owes, by age: every payer of the Payers sheet, in sheet order,
    those owing nothing included (CONTRACT.md)."""
    rows = {pid: AgingRow(pid, payer.name or "", payer.type or "")
            for pid, payer in book.payers.items()}
    for item in items:
        row = rows.get(item.payer_id) if item.payer_id else None
        if row is None or item.insurance_due == 0:
            continue
        row.buckets[item.aging_bucket] += item.insurance_due
        row.visits += 1
    return list(rows.values())


def _by_client(items: list[VisitBalance]) -> list[AgingRow]:
    rows: dict[str, AgingRow] = {}
    for item in items:
        row = rows.get(item.client_id)
        if row is None:
            row = rows[item.client_id] = AgingRow(item.client_id, item.client_name, "Client")
        row.buckets[item.aging_bucket] += item.client_due
        row.other_due += item.insurance_due
        row.visits += 1
    return sorted(rows.values(), key=lambda r: (-r.total, -r.other_due, r.key))


def _billed_unpaid(item: VisitBalance, as_of: date) -> bool:
    """Billed 30+ days ago and no answer from the insurer yet."""
    return (item.status == BILLED and item.billed_date is not None
            and (as_of - item.billed_date).days >= FOLLOW_UP_BILLED_DAYS)


def _when(due: date | None, as_of: date, style: str) -> str:
    if due is None:
        return ""
    if due < as_of:
        return f"overdue since {show_date(due, style)}"
    return f"by {show_date(due, style)}"


def _denial_reason(answers: list[tuple]) -> str:
    """The insurer's reason for a $0 answer, code first, in words (CARC):
    ``CO-50: not deemed a medical necessity by the payer``; "no reason given" without one.

    ``answers``: the visit's insurance rows by then, as (Reason Codes, Adjustment Reason).
    """
    codes: list[str] = []
    for reason_codes, adjustment_reason in answers:
        codes += reasons_in(reason_codes) or reasons_in(adjustment_reason)
    words = denial_words(codes)
    coded = re.fullmatch(r"(.*) \(([^()]+)\)", words)
    if coded:
        return f"{coded.group(2)}: {coded.group(1)}"
    return "no reason given" if words == "denied" else words


def _call_details(book: Book, item: VisitBalance, claim_number: str | None) -> dict:
    payer = book.payers.get(item.payer_id) if item.payer_id else None
    policy = book.policies.get(item.policy_id) if item.policy_id else None
    claim = claim_number or (policy.claim_number if policy else None)
    return {"payer_name": (payer.name if payer else item.payer_id) or "",
            "payer_phone": payer.phone if payer else None,
            "member_id": policy.member_id if policy else None, "claim_number": claim}


def _follow_up_of(item: VisitBalance, answers: list[tuple],
                  as_of: date, style: str) -> tuple[str, str, date | None] | None:
    """(reason, what to do, due date) of one open visit, or None when nothing is due."""
    if item.status == DENIED:
        why = _denial_reason(answers)
        return "Denied", f"Appeal ({why}) or bill the client", as_of
    if _billed_unpaid(item, as_of):
        days = (as_of - item.billed_date).days
        return ("Billed, unpaid",
                f"Call the payer: billed {show_date(item.billed_date, style)}, {days} days ago",
                item.billed_date + timedelta(days=FOLLOW_UP_BILLED_DAYS))
    if item.status != UNBILLED:
        return None
    deadline = item.timely_filing_deadline
    if deadline and deadline < as_of:
        return "Timely filing passed", "Deadline passed: appeal or write off", deadline
    if deadline and deadline <= as_of + timedelta(days=TIMELY_FILING_WARNING_DAYS):
        return "Timely filing soon", "Send the claim before the deadline", deadline
    return "Unbilled", "Send the claim", deadline


def follow_up(book: Book, items: list[VisitBalance], as_of: date) -> list[FollowUp]:
    """What to chase, most urgent first: denied claims (appeal, with the reason in words,
    or bill the client), claims billed 30+ days ago with no answer, unbilled visits and
    timely-filing deadlines passed or within 30 days.

    Args:
        book: the practice (payers' phones, policies' member IDs and claim numbers).
        items: the open balances as of ``as_of``.
        as_of: the report's date.

    Returns:
        One row per visit to act on; a date in the past reads "overdue since". What the
        rows need of the visits (the insurer's reason codes of a denied one, the Claim
        Number on its lines) comes from the book's DataFrames, for those visits only.
    """
    from claimbook.compute.frames import frames_of
    from claimbook.compute.visit_table import claim_numbers, insurer_reasons

    frames = frames_of(book)
    style = style_of(book.settings)
    denied = insurer_reasons(frames, [i.appointment_id for i in items if i.status == DENIED],
                             as_of)
    found = [(item, _follow_up_of(item, denied.get(item.appointment_id, []), as_of, style))
             for item in items]
    found = [(item, chase) for item, chase in found if chase is not None]
    claims = claim_numbers(frames, [item.appointment_id for item, _ in found])
    out = []
    for item, (reason, action, due) in found:
        when = "now" if reason == "Denied" else _when(due, as_of, style)
        out.append(FollowUp(reason, action, due, item, when,
                            **_call_details(book, item, claims[item.appointment_id])))
    out.sort(key=lambda f: (f.due_date or date.max, f.item.appointment_id))
    return out


def summary_json(report: MonthlyReport) -> dict:
    """The contract's JSON summary of a monthly report."""
    act = report.roll.activity
    return {
        "month": str(report.month),
        "as_of": report.as_of.isoformat(),
        "opening_ar": fmt(report.roll.opening_ar),
        "charges": fmt(act.charges),
        "discounts": fmt(act.discounts),
        "client_payments": fmt(act.client_payments),
        "insurance_payments": fmt(act.insurance_payments),
        "adjustments": fmt(act.adjustments),
        "closing_ar": fmt(report.roll.closing_ar),
        "aging": {b: fmt(v) for b, v in report.aging.items()},
        "by_payer": [
            {"payer_id": r.key, "name": r.name, "insurance_due": fmt(r.total),
             "aging": {b: fmt(v) for b, v in r.buckets.items()}}
            for r in report.by_payer
        ],
        "insurance_due": fmt(report.insurance_due),
        "client_due": fmt(report.client_due),
        "over_90_percent": str(report.over_90_percent),
        "days_in_ar": str(report.days_in_ar),
        "ties": report.roll.ties,
        **history_json(report),
    }


def history_json(report: MonthlyReport) -> dict:
    """The aging history and days to pay, as ``report --format json`` adds them."""
    return {
        "aging_history": [{"month": str(h.month), "as_of": h.month.last_day.isoformat(),
                           "aging": {b: fmt(v) for b, v in h.buckets.items()},
                           "total": fmt(h.total)} for h in report.history],
        "days_to_pay": [{"payer_id": d.payer_id, "name": d.name, "visits": d.visits,
                         "median_days": str(d.median_days), "longest_days": d.longest_days}
                        for d in report.days_to_pay],
    }
