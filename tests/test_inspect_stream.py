"""The inspection reads each sheet a chunk at a time: whatever falls across a chunk's
edge (a far cell's reference, a formula and its value) is found as if the sheet had been
read whole, a big sheet is inspected in a few megabytes, and a part whose stored bytes
run on past the end of its stream is read to that end and no further."""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tracemalloc
import zipfile

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimbook.io.xlsx import inspect
from claimbook.io.xlsx.inspect import SheetScan, formulas_without_values, inspect_workbook, pieces
from claimbook.rules.problems import Problem, WorkbookUnreadable
from harden_files import PAYMENTS_PART, edit_parts, with_cell
from owner_books import owner_book

NO_VALUE = ("a formula with no saved value (the file was saved by a program that does not "
            "calculate); open the workbook in Excel, save it, and run the command again")
CHUNKS = [*range(1, 41), 97, 1000, 4096]  # every edge falls inside every reference


def _far(ref: str, rows: int, columns: int) -> str:
    return (f"Payments!{ref}: something far outside the table (the sheet would be read as "
            f"{rows:,} rows x {columns:,} columns); clear that cell (select it, press "
            "Delete, then delete the empty rows and columns up to it) and save")


@pytest.fixture
def book(tmp_path):
    return owner_book(tmp_path / "owner.xlsx")


def _refusal(path, chunk: int, monkeypatch) -> str:
    monkeypatch.setattr(inspect, "CHUNK", chunk)
    with pytest.raises(WorkbookUnreadable) as refused:
        inspect_workbook(str(path))
    return str(refused.value)


# -- across a chunk's edge ---------------------------------------------------------------
def test_a_far_cell_is_named_wherever_the_chunks_cut_it(book, monkeypatch):
    with_cell(book, PAYMENTS_PART, 1048576, "XFD1048576", "stray")
    for chunk in CHUNKS:
        assert _refusal(book, chunk, monkeypatch) == _far("XFD1048576", 1048576, 16384), chunk


def test_the_farthest_column_is_found_early_and_named_after_a_second_pass(book, monkeypatch):
    """AN2 and AN3 sit near the top; the last row reaches only AM: the area is the last
    row times AN, and AN3 (the last cell in that column) is the cell named."""
    def note(row: int) -> bytes:
        return b'<c r="AN%d" t="inlineStr"><is><t>note</t></is></c></row>' % row

    def widen(xml: bytes) -> bytes:
        first, second, third, rest = xml.split(b"</row>", 3)
        return first + b"</row>" + second + note(2) + third + note(3) + rest

    edit_parts(book, {PAYMENTS_PART: widen})
    with_cell(book, PAYMENTS_PART, 1048576, "AM1048576", "stray")
    for chunk in CHUNKS:
        assert _refusal(book, chunk, monkeypatch) == _far("AN3", 1048576, 40), chunk


def test_a_row_past_excel_s_last_names_its_last_cell(book, monkeypatch):
    with_cell(book, PAYMENTS_PART, 2000000, "C2000000", "stray")
    for chunk in (7, 64, 1 << 20):
        assert _refusal(book, chunk, monkeypatch) == _far("C2000000", 2000000, 26), chunk


def test_a_formula_without_its_value_is_named_wherever_the_chunks_cut_it(book, monkeypatch):
    wb = openpyxl.load_workbook(book)
    wb["Payments"]["M2"] = "=G2-H2+1"  # openpyxl saves no value for it
    wb.save(book)
    whole = formulas_without_values("Payments", zipfile.ZipFile(book).read(PAYMENTS_PART))
    assert Problem("Payments", 2, "M", NO_VALUE) in whole and len(whole) > 1  # all of them
    for chunk in CHUNKS:
        monkeypatch.setattr(inspect, "CHUNK", chunk)
        assert inspect_workbook(str(book)).problems == whole, chunk


def test_formulas_with_their_values_are_fine_wherever_the_chunks_cut_them(book, monkeypatch):
    assert b"<f>" in zipfile.ZipFile(book).read(PAYMENTS_PART)  # the Net column
    for chunk in CHUNKS:
        monkeypatch.setattr(inspect, "CHUNK", chunk)
        assert inspect_workbook(str(book)).problems == [], chunk


_CELL = st.builds(lambda col, row, body: f'<c r="{col}{row}"{body}</c>',
                  st.sampled_from(["A", "Z", "AA", "AB", "AM", "BA", "ZZ", "AAA", "XFD"]),
                  st.integers(1, 1048576),
                  st.sampled_from(['><v>1</v>', ' t="s"><v>0</v>', "><f>A1+1</f><v>2</v>",
                                   '><f t="shared" si="0"/><v>3</v>', "><f>B1</f>",
                                   "><f>B1</f><v></v>", "><f>B1</f><v/>", "><f/>",
                                   ' t="str"><f>""</f><v></v>', "><f>B1&gt;0</f> <v>1</v>",
                                   ' t="inlineStr"><is><t>&lt;c r=x of f</t></is>']))
_ROW = st.builds(lambda n, cells: f'<row r="{n}">{"".join(cells)}</row>',
                 st.integers(1, 1048576), st.lists(_CELL, max_size=4))


def _cut(xml: bytes, sizes: list[int]) -> list[bytes]:
    chunks, at = [], 0
    for size in sizes * (len(xml) // sum(sizes) + 1):
        chunks.append(xml[at:at + size])
        at += size
    return [c for c in chunks if c]


@settings(max_examples=300, deadline=None)
@given(st.lists(_ROW, max_size=8), st.lists(st.integers(1, 60), min_size=1, max_size=40))
def test_a_sheet_scanned_in_pieces_is_seen_as_if_read_whole(rows, sizes):
    xml = ("<worksheet><sheetData>" + "".join(rows) + "</sheetData></worksheet>").encode()
    scan = SheetScan("S")
    for piece in pieces(iter(_cut(xml, sizes))):
        scan.feed(piece)
    columns = [sum(26 ** k * (ch - 64) for k, ch in enumerate(reversed(letters)))
               for letters in re.findall(rb'<c r="([A-Z]{2,3})\d', xml)]
    row_numbers = re.findall(rb'<row r="(\d+)"', xml)
    assert scan.problems == formulas_without_values("S", xml)
    assert scan.last_col == max([26, *columns])
    assert scan.last_row == (int(row_numbers[-1]) if row_numbers else 0)


@settings(max_examples=200, deadline=None)
@given(st.lists(_ROW, max_size=8), st.lists(st.integers(1, 60), min_size=1, max_size=40))
def test_pieces_join_into_the_sheet_and_each_starts_at_a_cell_or_a_row(rows, sizes):
    xml = ("<worksheet><sheetData>" + "".join(rows) + "</sheetData></worksheet>").encode()
    out = list(pieces(iter(_cut(xml, sizes))))
    assert b"".join(out) == xml
    assert all(p.startswith((b"<c ", b"<row ")) for p in out[1:])


# -- memory ---------------------------------------------------------------------------------
def _big_payments(path, rows: int) -> int:
    """The Payments sheet made ``rows`` rows long (each with a cached formula); returns
    the sheet's size inflated."""
    line = ('<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>P{n:07d}</t></is></c>'
            '<c r="B{n}"><v>46000</v></c><c r="G{n}"><v>12.5</v></c>'
            '<c r="M{n}"><f>G{n}-H{n}</f><v>12.5</v></c>'
            '<c r="L{n}" t="inlineStr"><is><t>a note of the owner\'s, row {n}</t></is></c></row>')
    body = "".join(line.format(n=n) for n in range(5, rows + 5)).encode()
    size = []

    def grow(xml: bytes) -> bytes:
        at = xml.index(b"</sheetData>")
        out = xml[:at] + body + xml[at:]
        size.append(len(out))
        return out

    edit_parts(path, {PAYMENTS_PART: grow})
    return size[0]


def test_a_big_sheet_is_inspected_in_a_few_megabytes(book):
    size = _big_payments(book, 90_000)
    assert size > 20 << 20
    tracemalloc.start()
    try:
        found = inspect_workbook(str(book))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert found.problems == []
    assert peak < 8 << 20, f"{peak:,} bytes at the peak for a sheet of {size:,}"


def test_a_far_cell_at_the_end_of_a_big_sheet_is_named(book):
    _big_payments(book, 90_000)
    with_cell(book, PAYMENTS_PART, 1048576, "XFD1048576", "stray")
    with pytest.raises(WorkbookUnreadable) as refused:
        inspect_workbook(str(book))
    assert str(refused.value) == _far("XFD1048576", 1048576, 16384)


# -- a stream that stops before its stored bytes do ------------------------------------------
def _pad_last_part(path, extra: bytes) -> None:
    """Stored bytes added after the last part's deflate stream (its stored size grows;
    the central directory moves on)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        last = max(z.infolist(), key=lambda i: i.header_offset)
        start_dir = z.start_dir
    data[start_dir:start_dir] = extra
    name_len, extra_len = struct.unpack("<HH", data[last.header_offset + 26:
                                                    last.header_offset + 30])
    data[last.header_offset + 18:last.header_offset + 22] = struct.pack(
        "<I", last.compress_size + len(extra))
    pos = start_dir + len(extra)
    while data[pos:pos + 4] == b"PK\x01\x02":
        names, extras, comments = struct.unpack("<HHH", data[pos + 28:pos + 34])
        if data[pos + 46:pos + 46 + names] == last.filename.encode():
            data[pos + 20:pos + 24] = struct.pack("<I", last.compress_size + len(extra))
        pos += 46 + names + extras + comments
    end = data.rfind(b"PK\x05\x06")
    data[end + 16:end + 20] = struct.pack("<I", start_dir + len(extra))
    path.write_bytes(bytes(data))


def test_bytes_after_a_part_s_stream_are_left_alone(book):
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    payments = parts.pop(PAYMENTS_PART)
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in [*parts.items(), (PAYMENTS_PART, payments)]:
            z.writestr(name, data)
    _pad_last_part(book, b"\0" * 64)
    with zipfile.ZipFile(book) as z:
        assert z.read(PAYMENTS_PART) == payments  # zipfile reads it as it was
    code = ("import sys; from claimbook.io.xlsx import inspect; inspect.CHUNK = int(sys.argv[2]); "
            "print(inspect.inspect_workbook(sys.argv[1]).problems)")
    for chunk in (1 << 20, 256):  # the stream ends in a call that fills a chunk, or not
        done = subprocess.run([sys.executable, "-c", code, str(book), str(chunk)],
                              capture_output=True, text=True, timeout=60)
        assert (done.returncode, done.stdout, done.stderr) == (0, "[]\n", "")
