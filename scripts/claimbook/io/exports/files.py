"""An export file's rows as written: CSV in whatever encoding the software used, or Excel.

Booking tools write CSV as UTF-8 (with or without a byte-order mark), as Windows-1252
(Excel on Windows, "CSV"), or as UTF-16 with tabs (Excel's "Unicode Text"); Vagaro
exports Excel. The rows come back as lists of cell values (text from CSV; text, numbers
and dates from Excel), each with its row number in the file, for messages
(``sales.csv:14``).
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from claimbook.rules.problems import BadRequest

EXCEL = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


@dataclass
class ExportFile:
    """The rows of one export file (the first sheet of a workbook)."""

    path: str
    rows: list[tuple[int, list]]  # (row number in the file, cells), blank rows left out
    encoding: str = ""  # how a CSV was decoded

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


def read_export(path: str) -> ExportFile:
    """Read an export file.

    Raises:
        BadRequest: the file is missing, empty, or neither CSV nor a workbook.
    """
    if not os.path.exists(path):
        raise BadRequest(f"{path}: no such file")
    if path.lower().endswith(EXCEL):
        return _read_workbook(path)
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] == b"PK\x03\x04":  # an Excel workbook saved under another name
        return _read_workbook(path)
    text, encoding = decode(data)
    return ExportFile(path, _csv_rows(text), encoding)


def decode(data: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in.

    A byte-order mark decides (UTF-8, UTF-16 LE/BE); UTF-16 without one is recognised
    by its zero bytes; otherwise UTF-8 if the bytes are valid UTF-8, else Windows-1252
    (which has a character for every byte but five; those are refused).
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    head = data[:2000]
    if head and head.count(b"\x00") > len(head) // 4:
        odd_zeros = head[1::2].count(b"\x00")
        encoding = "utf-16-le" if odd_zeros > head[0::2].count(b"\x00") else "utf-16-be"
        return data.decode(encoding), encoding
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            raise BadRequest(f"cannot read the file's text (byte {exc.start}); save it as "
                             "CSV UTF-8 and try again") from None


def _csv_rows(text: str) -> list[tuple[int, list]]:
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    out = []
    for row in reader:
        if any(cell.strip() for cell in row):
            out.append((reader.line_num, row))
    return out


def _read_workbook(path: str) -> ExportFile:
    try:
        book = CalamineWorkbook.from_path(path)
        sheet = book.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises several types for a broken file
        raise BadRequest(f"{path}: not a workbook claimbook can read ({exc})") from None
    out = []
    for number, row in enumerate(rows, start=1):
        if any(str(v).strip() for v in row if v is not None):
            out.append((number, list(row)))
    return ExportFile(path, out, "")
