"""The owner's own workbook (tables, a chart, an image, comments, formulas), and ways
to look inside a package.

Shared by test modules, which never import each other.
"""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from claimbook.cli.main import cli
from claimbook.rules.npi import make_npi

CLAIMBOOK = [sys.executable, "-c", "from claimbook.cli.main import main; main()"]


def tiny_png() -> bytes:
    """A 1x1 red PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + \
        chunk(b"IEND", b"")


def _table(ws, wb, headers: list[str], rows: list[list], name: str, formats: dict) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            fmt = formats.get(headers[c], formats["text"])
            if value is None:
                ws.write_blank(r, c, None, fmt)
            elif isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), fmt)
            elif isinstance(value, (int, float)):
                ws.write_number(r, c, value, fmt)
            elif isinstance(value, str) and value.startswith("=") and headers[c] == "Net":
                ws.write_formula(r, c, value, fmt, 60)
            else:
                ws.write_string(r, c, value, fmt)
    ws.add_table(0, 0, max(len(rows), 1), len(headers) - 1, {
        "name": name, "columns": [{"header": h} for h in headers]})


def owner_book(path: Path, flow: str = "Discount First", keep: int = 3,
               payments: list[list] | None = None, drop: tuple[str, ...] = ()) -> Path:
    """Write the owner's workbook (see the module docstring) and return its path."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    text = wb.add_format({"valign": "top"})
    fmts = {"text": text, "money": wb.add_format({"num_format": "#,##0.00"}),
            "date": wb.add_format({"num_format": "yyyy-mm-dd"})}
    money = {h: fmts["money"] for h in ("Amount", "Adjustment", "Patient Responsibility",
                                         "Client Paid", "Discount", "Charge", "Net",
                                         "Fee per Unit")}
    dates = {h: fmts["date"] for h in ("Date Received", "date_of_service")}
    formats = {**money, **dates, "text": text}

    ws = wb.add_worksheet("Practice")
    for r, row in enumerate([["Setting", "Value"], ["Practice Name", "Rich Massage"],
                             ["Billing NPI", make_npi("100000000")], ["Checkout Flow", flow],
                             ["Backups to Keep", keep]]):
        ws.write_row(r, 0, row)
    _table(wb.add_worksheet("Staff"), wb, ["Staff ID", "Name"], [["S1", "Tess Therapist"]],
           "Staff", formats)
    clients = wb.add_worksheet("Clients")
    _table(clients, wb, ["Client ID", "First Name", "Last Name", "Favorite Oil", "Reminder",
                         "Notes"],
           [["C1", "Ann", "Lee", "Lavender", "Old reminder", "Prefers mornings"],
            ["C2", "=1+2", "Lee", None, None, "Owner's note"],
            ["C3", "Bo", "Diaz", "Almond", None, None]], "Clients", formats)
    clients.write_comment("F2", "A comment of the owner's")
    _table(wb.add_worksheet("Payers"), wb, ["Payer ID", "Name"],
           [["AET", "Aetna"], ["SF", "State Farm"]], "Payers", formats)
    _table(wb.add_worksheet("Policies"), wb, ["Policy ID", "Client ID", "Payer ID"],
           [["P1", "C1", "AET"], ["P2", "C2", "SF"]], "Policies", formats)
    _table(wb.add_worksheet("Services"), wb,
           ["Service Code", "Description", "Minutes per Unit", "Fee per Unit", "Timed"],
           [["97124", "Massage", 15, 30, "Yes"], ["MASSAGE60", "60 min", 60, 90, "No"]],
           "Services", formats)
    _appointments(wb, formats)
    _payments(wb, formats, payments, drop)
    _summary(wb)
    wb.define_name("Amounts", "=Payments!$G$2:$G$3")
    wb.close()
    return path


APPOINTMENT_HEADERS = ["Appointment ID", "date_of_service", "CLIENT ID", "Staff ID", "Room",
                       "Policy ID", "Service Code", "Minutes", "Units", "Charge",
                       "Client Paid", "Payment Method", "Checked Out", "Diagnosis Codes",
                       "Notes"]


def _appointments(wb, formats: dict) -> None:
    ws = wb.add_worksheet("Appointments")
    rows = [["A0001", date(2026, 10, 5), "C1", "S1", "Blue", "P1", "97124", 60, None, None,
             20, "Card", "Yes", "M54.50", None],
            ["A0002", date(2026, 10, 12), "C2", "S1", "Green", "P2", "97124", None, 4, None,
             None, None, "Yes", None, None],
            ["A0003", date(2026, 10, 13), "C3", "S1", None, None, "MASSAGE60", 60, None, None,
             90, "Cash", "Yes", None, None]]
    _table(ws, wb, APPOINTMENT_HEADERS, rows, "Appointments", formats)
    ws.conditional_format("K2:K4", {"type": "cell", "criteria": ">", "value": 50,
                                    "format": wb.add_format({"bold": True})})
    ws.data_validation("M2:M4", {"validate": "list", "source": ["Yes", "No"]})


PAYMENT_HEADERS = ["Payment ID", "Date Received", "Source", "Payer ID", "Reference",
                   "Appointment ID", "Amount", "Adjustment", "Adjustment Reason",
                   "Patient Responsibility", "Deposit Slip", "Product Title", "Net", "Notes"]


def _payments(wb, formats: dict, rows: list[list] | None, drop: tuple[str, ...]) -> None:
    ws = wb.add_worksheet("Payments")
    rows = rows if rows is not None else [
        ["PMT0001", date(2026, 10, 20), "Insurance", "AET", "EFT100", "A0001", 60, 20,
         "CO-45", None, "D-1", "Insurance Billing - Ann Lee - 2026-10-05", "=G2-H2", None],
        ["PMT0002", date(2026, 10, 21), "Insurance", "SF", "CHK7", "A0002", 80, None, None,
         None, "D-1", "Insurance Billing - =1+2 Lee - 2026-10-12", "=G3-H3", None]]
    keep = [j for j, h in enumerate(PAYMENT_HEADERS) if h not in drop]
    headers = [PAYMENT_HEADERS[j] for j in keep]
    rows = [[row[j] for j in keep] for row in rows]
    _table(ws, wb, headers, rows, "Payments", formats)
    last = len(rows)
    shade = wb.add_format({"bg_color": "#FFF2CC"})
    for r in range(last + 1, last + 4):  # pre-formatted empty rows under the table
        for c in range(len(headers)):
            ws.write_blank(r, c, None, shade)
    ws.data_validation(1, 2, last, 2, {"validate": "list", "source": ["Insurance", "Client"]})


def _summary(wb) -> None:
    ws = wb.add_worksheet("Summary")
    ws.write_string("A1", "Insurance received")
    ws.write_formula("B1", "=SUM(Payments!G2:G3)", None, 140)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"values": "=Payments!$G$2:$G$3", "name": "Amounts"})
    ws.insert_chart("D2", chart)
    ws.insert_image("D20", "dot.png", {"image_data": io.BytesIO(tiny_png())})


# -- looking inside ------------------------------------------------------------------------
def parts_of(path: Path) -> dict[str, bytes]:
    """Every part of a package, decompressed."""
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def sheet_part(path: Path, name: str) -> str:
    """The part name of a sheet, from workbook.xml and its rels."""
    parts = parts_of(path)
    rid = re.search(rb'<sheet name="%s" sheetId="\d+" r:id="(rId\d+)"' % name.encode(),
                    parts["xl/workbook.xml"]).group(1)
    target = re.search(rb'Id="%s" Type="[^"]+" Target="([^"]+)"' % rid,
                       parts["xl/_rels/workbook.xml.rels"]).group(1).decode()
    return "xl/" + target.lstrip("/").removeprefix("xl/")


def cells(path: Path) -> dict[str, list[list]]:
    """Every sheet's values (cached values of formulas) as python-calamine reads them."""
    wb = CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def run(*args: str, input: str | None = None):
    """Run claimbook in-process with Click's runner."""
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def run_process(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run claimbook as a separate process."""
    return subprocess.run(CLAIMBOOK + list(args), capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)
