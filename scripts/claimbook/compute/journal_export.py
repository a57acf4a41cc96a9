"""The journal in the shapes accounting software imports: QuickBooks Online's journal
entry import, Xero's manual journal import, and a one-entry-per-day summary of either.

Pure computation: rows of text; the CSV files are written by
:mod:`claimbook.io.xlsx.handoff`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claimbook.compute.journal import (
    AR_ROLES,
    ROLE_SETTINGS,
    Accounts,
    JournalEntry,
    JournalLine,
    lines_of,
)
from claimbook.rules.money import fmt

DAILY = "Daily summary"

# QuickBooks Online's journal-entry import (Settings > Import data > Journal entries).
QBO_COLUMNS = ("Journal No", "Journal Date", "Account Name", "Debits", "Credits",
               "Description", "Name")

# Xero's manual journal template (Accounting > Manual Journals > Import; starred columns
# are mandatory). Lines with the same Narration and Date form one journal; Amount is a
# debit when positive, a credit when negative; a file holds at most 300 lines.
XERO_COLUMNS = ("*Narration", "*Date", "Description", "*AccountCode", "*TaxRate", "*Amount",
                "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2")
XERO_MAX_LINES = 300


def daily(entries: list[JournalEntry]) -> list[JournalEntry]:
    """One entry per day: the day's lines summed by account and name (the payer on
    insurance A/R, the client on client A/R), netted to one side.

    Args:
        entries: the journal, in date order.

    Returns:
        ``D-YYYYMMDD`` entries; each balances, and the clearing account's transfers
        (which net to zero every day) disappear.
    """
    days: dict[date, dict[tuple, list]] = {}
    for line in lines_of(entries):
        name = line.name if line.role in AR_ROLES else ""
        slot = days.setdefault(line.day, {}).setdefault((line.role, line.account, name),
                                                          [0, []])
        slot[0] += line.net
        if line.event not in slot[1]:
            slot[1].append(line.event)
    order = {role: i for i, role in enumerate(ROLE_SETTINGS)}
    out = []
    for day in sorted(days):
        entry = JournalEntry(f"D-{day:%Y%m%d}", day, title=DAILY)
        for (role, account, name), (net, events) in sorted(
                days[day].items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][2])):
            if net:
                entry.lines.append(JournalLine(
                    number=entry.number, day=day, role=role, account=account,
                    debit=max(net, 0), credit=max(-net, 0), name=name,
                    description=f"{DAILY}: {', '.join(events).lower()}", event=DAILY,
                    appointment_id=""))
        if entry.lines:
            out.append(entry)
    return out


def qbo_rows(entries: list[JournalEntry]) -> list[list[str]]:
    """The journal as QuickBooks Online's journal-entry import wants it.

    Columns :data:`QBO_COLUMNS`; dates MM/DD/YYYY (QuickBooks Online US, whatever the
    practice's date style); amounts with two decimals, the other side blank. Text is
    returned as is (the CSV writer makes it formula-safe).
    """
    rows = []
    for line in lines_of(entries):
        rows.append([line.number, f"{line.day:%m/%d/%Y}", line.account,
                     fmt(line.debit) if line.debit else "",
                     fmt(line.credit) if line.credit else "",
                     line.description, line.name])
    return rows


def missing_codes(entries: list[JournalEntry], accounts: Accounts) -> list[str]:
    """The Practice settings that must hold a Xero account code and are blank: one for
    every account the journal uses."""
    used = {line.role for line in lines_of(entries)}
    return [accounts.code_setting(role) for role in ROLE_SETTINGS
            if role in used and not accounts.codes.get(role)]


def xero_rows(entries: list[JournalEntry], accounts: Accounts) -> list[list[list]]:
    """The journal as Xero's manual journal import wants it, one list of rows per entry.

    Columns :data:`XERO_COLUMNS`; the Narration is the entry's number and what it is
    about; dates ``01 Oct 2026`` (read the same in every Xero region); the Description
    names the payer or client of an A/R line; amounts signed, as Decimals (a CSV writer
    leaves a negative number alone, where it guards text that starts with "-").
    """
    out = []
    for entry in entries:
        narration = f"{entry.number}: {entry.memo}"
        day = entry.day.strftime("%d %b %Y")
        rows = []
        for line in entry.lines:
            about = f"{line.description} - {line.name}" if line.name else line.description
            rows.append([narration, day, about, accounts.codes.get(line.role) or "",
                         accounts.tax_rate, Decimal(line.net).scaleb(-2), "", "", "", ""])
        out.append(rows)
    return out


def xero_files(entries_rows: list[list[list[str]]],
               most: int = XERO_MAX_LINES) -> list[list[list[str]]]:
    """Rows grouped into files of at most ``most`` lines, never splitting a journal."""
    files: list[list[list[str]]] = [[]]
    for rows in entries_rows:
        if files[-1] and len(files[-1]) + len(rows) > most:
            files.append([])
        files[-1].extend(rows)
    return [f for f in files if f] or [[]]
