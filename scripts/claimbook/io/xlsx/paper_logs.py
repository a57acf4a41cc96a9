"""claimbook's own logs of what clients were sent, kept beside the practice workbook.

- the **Email Log** (``<workbook> Email Log.xlsx``): one row per receipt or statement
  emailed, drafted or not sent, so nothing is sent twice, whichever folder the command
  runs from;
- the **Statement Log** (``<workbook> Statement Log.xlsx``): one row per statement made,
  with the amount due and how it went out, so ``today`` and the Reminder can say
  "statement sent 11/02/2026".

Each is rewritten whole and atomically after every row (a temporary file, then a
rename), so a crash mid-batch loses nothing already recorded. Neither is the practice
workbook: claimbook never writes that one except through ``surgery``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime

from claimbook.io.mail import LogEntry
from claimbook.io.xlsx.safe import replace_atomically
from claimbook.io.xlsx.styles import NAVY, new_workbook, write_cell
from claimbook.rules.problems import BadRequest

EMAIL_LOG, STATEMENT_LOG = "Email Log", "Statement Log"
LOG_HEADERS = ("When", "Document", "Client ID", "Client", "To", "PDF", "Status", "Detail",
               "Fingerprint")
LOG_WIDTHS = (19, 30, 10, 22, 30, 40, 10, 50, 18)
STATEMENT_HEADERS = ("Date", "Statement", "Client ID", "Client", "Amount Due", "Due By",
                     "How", "PDF")
STATEMENT_WIDTHS = (12, 24, 10, 24, 12, 12, 12, 44)
PRINTED, EMAILED, DRAFTED, NOT_SENT = "Printed", "Emailed", "Draft", "Not sent"


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One row of the Statement Log: a statement made for a client, and how it went."""

    day: date
    number: str
    client_id: str
    client: str
    amount_due: int  # cents
    due_by: date
    how: str  # PRINTED, EMAILED, DRAFTED or NOT_SENT
    pdf: str


def log_path(workbook: str, name: str) -> str:
    """The log ``name`` of ``workbook``, beside it: ``workbooks/practice Email Log.xlsx``."""
    folder = os.path.dirname(os.path.abspath(workbook))
    stem = os.path.splitext(os.path.basename(workbook))[0]
    return os.path.join(folder, f"{stem} {name}.xlsx")


def _rows(path: str) -> list[list]:
    if not os.path.exists(path):
        return []
    from python_calamine import CalamineWorkbook

    try:
        rows = CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()
    except Exception as exc:  # calamine raises its own error types
        raise BadRequest(f"{path} cannot be read ({exc}); move it away and run the "
                         "command again") from None
    return [list(r) for r in rows[1:] if any(str(v).strip() for v in r if v is not None)]


# -- the Email Log --------------------------------------------------------------------------
def read_email_log(path: str) -> list[LogEntry]:
    """The Email Log's rows (an empty list when there is no log yet)."""
    out = []
    for raw in _rows(path):
        values = [("" if v is None else v) for v in raw + [""] * len(LOG_HEADERS)]
        when = values[0] if isinstance(values[0], datetime) else _parse_when(values[0])
        out.append(LogEntry(when, *(str(v) for v in values[1:len(LOG_HEADERS)])))
    return out


def _parse_when(value) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.min


def write_email_log(path: str, entries: list[LogEntry]) -> str:
    """Rewrite the Email Log with ``entries`` (oldest first), atomically."""
    def build(tmp: str) -> None:
        wb = new_workbook(tmp)
        ws = wb.add_worksheet(EMAIL_LOG)
        when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss", "align": "left"})
        status = _status_formats(wb)
        _head(wb, ws, LOG_HEADERS, LOG_WIDTHS)
        for r, e in enumerate(entries, start=1):
            write_cell(ws, r, 0, e.when, when)
            for col, value in enumerate((e.receipt, e.client_id, e.client, e.to, e.pdf),
                                        start=1):
                write_cell(ws, r, col, value)
            write_cell(ws, r, 6, e.status, status.get(e.status))
            write_cell(ws, r, 7, e.detail)
            write_cell(ws, r, 8, e.fingerprint)
        ws.autofilter(0, 0, max(len(entries), 1), len(LOG_HEADERS) - 1)
        wb.close()

    replace_atomically(path, build)
    return path


def _head(wb, ws, headers, widths) -> None:
    head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY})
    for col, (header, width) in enumerate(zip(headers, widths)):
        ws.set_column(col, col, width)
        ws.write_string(0, col, header, head)
    ws.freeze_panes(1, 0)


def _status_formats(wb) -> dict:
    good = wb.add_format({"font_color": "#006100", "bg_color": "#C6EFCE"})
    bad = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    return {"Sent": good, EMAILED: good, NOT_SENT: bad}


# -- the Statement Log ---------------------------------------------------------------------
def read_statement_log(path: str) -> list[StatementEntry]:
    """The Statement Log's rows (an empty list when there is no log yet)."""
    from claimbook.rules.money import to_cents

    out = []
    for raw in _rows(path):
        values = raw + [""] * len(STATEMENT_HEADERS)
        day, due_by = _day(values[0]), _day(values[5])
        if day is None:
            continue
        try:
            amount = to_cents(values[4]) if values[4] not in ("", None) else 0
        except ValueError:
            amount = 0
        out.append(StatementEntry(day, str(values[1]), str(values[2]), str(values[3]),
                                  amount, due_by or day, str(values[6]), str(values[7])))
    return out


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def write_statement_log(path: str, entries: list[StatementEntry]) -> str:
    """Rewrite the Statement Log with ``entries`` (oldest first), atomically."""
    def build(tmp: str) -> None:
        wb = new_workbook(tmp)
        ws = wb.add_worksheet(STATEMENT_LOG)
        day = wb.add_format({"num_format": "yyyy-mm-dd", "align": "left"})
        money = wb.add_format({"num_format": '"$"#,##0.00;-"$"#,##0.00'})
        how = _status_formats(wb)
        _head(wb, ws, STATEMENT_HEADERS, STATEMENT_WIDTHS)
        for r, e in enumerate(entries, start=1):
            write_cell(ws, r, 0, e.day, day)
            for col, value in ((1, e.number), (2, e.client_id), (3, e.client)):
                write_cell(ws, r, col, value)
            ws.write_number(r, 4, e.amount_due / 100, money)
            write_cell(ws, r, 5, e.due_by, day)
            write_cell(ws, r, 6, e.how, how.get(e.how))
            write_cell(ws, r, 7, e.pdf)
        ws.autofilter(0, 0, max(len(entries), 1), len(STATEMENT_HEADERS) - 1)
        wb.close()

    replace_atomically(path, build)
    return path


def last_statements(workbook: str) -> dict[str, date]:
    """The date of each client's last statement that went out (printed, emailed or
    drafted; not one that failed to send), from the Statement Log beside ``workbook``.

    Args:
        workbook: the practice workbook's path.

    Returns:
        Client ID -> the date; empty when no statement was ever made.
    """
    out: dict[str, date] = {}
    for entry in read_statement_log(log_path(workbook, STATEMENT_LOG)):
        if entry.how != NOT_SENT and entry.day > out.get(entry.client_id, date.min):
            out[entry.client_id] = entry.day
    return out
