"""Which visit balances to show: ``claimbook balances`` filters.

By status (``Billed``, ``client due``: any case), therapist, date of service
(``--from``/``--to``, inclusive), aging bucket, and who owes (``client``: a client due
above zero; ``insurance``: an insurance due above zero). Pure selection on
:class:`VisitBalance` records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claimbook.compute.balances import BUCKETS, STATUSES, VisitBalance
from claimbook.rules.problems import BadRequest

DUE = ("client", "insurance")


@dataclass(frozen=True)
class BalanceFilter:
    """What to keep; empty fields keep everything."""

    statuses: frozenset[str] = frozenset()
    staff: frozenset[str] = frozenset()
    clients: frozenset[str] = frozenset()
    payers: frozenset[str] = frozenset()
    first: date | None = None
    last: date | None = None
    buckets: frozenset[str] = frozenset()
    due: str | None = None

    def keeps(self, b: VisitBalance) -> bool:
        """Does the balance pass every filter given?"""
        dos = b.date_of_service
        return ((not self.statuses or b.status in self.statuses)
                and (not self.staff or b.staff_id in self.staff)
                and (not self.clients or b.client_id in self.clients)
                and (not self.payers or b.payer_id in self.payers)
                and (self.first is None or (dos is not None and dos >= self.first))
                and (self.last is None or (dos is not None and dos <= self.last))
                and (not self.buckets or b.aging_bucket in self.buckets)
                and (self.due is None or (b.client_due if self.due == "client"
                                          else b.insurance_due) > 0))


def statuses_named(texts) -> frozenset[str]:
    """Statuses as typed (``billed``, ``Client Due``) -> the statuses; refuses others."""
    out = set()
    for text in texts:
        found = next((s for s in STATUSES if s.casefold() == text.strip().casefold()), None)
        if found is None:
            raise BadRequest(f'--status {text}: not a status; one of {", ".join(STATUSES)}')
        out.add(found)
    return frozenset(out)


def buckets_named(texts) -> frozenset[str]:
    """Aging buckets as typed (``61-90``, ``120+``, ``over 120``)."""
    out = set()
    for text in texts:
        key = text.strip().replace(" ", "").lower().replace("over120", "120+")
        if key not in BUCKETS:
            raise BadRequest(f'--bucket {text}: not an aging bucket; one of {", ".join(BUCKETS)}')
        out.add(key)
    return frozenset(out)


def select(items: list[VisitBalance], keep: BalanceFilter) -> list[VisitBalance]:
    """The balances the filter keeps, in order."""
    return [b for b in items if keep.keeps(b)]
