"""The pieces of the safe write: sheet XML edits, styles, the zip package."""

from __future__ import annotations

import io
import os
import zipfile
import zlib

import pytest

from claimbook.io.xlsx import sheetxml
from claimbook.io.xlsx.package import Package, deflate
from claimbook.io.xlsx.stylesheet import Stylesheet
from owner_books import owner_book, run

SHEET = (b'<worksheet><dimension ref="A1:C4"/><sheetData>'
         b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
         b'<row r="2" spans="1:3" ht="18" customHeight="1" hidden="1">'
         b'<c r="A2" s="4" t="s"><v>1</v></c><c r="C2" s="7"><v>12.5</v></c></row>'
         b'<row r="3"><c r="A3" s="9"/></row><row r="4"><c r="B4" s="9"/></row>'
         b'</sheetData><dataValidations count="1"><dataValidation sqref="C2:C2 A1:A1 D2:D99">'
         b'</dataValidation></dataValidations></worksheet>')


def test_the_tail_is_the_last_row_with_a_value_and_the_formatted_rows_after_it():
    last, empties = sheetxml.tail_rows(SHEET, "S", 1)
    assert last.number == 2 and [r.number for r in empties] == [3, 4]
    assert last.cell("C").style == b"7" and last.cell("A").is_text
    assert sheetxml.tail_rows(SHEET, "S", 2) == (None, empties)


def test_a_new_row_copies_the_row_above_but_not_hidden():
    last, _ = sheetxml.tail_rows(SHEET, "S", 1)
    row = sheetxml.row_xml(3, {"B": sheetxml.Value("s", "=1+2 & <b>")}, last)
    assert row == (b'<row r="3" spans="1:3" ht="18" customHeight="1"><c r="A3" s="4"/>'
                   b'<c r="B3" t="inlineStr"><is><t>=1+2 &amp; &lt;b&gt;</t></is></c>'
                   b'<c r="C3" s="7"/></row>')


def test_find_row_does_not_take_row_10_for_row_1():
    xml = b'<sheetData><row r="10"><c r="A10"><v>1</v></c></row><row r="1"/></sheetData>'
    assert sheetxml.find_row(xml, 1).number == 1
    assert sheetxml.find_row(xml, 2) is None


def test_replacing_a_cell_keeps_its_style_and_the_others_bytes():
    row = sheetxml.find_row(SHEET, 2)
    new = sheetxml.replace_cells(row, SHEET, {"B": sheetxml.Value("s", "x"),
                                              "C": sheetxml.Value("")})
    assert new == (b'<row r="2" spans="1:3" ht="18" customHeight="1" hidden="1">'
                   b'<c r="A2" s="4" t="s"><v>1</v></c>'
                   b'<c r="B2" t="inlineStr"><is><t>x</t></is></c><c r="C2" s="7"/></row>')


def test_ranges_that_reached_the_old_last_row_grow():
    assert sheetxml.extend_ranges("C2:C2 A1:A1 D2:D99 B5", 2, 4) == "C2:C4 A1:A1 D2:D99 B5"
    assert sheetxml.grow_range("A1:L603", 605) == "A1:L605"
    assert sheetxml.grow_range("A1", 3, 2) == "A1:C3"
    grown = sheetxml.extend_rules(SHEET, SHEET.index(b"</sheetData>"), 2, 5)
    assert b'sqref="C2:C5 A1:A1 D2:D99"' in grown
    assert sheetxml.dimension(SHEET, 6, 3)[:40] == b'<worksheet><dimension ref="A1:D6"/><shee'


def test_text_is_escaped_the_way_excel_reads_it():
    assert sheetxml.xml_text("a\x01b _x0041_ <&>") == "a_x0001_b _x005F_x0041_ &lt;&amp;&gt;"
    assert sheetxml.cell_xml("A1", sheetxml.Value("s", " pad "), None) == \
        b'<c r="A1" t="inlineStr"><is><t xml:space="preserve"> pad </t></is></c>'


def test_styles_know_a_date_and_append_a_date_format_once():
    styles = Stylesheet(b'<styleSheet><numFmts count="1"><numFmt numFmtId="164" '
                        b'formatCode="&quot;$&quot;#,##0.00"/></numFmts><fonts count="1"><font/>'
                        b'</fonts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14"/>'
                        b'<xf numFmtId="164"/></cellXfs></styleSheet>')
    assert [styles.is_date(s) for s in (None, b"1", b"2")] == [False, True, False]
    first = styles.with_date_format(b"2")
    assert first == b"3" and styles.is_date(first)
    assert styles.with_date_format(b"2") == first
    assert b'<cellXfs count="4">' in styles.xml
    assert styles.number_format('"$"#,##0.00') == 164


def test_unchanged_parts_are_copied_raw_and_changed_parts_deflate_in_chunks():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b"<a/>" * 1000)
        z.writestr("b.xml", b"<b/>")
    package = Package(buffer.getvalue())
    big = os.urandom(1000) * 30_000  # 30 MB: parallel chunks at the fast level
    package.put("b.xml", big)
    package.put("c.xml", b"<c/>")
    out = package.build()
    assert buffer.getvalue()[:package.zip.getinfo("b.xml").header_offset] in out
    with zipfile.ZipFile(io.BytesIO(out)) as z:
        assert z.testzip() is None
        assert z.namelist() == ["a.xml", "b.xml", "c.xml"]
        assert z.read("b.xml") == big
    assert zlib.decompress(deflate(big), -15) == big


def test_a_table_with_a_total_row_is_refused(tmp_path):
    path = owner_book(tmp_path / "totals.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/tables/table7.xml"] = parts["xl/tables/table7.xml"].replace(
        b'totalsRowShown="0"', b'totalsRowCount="1"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    result = run("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "R",
                 "--apply", "A0001=1", "-w", str(path))
    assert result.exit_code == 1
    assert result.output == ("Error: Payments: its table has a Total Row, so new rows cannot "
                             "go under it; turn the Total Row off (Table Design) and run the "
                             "command again\n")


@pytest.mark.parametrize("name", ["practice.xlsx"])
def test_a_file_that_is_not_a_workbook_is_refused(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"not a zip")
    result = run("pay", "--payer", "AET", "--reference", "R", "--apply", "A1=1", "-w",
                 str(path))
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: not an Excel workbook claimbook can read")


def test_extension_list_validation_grows_too():
    xml = (b"<worksheet><sheetData/><extLst><ext><x14:dataValidations><x14:dataValidation>"
           b"<xm:sqref>C2:C3 E2:E9</xm:sqref></x14:dataValidation></x14:dataValidations>"
           b"</ext></extLst></worksheet>")
    grown = sheetxml.extend_rules(xml, xml.index(b"<sheetData/>"), 3, 5)
    assert b"<xm:sqref>C2:C5 E2:E9</xm:sqref>" in grown
