"""Look at a workbook's package before any reader opens it.

A reader trusts the file: python-calamine sizes a sheet by its farthest cell (one stray
value in XFD1048576 made it try to allocate 512 GB and abort the process), inflates a
part as far as it goes (a 1.6 MB zip bomb took 2.9 GB), reads an OpenDocument file as
happily as an .xlsx (which the writer then cannot edit), and reads a formula that was
never calculated as a blank. This module reads the package first and says, in one line
naming the cell or the file, what would go wrong:

- what the file is: an old ``.xls``, an ``.xlsb``, an ``.ods``, a password-protected
  workbook or a text file are refused with what to do (save it as .xlsx);
- every part's size, declared and real, against a cap and an inflate ratio;
- each contract sheet's farthest cell (its area is capped: a stray far cell is named);
- formulas with no saved value, tables with a Total Row, two sheets whose names differ
  only by case or outer spaces (problems ``check`` lists and a desk command stops on);
- the workbook's date system (``date1904``), which the writer needs.
"""

from __future__ import annotations

import io
import re
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from claimbook.io.xlsx import parts
from claimbook.io.xlsx.package import Package
from claimbook.rules import schema
from claimbook.rules.problems import ClaimbookError, Problem, WorkbookUnreadable

PART_CAP = 1 << 30  # no part may inflate beyond 1 GiB
RATIO_FROM = 16 << 20  # parts above 16 MiB may inflate at most RATIO_CAP times their size
RATIO_CAP = 200
AREA_CAP = 40_000_000  # cells in a contract sheet's used area: 1,048,576 rows x 38 columns
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384

TOTAL_ROW = ("its table has a Total Row, so new rows cannot go under it; turn the Total Row "
             "off (Table Design) and run the command again")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "open it in Excel and save it as an Excel Workbook (.xlsx)"
_DATE1904 = re.compile(rb'<workbookPr\b[^>]*\bdate1904="(1|true)"')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\sr="(\d+)"')
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})(\d+)"')
_CELL_REF = re.compile(rb'\sr="([A-Z]{1,3})(\d+)"')
_TABLE = re.compile(rb"<table\b[^>]*>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


@dataclass
class Inspection:
    """What the package says before it is read."""

    problems: list[Problem] = field(default_factory=list)
    date1904: bool = False


def inspect_workbook(path: str, data: bytes | None = None) -> Inspection:
    """Inspect a workbook's package.

    Args:
        path: the workbook's path (read from disk unless ``data`` is given).
        data: the file's bytes, when the caller has already read them.

    Returns:
        The problems found (each naming its sheet and cell) and the date system.

    Raises:
        WorkbookUnreadable: the file is not an .xlsx claimbook can safely read.
    """
    if data is None:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError as exc:
            raise WorkbookUnreadable(f"{path}: cannot be read ({exc.strerror})") from None
    refuse_other_formats(path, data)
    try:
        package = Package(data, path)
    except ClaimbookError as exc:
        raise WorkbookUnreadable(str(exc)) from None
    cap_sizes(path, package.zip)
    if not package.has(parts.WORKBOOK):
        raise WorkbookUnreadable(f"{path}: not an Excel workbook claimbook can read "
                                 "(no xl/workbook.xml)")
    found = Inspection(date1904=bool(_DATE1904.search(_read(package, parts.WORKBOOK))))
    sheets = [s for s in _sheets(package) if s["part"] and package.has(s["part"])]
    found.problems += same_names(sheets)
    wanted = contract_sheets(sheets)
    with ThreadPoolExecutor(max_workers=2) as pool:  # inflate one while scanning another
        inflated = pool.map(lambda sheet: _read(package, sheet["part"]), wanted)
        for sheet, xml in zip(wanted, inflated):
            found.problems += _sheet_problems(path, package, sheet, xml)
    return found


def _sheet_problems(path: str, package: Package, sheet: dict[str, str],
                    xml: bytes) -> list[Problem]:
    refuse_far_cells(path, sheet["name"], xml)
    return formulas_without_values(sheet["name"], xml) + total_rows(package, sheet)


# -- what the file is ----------------------------------------------------------------------
def refuse_other_formats(path: str, data: bytes) -> None:
    """Refuse what is not an .xlsx package, saying what it is and what to do."""
    if data[:8] == _OLE:
        streams = _ole_streams(data)
        if "encryptioninfo" in streams:
            raise WorkbookUnreadable(f"{path} is protected by a password; remove it in Excel "
                                     "(File > Info > Protect Workbook) and save it")
        if "workbook" in streams or "book" in streams:
            raise WorkbookUnreadable(f"{path} is an old Excel 97-2003 file (.xls); {_SAVE_AS}")
        raise WorkbookUnreadable(f"{path}: not an Excel workbook claimbook can read "
                                 "(an old Office file)")
    if data[:2] != b"PK":
        kind = "a text or CSV file" if _looks_like_text(data) else "not a zip package"
        raise WorkbookUnreadable(f"{path}: not an Excel workbook claimbook can read ({kind}); "
                                 f"{_SAVE_AS}")
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        raise WorkbookUnreadable(f"{path}: not an Excel workbook claimbook can read (a damaged "
                                 "or cut-short zip package); use a backup copy") from None
    if "content.xml" in names or "mimetype" in names:
        raise WorkbookUnreadable(f"{path} is an OpenDocument spreadsheet (.ods); open it in "
                                 "Excel or LibreOffice and save it as an Excel Workbook (.xlsx)")
    if "xl/workbook.bin" in names:
        raise WorkbookUnreadable(f"{path} is an Excel Binary Workbook (.xlsb); {_SAVE_AS}")


def _ole_streams(data: bytes) -> set[str]:
    try:
        import olefile
    except ImportError:  # pragma: no cover - msoffcrypto-tool brings it
        return set()
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {"/".join(entry).lower() for entry in ole.listdir()}
    except (OSError, ValueError):
        return set()


def _looks_like_text(data: bytes) -> bool:
    head = data[:2048]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head[:3] == b"\xef\xbb\xbf":
        return True
    return bool(head) and b"\x00" not in head


# -- sizes ---------------------------------------------------------------------------------------
def cap_sizes(path: str, package_zip: zipfile.ZipFile) -> None:
    """Refuse a part that would inflate past :data:`PART_CAP`, or past :data:`RATIO_CAP`
    times its stored size once above :data:`RATIO_FROM` (a zip bomb)."""
    for info in package_zip.infolist():
        if _too_big(info.file_size, info.compress_size):
            raise WorkbookUnreadable(
                f"{path}: its part {info.filename} would inflate to {info.file_size:,} bytes "
                f"from {info.compress_size:,}; not read (a damaged file, or a zip bomb)")


def _too_big(size: int, stored: int) -> bool:
    return size > PART_CAP or (size > RATIO_FROM and size > RATIO_CAP * max(stored, 1))


def _read(package: Package, name: str) -> bytes:
    """A part's bytes, never more than its declared size nor :data:`PART_CAP` (a part
    whose stream runs longer is refused instead of filling memory); CRC checked."""
    try:
        return package.inflate(name, PART_CAP)
    except ClaimbookError as exc:
        raise WorkbookUnreadable(f"{exc}; use a backup copy") from None


# -- sheets ------------------------------------------------------------------------------------
def _sheets(package: Package) -> list[dict[str, str]]:
    try:
        return parts.sheets(package)
    except (KeyError, ClaimbookError, UnicodeDecodeError) as exc:
        raise WorkbookUnreadable(f"{package.where}: its list of sheets cannot be read "
                                 f"({exc})") from None


def _contract_names() -> set[str]:
    return {schema.normalize(n) for n in [schema.PRACTICE] + [s.name for s in schema.SHEETS]}


def contract_sheets(sheets: list[dict[str, str]]) -> list[dict[str, str]]:
    """The sheets claimbook reads (named as a contract sheet, in any case or spacing)."""
    wanted = _contract_names()
    return [s for s in sheets if schema.normalize(s["name"]) in wanted]


def same_names(sheets: list[dict[str, str]]) -> list[Problem]:
    """Two sheets whose names differ only by case, spaces or underscores, where the name
    is one claimbook reads: it could read the one the owner does not mean."""
    wanted, seen, out = _contract_names(), {}, []
    for sheet in sheets:
        key = schema.normalize(sheet["name"])
        if key in wanted and key in seen:
            out.append(Problem(seen[key], 0, "",
                               f'two sheets are named "{seen[key]}" and "{sheet["name"]}"; '
                               "claimbook cannot tell which to read; rename or delete one"))
        seen.setdefault(key, sheet["name"])
    return out


def refuse_far_cells(path: str, sheet: str, xml: bytes) -> None:
    """Refuse a sheet whose used area (up to its farthest cell) would be more than
    :data:`AREA_CAP` cells to read, naming that farthest cell."""
    last_row = _last_row(xml)
    wide = _WIDE_CELL.findall(xml)
    last_col = max((_column(letters) for letters, _ in wide), default=26)
    if last_row * last_col <= AREA_CAP:
        return
    ref = _farthest(xml, wide, last_row, last_col)
    raise WorkbookUnreadable(
        f"{sheet}!{ref}: something far outside the table (the sheet would be read as "
        f"{last_row:,} rows x {last_col:,} columns); clear that cell (select it, press Delete, "
        "then delete the empty rows and columns up to it) and save")


def _last_row(xml: bytes) -> int:
    """The last row's number (rows are stored in order; Excel opens no file where they
    are not)."""
    end = xml.rfind(b"</sheetData>")
    at = xml.rfind(b"<row ", 0, end if end >= 0 else len(xml))
    found = _ROW_NUMBER.match(xml, at) if at >= 0 else None
    return int(found.group(1)) if found else 0


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _farthest(xml: bytes, wide: list, last_row: int, last_col: int) -> str:
    by_col = [(letters, row) for letters, row in wide if _column(letters) == last_col]
    if by_col:
        letters, row = by_col[-1]
        return f"{letters.decode()}{int(row)}"
    at = xml.rfind(b'<row r="%d"' % last_row)
    cells = _CELL_REF.findall(xml, at, xml.find(b"</row>", at) if at >= 0 else 0)
    if cells:
        letters, row = cells[-1]
        return f"{letters.decode()}{int(row)}"
    return f"A{last_row}"


def formulas_without_values(sheet: str, xml: bytes) -> list[Problem]:
    """Cells holding a formula with no saved value (written by a program that does not
    calculate, such as openpyxl or pandas): they would read as blank."""
    out, pos = [], xml.find(b"<f")
    while pos >= 0:
        start = xml.rfind(b"<c ", 0, pos)
        end = xml.find(b"</c>", pos)
        cell = xml[start:end]
        if start >= 0 and end >= 0 and not _has_value(cell):
            ref = _CELL_REF.search(cell)
            letters, row = (ref.group(1).decode(), int(ref.group(2))) if ref else ("", 0)
            out.append(Problem(sheet, row, letters,
                               "a formula with no saved value (the file was saved by a "
                               "program that does not calculate); open the workbook in "
                               "Excel, save it, and run the command again"))
        pos = xml.find(b"<f", end if end >= 0 else pos + 2)
    return out


def _has_value(cell: bytes) -> bool:
    at = cell.find(b"<v")
    if at < 0:
        return False
    if cell[at:at + 3] == b"<v>":
        close = cell.find(b"</v>", at)
        return close > at + 3 or b't="str"' in cell[:cell.find(b">")]
    return False  # <v/> or <v />


def total_rows(package: Package, sheet: dict[str, str]) -> list[Problem]:
    """The sheet's tables that have a Total Row: it would be read as a data row, and new
    rows cannot go under it."""
    out = []
    for table_part in parts.table_parts(package, sheet["part"]):
        if not package.has(table_part):
            continue
        tag = _TABLE.search(_read(package, table_part))
        attrs = dict(_ATTR.findall(tag.group(0))) if tag else {}
        if int(attrs.get(b"totalsRowCount", b"0") or 0) > 0:
            out.append(Problem(sheet["name"], 0, "", TOTAL_ROW))
    return out
