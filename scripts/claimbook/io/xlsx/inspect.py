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
import struct
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import BinaryIO

from claimbook.io.xlsx import parts, zlibs
from claimbook.rules import schema
from claimbook.rules.problems import ClaimbookError, Problem, WorkbookUnreadable

_zlib = zlibs.fast  # ISA-L inflates and checks a CRC twice as fast as zlib, same calls

PART_CAP = 1 << 30  # no part may inflate beyond 1 GiB
RATIO_FROM = 16 << 20  # parts above 16 MiB may inflate at most RATIO_CAP times their size
RATIO_CAP = 200
AREA_CAP = 40_000_000  # cells in a contract sheet's used area: 1,048,576 rows x 38 columns
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
CHUNK = 1 << 18  # a sheet is inflated and scanned this many bytes at a time
STORED_PIECE = 1 << 18  # stored (deflated) bytes fed to zlib at a time
CELL_MAX = 16 << 20  # a piece of XML with no cell or row in it is cut here all the same

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
# A formula element not followed by a saved value: only where this matches is a piece of
# the sheet looked at cell by cell (the `f` first: the search skips to it at memchr speed).
_FORMULA_WITHOUT_VALUE = re.compile(rb"f(?<=<f)\b[^>]*?(?:/>|>[^<]*</f>)(?!<v>[^<])")
_LOCAL_HEADER = struct.Struct("<26xHH")


@dataclass
class Inspection:
    """What the package says before it is read."""

    problems: list[Problem] = field(default_factory=list)
    date1904: bool = False
    # Sheets whose scan was left for later (``later``): name -> (scan, inflated size).
    later: dict[str, tuple[Callable[[], list[Problem]], int]] = field(default_factory=dict)


def inspect_workbook(path: str, data: bytes | None = None,
                     later: Collection[str] = ()) -> Inspection:
    """Inspect a workbook's package, a part at a time: each sheet claimbook reads is
    inflated and scanned in chunks of :data:`CHUNK` bytes, so memory stays small
    whatever the sheet's size.

    Args:
        path: the workbook's path (read from disk unless ``data`` is given).
        data: the file's bytes, when the caller has already read them.
        later: contract sheets (by their contract name) whose scan is not run here but
            handed back in ``Inspection.later``, to be run (on a thread of its own if
            the caller likes, with a file handle of its own) before the sheet is parsed.

    Returns:
        The problems found (each naming its sheet and cell) and the date system.

    Raises:
        WorkbookUnreadable: the file is not an .xlsx claimbook can safely read.
    """
    try:
        with io.BytesIO(data) if data is not None else open(path, "rb") as fh:
            return _inspect(_Archive(path, fh, data), {schema.normalize(n) for n in later},
                            data)
    except OSError as exc:
        raise WorkbookUnreadable(f"{path}: cannot be read ({exc.strerror})") from None


def _inspect(archive: _Archive, later: set[str], data: bytes | None) -> Inspection:
    if not archive.has(parts.WORKBOOK):
        raise WorkbookUnreadable(f"{archive.where}: not an Excel workbook claimbook can read "
                                 "(no xl/workbook.xml)")
    found = Inspection(date1904=bool(_DATE1904.search(archive.read(parts.WORKBOOK))))
    sheets = [s for s in _sheets(archive) if s["part"] and archive.has(s["part"])]
    found.problems += same_names(sheets)
    for sheet in contract_sheets(sheets):  # the owner's other sheets are never read
        if schema.normalize(sheet["name"]) in later:
            found.later[sheet["name"]] = (partial(scan_sheet, archive.where, data, sheet),
                                          archive.size(sheet["part"]))
        else:
            found.problems += _sheet_problems(archive, sheet)
    return found


def scan_sheet(path: str, data: bytes | None, sheet: dict[str, str]) -> list[Problem]:
    """One sheet's scan (see :func:`inspect_workbook`'s ``later``), through a file
    handle of its own.

    Raises:
        WorkbookUnreadable: the sheet's area is too big, or its part is damaged.
    """
    try:
        with io.BytesIO(data) if data is not None else open(path, "rb") as fh:
            return _sheet_problems(_Archive(path, fh, data), sheet)
    except OSError as exc:
        raise WorkbookUnreadable(f"{path}: cannot be read ({exc.strerror})") from None


def _sheet_problems(archive: _Archive, sheet: dict[str, str]) -> list[Problem]:
    scan = SheetScan(sheet["name"])
    for piece in pieces(archive.chunks(sheet["part"])):
        scan.feed(piece)
    if scan.area > AREA_CAP:
        where = farthest_cell(pieces(archive.chunks(sheet["part"])), scan)
        raise WorkbookUnreadable(
            f"{sheet['name']}!{where}: something far outside the table (the sheet would be "
            f"read as {scan.last_row:,} rows x {scan.last_col:,} columns); clear that cell "
            "(select it, press Delete, then delete the empty rows and columns up to it) and "
            "save")
    return scan.problems + total_rows(archive, sheet)


# -- what the file is ----------------------------------------------------------------------
def refuse_other_formats(path: str, fh: BinaryIO) -> zipfile.ZipFile:
    """Refuse what is not an .xlsx package, saying what it is and what to do.

    Returns:
        The package's zip directory (nothing inflated yet).
    """
    head = fh.read(2048)
    fh.seek(0)
    if head[:8] == _OLE:
        streams = _ole_streams(fh.read())
        if "encryptioninfo" in streams:
            raise WorkbookUnreadable(f"{path} is protected by a password; remove it in Excel "
                                     "(File > Info > Protect Workbook) and save it")
        if "workbook" in streams or "book" in streams:
            raise WorkbookUnreadable(f"{path} is an old Excel 97-2003 file (.xls); {_SAVE_AS}")
        raise WorkbookUnreadable(f"{path}: not an Excel workbook claimbook can read "
                                 "(an old Office file)")
    if head[:2] != b"PK":
        kind = "a text or CSV file" if _looks_like_text(head) else "not a zip package"
        raise WorkbookUnreadable(f"{path}: not an Excel workbook claimbook can read ({kind}); "
                                 f"{_SAVE_AS}")
    try:
        package_zip = zipfile.ZipFile(fh)
    except zipfile.BadZipFile:
        raise WorkbookUnreadable(f"{path}: not an Excel workbook claimbook can read (a damaged "
                                 "or cut-short zip package); use a backup copy") from None
    names = set(package_zip.namelist())
    if "content.xml" in names or "mimetype" in names:
        raise WorkbookUnreadable(f"{path} is an OpenDocument spreadsheet (.ods); open it in "
                                 "Excel or LibreOffice and save it as an Excel Workbook (.xlsx)")
    if "xl/workbook.bin" in names:
        raise WorkbookUnreadable(f"{path} is an Excel Binary Workbook (.xlsb); {_SAVE_AS}")
    return package_zip


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


def _looks_like_text(head: bytes) -> bool:
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


class _Archive:
    """The package's parts as stored: its directory read, a part inflated only when
    asked, and then a chunk at a time (what :mod:`claimbook.io.xlsx.parts` needs of a
    package: ``where``, ``has``, ``read``)."""

    def __init__(self, path: str, fh: BinaryIO, data: bytes | None):
        self.where, self._data = path, data
        self.zip = refuse_other_formats(path, fh)
        infos = self.zip.infolist()
        if any(i.file_size >= 0xFFFFFFFF or i.header_offset >= 0xFFFFFFFF for i in infos) \
                or len(infos) >= 0xFFFF:
            raise WorkbookUnreadable(f"{path}: too big for claimbook to edit (a zip64 package)")
        cap_sizes(path, self.zip)
        self._infos = {i.filename: i for i in infos}

    def has(self, name: str) -> bool:
        """Whether the package holds the part."""
        return name in self._infos

    def size(self, name: str) -> int:
        """The part's size as it declares it, inflated."""
        return self._infos[name].file_size

    def read(self, name: str) -> bytes:
        """A (small) part's whole content, checked as :meth:`chunks` checks it."""
        return b"".join(self.chunks(name))

    def chunks(self, name: str) -> Iterator[bytes]:
        """A part's content, :data:`CHUNK` bytes at a time; never more than its declared
        size nor :data:`PART_CAP` (a part whose stream runs longer is refused when it
        does, before it fills memory); size and CRC checked at the end.

        Raises:
            WorkbookUnreadable: the part is damaged, or inflates past what it declares.
        """
        info = self._infos[name]
        limit, total, crc = min(PART_CAP, info.file_size), 0, 0
        for chunk in self._inflated(info):
            total += len(chunk)
            if total > limit:
                break
            crc = _zlib.crc32(chunk, crc)
            yield chunk
        if total != info.file_size or total > PART_CAP:
            raise WorkbookUnreadable(f"{self.where}: its part {name} does not inflate to the "
                                     f"{info.file_size:,} bytes it declares; use a backup copy")
        if crc != info.CRC:
            raise WorkbookUnreadable(f"{self.where}: its part {name} is damaged (bad CRC); "
                                     "use a backup copy")

    def _inflated(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        if info.compress_type == zipfile.ZIP_STORED:
            yield from self._stored(info)
        elif info.compress_type == zipfile.ZIP_DEFLATED:
            yield from self._inflate(info)
        else:  # another method zipfile knows (bzip2, lzma): its own reader, in chunks
            yield from self._other(info)

    def _inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        inflater = _zlib.decompressobj(-15)
        try:
            for piece in self._stored(info):
                while piece and not inflater.eof:  # bytes after the stream's end are left
                    chunk = inflater.decompress(piece, CHUNK)
                    piece = inflater.unconsumed_tail
                    if chunk:
                        yield chunk
                if inflater.eof:
                    return
            while not inflater.eof and (chunk := inflater.decompress(b"", CHUNK)):
                yield chunk
        except zlibs.ERRORS as exc:
            raise WorkbookUnreadable(f"{self.where}: its part {info.filename} is damaged "
                                     f"({exc}); use a backup copy") from None

    def _other(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        try:
            with self.zip.open(info) as member:
                while chunk := member.read(CHUNK):
                    yield chunk
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
            raise WorkbookUnreadable(f"{self.where}: its part {info.filename} is damaged "
                                     f"({exc}); use a backup copy") from None

    def _stored(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """The part's stored bytes, :data:`STORED_PIECE` at a time (from the caller's bytes,
        or through a handle of its own on the file)."""
        with io.BytesIO(self._data) if self._data is not None else open(self.where, "rb") as fh:
            fh.seek(info.header_offset)
            header = fh.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise WorkbookUnreadable(f"{self.where}: its part {info.filename} is damaged "
                                         "(no local header); use a backup copy")
            fh.seek(info.header_offset + 30 + sum(_LOCAL_HEADER.unpack(header)))
            left = info.compress_size
            while left > 0 and (piece := fh.read(min(left, STORED_PIECE))):
                left -= len(piece)
                yield piece


def pieces(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The XML cut into pieces that each end just before a cell or a row starts, so that no
    cell reference, row tag or cell is ever split between two pieces (a piece with neither
    in it is cut at :data:`CELL_MAX` bytes: no cell Excel writes is that long)."""
    carry = b""
    for chunk in chunks:
        buf = carry + chunk if carry else chunk
        cut = max(buf.rfind(b"<c "), buf.rfind(b"<row "))
        if cut <= 0:
            if len(buf) < CELL_MAX:
                carry = buf
                continue
            cut = max(buf.rfind(b"<"), 0) or len(buf)
        yield buf[:cut]
        carry = buf[cut:]
    if carry:
        yield carry


# -- sheets ------------------------------------------------------------------------------------
def _sheets(archive: _Archive) -> list[dict[str, str]]:
    try:
        return parts.sheets(archive)
    except (KeyError, ClaimbookError, UnicodeDecodeError) as exc:
        raise WorkbookUnreadable(f"{archive.where}: its list of sheets cannot be read "
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


class SheetScan:
    """What one pass over a sheet's XML finds, fed a piece at a time (see :func:`pieces`):
    its last row (rows are stored in order; Excel opens no file where they are not), its
    farthest column (any cell may hold it, so every cell reference is looked at, but only
    through a pattern for columns past the farthest so far), and its formulas with no
    saved value."""

    def __init__(self, sheet: str):
        self.sheet = sheet
        self.last_row, self.last_col, self.wide = 0, 26, False
        self.problems: list[Problem] = []
        self._past = _past_column(26)

    @property
    def area(self) -> int:
        """Cells in the used area a reader would size: last row x farthest column."""
        return self.last_row * self.last_col

    def feed(self, piece: bytes) -> None:
        """Scan one piece."""
        found = self._past.search(piece)
        if found:
            self.wide = True
            self.last_col = max(self.last_col, max(
                _column(letters) for letters, _ in _WIDE_CELL.findall(piece, found.start())))
            self._past = _past_column(self.last_col)
        at = piece.rfind(b"<row ")
        if at >= 0:
            row = _ROW_NUMBER.match(piece, at)
            self.last_row = int(row.group(1)) if row else 0
        if _FORMULA_WITHOUT_VALUE.search(piece):
            self.problems += formulas_without_values(self.sheet, piece)


def _letters(column: int) -> str:
    out = ""
    while column:
        column, rest = divmod(column - 1, 26)
        out = chr(65 + rest) + out
    return out


@lru_cache(maxsize=64)
def _past_column(column: int) -> re.Pattern[bytes]:
    """A cell reference of two or three letters to the right of ``column`` (a single
    letter is never past the 26 that a sheet is counted with at least)."""
    letters = _letters(max(column, 26))
    width = len(letters)
    alike = [letters[:i] + f"[{chr(ord(ch) + 1)}-Z]" + "[A-Z]" * (width - i - 1)
             for i, ch in enumerate(letters) if ch < "Z"]
    if width == 1:
        return re.compile(rb'<c r="[A-Z]{2,3}\d')
    if width == 2:
        wider = "[A-Z]" + (f"|(?<={'|'.join(alike)})" if alike else "")
        return re.compile(f'<c r="[A-Z][A-Z](?:{wider})\\d'.encode())
    if not alike:
        return re.compile(rb"(?!)")
    return re.compile(f'<c r="[A-Z]{{3}}(?<={"|".join(alike)})\\d'.encode())


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def farthest_cell(xml: Iterator[bytes], scan: SheetScan) -> str:
    """The cell that makes the area too big, in a second pass over the pieces: the last
    cell in the farthest column, or (no column past Z) the last cell of the last row."""
    if scan.wide:
        ref = None
        for piece in xml:
            for letters, row in _WIDE_CELL.findall(piece):
                if _column(letters) == scan.last_col:
                    ref = (letters, row)
        return f"{ref[0].decode()}{int(ref[1])}" if ref else f"A{scan.last_row}"
    return _last_cell_of_row(xml, scan.last_row)


def _last_cell_of_row(xml: Iterator[bytes], last_row: int) -> str:
    tag, ref, open_row = b'<row r="%d"' % last_row, None, False
    for piece in xml:
        at = piece.rfind(tag)
        if at >= 0:
            ref, open_row = None, True
        elif not open_row:
            continue
        end = piece.find(b"</row>", max(at, 0))
        cells = _CELL_REF.findall(piece, max(at, 0), end if end >= 0 else len(piece))
        ref = cells[-1] if cells else ref
        open_row = end < 0
    return f"{ref[0].decode()}{int(ref[1])}" if ref else f"A{last_row}"


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


def total_rows(archive: _Archive, sheet: dict[str, str]) -> list[Problem]:
    """The sheet's tables that have a Total Row: it would be read as a data row, and new
    rows cannot go under it."""
    out = []
    for table_part in parts.table_parts(archive, sheet["part"]):
        if not archive.has(table_part):
            continue
        tag = _TABLE.search(archive.read(table_part))
        attrs = dict(_ATTR.findall(tag.group(0))) if tag else {}
        if int(attrs.get(b"totalsRowCount", b"0") or 0) > 0:
            out.append(Problem(sheet["name"], 0, "", TOTAL_ROW))
    return out
