"""claimbook import: the booking software's history and schedule into the workbook.

The sequence: read every export and recognise its report (``io/exports``); count a row
seen in two overlapping exports once; then, in order,

1. clients (the client list, and every name the other reports use) matched to the
   Clients sheet by email, else by name (accents, case, ``Last, First``, middle
   initials ignored), new ones added;
2. visits from appointments and checked-out services (``import_visits``);
3. insurance products ("Insurance Billing - Client Name - Date of Service") as insurance
   payments on the visits their titles name, the pseudo-client "Insurance Payment(s)"
   replaced by the client the title names; refunds as negative client payments;
4. the booking software's reminders ("a balance of $X remains") compared with what
   claimbook computes: disagreements listed, nothing overwritten;
5. every row that could not be placed kept on the Unmatched Imports sheet, with why;
   an entry placed by a later import is marked Resolved.

A row already in the workbook is not written again, so a re-import adds nothing.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from claimbook.compute.balances import balance_of, visits_of
from claimbook.compute.matching import (
    ClientIndex,
    book_of_clients,
    once_across_files,
    split_name,
)
from claimbook.io.exports.layouts import APPOINTMENTS, CLIENTS, SALES, ExportRow
from claimbook.rules.changes import (
    CellChange,
    Changes,
    id_stream,
    new_record,
    next_ids,
    with_records,
)
from claimbook.rules.lookup import plain, staff_entries
from claimbook.rules.money import dollars
from claimbook.rules.problems import BadRequest
from claimbook.rules.records import ServiceLine
from claimbook.rules.schema import is_billable_code
from claimbook.rules.titles import is_insurance_title, is_pseudo_client, reminder_amounts
from claimbook.usecases.import_visits import (
    Candidate,
    Left,
    Line,
    Unplaced,
    add_sale,
    appointment_status,
    line_rows,
    pair_sale,
    policy_for,
    service_of,
)
from claimbook.usecases.insurance_sales import InsuranceSales

UNMATCHED = "Unmatched Imports"


@dataclass(frozen=True)
class ImportRequest:
    """``claimbook import``'s options."""

    day: date  # the day of the import: Unmatched Imports' date; reminders compared as of it
    staff_id: str | None = None  # the therapist of visits whose export names none


@dataclass
class FileRead:
    """One export as read: its report, its rows, and those seen in an earlier file."""

    name: str
    report: str
    rows: int
    duplicates: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""


@dataclass
class ImportPlan:
    """What an import writes, and what it has to say."""

    files: list[FileRead]
    changes: Changes = field(default_factory=Changes)
    new_clients: list[dict] = field(default_factory=list)
    new_visits: list[Candidate] = field(default_factory=list)
    completed: list[str] = field(default_factory=list)
    payments: list = field(default_factory=list)
    left: list[Left] = field(default_factory=list)
    listed: list[Left] = field(default_factory=list)  # new on the Unmatched Imports sheet
    resolved: list[str] = field(default_factory=list)  # entries now placed
    already: int = 0  # rows already in the workbook
    skipped: Counter = field(default_factory=Counter)
    disagreements: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # "Clients: Phone": no such column


def content_key(row: ExportRow) -> tuple:
    """What makes two export rows the same record (across overlapping exports too)."""
    v = row.values
    name = v.get("client") or " ".join(filter(None, (v.get("first_name"), v.get("last_name"))))
    return (row.kind, v.get("date"), plain(name), plain(v.get("item") or v.get("service")),
            v.get("amount"), plain(v.get("method")), v.get("transaction"), v.get("time"),
            plain(v.get("email")) if row.kind == CLIENTS else "")


def plan_import(book, keys: dict[str, list[str]], files: list[tuple[FileRead, list[ExportRow]]],
                req: ImportRequest) -> ImportPlan:
    """Plan an import.

    Args:
        book: the whole workbook.
        keys: every ID on the Clients, Appointments, Payments and Unmatched Imports
            sheets (and the last ones claimbook gave), for new IDs.
        files: each export as read, with its rows.
        req: the request.

    Returns:
        The plan: its :class:`Changes` and what to report.

    Raises:
        BadRequest: visits that name no therapist while the practice has several and no
            ``--staff`` was given.
    """
    rows = [r for _, rs in files for r in rs]
    kept, dropped = once_across_files(rows, content_key, lambda r: r.file)
    plan = ImportPlan([f for f, _ in files])
    for info in plan.files:
        info.duplicates = dropped.get(info.name, 0)
    return _Importer(book, keys, req, plan).run(kept)


class _Importer:
    """One import's state: the clients known so far and the visits seen."""

    def __init__(self, book, keys: dict[str, list[str]], req: ImportRequest, plan: ImportPlan):
        self.book, self.keys, self.req, self.plan = book, keys, req, plan
        self.index = ClientIndex.of(book.clients)
        self.new_clients: dict[str, dict] = {}
        self.used: set[str] = set()
        self.client_ids = id_stream(keys["Clients"], "C0000")
        self.visits = {}  # (client, day) -> Candidate
        self.by_client_day = _visits_by_client_day(book)
        self.placed: dict[tuple, str] = {}  # content key -> what it became

    # -- the sequence ---------------------------------------------------------------
    def run(self, rows: list[ExportRow]) -> ImportPlan:
        by_kind = {kind: [r for r in rows if r.kind == kind]
                   for kind in (CLIENTS, APPOINTMENTS, SALES)}
        reminders = []
        for row in by_kind[CLIENTS]:
            self._attempt(row, lambda r=row: reminders.append((self._listed_client(r), r)))
        for row in by_kind[APPOINTMENTS]:
            self._attempt(row, lambda r=row: self._appointment(r))
        insurance = InsuranceSales(self)
        for row in by_kind[SALES]:
            self._attempt(row, lambda r=row: self._sale(r, insurance))
        insurance.mark_insured()
        self._visits()
        insurance.post()
        self._client_rows()
        self._reminders(reminders)
        self._unmatched()
        return self.plan

    def _attempt(self, row: ExportRow, step) -> None:
        try:
            step()
        except Unplaced as why:
            self.plan.left.append(Left(row, str(why)))

    # -- clients ------------------------------------------------------------------------
    def client(self, name: str | None, email: str | None = None, first: str | None = None,
               last: str | None = None, details: dict | None = None) -> str:
        """The Client ID a name (or first and last, or email) means, a new client when
        nobody answers to it; :class:`Unplaced` when several do."""
        shown = name or " ".join(filter(None, (first, last)))
        if not shown.strip() and not email:
            raise Unplaced("no client named")
        if is_pseudo_client(shown):
            raise Unplaced(f'"{shown}" is the insurance pseudo-client, not a person')
        found = self.index.find(name, email, first, last)
        if len(found) > 1:
            raise Unplaced(f'{len(found)} clients are called "{shown}" ({", ".join(found)}); '
                           "give one of them an email the export has, or import by hand")
        if found:
            return found[0]
        if first is None and last is None:
            first, last = split_name(shown)
        client_id = next(self.client_ids)
        self.new_clients[client_id] = {"client_id": client_id, "first_name": first or "",
                                       "last_name": last or "", "email": email,
                                       **(details or {})}
        self.index.add(client_id, first or "", last or "", email)
        return client_id

    def _listed_client(self, row: ExportRow) -> str:
        v = row.values
        details = {"phone": v.get("phone"), "date_of_birth": v.get("dob"),
                   "address": v.get("address"), "city": v.get("city"),
                   "state": v.get("state"), "zip": v.get("zip")}
        client_id = self.client(v.get("client"), v.get("email"), v.get("first_name"),
                                v.get("last_name"), {k: x for k, x in details.items() if x})
        self.used.add(client_id)
        self._placed(row, client_id)
        return client_id

    def _client_rows(self) -> None:
        rows = [c for cid, c in self.new_clients.items() if cid in self.used]
        self.plan.new_clients = rows
        self.plan.changes.add("Clients", [{k: v for k, v in c.items() if v} for c in rows])

    # -- appointments and checkouts -----------------------------------------------------
    def _appointment(self, row: ExportRow) -> None:
        status = appointment_status(row, self.req.day)
        if status == "cancelled":
            self.plan.skipped["cancelled or no-show appointments"] += 1
            self._placed(row, "skipped (cancelled)")
            return
        v = row.values
        code = service_of(self.book.services, v.get("service"))
        staff = self._staff(v.get("staff"))
        client_id = self.client(v.get("client"), v.get("email"), v.get("first_name"),
                                v.get("last_name"))
        candidate = self.visits.setdefault((client_id, v["date"]),
                                           Candidate(client_id, v["date"]))
        candidate.staff_id = candidate.staff_id or staff
        candidate.booked = candidate.booked and status == "booked"
        candidate.lines.append(Line(code, v.get("minutes")))
        candidate.rows.append(row)

    def _sale(self, row: ExportRow, insurance) -> None:
        item = row.get("item", "")
        if is_insurance_title(item):
            insurance.add(row)
            return
        if "gift" in plain(item) and ("certificate" in plain(item) or "card" in plain(item)):
            self.plan.skipped["gift certificate and gift card sales"] += 1
            self._placed(row, "skipped (gift certificate)")
            return
        if plain(row.get("itemization")) not in ("", "service"):
            self.plan.skipped["retail sales (Square: not a service)"] += 1
            self._placed(row, "skipped (retail)")
            return
        if (row.get("amount") or 0) < 0 or plain(row.get("event_type")) == "refund":
            insurance.refunds.append(row)
            return
        try:
            code = service_of(self.book.services, item)
        except Unplaced:
            raise Unplaced(f'"{item}" is not a service on Services (nor its Booking Name), '
                           "nor an insurance product") from None
        client_id = self.client(row.get("client"), row.get("email"))
        candidate = pair_sale(self.visits, client_id, row.get("date"), code)
        if candidate is None:
            candidate = self.visits.setdefault((client_id, row.get("date")),
                                               Candidate(client_id, row.get("date")))
        candidate.staff_id = candidate.staff_id or self._staff(row.get("staff"))
        add_sale(candidate, row, code)

    def _staff(self, name: str | None) -> str | None:
        if not name:
            return None
        wanted = plain(name)
        found = [e.key for e in staff_entries(self.book.staff) if wanted in e.names]
        if len(found) != 1:
            raise Unplaced(f'no therapist "{name}" on Staff' if not found else
                           f'{len(found)} therapists are called "{name}"')
        return found[0]

    def _visits(self) -> None:
        ids = iter(next_ids(self.keys["Appointments"], len(self.visits) + 1, "A000000"))
        lines, missing_staff = [], []
        for candidate in sorted(self.visits.values(), key=lambda c: (c.day, c.client_id)):
            if candidate.unplaced:
                self.plan.left += [Left(r, candidate.unplaced) for r in candidate.rows]
                continue
            existing = self.by_client_day.get(candidate.key)
            if existing is not None:
                self._existing(candidate, existing)
                continue
            staff = candidate.staff_id or self.req.staff_id or self._only_staff()
            if staff is None:
                missing_staff.append(candidate)
                continue
            candidate.policy_id = candidate.policy_id or self._policy(candidate)
            candidate.appointment_id = next(ids)
            lines += line_rows(self.book, candidate, staff)
            self.plan.new_visits.append(candidate)
            self.used.add(candidate.client_id)
            for row in candidate.rows:
                self._placed(row, candidate.appointment_id)
        if missing_staff:
            first = missing_staff[0].rows[0]
            raise BadRequest(f"{first.where}: {len(missing_staff)} visit(s) name no therapist "
                             f"and the practice has {len(self.book.staff)}; give --staff ID "
                             "(or import the appointments report, which names them)")
        self.new_lines = [new_record(ServiceLine, "Appointments", v) for v in lines]
        self.plan.changes.add("Appointments", lines)

    def _policy(self, candidate: Candidate) -> str | None:
        """An insurance product names it; or a discounted checkout (the workaround) or a
        booking of a service insurers are billed for (a CPT/HCPCS code: 97124, not
        MASSAGE60), by a client with a policy for that day."""
        policy = policy_for(self.book, candidate.client_id, candidate.day)
        if candidate.insured:
            return policy
        billable = all(is_billable_code(ln.code) for ln in candidate.lines)
        return policy if billable and (candidate.booked or candidate.discount) else None

    def _only_staff(self) -> str | None:
        return next(iter(self.book.staff)) if len(self.book.staff) == 1 else None

    def _existing(self, candidate: Candidate, visit) -> None:
        for row in candidate.rows:
            self._placed(row, visit.appointment_id)
        if candidate.sold and not all(ln.checked_out for ln in visit.lines):
            cells = [CellChange("Appointments", ln.src.row, "checked_out", True)
                     for ln in visit.lines]
            first = visit.first
            if candidate.paid and not any(ln.client_paid for ln in visit.lines):
                cells.append(CellChange("Appointments", first.src.row, "client_paid",
                                        candidate.paid))
                if candidate.method:
                    cells.append(CellChange("Appointments", first.src.row, "payment_method",
                                            candidate.method, optional=True))
            self.plan.changes.cells += cells
            self.plan.completed.append(visit.appointment_id)
        else:
            self.plan.already += len(candidate.rows)

    # -- what the workbook knows now -----------------------------------------------------
    def after(self, payments: list | None = None):
        """The book as it will be with the new visits and ``payments``."""
        return with_records(self.book, getattr(self, "new_lines", []), payments or [])

    def visit_days(self, client_id: str) -> dict[date, str]:
        """The client's visit days (the workbook's and the new ones) -> Appointment ID."""
        if not hasattr(self, "_days_by_client"):
            self._days_by_client: dict[str, dict[date, str]] = {}
            for (c, d), v in self.by_client_day.items():
                self._days_by_client.setdefault(c, {})[d] = v.appointment_id
        out = dict(self._days_by_client.get(client_id, {}))
        for (c, d), cand in self.visits.items():
            if c == client_id and d not in out:
                out[d] = cand.appointment_id or ""
        return out

    def _placed(self, row: ExportRow, what: str) -> None:
        self.placed[content_key(row)] = what

    def placed_as(self, row: ExportRow, what: str) -> None:
        """Record that an export row became ``what`` (an ID, or "already")."""
        self._placed(row, what)

    # -- reminders -------------------------------------------------------------------------
    def _reminders(self, reminders: list[tuple[str, ExportRow]]) -> None:
        if not reminders:
            return
        after = self.after(self.plan.payments)
        wanted = {client_id for client_id, _ in reminders}
        visits = visits_of(book_of_clients(after, wanted))
        day = self.req.day
        # the schedule (visits booked from today on) is not owed yet
        done = [v for v in visits.values()
                if all(ln.checked_out for ln in v.lines) or (v.date_of_service or day) < day]
        for client_id, row in reminders:
            hint = reminder_amounts(row.get("reminder"))
            if not hint:
                continue
            total = sum(b.balance for v in done if v.first.client_id == client_id
                        and (b := balance_of(after, v, day)) is not None)
            said = sum(hint)
            if said != total:
                name = after.client_name(client_id) or row.get("client") or client_id
                self.plan.disagreements.append(
                    f"{name} ({client_id}): the booking software's reminder says "
                    f"{dollars(said)} remains; claimbook computes {dollars(total)} as of "
                    f"{self.req.day.isoformat()} ({row.where})")

    # -- what could not be placed ------------------------------------------------------------
    def _unmatched(self) -> None:
        listed = [e for e in self.book.rows.get(UNMATCHED, []) if not e.resolved]
        open_keys = {}
        for entry in listed:
            open_keys.setdefault(_entry_key(entry), []).append(entry)
        for key, what in self.placed.items():
            for entry in open_keys.pop(_short(key), []):
                self.plan.changes.cells.append(CellChange(
                    UNMATCHED, entry.src.row, "resolved",
                    f"{what} ({self.req.day.isoformat()})"))
                self.plan.resolved.append(entry.entry)
        fresh = [left for left in self.plan.left
                 if _short(content_key(left.row)) not in open_keys]
        ids = iter(next_ids(self.keys[UNMATCHED], len(fresh) + 1, "U0000"))
        rows = []
        for left in fresh:
            v = left.row.values
            name = v.get("client") or " ".join(filter(None, (v.get("first_name"),
                                                              v.get("last_name"))))
            rows.append({k: x for k, x in {
                "entry": next(ids), "imported": self.req.day, "file": left.row.file,
                "row": left.row.row, "report": left.row.report, "date": v.get("date"),
                "client": name or None, "item": v.get("item") or v.get("service"),
                "amount": v.get("amount"), "why": left.why}.items() if x is not None})
        self.plan.listed = fresh
        self.plan.changes.add(UNMATCHED, rows)


@dataclass
class _Known:
    """A visit already in the workbook, as the import needs it."""

    appointment_id: str
    lines: list

    @property
    def first(self):
        return self.lines[0]


def _visits_by_client_day(book) -> dict[tuple, _Known]:
    """The workbook's visits (not voided) by (client, date of service): the first of a day."""
    lines: dict[str, list] = {}
    for line in book.lines:
        if line.appointment_id:
            lines.setdefault(line.appointment_id, []).append(line)
    out: dict[tuple, _Known] = {}
    for aid, ls in lines.items():
        first = ls[0]
        if first.date_of_service and not any(ln.void_reason for ln in ls):
            out.setdefault((first.client_id, first.date_of_service), _Known(aid, ls))
    return out


def _short(key: tuple) -> tuple:
    """The part of a content key the Unmatched Imports sheet keeps: date, client, item,
    amount."""
    return (key[1], key[2], key[3], key[4])


def _entry_key(entry) -> tuple:
    return (entry.date, plain(entry.client), plain(entry.item), entry.amount)
