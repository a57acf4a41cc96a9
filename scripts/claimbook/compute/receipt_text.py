"""What the receipt's two writers draw, and its email says, in the client's words.

The PDF (``io/receipt_pdf.py``) and the sheet (``io/xlsx/receipt.py``) take their blocks,
tables, money summary, notes and signature blocks from here, so they say the same
thing. The rules of the wording:

- the headline is what the client owes ("Due from you"), or their credit; what an insurer
  still owes is a separate, smaller line that names it ("Pending from Premera Blue Cross");
- a visit the practice billed says so ("We billed Premera Blue Cross on 10/06/2026; keep
  this receipt for your records"); only a visit the practice does not bill (self-pay with
  diagnosis codes) asks the client to submit it to their insurer;
- a denial is shown with its reason in words, never as money expected;
- a self-pay receipt has no codes, no attestation and no insurer wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from claimbook.compute.papers import (  # noqa: F401 - TEXT ... part of the interface
    BILLED,
    DATE,
    DENIAL,
    DETAIL,
    INT,
    MONEY,
    SELF_PAY,
    SUBMIT,
    TEXT,
    TOTAL,
    UNBILLED,
    ClientInfo,
    Column,
    PracticeInfo,
    SummaryRow,
    date_text,
    dates_text,
    denial_reason,
    money_text,
    reason_legend,
    visits_text,
)
from claimbook.compute.receipts import (
    SUPERBILL,
    Coverage,
    PayerMoney,
    Receipt,
    Therapist,
    Totals,
    VisitState,
)
from claimbook.rules.dates import DEFAULT_STYLE


@dataclass(frozen=True, slots=True)
class SignatureBlock:
    """One rendering provider's certification of their own lines, and how it is signed."""

    therapist: Therapist
    statement: str
    on_file: bool  # "Signature on file" instead of a line to sign
    dated: date | None  # the date printed beside the signature (None: left to write)


# -- the money summary ----------------------------------------------------------------------
def summary_rows(totals: Totals) -> list[SummaryRow]:
    """The money summary, top to bottom: charges, what was paid and adjusted, each by
    whom; then the headline (due from you, or your credit); then what each insurer
    still owes or denied, as smaller lines naming it."""
    rows = [SummaryRow("Total charges", totals.charge)]
    rows += [SummaryRow(label, -cents) for label, cents in (
        ("Discount", totals.discount), ("Paid by you at the visit", totals.paid_at_visit),
        ("Paid by you later" if totals.paid_later >= 0 else "Refunded to you",
         totals.paid_later)) if cents]
    for payer in totals.by_payer:
        if payer.paid:
            rows.append(SummaryRow(f"Paid by {payer.payer_name}", -payer.paid))
        if payer.adjusted:
            rows.append(SummaryRow(f"Adjusted by {payer.payer_name} (not billed to you)",
                                   -payer.adjusted))
    rows.append(headline(totals.client_due))
    rows += [SummaryRow(label, cents, DETAIL) for label, cents in insurer_lines(
        totals.by_payer)]
    return rows


def headline(client_due: int) -> SummaryRow:
    """``Due from you $20.00``, or ``Credit on your account $135.00``."""
    if client_due < 0:
        return SummaryRow("Credit on your account", -client_due, TOTAL)
    return SummaryRow("Due from you", client_due, TOTAL)


def insurer_lines(by_payer: tuple[PayerMoney, ...]) -> list[tuple[str, int]]:
    """What each insurer still owes or denied: ``("Pending from Aetna", 14800)``."""
    out = []
    for payer in by_payer:
        if payer.pending > 0:
            out.append((f"Pending from {payer.payer_name}", payer.pending))
        elif payer.pending < 0:
            out.append((f"Owed back to {payer.payer_name}", -payer.pending))
        if payer.denied:
            out.append((f"Denied by {payer.payer_name} (not due from you)", payer.denied))
    return out


# -- the notes: where each visit stands ---------------------------------------------------------
def insurer_sentences(visits: tuple[VisitState, ...] | list[VisitState], document: str,
                      style: str = DEFAULT_STYLE
                      ) -> list[str]:
    """Where the visits stand with their insurers, one sentence per insurer and state.

    Args:
        visits: the visits on the paper.
        document: the paper in the sentences ("this receipt", "these receipts").

    Returns:
        e.g. ``["We billed Premera Blue Cross on 10/06/2026; keep this receipt for your
        records."]``.
    """
    groups: dict[tuple, list[VisitState]] = {}
    for v in visits:
        groups.setdefault((v.insurer.kind, v.insurer.payer_name), []).append(v)
    return [_sentence(kind, payer, group, document, style)
            for (kind, payer), group in groups.items()]


def _sentence(kind: str, payer: str | None, group: list[VisitState], document: str,
              style: str) -> str:
    one = len(group) == 1
    first = group[0].insurer
    days = [v.date_of_service for v in group]
    visits = "this visit" if one else visits_text(days, style)
    if kind == SELF_PAY:
        return f"Thank you. Keep {document} for your records."
    if kind == SUBMIT:
        return (f"We do not bill your insurer for {visits}: to be reimbursed, submit "
                f"{document} to your insurer with their claim form.")
    claim = f" under claim {first.claim_number}" if first.is_injury_claim and \
        first.claim_number else ""
    if kind == UNBILLED:
        return (f"We will bill {payer} for {visits}{claim}; there is nothing for you to "
                f"submit. Keep {document} for your records.")
    if kind == DENIAL:
        when = f" on {date_text(first.answered_on, style)}" if one and first.answered_on \
            else ""
        what = "the claim" if one else f"the claims for {visits}"
        text = f"{payer} denied {what}{when}: {denial_reason(first)}."
        if any("appeal" in (v.insurer.claim_status or "").lower() for v in group):
            text += " We have appealed the decision."
        return text
    when = f" on {date_text(first.billed_on, style)}" if one and first.billed_on else ""
    what = "" if one else f" for {visits}"
    return f"We billed {payer}{what}{when}{claim}; keep {document} for your records."


def _this(receipt: Receipt) -> str:
    return "this superbill" if receipt.kind == SUPERBILL and not receipt.plain else \
        "this receipt"


def credit_sentence(client_due: int) -> str | None:
    """The client's credit in words, or None when there is none."""
    if client_due >= 0:
        return None
    return (f"You have a credit of {money_text(-client_due)} with us; we apply it to your "
            "next visit, or refund it on request.")


def notes(receipt: Receipt) -> list[str]:
    """Everything the receipt tells the client in sentences, in order."""
    out = insurer_sentences(receipt.visits, _this(receipt), receipt.practice.date_style)
    credit = credit_sentence(receipt.totals.client_due)
    if credit:
        out.append(credit)
    contact = receipt.practice.phone or receipt.practice.email
    if contact:
        out.append(f"Questions about your bill: {contact}.")
    return out


# -- the blocks ----------------------------------------------------------------------------
def coverage_rows(coverage: Coverage) -> list[tuple[str, str | date]]:
    """The insurance block as label/value pairs (blank values left out; dates as dates).

    Workers' comp shows the employer and the claim number, never an insured."""
    if coverage.is_workers_comp:
        pairs = [("Payer", coverage.payer_name), ("Plan type", coverage.payer_type),
                 ("Claim number", coverage.claim_number), ("Employer", coverage.employer)]
    else:
        pairs = [("Payer", coverage.payer_name), ("Plan type", coverage.payer_type),
                 ("Member ID", coverage.member_id), ("Group", coverage.group_number),
                 ("Insured", coverage.subscriber), ("Claim number", coverage.claim_number)]
    if coverage.is_injury_claim:
        pairs += [("Date of injury", coverage.date_of_injury),
                  ("Referred by", coverage.referring_provider),
                  ("Referring NPI", coverage.referring_npi)]
    return [(label, value) for label, value in pairs if value]


def therapist_rows(therapist: Therapist) -> list[tuple[str, str]]:
    """The rendering provider block as label/value pairs."""
    pairs = [("Provider", therapist.signed_name), ("NPI", therapist.npi),
             ("License", therapist.license), ("Taxonomy", therapist.taxonomy_code)]
    return [(label, value) for label, value in pairs if value]


def client_rows(client: ClientInfo) -> list[tuple[str, str | date]]:
    """The client block as label/value pairs (the date of birth as a date)."""
    address = [("Address" if i == 0 else "", line)
               for i, line in enumerate(client.address_lines)]
    pairs = [("Client", client.name), ("Date of birth", client.date_of_birth),
             *address, ("Client ID", client.client_id)]
    return [(label, value) for label, value in pairs if value]


def practice_rows(practice: PracticeInfo) -> list[tuple[str, str]]:
    """The practice's identifiers as label/value pairs."""
    pairs = [("Tax ID", practice.tax_id), ("Billing NPI", practice.billing_npi)]
    return [(label, value) for label, value in pairs if value]


# -- the tables ----------------------------------------------------------------------------
def service_columns(receipt: Receipt) -> list[Column]:
    """The service table's columns: the CMS-1500 line (with modifiers) on an insurance
    receipt; date, service, provider, minutes and charge on a plain one."""
    if receipt.plain:
        return [Column("#", INT, 7, "CENTER"), Column("Date", DATE, 22), Column("Service"),
                Column("Provider", TEXT, 40), Column("Minutes", INT, 18, "RIGHT"),
                Column("Charge", MONEY, 24, "RIGHT")]
    columns = [Column("#", INT, 6, "CENTER"), Column("Date", DATE, 20),
               Column("POS", TEXT, 10, "CENTER"), Column("Code", TEXT, 14),
               Column("Mod", TEXT, 14), Column("Description"),
               Column("Dx", TEXT, 12, "CENTER"), Column("Min", INT, 11, "RIGHT"),
               Column("Units", INT, 12, "RIGHT"), Column("Charge", MONEY, 21, "RIGHT")]
    if len(receipt.therapists) > 1:
        columns.insert(6, Column("Rendering NPI", TEXT, 22))
    return columns


def service_table_rows(receipt: Receipt) -> list[list]:
    """The service lines, in :func:`service_columns` order (dates as dates, money in
    cents, counts as numbers); on a plain receipt a line's modifiers follow its name."""
    names = {t.staff_id: t.name for t in receipt.therapists}
    npi = {t.staff_id: t.npi or "" for t in receipt.therapists}
    rows = []
    for s in receipt.services:
        if receipt.plain:
            service = s.description or s.code
            service += f" (modifiers {s.modifiers})" if s.modifiers else ""
            row = [s.number, s.date_of_service, service, names.get(s.staff_id, ""),
                   s.minutes, s.charge]
        else:
            row = [s.number, s.date_of_service, s.place_of_service, s.code, s.modifiers,
                   s.description, s.pointers, s.minutes, s.units, s.charge]
            if len(receipt.therapists) > 1:
                row.insert(6, npi.get(s.staff_id, ""))
        rows.append(row)
    return rows


PAYMENT_COLUMNS = [Column("Received", DATE, 21), Column("For visit of", DATE, 22),
                   Column("Paid by"), Column("Reference", TEXT, 32),
                   Column("Reason", TEXT, 22), Column("Paid", MONEY, 22, "RIGHT"),
                   Column("Adjusted", MONEY, 22, "RIGHT")]


def payment_table_rows(receipt: Receipt) -> list[list]:
    """The payments, by date of service, in :data:`PAYMENT_COLUMNS` order."""
    return [[p.date_received, p.date_of_service, p.paid_by, p.reference or "",
             " ".join(p.reasons), p.amount, p.adjustment or None] for p in receipt.payments]


def reason_lines(receipt: Receipt) -> list[str]:
    """Each reason code on the receipt's payments, explained: ``CO-45: the charge
    exceeds the fee schedule or contracted amount; written off by us, not billed to you``."""
    codes: list[str] = []
    for p in receipt.payments:
        codes += [c for c in p.reasons if c not in codes]
    return [reason_legend(c) for c in codes]


# -- the signatures ------------------------------------------------------------------------
def signature_blocks(receipt: Receipt) -> list[SignatureBlock]:
    """One block per rendering provider, certifying only their own lines; none on a
    plain (self-pay) receipt."""
    if receipt.plain:
        return []
    several = len(receipt.therapists) > 1
    out = []
    for therapist in receipt.therapists:
        numbers = [s.number for s in receipt.services if s.staff_id == therapist.staff_id]
        what = f"the services on {lines_text(numbers)}" if several else \
            "the services listed above"
        statement = (f"I certify that {what} were medically necessary and were personally "
                     "rendered by me.")
        signed = receipt.on_file or bool(therapist.signature_image)
        out.append(SignatureBlock(therapist, statement, receipt.on_file,
                                  receipt.issued if signed else None))
    return out


def lines_text(numbers: list[int]) -> str:
    """``line 1``; ``lines 1 and 3``; ``lines 1, 2 and 4``."""
    texts = [str(n) for n in numbers]
    if len(texts) == 1:
        return f"line {texts[0]}"
    return "lines " + (" and ".join(texts) if len(texts) == 2 else
                       ", ".join(texts[:-1]) + " and " + texts[-1])


def period_text(receipt: Receipt) -> tuple[str, str]:
    """The label and value of the service dates: ``("Date of service", "10/05/2026")``."""
    first, last = receipt.period
    style = receipt.practice.date_style
    if first == last:
        return "Date of service", date_text(first, style)
    return "Service dates", f"{date_text(first, style)} - {date_text(last, style)}"


# -- the email -----------------------------------------------------------------------------
def email_text(receipts: list[Receipt]) -> tuple[str, str]:
    """The subject and body of one email carrying ``receipts`` (all of one client).

    The body says what the client owes (never a balance they do not owe), what is
    pending from each insurer by name, and where the visits stand.
    """
    first = receipts[0]
    practice = first.practice.name
    style = first.practice.date_style
    if len(receipts) == 1:
        subject = f"Your {first.title.lower()} {first.number} from {practice}"
        what = f"your {first.title.lower()} {first.number}"
    else:
        subject = f"Your {len(receipts)} receipts from {practice}"
        what = f"your {len(receipts)} receipts ({', '.join(r.number for r in receipts)})"
    are = "is" if len(receipts) == 1 else "are"
    visits = [v for r in receipts for v in r.visits]
    days = [v.date_of_service for v in visits]
    lines = [f"Dear {first.client.first_name},", "",
             f"Attached {are} {what} for "
             f"{visits_text(days, style).replace('the ', 'your ', 1)}.", ""]
    lines += insurer_sentences(visits, _this(first) if len(receipts) == 1 else
                               "these receipts", style)
    lines += [""] + money_lines(sum(r.totals.client_due for r in receipts),
                                _merged(r.totals.by_payer for r in receipts))
    contact = first.practice.phone or first.practice.email
    if contact:
        lines += ["", f"Questions about your bill: {contact}."]
    lines += ["", "Thank you,", practice]
    lines += [p for p in (first.practice.phone, first.practice.email) if p]
    return subject, "\n".join(lines) + "\n"


def money_lines(client_due: int, by_payer: tuple[PayerMoney, ...]) -> list[str]:
    """``Due from you: $0.00. There is nothing to pay.`` and a line per insurer."""
    if client_due > 0:
        out = [f"Due from you: {money_text(client_due)}."]
    elif client_due == 0:
        out = ["Due from you: $0.00. There is nothing to pay."]
    else:
        out = [f"Credit on your account: {money_text(-client_due)}. There is nothing to pay."]
    for label, cents in insurer_lines(by_payer):
        note = " We are following it up; there is nothing for you to do." \
            if label.startswith("Pending") else ""
        out.append(f"{label}: {money_text(cents)}.{note}")
    return out


def _merged(groups) -> tuple[PayerMoney, ...]:
    sums: dict[str, list[int]] = {}
    for group in groups:
        for p in group:
            s = sums.setdefault(p.payer_name, [0, 0, 0, 0])
            for i, cents in enumerate((p.paid, p.adjusted, p.pending, p.denied)):
                s[i] += cents
    return tuple(PayerMoney(name, *money) for name, money in sums.items())
