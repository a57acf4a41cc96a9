"""Write the bookkeeper's handoff workbook (and its journal CSV for QuickBooks Online or
Xero) from a :class:`~claimbook.compute.bookkeeping.Handoff`, encrypted with a password
when one is given.

With a password the plain workbook is written to a private temporary file beside the
target, encrypted into the target's own temporary file with msoffcrypto-tool (Excel's
Agile encryption: Excel asks for the password on open), and removed whatever happens.
"""

from __future__ import annotations

import csv
import io

from claimbook.compute.bookkeeping import Handoff
from claimbook.compute.journal import JournalEntry, JournalLine, lines_of
from claimbook.compute.journal_export import (
    QBO_COLUMNS,
    XERO_COLUMNS,
    missing_codes,
    qbo_rows,
    xero_files,
    xero_rows,
)
from claimbook.io.xlsx.safe import refuse_if_open, replace_atomically
from claimbook.io.xlsx.styles import (
    CODE,
    DATE,
    INT,
    MONEY,
    TEXT,
    Col,
    Formats,
    new_workbook,
    print_setup,
    write_difference,
    write_table,
)
from claimbook.io.xlsx.summary_sheet import LabelRows, keep_sections_whole, roll_forward_section
from claimbook.rules.dates import show_date
from claimbook.rules.problems import BadRequest, ClaimbookError
from claimbook.rules.textsafe import csv_safe

QBO, XERO = "qbo", "xero"
CSV_FORMATS = (QBO, XERO)


class EncryptionFailed(ClaimbookError):
    """The workbook could not be encrypted; nothing was written."""


def csv_paths(base: str, handoff: Handoff, csv_format: str) -> list[str]:
    """The journal CSV file(s) for ``base`` (``...-journal.csv``): one for QuickBooks
    Online; for Xero ``...-xero.csv``, or ``-xero-1.csv``, ``-xero-2.csv`` ... when the
    journal has more lines than one Xero import takes (300)."""
    if csv_format == QBO:
        return [base]
    stem = base[:-len("-journal.csv")] if base.endswith("-journal.csv") else base[:-4]
    parts = len(xero_files(xero_rows(handoff.posted, handoff.accounts)))
    if parts == 1:
        return [f"{stem}-xero.csv"]
    return [f"{stem}-xero-{n}.csv" for n in range(1, parts + 1)]


def check_xero_codes(handoff: Handoff, settings_rows: dict[str, int]) -> None:
    """Refuse a Xero CSV while an account the journal uses has no Xero account code.

    Raises:
        BadRequest: naming the Practice cells to fill (one line).
    """
    missing = missing_codes(handoff.posted, handoff.accounts)
    if not missing:
        return
    where = []
    for name in missing:
        row = settings_rows.get(name.lower().replace(" ", "_").replace("/", "_"))
        where.append(f"Practice!B{row} ({name})" if row else f'"{name}" (add the row)')
    raise BadRequest("Xero imports accounts by code: fill " + ", ".join(where)
                     + " with the codes of your chart of accounts, e.g. 200")


def write_handoff(handoff: Handoff, path: str, password: str | None = None,
                  csv_path: str | None = None, csv_format: str = QBO) -> list[str]:
    """Write the handoff workbook (and the journal CSV) atomically.

    Args:
        handoff: the month's handoff.
        path: the workbook to write.
        password: encrypt the workbook with it (None: not encrypted).
        csv_path: also write the journal there (``...-journal.csv``; a Xero journal is
            named by :func:`csv_paths`).
        csv_format: ``qbo`` (QuickBooks Online) or ``xero``.

    Returns:
        The paths written, the workbook first.

    Raises:
        WorkbookInUse: a target is open in Excel; nothing is written.
        EncryptionFailed: msoffcrypto-tool could not encrypt; nothing is written.
    """
    targets = csv_paths(csv_path, handoff, csv_format) if csv_path else []
    refuse_if_open(path)
    for target in targets:
        refuse_if_open(target)

    def build(tmp: str) -> None:
        if password:
            _encrypted(handoff, tmp, password)
        else:
            _workbook(handoff, tmp)
        if csv_format == QBO:
            for target in targets:
                replace_atomically(target, lambda t: write_journal_csv(handoff.posted, t))
            return
        files = xero_files(xero_rows(handoff.posted, handoff.accounts))
        for target, rows in zip(targets, files):
            replace_atomically(target, lambda t, rows=rows: _write_csv(t, XERO_COLUMNS, rows))

    replace_atomically(path, build)
    return [path] + targets


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
    _write_csv(path, QBO_COLUMNS, qbo_rows(entries))


def _write_csv(path: str, header: tuple[str, ...], rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([csv_safe(v) for v in row])


def _workbook(handoff: Handoff, path: str | io.BytesIO) -> None:
    in_memory = {"in_memory": True} if isinstance(path, io.BytesIO) else {}
    wb = new_workbook(path, **in_memory)
    fmts = Formats(wb, handoff.date_style)
    title = f"{handoff.practice_name}: bookkeeper's handoff, {handoff.month.label}"
    wb.set_properties({"title": title, "subject": "Bookkeeper's handoff",
                       "author": "claimbook", "company": handoff.practice_name})
    footer = f"{handoff.month.label}, " + _period(handoff)
    summary = _summary(wb, fmts, handoff, title, footer)
    _journal(wb, fmts, handoff, title, footer)
    _deposits(wb, fmts, handoff, title, footer)
    _revenue(wb, fmts, "Revenue by Code", "RevenueByCode",
             [Col("Service Code", TEXT, 13, "Total"), Col("Description", TEXT, 40)],
             handoff.by_code, handoff, title, footer)
    _revenue(wb, fmts, "Revenue by Therapist", "RevenueByTherapist",
             [Col("Staff ID", TEXT, 10, "Total"), Col("Therapist", TEXT, 24)],
             handoff.by_therapist, handoff, title, footer)
    _by_payer(wb, fmts, handoff, title, footer)
    _roll_forward(wb, fmts, handoff, title, footer)
    summary.activate()
    wb.close()


def _period(h: Handoff) -> str:
    return (f"{show_date(h.month.first_day, h.date_style)} to "
            f"{show_date(h.month.last_day, h.date_style)}")


def _summary(wb, fmts: Formats, h: Handoff, title: str, footer: str):
    ws = wb.add_worksheet("Summary")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 46)
    ws.set_column(1, 3, 15)
    ws.write_string(0, 0, h.practice_name, fmts.title)
    ws.write_string(1, 0, f"Bookkeeper's handoff, {h.month.label} ({_period(h)})",
                    fmts.subtitle)
    out = LabelRows(ws, fmts, 3)
    posted = h.posted
    out.section("Journal", [
        ("Total debits", h.debits), ("Total credits", h.credits),
        ("Difference (balanced when 0.00)", out.difference_of(0, 1, h.debits - h.credits))],
        note=f"{len(posted)} entries, {len(lines_of(posted))} lines (sheet Journal); "
             + ("one summary entry a day" if h.daily else "each entry on one A/R account"))
    _ar_ties(out, h)
    rec = h.received
    out.section("Money received", [
        ("Insurance payments", rec.insurance), ("Clients, at the visit", rec.at_visit),
        ("Clients, later", rec.client_later), ("Refunds", rec.refunds),
        ("Total received", out.sum_of(0, 3, rec.total), "total"),
        ("Remittance adjustments (interest, recoupments)", rec.provider_adjustments),
        ("Deposits to tick against the bank (sheet Deposits)", h.deposits_total)])
    _summary_tables(ws, fmts, h, out)
    keep_sections_whole(ws, out.sections)
    print_setup(ws, title, landscape=False, repeat_row=None, footer=footer)
    return ws


def _ar_ties(out: LabelRows, h: Handoff) -> None:
    """Each A/R account at the month's end beside what the aging says is due."""
    rows = []
    for a, what in zip(h.ar_accounts, ("Due from insurers", "Due from clients")):
        rows.append((f"{a.account}: closing", a.closing))
        rows.append((f"{what}, per the aging", a.aging_closing))
        rows.append(("Difference (ties when 0.00)",
                     out.difference_of(len(rows) - 2, len(rows) - 1,
                                       a.closing - a.aging_closing)))
    rows.append(("Net change of A/R in the journal", h.ar_net_change))
    rows.append(("Net change of A/R in the roll-forward", h.roll.activity.net_change))
    rows.append(("Difference (ties when 0.00)",
                 out.difference_of(len(rows) - 2, len(rows) - 1,
                                   h.ar_net_change - h.roll.activity.net_change)))
    out.section("A/R accounts tie to the aging", rows,
                note="Monthly report: Summary, Who owes it (the same computation)")


def _summary_tables(ws, fmts: Formats, h: Handoff, out: LabelRows) -> None:
    row = out.row
    ws.write_string(row, 0, "Journal by account", fmts.heading)
    cols = [Col("Account", TEXT, 46, "Total"), Col("Debits", MONEY, 15, "sum"),
            Col("Credits", MONEY, 15, "sum"), Col("Net", MONEY, 15)]
    rows = [[a.account, a.debits, a.credits, a.net] for a in h.by_account]
    _, _, last, _ = write_table(ws, fmts, "JournalByAccount", cols, rows, first_row=row + 1,
                                total_row=True, freeze=False,
                                cell_formats={3: fmts.drcr})  # Dr / Cr, never a red revenue
    ws.write_number(last, 3, sum(a.net for a in h.by_account) / 100, fmts.drcr_total)
    out.sections.append((row, last))
    row = last + 2
    ws.write_string(row, 0, "Accounts (Practice settings you can rename)", fmts.heading)
    cols = [Col("Account", TEXT, 46), Col("Xero Code", CODE, 15),
            Col("Practice Setting", TEXT, 17)]  # the setting's name runs on into column D
    codes = [h.accounts.codes.get(role) for role in h.accounts.names]
    table = [[a, c, s] for (s, a), c in zip(h.accounts.settings(), codes)]
    _, _, last, _ = write_table(ws, fmts, "AccountSettings", cols, table,
                                first_row=row + 1, freeze=False)
    ws.set_column(1, 1, 15)
    ws.set_column(2, 2, 17)
    ws.set_column(3, 3, 15)
    who = ("Clients appear by Client ID and name (--names)." if h.names
           else "Clients appear by Client ID only.")
    notes = ["Minimum necessary: no dates of birth, diagnosis codes, member IDs, claim",
             "numbers, addresses, phone numbers, emails or notes.",
             f"{who} Money is computed in exact cents."]
    for i, text in enumerate(notes):
        ws.write_string(last + 2 + i, 0, text, fmts.subtitle)
    out.sections.append((row, last + 2 + len(notes)))


JOURNAL_COLS = [
    Col("Journal No", TEXT, 15, "Total"), Col("Date", DATE, 11), Col("Account", TEXT, 30),
    Col("Debit", MONEY, 11, "sum"), Col("Credit", MONEY, 11, "sum"), Col("Name", TEXT, 18),
    Col("Description", TEXT, 46), Col("Event", TEXT, 19), Col("Appointment ID", TEXT, 15),
    Col("Payment ID", TEXT, 12), Col("Client ID", TEXT, 10), Col("Payer ID", TEXT, 12),
    Col("Method", TEXT, 20), Col("Reference", TEXT, 16),
]
JOURNAL_PRINTED = 8  # the printout stops after Event; the IDs are for filtering


def _journal(wb, fmts: Formats, h: Handoff, title: str, footer: str) -> None:
    ws = wb.add_worksheet("Journal")
    cols = list(JOURNAL_COLS)
    if h.names:
        cols.insert(11, Col("Client", TEXT, 22))
    lines = lines_of(h.posted)
    f = JournalLine(*zip(*lines)) if lines else JournalLine(*[()] * len(JournalLine._fields))
    columns = [f.number, f.day, f.account, [d or None for d in f.debit],
               [c or None for c in f.credit], f.name, f.description, f.event,
               [a or None for a in f.appointment_id], f.payment_id, f.client_id, f.payer_id,
               f.method, f.reference]
    if h.names:
        columns.insert(11, [h.client_names.get(c or "", "") for c in f.client_id])
    _, _, last, _ = write_table(ws, fmts, "JournalLines", cols, None, total_row=True,
                                columns=columns)
    ws.print_area(0, 0, last, JOURNAL_PRINTED - 1)
    print_setup(ws, title, footer=footer)


def _deposits(wb, fmts: Formats, h: Handoff, title: str, footer: str) -> None:
    ws = wb.add_worksheet("Deposits")
    cols = [Col("Date", DATE, 11, "Total"), Col("From", TEXT, 10),
            Col("Method", TEXT, 21), Col("Reference", TEXT, 18), Col("Payer ID", TEXT, 12),
            Col("Payer", TEXT, 22), Col("Items", INT, 7, "sum"),
            Col("Paid to Visits", MONEY, 12, "sum"), Col("Remittance Adjustments", MONEY, 13,
                                                         "sum"),
            Col("Amount", MONEY, 12, "sum"), Col("On Statement", TEXT, 11)]
    rows = [[d.day, d.source, d.method, d.reference or ", ".join(d.references) or None,
             d.payer_id, d.payer_name, d.items, d.posted, d.other, d.amount, None]
            for d in h.deposits]
    write_table(ws, fmts, "BankDeposits", cols, rows, total_row=True)
    print_setup(ws, title, footer=footer)


def _revenue(wb, fmts: Formats, sheet: str, table: str, key_cols: list[Col], rows_in,
             h: Handoff, title: str, footer: str) -> None:
    ws = wb.add_worksheet(sheet)
    cols = key_cols + [Col("Visits", INT, 8), Col("Lines", INT, 8, "sum"),
                       Col("Units", INT, 8, "sum"), Col("Charges", MONEY, 12, "sum"),
                       Col("Discounts", MONEY, 12, "sum"), Col("Adjustments", MONEY, 12, "sum"),
                       Col("Net", MONEY, 12, "sum")]
    rows = [[r.key, r.name, len(r.visits), r.lines, r.units, r.charges, r.discounts,
             r.adjustments, r.net] for r in rows_in]
    _, _, last, _ = write_table(ws, fmts, table, cols, rows, total_row=True,
                                totals={2: h.visits})
    notes = ["Visits: a visit billed with two codes counts under each; the total counts it "
             "once.",
             "Adjustments: those posted this month (e.g. CO-45), shared among a visit's "
             "lines by charge. Net = Charges - Discounts - Adjustments."]
    for i, text in enumerate(notes):
        ws.write_string(last + 2 + i, 0, text, fmts.subtitle)
    print_setup(ws, title, footer=footer)


def _by_payer(wb, fmts: Formats, h: Handoff, title: str, footer: str) -> None:
    ws = wb.add_worksheet("Insurance by Payer")
    cols = [Col("Payer ID", TEXT, 13, "Total"), Col("Payer", TEXT, 24), Col("Type", TEXT, 13),
            Col("Checks or EFTs", INT, 12, "sum"), Col("Visits Paid", INT, 11, "sum"),
            Col("Paid", MONEY, 13, "sum"), Col("Adjustments", MONEY, 13, "sum"),
            Col("Patient Responsibility", MONEY, 16, "sum")]
    rows = [[r.payer_id, r.name, r.kind, len(r.references), r.visits, r.paid, r.adjustments,
             r.patient_responsibility] for r in h.by_payer]
    write_table(ws, fmts, "InsuranceByPayer", cols, rows, total_row=True)
    print_setup(ws, title, footer=footer)


def _roll_forward(wb, fmts: Formats, h: Handoff, title: str, footer: str) -> None:
    ws = wb.add_worksheet("AR Roll-forward")
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 46)
    ws.write_string(0, 0, f"A/R roll-forward, {h.month.label}", fmts.title)
    out = LabelRows(ws, fmts, 2)
    roll_forward_section(out, "As in the monthly outstanding-balance report", h.roll,
                         "Sum of open balances at the end of the month")
    row = out.row
    ws.write_string(row, 0, "The A/R accounts in the journal, and the aging", fmts.heading)
    cols = [Col("Account", TEXT, 46, "Total"), Col("Opening", MONEY, 13, "sum"),
            Col("Debits", MONEY, 13, "sum"), Col("Credits", MONEY, 13, "sum"),
            Col("Closing", MONEY, 13, "sum"), Col("Due per Aging", MONEY, 15, "sum"),
            Col("Difference", MONEY, 12, "sum")]
    rows = [[a.account, a.opening, a.debits, a.credits, a.closing, a.aging_closing,
             a.closing - a.aging_closing] for a in h.ar_accounts]
    _, _, last, _ = write_table(ws, fmts, "ARAccounts", cols, rows, first_row=row + 1,
                                total_row=True, freeze=False)
    for r, a in enumerate(h.ar_accounts, start=row + 2):  # check figures, 0.00 in green
        write_difference(ws, fmts, r, 6, f"=ROUND(E{r + 1}-F{r + 1},2)",
                         a.closing - a.aging_closing)
    notes = ["Opening: every journal entry before the month. Due per Aging: insurance due and",
             "client due at the month's end, as the monthly report's Who owes it shows them.",
             "A copay taken before the EOB lowers what the insurer owes; the EOB's patient",
             "responsibility moves the client's share to A/R - Clients (via the A/R Transfer",
             "clearing account, which nets to zero every day)."]
    for i, text in enumerate(notes):
        ws.write_string(last + 2 + i, 0, text, fmts.subtitle)
    print_setup(ws, title, repeat_row=None, footer=footer)
