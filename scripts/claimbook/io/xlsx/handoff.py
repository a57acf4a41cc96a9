"""Write the bookkeeper's handoff workbook (and its QuickBooks Online CSV) from a
:class:`~claimbook.bookkeeping.Handoff`, encrypted with a password when one is given.

With a password the plain workbook is written to a private temporary file beside the
target, encrypted into the target's own temporary file with msoffcrypto-tool (Excel's
Agile encryption: Excel asks for the password on open), and removed whatever happens.
"""

from __future__ import annotations

import csv
import io

from claimbook.compute.bookkeeping import Handoff
from claimbook.compute.journal import QBO_COLUMNS, JournalEntry, lines_of, qbo_rows
from claimbook.io.xlsx.safe import refuse_if_open, replace_atomically
from claimbook.io.xlsx.styles import (
    DATE,
    INT,
    MONEY,
    TEXT,
    Col,
    Formats,
    new_workbook,
    print_setup,
    write_table,
)
from claimbook.rules.problems import ClaimbookError
from claimbook.rules.textsafe import csv_safe


class EncryptionFailed(ClaimbookError):
    """The workbook could not be encrypted; nothing was written."""


def write_handoff(handoff: Handoff, path: str, password: str | None = None,
                  csv_path: str | None = None) -> list[str]:
    """Write the handoff workbook (and the journal CSV) atomically.

    Args:
        handoff: the month's handoff.
        path: the workbook to write.
        password: encrypt the workbook with it (None: not encrypted).
        csv_path: also write the journal as a QuickBooks Online import CSV there.

    Returns:
        The paths written, the workbook first.

    Raises:
        WorkbookInUse: a target is open in Excel; nothing is written.
        EncryptionFailed: msoffcrypto-tool could not encrypt; nothing is written.
    """
    refuse_if_open(path)
    if csv_path:
        refuse_if_open(csv_path)

    def build(tmp: str) -> None:
        if password:
            _encrypted(handoff, tmp, password)
        else:
            _workbook(handoff, tmp)
        if csv_path:
            replace_atomically(csv_path, lambda csv_tmp: write_journal_csv(handoff.entries,
                                                                           csv_tmp))

    replace_atomically(path, build)
    return [path] + ([csv_path] if csv_path else [])


def _encrypted(handoff: Handoff, target: str, password: str) -> None:
    """Build the workbook in memory and write only its encryption to ``target``: no
    plain copy of it ever touches the disk (not even XlsxWriter's temporary files)."""
    import msoffcrypto.exceptions
    import msoffcrypto.format.ooxml

    plain = io.BytesIO()
    _workbook(handoff, plain)
    try:
        encrypted = io.BytesIO()
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt(password, encrypted)
    except (ValueError, msoffcrypto.exceptions.EncryptionError) as exc:
        raise EncryptionFailed(f"could not encrypt the handoff workbook ({exc})") from None
    with open(target, "wb") as out:
        out.write(encrypted.getvalue())


def write_journal_csv(entries: list[JournalEntry], path: str) -> None:
    """The journal in QuickBooks Online's journal-entry import layout; text that Excel
    could take for a formula gets a leading apostrophe."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(QBO_COLUMNS)
        for row in qbo_rows(entries):
            writer.writerow([csv_safe(v) for v in row])


def _workbook(handoff: Handoff, path: str | io.BytesIO) -> None:
    in_memory = {"in_memory": True} if isinstance(path, io.BytesIO) else {}
    wb = new_workbook(path, **in_memory)
    fmts = Formats(wb)
    title = f"{handoff.practice_name}: bookkeeper's handoff, {handoff.month.label}"
    wb.set_properties({"title": title, "subject": "Bookkeeper's handoff",
                       "author": "claimbook", "company": handoff.practice_name})
    summary = _summary(wb, fmts, handoff, title)
    _journal(wb, fmts, handoff, title)
    _deposits(wb, fmts, handoff, title)
    _revenue(wb, fmts, "Revenue by Code", "RevenueByCode",
             [Col("Service Code", TEXT, 13, "Total"), Col("Description", TEXT, 40)],
             handoff.by_code, title)
    _revenue(wb, fmts, "Revenue by Therapist", "RevenueByTherapist",
             [Col("Staff ID", TEXT, 10, "Total"), Col("Therapist", TEXT, 24)],
             handoff.by_therapist, title)
    _by_payer(wb, fmts, handoff, title)
    _roll_forward(wb, fmts, handoff, title)
    summary.activate()
    wb.close()


def _label_rows(ws, fmts: Formats, row: int, heading: str, rows: list[tuple]) -> int:
    """A heading and (label, cents) rows in columns A:B; returns the next free row."""
    ws.write_string(row, 0, heading, fmts.heading)
    ws.write_string(row, 1, "", fmts.heading)
    for i, (label, cents, *style) in enumerate(rows, start=row + 1):
        ws.write_string(i, 0, label, style[1] if len(style) > 1 else fmts.label)
        if isinstance(cents, str):
            ws.write_formula(i, 1, cents, style[0], style[2] / 100)
        else:
            ws.write_number(i, 1, cents / 100, style[0] if style else fmts.money)
    return row + len(rows) + 2


def _summary(wb, fmts: Formats, h: Handoff, title: str):
    ws = wb.add_worksheet("Summary")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 44)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 4)
    ws.write_string(0, 0, h.practice_name, fmts.title)
    ws.write_string(1, 0, f"Bookkeeper's handoff, {h.month.label} ({h.month.first_day} to "
                          f"{h.month.last_day})", fmts.subtitle)
    check = fmts.good if h.balanced else fmts.bad
    row = _label_rows(ws, fmts, 3, "Journal", [
        ("Total debits", h.debits), ("Total credits", h.credits),
        ("Difference (balanced when 0.00)", "=ROUND(B5-B6,2)", check, fmts.label,
         h.debits - h.credits)])
    ws.write_string(row - 1, 0, f"{len(h.entries)} entries, {len(lines_of(h.entries))} lines "
                                "(sheet Journal)", fmts.note)
    ar_tie = fmts.good if h.ties else fmts.bad
    first = row + 1
    row = _label_rows(ws, fmts, row, "A/R ties to the roll-forward", [
        *[(f"Net change, {a.account}", a.debits - a.credits) for a in h.ar_accounts],
        ("Net change of A/R in the journal", f"=B{first + 1}+B{first + 2}",
         fmts.money_bold, fmts.label_bold, h.ar_net_change),
        ("Net change of A/R in the roll-forward", h.roll.activity.net_change),
        ("Difference (ties when 0.00)", f"=ROUND(B{first + 3}-B{first + 4},2)", ar_tie,
         fmts.label, h.ar_net_change - h.roll.activity.net_change)])
    first = row + 1
    rec = h.received
    row = _label_rows(ws, fmts, row, "Money received", [
        ("Insurance payments", rec.insurance), ("Clients, at the visit", rec.at_visit),
        ("Clients, later", rec.client_later), ("Refunds", rec.refunds),
        ("Total received", f"=SUM(B{first + 1}:B{first + 4})", fmts.money_total,
         fmts.label_bold, rec.total),
        ("Deposits to tick against the bank (sheet Deposits)", h.deposits_total)])
    _summary_tables(ws, fmts, h, row)
    print_setup(ws, title, repeat_row=None)
    return ws


def _summary_tables(ws, fmts: Formats, h: Handoff, row: int) -> None:
    ws.write_string(row, 0, "Journal by account", fmts.heading)
    cols = [Col("Account", TEXT, 44, "Total"), Col("Debits", MONEY, 16, "sum"),
            Col("Credits", MONEY, 16, "sum"), Col("Net Debit", MONEY, 16, "sum")]
    rows = [[a.account, a.debits, a.credits, a.net] for a in h.by_account]
    _, _, last, _ = write_table(ws, fmts, "JournalByAccount", cols, rows, first_row=row + 1,
                                total_row=True, freeze=False)
    row = last + 2
    ws.write_string(row, 0, "Accounts (Practice settings you can rename)", fmts.heading)
    cols = [Col("Setting", TEXT, 44), Col("Account", TEXT, 34)]
    _, _, last, _ = write_table(ws, fmts, "AccountSettings", cols, h.accounts.settings(),
                                first_row=row + 1, freeze=False)
    ws.set_column(1, 1, 30)
    who = ("Clients appear by Client ID and name (--names)." if h.names
           else "Clients appear by Client ID only.")
    _notes(ws, fmts, last + 2, [
        "Minimum necessary: no dates of birth, diagnosis codes, member IDs, claim numbers,",
        f"addresses, phone numbers, emails or notes. {who}",
        "Money is computed in exact cents."])


def _notes(ws, fmts: Formats, row: int, lines: list[str]) -> None:
    """Short lines of grey text, one per row (wrapped text would hide in a short row)."""
    for i, text in enumerate(lines):
        ws.write_string(row + i, 0, text, fmts.subtitle)


JOURNAL_COLS = [
    Col("Journal No", TEXT, 16, "Total"), Col("Date", DATE, 11), Col("Account", TEXT, 32),
    Col("Debit", MONEY, 12, "sum"), Col("Credit", MONEY, 12, "sum"), Col("Name", TEXT, 20),
    Col("Description", TEXT, 44), Col("Event", TEXT, 20), Col("Appointment ID", TEXT, 13),
    Col("Payment ID", TEXT, 12), Col("Client ID", TEXT, 10), Col("Payer ID", TEXT, 12),
    Col("Method", TEXT, 12), Col("Reference", TEXT, 16),
]


def _journal(wb, fmts: Formats, h: Handoff, title: str) -> None:
    ws = wb.add_worksheet("Journal")
    cols = list(JOURNAL_COLS)
    if h.names:
        cols.insert(11, Col("Client", TEXT, 22))
    rows = []
    for ln in lines_of(h.entries):
        row = [ln.number, ln.day, ln.account, ln.debit or None, ln.credit or None, ln.name,
               ln.description, ln.event, ln.appointment_id, ln.payment_id, ln.client_id,
               ln.payer_id, ln.method, ln.reference]
        if h.names:
            row.insert(11, h.client_names.get(ln.client_id or "", ""))
        rows.append(row)
    write_table(ws, fmts, "JournalLines", cols, rows, total_row=True)
    print_setup(ws, title)


def _deposits(wb, fmts: Formats, h: Handoff, title: str) -> None:
    ws = wb.add_worksheet("Deposits")
    cols = [Col("Date", DATE, 11, "Total"), Col("From", TEXT, 10), Col("Method", TEXT, 13),
            Col("Reference", TEXT, 18), Col("Payer ID", TEXT, 12), Col("Payer", TEXT, 22),
            Col("Items", INT, 7, "sum"), Col("Amount", MONEY, 13, "sum"),
            Col("On statement", TEXT, 13)]
    rows = [[d.day, d.source, d.method, d.reference, d.payer_id, d.payer_name, d.items,
             d.amount, None] for d in h.deposits]
    write_table(ws, fmts, "BankDeposits", cols, rows, total_row=True)
    print_setup(ws, title)


def _revenue(wb, fmts: Formats, sheet: str, table: str, key_cols: list[Col], rows_in,
             title: str) -> None:
    ws = wb.add_worksheet(sheet)
    cols = key_cols + [Col("Visits", INT, 8, "sum"), Col("Lines", INT, 8, "sum"),
                       Col("Units", INT, 8, "sum"), Col("Charges", MONEY, 13, "sum"),
                       Col("Discounts", MONEY, 12, "sum"), Col("Net", MONEY, 13, "sum")]
    rows = [[r.key, r.name, len(r.visits), r.lines, r.units, r.charges, r.discounts, r.net]
            for r in rows_in]
    write_table(ws, fmts, table, cols, rows, total_row=True)
    print_setup(ws, title)


def _by_payer(wb, fmts: Formats, h: Handoff, title: str) -> None:
    ws = wb.add_worksheet("Insurance by Payer")
    cols = [Col("Payer ID", TEXT, 13, "Total"), Col("Payer", TEXT, 24), Col("Type", TEXT, 13),
            Col("Checks or EFTs", INT, 12, "sum"), Col("Visits Paid", INT, 11, "sum"),
            Col("Paid", MONEY, 13, "sum"), Col("Adjustments", MONEY, 13, "sum"),
            Col("Patient Responsibility", MONEY, 14, "sum")]
    rows = [[r.payer_id, r.name, r.kind, len(r.references), r.visits, r.paid, r.adjustments,
             r.patient_responsibility] for r in h.by_payer]
    write_table(ws, fmts, "InsuranceByPayer", cols, rows, total_row=True)
    print_setup(ws, title)


def _roll_forward(wb, fmts: Formats, h: Handoff, title: str) -> None:
    ws = wb.add_worksheet("AR Roll-forward")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 44)
    ws.write_string(0, 0, f"A/R roll-forward, {h.month.label}", fmts.title)
    roll, act = h.roll, h.roll.activity
    ties = fmts.good if roll.ties else fmts.bad
    row = _label_rows(ws, fmts, 2, "As in the monthly outstanding-balance report", [
        ("A/R at the start of the month", roll.opening_ar), ("+ Charges", act.charges),
        ("- Discounts", act.discounts), ("- Client payments", act.client_payments),
        ("- Insurance payments", act.insurance_payments), ("- Adjustments", act.adjustments),
        ("A/R at the end of the month", "=B4+B5-B6-B7-B8-B9", fmts.money_total,
         fmts.label_bold, roll.opening_ar + act.net_change),
        ("Sum of open balances at the end of the month", roll.closing_ar),
        ("Difference (ties when 0.00)", "=ROUND(B10-B11,2)", ties, fmts.label,
         -roll.difference)])
    ws.write_string(row, 0, "The A/R accounts in the journal", fmts.heading)
    cols = [Col("Account", TEXT, 44, "Total"), Col("Opening", MONEY, 16, "sum"),
            Col("Debits", MONEY, 14, "sum"), Col("Credits", MONEY, 14, "sum"),
            Col("Closing", MONEY, 16, "sum")]
    rows = [[a.account, a.opening, a.debits, a.credits, a.closing] for a in h.ar_accounts]
    write_table(ws, fmts, "ARAccounts", cols, rows, first_row=row + 1, total_row=True,
                freeze=False)
    ws.set_column(1, 1, 16)
    _notes(ws, fmts, row + 6, [
        "Opening: every journal entry before the month. A copay taken before the insurer's EOB",
        "is a credit in the clients' A/R until the EOB's patient responsibility moves the",
        "amount over, so that account may show a credit; the two together are the A/R."])
    print_setup(ws, title, repeat_row=None)
