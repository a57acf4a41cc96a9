"""Write a practice workbook in the contract's shape: ``claimbook init`` (empty) and
``claimbook sample`` (a believable practice) both come through here.
"""

from __future__ import annotations

import os
from datetime import datetime

from claimbook.io.xlsx.safe import replace_atomically
from claimbook.io.xlsx.styles import (
    DATE,
    INT,
    MONEY,
    TEXT,
    Col,
    Formats,
    cell_value,
    new_workbook,
    write_cell,
    write_table,
)
from claimbook.rules import schema
from claimbook.rules.problems import ClaimbookError

CREATED = datetime(2026, 1, 1)

KIND_OF = {schema.DATE: DATE, schema.MONEY: MONEY, schema.INT: INT}

HOW_TO_USE = [
    ("How to use this workbook", "title"),
    ("claimbook keeps your insurance billing in this workbook. Type into the tables; "
     "claimbook reads them, adds visits and payments, and writes reports beside it.", "note"),
    ("", None),
    ("The sheets", "heading"),
    *[(f"{s.name}: {s.purpose}.", "note") for s in schema.SHEETS],
    ("Practice: your practice's name, address, billing NPI and settings.", "note"),
    ("", None),
    ("Rules of thumb", "heading"),
    ("Each table grows by itself when you type in the row under it; keep one header row.",
     "note"),
    ("A visit billed with two codes is two Appointments rows with the same Appointment ID.",
     "note"),
    ("A check that pays five visits is five Payments rows with the same Reference.", "note"),
    ("Leave Charge blank to use the service's fee: Units x Fee per Unit, where Units come "
     "from Minutes by the 8-minute rule.", "note"),
    ("Reminder (Clients) is written by claimbook; Notes is yours and never changed.", "note"),
    ("You may add your own columns and sheets: claimbook keeps them as they are.", "note"),
    ("", None),
    ("Commands", "heading"),
    ("claimbook check        lists every problem, e.g. Payments!F14: \"12O.00\" is not an "
     "amount", "note"),
    ("claimbook balances     what each visit still owes, and from whom", "note"),
    ("claimbook report --month 2026-10   the monthly outstanding-balance workbook", "note"),
]


def write_practice_workbook(path: str, settings: dict[str, object] | None = None,
                            rows: dict[str, list[dict]] | None = None,
                            overwrite: bool = False, fast: bool = False) -> str:
    """Write a practice workbook: every contract sheet as an Excel Table.

    Args:
        path: where to write it.
        settings: Practice settings by field name; defaults fill the rest.
        rows: records by sheet name, each a dict of field -> value (money in cents,
            dates as ``date``); an empty table gets one blank row to type into.
        overwrite: replace an existing file (never for ``init``).
        fast: for benchmark-sized files, write row by row in constant memory, with
            plain headers instead of Tables and dropdowns.

    Returns:
        The path written.

    Raises:
        ClaimbookError: the file exists and ``overwrite`` is false.
    """
    if os.path.exists(path) and not overwrite:
        raise ClaimbookError(f"{path} already exists; claimbook will not overwrite it")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    rows = rows or {}

    def build(tmp: str) -> None:
        wb = new_workbook(tmp, constant_memory=fast)
        # a fixed creation time makes the same data give the same bytes
        wb.set_properties({"title": "Practice workbook", "author": "claimbook",
                           "created": CREATED})
        fmts = Formats(wb)
        _how_to_use(wb, fmts)
        _practice_sheet(wb, fmts, settings or {})
        for spec in schema.SHEETS:
            if fast:
                _plain_sheet(wb, fmts, spec, rows.get(spec.name, []))
            else:
                _contract_sheet(wb, fmts, spec, rows.get(spec.name, []))
        wb.worksheets()[1].activate()
        wb.close()

    replace_atomically(path, build)
    return path


def _how_to_use(wb, fmts: Formats) -> None:
    ws = wb.add_worksheet("How to use")
    ws.set_column(0, 0, 110)
    ws.hide_gridlines(2)
    styles = {"title": fmts.title, "heading": fmts.heading, "note": fmts.note}
    for r, (text, style) in enumerate(HOW_TO_USE):
        if text:
            ws.write_string(r, 0, text, styles[style])


def _practice_sheet(wb, fmts: Formats, settings: dict) -> None:
    ws = wb.add_worksheet(schema.PRACTICE)
    table = []
    for s in schema.PRACTICE_SETTINGS:
        value = settings.get(s.field, s.default)
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        about = "; ".join(filter(None, ["required" if s.required else "", s.note]))
        table.append([s.name, value, about])
    cols = [Col("Setting", TEXT, 22), Col("Value", TEXT, 36), Col("About", TEXT, 60)]
    write_table(ws, fmts, "PracticeSettings", cols, table)
    for i, s in enumerate(schema.PRACTICE_SETTINGS, start=1):
        if s.choices:
            ws.data_validation(i, 1, i, 1, {"validate": "list", "source": list(s.choices)})


def _contract_sheet(wb, fmts: Formats, spec: schema.Sheet, records: list[dict]) -> None:
    ws = wb.add_worksheet(spec.name)
    cols = [Col(c.header, KIND_OF.get(c.type, TEXT), c.width) for c in spec.columns]
    table = [[_cell(c, rec.get(c.field)) for c in spec.columns] for rec in records]
    write_table(ws, fmts, spec.name.replace(" ", ""), cols, table)  # no spaces in a Table name
    last = max(len(table), 1)
    for j, col in enumerate(spec.columns):
        rule = _validation(col)
        if rule:
            ws.data_validation(1, j, last, j, rule)
    ws.set_zoom(110)


def _plain_sheet(wb, fmts: Formats, spec: schema.Sheet, records: list[dict]) -> None:
    ws = wb.add_worksheet(spec.name)
    bold = wb.add_format({"bold": True})
    for j, col in enumerate(spec.columns):
        ws.set_column(j, j, col.width, fmts.for_kind(KIND_OF.get(col.type, TEXT)))
        ws.write_string(0, j, col.header, bold)
    # per column once, not per cell: a benchmark file has a million rows
    plan = [(j, col, col.field, KIND_OF.get(col.type, TEXT)) for j, col in enumerate(spec.columns)]
    formats = [fmts.for_kind(kind) for *_, kind in plan]
    for r, rec in enumerate(records, start=1):
        for (j, col, field_name, kind), fmt in zip(plan, formats):
            value = rec.get(field_name)
            if value is not None:
                write_cell(ws, r, j, cell_value(kind, _cell(col, value)), fmt)


def _cell(col: schema.Column, value):
    if col.type == schema.YESNO and isinstance(value, bool):
        return "Yes" if value else "No"
    return value


def _validation(col: schema.Column) -> dict | None:
    if col.type == schema.YESNO:
        return {"validate": "list", "source": list(schema.YES_NO)}
    if col.type == schema.CHOICE:
        return {"validate": "list", "source": list(col.choices)}
    if col.refers_to:
        key = schema.sheet(col.refers_to).column(schema.sheet(col.refers_to).key).header
        return {"validate": "list", "source": f'=INDIRECT("{col.refers_to}[{key}]")',
                "error_title": f"Unknown {col.header}",
                "error_message": f"Pick a {col.header} from the {col.refers_to} sheet."}
    if col.type == schema.DATE:
        return {"validate": "date", "criteria": ">", "value": 1, "ignore_blank": True,
                "error_title": "Not a date", "error_message": "Type a date, e.g. 2026-11-02."}
    if col.type == schema.MONEY:
        return {"validate": "decimal", "criteria": "between", "minimum": -1e9,
                "maximum": 1e9, "error_title": "Not an amount",
                "error_message": "Type an amount, e.g. 60.00."}
    return None
