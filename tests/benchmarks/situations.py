"""The error situations of issue 9, each made on a copy of the sample practice and run
through claimbook; used by trials_harden.py. Each gives (name, ok, what was said)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import xlwt

from harden_files import edit_parts
from owner_books import sheet_part

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "workbooks" / "sample-practice.xlsx"
PAY = ["pay", "--date", "2026-11-20", "--client", "--reference", "SIT", "--apply",
       "A000856=0.01"]


def _mount(where: Path, read_only: bool = False, fill: bool = False) -> None:
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], check=True)


def _ro(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def _fill(where: Path, leave: int = 0) -> None:
    import os

    st = os.statvfs(where)
    with open(where / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - leave))


def _umount(where: Path) -> None:
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _copy(folder: Path, name: str = "w.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    shutil.copy(SAMPLE, target)
    return target


def _said(done) -> str:
    text = (done.stderr or done.stdout or "").strip()
    return (text.splitlines() or [""])[-1][:110] if "Traceback" in text else text[:110]


def run_all(cb: Callable, work: Path, clear: Callable) -> list[tuple[str, bool, str]]:
    """Every situation: ``cb(*args)`` runs claimbook; ``clear(done)`` says whether it
    gave one clear line."""
    out = []

    def case(name: str, done, ok: bool | None = None) -> None:
        ok = clear(done) if ok is None else ok
        out.append((name, ok, _said(done).replace("\n", " | ")))

    root = work / "situations"
    # -- disks and folders
    disk = root / "full"
    _mount(disk)
    try:
        book = _copy(disk)
        _fill(disk)
        case("disk full", cb(*PAY, "-w", str(book)))
    finally:
        _umount(disk)
    disk = root / "rofs"
    _mount(disk)
    try:
        book = _copy(disk)
        _ro(disk)
        case("read-only file system", cb(*PAY, "-w", str(book)))
    finally:
        _umount(disk)
    book = _copy(root / "robackups")
    _mount(root / "robackups" / "backups")
    try:
        _ro(root / "robackups" / "backups")
        case("unwritable backups/", cb(*PAY, "-w", str(book)))
    finally:
        _umount(root / "robackups" / "backups")
    book = _copy(root / "filebackups")
    (root / "filebackups" / "backups").write_text("notes")
    case("a file named backups", cb(*PAY, "-w", str(book)))
    disk = root / "roout"
    _mount(disk)
    try:
        _ro(disk)
        case("--out into an unwritable folder",
             cb("report", "-w", str(SAMPLE), "--month", "2026-10", "--out", str(disk / "r")))
    finally:
        _umount(disk)
    book = _copy(root / "longid")
    long_id = "A" + "9" * 299
    cb("checkout", "-w", str(book), "--date", "2026-11-20", "--client", "C0001", "--staff",
       "S01", "--service", "MASSAGE60", "--paid", "95", "--method", "Card", "--id", long_id)
    case("300-character ID (receipt file name)",
         cb("receipt", "-w", str(book), "--appointment", long_id, "--out", str(root / "rc")))
    case("300-character --out folder",
         cb("report", "-w", str(SAMPLE), "--month", "2026-10", "--out",
            str(root / ("x" * 300))))
    # -- files no reader should open as they are
    book = _copy(root / "far")
    part = sheet_part(book, "Payments")
    edit_parts(book, {part: lambda x: x.replace(
        b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t>'
        b"</is></c></row></sheetData>")})
    case("XFD1048576: check", cb("check", "-w", str(book)))
    case("XFD1048576: pay", cb(*PAY, "-w", str(book)))
    book = _copy(root / "bomb")
    edit_parts(book, {}, extra={"xl/media/bomb.xml": b"<x>" + b" " * (600 << 20) + b"</x>"})
    case("zip bomb: pay", cb(*PAY, "-w", str(book)))
    ods = root / "ods" / "w.ods"
    ods.parent.mkdir(parents=True)
    subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(ods.parent),
                    str(_copy(root / "ods", "w.xlsx"))], capture_output=True, timeout=180)
    def says_what_to_do(done) -> bool:
        return clear(done) and ("save it" in done.stderr)

    if ods.exists():
        odsx = ods.with_name("ods.xlsx")
        shutil.copy(ods, odsx)
        for target in (ods, odsx):
            for verb in (["check"], PAY):
                done = cb(*verb, "-w", str(target))
                case(f"{target.name}: {verb[0]}", done, says_what_to_do(done))
    xls = root / "w.xls"
    subprocess.run(["soffice", "--headless", "--convert-to", "xls", "--outdir", str(root),
                    str(_copy(root / "xlssrc", "w.xlsx"))], capture_output=True, timeout=180)
    if not xls.exists():
        wb = xlwt.Workbook()
        for name in ("Practice", "Clients", "Appointments", "Payments"):
            wb.add_sheet(name).write(0, 0, "Setting")
        wb.save(str(xls))
    xlsx = root / "xls.xlsx"
    shutil.copy(xls, xlsx)
    for target in (xls, xlsx):
        done = cb("check", "-w", str(target))
        case(f"{target.name} (a real .xls): check", done, says_what_to_do(done))
    enc = root / "enc.xlsx"
    buf = io.BytesIO()
    with open(SAMPLE, "rb") as fh:
        msoffcrypto.format.ooxml.OOXMLFile(fh).encrypt("pw", buf)
    enc.write_bytes(buf.getvalue())
    done = cb("check", "-w", str(enc))
    case("password-protected: check", done, says_what_to_do(done))
    # -- text in
    for name, encoding in (("cp1252", "cp1252"), ("UTF-16", "utf-16")):
        book = _copy(root / f"csv{name}")
        csv_path = root / f"csv{name}" / "remit.csv"
        sep = "\t" if encoding == "utf-16" else ","
        csv_path.write_bytes(f"Appointment ID{sep}Amount\nA000856{sep}0.01\n".encode(encoding))
        done = cb("pay", "-w", str(book), "--date", "2026-11-20", "--client", "--reference",
                  "CSV", "--csv", str(csv_path), "--yes")
        case(f"--csv saved as {name} (read it)", done, done.returncode == 0)
    book = _copy(root / "note")
    done = cb("checkout", "-w", str(book), "--date", "2026-11-20", "--client", "C0001",
              "--staff", "S01", "--service", "MASSAGE60", "--paid", "95", "--method", "Card",
              "--note", b"caf\xe9".decode("utf-8", "surrogateescape"))
    case("non-UTF-8 --note", done)
    # -- what goes in an email header
    for name, sheet, cell, value in (
            ("line break in the practice name, --eml", "Practice", "B2", "Cedar &\nStone"),
            ("line break in an Email cell, --eml", "Clients", None, "a@x.org\nBcc: b@y.org")):
        book = _copy(root / re.sub(r"\W", "", name))
        wb = openpyxl.load_workbook(book)
        ws = wb[sheet]
        if cell is None:  # the Email of the client of A000001
            col = next(c.column for c in ws[1] if c.value == "Email")
            row = next(c.row for c in ws["A"] if c.value == "C0050")
            ws.cell(row, col).value = value
        else:
            ws[cell] = value
        wb.save(book)
        done = cb("receipt", "-w", str(book), "--appointment", "A000001", "--out",
                  str(book.parent / "r"), "--eml", str(book.parent / "eml"))
        ok = done.returncode == 0 if sheet == "Practice" else clear(done)
        case(name, done, ok and "Traceback" not in done.stderr)
    # -- problems check must name as pay does
    book = _copy(root / "total")
    table = next(n for n in __import__("zipfile").ZipFile(book).namelist()
                 if n.startswith("xl/tables/") and b'name="Payments"' in
                 __import__("zipfile").ZipFile(book).read(n))
    edit_parts(book, {table: lambda x: re.sub(rb'totalsRowShown="0"|(?=\sref=)',
                                              b' totalsRowCount="1"', x, count=1)})
    checked, paid = cb("check", "-w", str(book)), cb(*PAY, "-w", str(book))
    said = paid.stderr.strip().removeprefix("Error: ")
    case("Total Row: check says what pay says", paid,
         clear(paid) and checked.returncode == 1 and said in checked.stdout)
    return out
