"""claimbook import, the whole command: read the exports, plan (``importing``), write.

Reading the files and recognising their reports is ``io/exports``; the plan is
:func:`claimbook.usecases.importing.plan_import`; the write goes through the one safe
path (``usecases/workbook.py``).
"""

from __future__ import annotations

from claimbook.compute import reminders
from claimbook.compute.matching import book_of_clients
from claimbook.io.exports.layouts import ExportRow
from claimbook.rules import schema
from claimbook.rules.changes import Changes, new_record, with_records
from claimbook.rules.records import ServiceLine
from claimbook.usecases.importing import UNMATCHED, FileRead, ImportPlan, ImportRequest, plan_import


def _fit_to_sheets(changes: Changes, layouts: dict) -> list[str]:
    """Leave out of the new rows what the owner's sheet has no column for (a phone number
    from the client list, a note), unless claimbook may add the column (an optional one);
    a required column missing stops the write as it would any command."""
    left_out = []
    for sheet, rows in changes.rows.items():
        layout = layouts.get(sheet)
        if layout is None:
            continue  # a claimbook-written sheet, added whole
        spec = schema.sheet(sheet)
        for column in spec.columns:
            if column.field in layout.letters or column.required or column.optional \
                    or column.extension:
                continue
            popped = [row.pop(column.field, None) for row in rows]
            if any(v is not None for v in popped):
                left_out.append(f"{layout.name}: {column.header}")
    return left_out


NUMBERED = ("Clients", "Appointments", "Payments", UNMATCHED)


def read_exports(paths: list[str]) -> list[tuple[FileRead, list[ExportRow]]]:
    """Every export file read and recognised (:class:`BadRequest` on the first that is
    not a known report, or has a cell that cannot be read)."""
    from claimbook.io.exports.files import read_export
    from claimbook.io.exports.layouts import export_rows, recognise

    out = []
    for path in paths:
        export = read_export(path)
        layout = recognise(export)
        rows = export_rows(export, layout)
        out.append((FileRead(export.name, layout.report.name, len(rows),
                             ignored_columns=layout.unknown, encoding=export.encoding), rows))
    return out


def import_exports(path: str, paths: list[str], req: ImportRequest,
                   dry_run: bool = False) -> tuple[ImportPlan, object]:
    """Read the workbook and the exports, plan the import, and write it (unless a dry run).

    Returns:
        The plan, and what the write did (None for a dry run or when nothing changes).
    """
    from claimbook.usecases.workbook import open_for_change, write

    files = read_exports(paths)
    opened = open_for_change(path)
    book = opened.book
    keys = {name: opened.keys(name) for name in NUMBERED}
    plan = plan_import(book, keys, files, req)
    changes = plan.changes
    plan.left_out = _fit_to_sheets(changes, opened.layouts)
    if dry_run or not (changes.rows or changes.cells):
        return plan, None
    after = with_records(book, [new_record(ServiceLine, "Appointments", v)
                                for v in changes.rows.get("Appointments", [])], plan.payments)
    completed = set(plan.completed)
    touched = {c.client_id for c in plan.new_visits}
    touched |= {ln.client_id for ln in book.lines if ln.appointment_id in completed}
    touched |= {after.lines[i].client_id for i in range(len(book.lines), len(after.lines))}
    visits = {p.appointment_id for p in plan.payments}
    touched |= {ln.client_id for ln in after.lines if ln.appointment_id in visits}
    touched &= set(book.clients)
    changes.cells += reminders.reminder_changes(book_of_clients(after, touched), req.day, touched,
                                                optional=True)
    return plan, write(opened, changes)
