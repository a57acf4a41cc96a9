"""claimbook import, the money after the visit: insurance products and refunds.

The article's step 2: when the insurer paid, the practice sold a Product titled
"Insurance Billing - Client Name - Date of Service", often under a pseudo-client
"Insurance Payment(s)". Each such sale becomes an insurance payment (Source Insurance,
the payer of the visit's policy, Product Title as the practice typed it) on the visit
its title names, whoever the sale was filed under. One product for several dates is
split over those visits in date order, each taking what the insurer still owes on it,
the last the rest. A refund (a service sold for a negative amount) is a negative client
payment on the client's last visit with that service.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from claimbook.compute.balances import balance_of, visits_of
from claimbook.compute.matching import book_of_clients, payment_method, service_code, visit_days
from claimbook.io.exports.layouts import ExportRow
from claimbook.rules.changes import id_stream, new_record, row_values
from claimbook.rules.lookup import plain
from claimbook.rules.records import Payment
from claimbook.rules.schema import CHECKOUT_FLOWS
from claimbook.rules.titles import InsuranceTitle, is_pseudo_client, parse_title
from claimbook.usecases.import_visits import Left, Unplaced, policy_for

REFUND_REACH = 120  # days back a refund may reach for its visit
REVERSE = CHECKOUT_FLOWS[1]


@dataclass
class _Sale:
    row: ExportRow
    client_id: str
    name: str
    days: list[date]
    why: str | None = None


class InsuranceSales:
    """The insurance products and refunds of one import."""

    def __init__(self, importer):
        self.importer = importer
        self.sales: list[_Sale] = []
        self.refunds: list[ExportRow] = []
        keys = importer.keys["Payments"]
        self.payment_ids = id_stream(keys, "PMT000000")

    # -- reading the titles ---------------------------------------------------------------
    def add(self, row: ExportRow) -> None:
        """An insurance product: whose visits it pays (:class:`Unplaced` when the title
        names no one the workbook knows, or no date of service)."""
        title = parse_title(row.get("item", "")) or InsuranceTitle("")
        name = title.name or ("" if is_pseudo_client(row.get("client")) else row.get("client"))
        if not name:
            raise Unplaced("the title names no client")
        if not (title.days or title.spans):
            raise Unplaced("the title names no date of service")
        found = self.importer.index.find(name)
        if not found:
            raise Unplaced(f'no client "{name}" (named in the title) on Clients or in the '
                           "exports")
        if len(found) > 1:
            raise Unplaced(f'{len(found)} clients are called "{name}" ({", ".join(found)})')
        client_id = found[0]
        sold = row.get("date")
        known = self.importer.visit_days(client_id)
        days = visit_days(title, sold, set(known))
        missing = [d for d in days if d not in known]
        if missing:
            raise Unplaced(f"no visit of {name} on {missing[0].isoformat()}")
        self.sales.append(_Sale(row, client_id, name, days))

    def mark_insured(self) -> None:
        """The visits the products name are insured: they need a policy."""
        imp = self.importer
        for sale in self.sales:
            for day in sale.days:
                candidate = imp.visits.get((sale.client_id, day))
                existing = imp.by_client_day.get((sale.client_id, day))
                if existing is not None:
                    if existing.first.policy_id is None:
                        sale.why = (f"visit {existing.appointment_id} is self-pay in the "
                                    "workbook: give it its Policy ID, then import again")
                    continue
                if candidate is None:
                    continue
                candidate.insured = True
                candidate.policy_id = candidate.policy_id or policy_for(
                    imp.book, sale.client_id, day)
                if candidate.policy_id is None:
                    candidate.unplaced = sale.why = (
                        f"{sale.name} ({sale.client_id}) has no policy on Policies for "
                        f"{day.isoformat()}: add it, then import again")

    # -- writing the payments ---------------------------------------------------------------
    def post(self) -> None:
        """Insurance payments and refunds as Payments rows."""
        imp = self.importer
        # the visits as they will be, built once: each new payment is added to its visit
        wanted = {sale.client_id for sale in self.sales}
        wanted |= {found[0] for row in self.refunds
                   if len(found := imp.index.find(row.get("client"))) == 1}
        self.after = imp.after([])
        self.visits = visits_of(book_of_clients(self.after, wanted))
        self.by_client: dict[str, list] = {}
        for visit in self.visits.values():
            self.by_client.setdefault(visit.first.client_id, []).append(visit)
        self.paid_before: dict[str, list] = {}
        for p in imp.book.payments:
            self.paid_before.setdefault(p.appointment_id, []).append(p)
        for sale in self.sales:
            visit_ids = [self._visit_id(sale.client_id, d) for d in sale.days]
            if sale.why or not all(visit_ids):
                imp.plan.left.append(Left(sale.row, sale.why or "its visit was not written"))
                continue
            if self._at_the_visit(sale):
                self._copay(sale, visit_ids[0])
                continue
            if self._already(sale.row, visit_ids[0]):
                imp.plan.already += 1
                imp.placed_as(sale.row, "already in the workbook")
                continue
            payments = self._split(sale, visit_ids)
            self._add(payments)
            imp.placed_as(sale.row, ", ".join(p.payment_id for p in payments))
        for row in self.refunds:
            try:
                self._refund(row)
            except Unplaced as why:
                imp.plan.left.append(Left(row, str(why)))
        imp.plan.changes.add("Payments", [row_values(p, "Payments") for p in imp.plan.payments])

    def _at_the_visit(self, sale: _Sale) -> bool:
        """The article's reverse variant: the product is sold at the visit for what the
        client pays then. In a Reverse-flow practice, a product sold on the very day of
        service it names is that payment, not the insurer's."""
        flow = self.importer.book.settings.checkout_flow
        return flow == REVERSE and sale.days == [sale.row.get("date")]

    def _copay(self, sale: _Sale, visit_id: str) -> None:
        imp, row = self.importer, sale.row
        if self._already(row, visit_id, "Client"):
            imp.plan.already += 1
            imp.placed_as(row, "already in the workbook")
            return
        payment = new_record(Payment, "Payments", {
            "payment_id": next(self.payment_ids), "date_received": row.get("date"),
            "source": "Client", "appointment_id": visit_id, "amount": row.get("amount"),
            "reference": row.get("transaction"), "product_title": row.get("item"),
            "payment_method": payment_method(row.get("method")),
            "notes": f"Paid at the visit; imported from {row.where}"})
        self._add([payment])
        imp.placed_as(row, payment.payment_id)

    def _add(self, payments: list) -> None:
        self.importer.plan.payments += payments
        for payment in payments:
            self.visits[payment.appointment_id].payments.append(payment)

    def _visit_id(self, client_id: str, day: date) -> str | None:
        imp = self.importer
        existing = imp.by_client_day.get((client_id, day))
        if existing is not None:
            return existing.appointment_id
        candidate = imp.visits.get((client_id, day))
        return candidate.appointment_id if candidate else None

    def _already(self, row: ExportRow, visit_id: str, source: str = "Insurance") -> bool:
        title = plain(row.get("item"))
        for p in self.paid_before.get(visit_id, []):
            if p.source == source and \
                    p.date_received == row.get("date") and not p.void_reason and \
                    (plain(p.product_title) == title or p.amount == row.get("amount")):
                return True
        return False

    def _split(self, sale: _Sale, visit_ids: list[str]) -> list:
        after, visits = self.after, self.visits
        sold, left = sale.row.get("date"), sale.row.get("amount", 0)
        out = []
        for i, visit_id in enumerate(visit_ids):
            if i == len(visit_ids) - 1:
                amount = left
            else:
                now = balance_of(after, visits[visit_id], max(sold, sale.days[i]))
                amount = max(0, min(left, now.insurance_due if now else 0))
            left -= amount
            out.append(self._insurance_payment(after, sale, visit_id, amount))
        return out

    def _insurance_payment(self, after, sale: _Sale, visit_id: str, amount: int):
        policy = after.policies.get(self.visits[visit_id].first.policy_id)
        row = sale.row
        return new_record(Payment, "Payments", {
            "payment_id": next(self.payment_ids), "date_received": row.get("date"),
            "source": "Insurance", "payer_id": policy.payer_id if policy else None,
            "reference": row.get("transaction"), "appointment_id": visit_id,
            "amount": amount, "product_title": row.get("item"),
            "notes": f"Imported from {row.where}"})

    def _refund(self, row: ExportRow) -> None:
        imp = self.importer
        found = imp.index.find(row.get("client"))
        if len(found) != 1:
            raise Unplaced(f'a refund to "{row.get("client") or ""}", who is not one client '
                           "on Clients")
        client_id, day = found[0], row.get("date")
        code = service_code(imp.book.services, row.get("item"))
        mine = [v for v in self.by_client.get(client_id, [])
                if v.date_of_service and day - timedelta(days=REFUND_REACH)
                <= v.date_of_service <= day]
        same = [v for v in mine if any(ln.service_code == code for ln in v.lines)]
        chosen = max(same or mine, key=lambda v: v.date_of_service, default=None)
        if chosen is None:
            raise Unplaced(f"a refund with no visit of the client in the {REFUND_REACH} days "
                           "before it")
        if self._already(row, chosen.appointment_id, "Client"):
            imp.plan.already += 1
            imp.placed_as(row, "already in the workbook")
            return
        amount = -abs(row.get("amount", 0))
        payment = new_record(Payment, "Payments", {
            "payment_id": next(self.payment_ids), "date_received": day, "source": "Client",
            "appointment_id": chosen.appointment_id, "amount": amount,
            "reference": row.get("transaction"), "notes": f"Refund imported from {row.where}",
            "payment_method": payment_method(row.get("method"))})
        self._add([payment])
        imp.placed_as(row, payment.payment_id)
