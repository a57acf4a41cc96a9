"""Checks across rows and sheets: unknown and duplicate IDs, visits that disagree,
payments to visits that do not exist or from the wrong payer.

Cell-level problems (unreadable dates and amounts, NPIs that fail their check digit,
blank required values) are found by the reader; this module works on the records.
"""

from __future__ import annotations

from datetime import date

from claimbook.rules import schema
from claimbook.rules.dates import show_date, style_of
from claimbook.rules.problems import Problem
from claimbook.rules.records import Book
from claimbook.rules.voids import is_reversal

KEYED = ("Staff", "Clients", "Payers", "Policies", "Services", "Payments")


def validate(book: Book, today: date | None = None) -> list[Problem]:
    """Every cross-reference problem in a book, in no particular order.

    Args:
        book: a book as read by :func:`claimbook.xlsx.reader.read_book`.
        today: the day dates of birth must not be after (default: today).

    Returns:
        The problems; an empty list when the book is consistent.
    """
    if getattr(book.lines, "table", None) is not None and \
            getattr(book.payments, "table", None) is not None:
        from claimbook.io.xlsx.suspects import narrowed

        book = narrowed(book)  # only the rows that might have a problem, as records
    problems: list[Problem] = []
    for name in KEYED:
        problems += _duplicates(book.rows.get(name, []), schema.sheet(name))
    problems += _policies(book)
    problems += _lines(book)
    problems += _payments(book)
    problems += _birth_dates(book, today or date.today())
    return problems


def _birth_dates(book: Book, today: date) -> list[Problem]:
    """A date of birth in the future: a two-digit year read the wrong way, or a typo."""
    out = []
    for client in book.rows.get("Clients", []):
        born = client.date_of_birth
        if born is not None and born > today:
            out.append(client.src.problem(
                "date_of_birth", f"the Date of Birth "
                                 f"{show_date(born, style_of(book.settings))} is in the future; "
                                 "type the year with four digits (1965)"))
    return out


def _duplicates(records: list, spec: schema.Sheet) -> list[Problem]:
    seen: dict[str, int] = {}
    out = []
    header = spec.column(spec.key).header
    for record in records:
        key = getattr(record, spec.key)
        if key is None:
            continue
        if key in seen:
            out.append(record.src.problem(
                spec.key, f'{header} "{key}" is used again (first on row {seen[key]})'))
        else:
            seen[key] = record.src.row
    return out


def _unknown(record, field_name: str, known: dict, what: str) -> list[Problem]:
    value = getattr(record, field_name)
    if value is not None and value not in known:
        return [record.src.problem(field_name, f'no {what} "{value}"')]
    return []


def _policies(book: Book) -> list[Problem]:
    out = []
    for policy in book.rows.get("Policies", []):
        out += _unknown(policy, "client_id", book.clients, "client with Client ID")
        out += _unknown(policy, "payer_id", book.payers, "payer with Payer ID")
    return out


def _lines(book: Book) -> list[Problem]:
    out = []
    first_line: dict[str, object] = {}
    for line in book.lines:
        out += _unknown(line, "client_id", book.clients, "client with Client ID")
        out += _unknown(line, "staff_id", book.staff, "staff member with Staff ID")
        out += _unknown(line, "service_code", book.services, "service with Service Code")
        out += _line_policy(book, line)
        out += _line_fee(book, line)
        if line.billed_date and line.date_of_service and line.billed_date < line.date_of_service:
            out.append(line.src.problem("billed_date",
                                        "the Billed Date is before the Date of Service"))
        first = first_line.setdefault(line.appointment_id, line)
        if first is not line:
            out += _same_visit(first, line, style_of(book.settings))
    return out


def _line_policy(book: Book, line) -> list[Problem]:
    if line.policy_id is None:
        return []
    policy = book.policies.get(line.policy_id)
    if policy is None:
        return [line.src.problem("policy_id", f'no policy with Policy ID "{line.policy_id}"')]
    if line.client_id and policy.client_id != line.client_id:
        return [line.src.problem(
            "policy_id",
            f'policy "{line.policy_id}" belongs to client "{policy.client_id}", '
            f'not "{line.client_id}"')]
    return []


def _line_fee(book: Book, line) -> list[Problem]:
    """A line priced from its service needs the service's fee (a new workbook offers the
    common codes with their fees blank, for the owner to type)."""
    service = book.services.get(line.service_code)
    if service is None or service.fee_per_unit is not None or line.charge is not None:
        return []
    return [line.src.problem(
        "service_code", f'service "{line.service_code}" has no Fee per Unit '
        f"(Services row {service.src.row}); type the fee there, or a Charge here")]


def _same_visit(first, line, style: str) -> list[Problem]:
    out = []
    fields = (("date_of_service", "Date of Service"), ("client_id", "Client ID"),
              ("policy_id", "Policy ID"))
    if is_reversal(line):  # a void's reversal is dated the day of the void
        fields = fields[1:]
    for field_name, header in fields:
        a, b = getattr(first, field_name), getattr(line, field_name)
        if a != b:
            shown = show_date(a, style) if isinstance(a, date) else (a or "blank")
            out.append(line.src.problem(
                field_name,
                f'appointment "{line.appointment_id}" has {header} {shown} '
                f"on row {first.src.row}; every line of a visit must agree"))
    return out


def _payments(book: Book) -> list[Problem]:
    visits = {}
    for line in book.lines:
        visits.setdefault(line.appointment_id, line)
    out = []
    for payment in book.payments:
        out += _unknown(payment, "payer_id", book.payers, "payer with Payer ID")
        line = visits.get(payment.appointment_id)
        if payment.appointment_id is not None and line is None:
            out.append(payment.src.problem(
                "appointment_id", f'no appointment "{payment.appointment_id}" on Appointments'))
        if payment.source == "Insurance":
            out += _insurance_payment(book, payment, line)
    return out


def _client_covered_by(book: Book, client_id: str | None, payer_id: str) -> bool:
    """The client has a policy with this payer too (a secondary or tertiary payer pays
    the visit billed to the primary)."""
    return any(p.client_id == client_id and p.payer_id == payer_id
               for p in book.policies.values())


def _insurance_payment(book: Book, payment, line) -> list[Problem]:
    if payment.payer_id is None:
        return [payment.src.problem("payer_id", "Payer ID is required when Source is Insurance")]
    if line is None or payment.payer_id not in book.payers:
        return []
    if line.policy_id is None:
        return [payment.src.problem(
            "payer_id",
            f'appointment "{payment.appointment_id}" is self-pay; no insurer pays it')]
    policy = book.policies.get(line.policy_id)
    if policy is not None and policy.payer_id != payment.payer_id \
            and not _client_covered_by(book, line.client_id, payment.payer_id):
        return [payment.src.problem(
            "payer_id",
            f'"{payment.payer_id}" is not the payer of appointment '
            f'"{payment.appointment_id}" (its policy "{policy.policy_id}" is with '
            f'"{policy.payer_id}")')]
    return []
