"""The monthly outstanding-balance report, as data: roll-forward, aging, open items,
follow-up and the 12-month trend. The workbook is drawn from this by
:mod:`claimbook.xlsx.report`; ``--format json`` prints :func:`summary_json`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from claimbook.compute.balances import BUCKETS, UNBILLED, VisitBalance, balances, visits_of
from claimbook.compute.ledger import Activity, Month, RollForward, activity_by_month, roll_forward
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
    """A visit that needs someone to act, and why."""

    reason: str
    action: str
    due_date: date | None
    item: VisitBalance


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
        follow_up=follow_up(open_items, month.last_day),
        trend=trend,
        insurance_due=sum(i.insurance_due for i in open_items),
        client_due=sum(i.client_due for i in open_items),
        over_90_percent=percent_half_up(aging["91-120"] + aging["120+"], roll.closing_ar),
        days_in_ar=_days_in_ar(roll.closing_ar, trend[-DAYS_IN_AR_MONTHS:]),
        **_history(book, month),
    )


def _history(book: Book, month: Month) -> dict:
    """The aging at the last 12 month ends and each insurer's days to pay."""
    from claimbook.compute.frames import frames_of
    from claimbook.compute.history import aging_history, days_to_pay

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
    rows: dict[str, AgingRow] = {}
    for item in items:
        if item.insurance_due == 0 or item.payer_id is None:
            continue
        row = rows.get(item.payer_id)
        if row is None:
            payer = book.payers.get(item.payer_id)
            row = rows[item.payer_id] = AgingRow(item.payer_id, payer.name, payer.type or "")
        row.buckets[item.aging_bucket] += item.insurance_due
        row.visits += 1
    return sorted(rows.values(), key=lambda r: (-r.total, r.key))


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
    """Billed 30+ days ago and nothing received from the insurer (a $0 denial included)."""
    return (item.billed_date is not None and item.insurance_paid == 0
            and item.insurance_due > 0
            and (as_of - item.billed_date).days >= FOLLOW_UP_BILLED_DAYS)


def follow_up(items: list[VisitBalance], as_of: date) -> list[FollowUp]:
    """Claims billed 30+ days ago and unpaid, unbilled visits, and timely-filing
    deadlines passed or within 30 days, most urgent first."""
    out = []
    soon = as_of + timedelta(days=TIMELY_FILING_WARNING_DAYS)
    for item in items:
        if _billed_unpaid(item, as_of):
            days = (as_of - item.billed_date).days
            out.append(FollowUp("Billed, unpaid", f"Call the payer: billed {days} days ago",
                                item.billed_date + timedelta(days=FOLLOW_UP_BILLED_DAYS), item))
        if item.status == UNBILLED:
            deadline = item.timely_filing_deadline
            if deadline and deadline < as_of:
                out.append(FollowUp("Timely filing passed", "Deadline passed: appeal or write off",
                                    deadline, item))
            elif deadline and deadline <= soon:
                out.append(FollowUp("Timely filing soon",
                                    f"File by {deadline.isoformat()}", deadline, item))
            else:
                out.append(FollowUp("Unbilled", "Send the claim", deadline, item))
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
