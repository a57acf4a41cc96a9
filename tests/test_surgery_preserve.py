"""checkout, pay and remind change only what they mean to: every other zip part is
byte-identical, every other cell equal, and what must grow (tables, validation,
conditional formats, the dimension) grows."""

from __future__ import annotations

import re
import shutil

import openpyxl
import pytest

from owner_books import cells, owner_book, parts_of, run, sheet_part

CHECKOUT = ("checkout", "--date", "2026-11-02", "--client", "C1", "--staff", "S1",
            "--policy", "P1", "--service", "97124", "--minutes", "38", "--paid", "20",
            "--method", "Card")
PAY = ("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT200",
       "--apply", "A0004=50.00", "--adjust", "A0004=16.00:CO-45")
REMIND = ("remind", "--date", "2026-11-29")


@pytest.fixture
def book(tmp_path):
    path = owner_book(tmp_path / "owner.xlsx")
    shutil.copyfile(path, tmp_path / "original.xlsx")
    return path


def _changed(before: dict, after: dict) -> set[str]:
    return {n for n in set(before) | set(after) if before.get(n) != after.get(n)}


def _formulas(path) -> dict:
    wb = openpyxl.load_workbook(path)  # read only: never saved
    return {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows()
            for c in row if c.data_type == "f"}


def test_checkout_changes_only_the_appointments_part_its_table_and_the_reminder(book):
    before = parts_of(book)
    result = run(*CHECKOUT, "-w", str(book))
    assert result.exit_code == 0, result.output
    after = parts_of(book)
    changed = _changed(before, after)
    # the last Appointment ID given is remembered in a custom document property, whose
    # part is added the first time (one relationship, one content type override)
    assert changed == {sheet_part(book, "Appointments"), sheet_part(book, "Clients"),
                       "xl/tables/table6.xml", "docProps/custom.xml", "_rels/.rels",
                       "[Content_Types].xml"}
    assert b'ref="A1:O5"' in after["xl/tables/table6.xml"]
    assert b'<autoFilter ref="A1:O5"/>' in after["xl/tables/table6.xml"]


def test_pay_changes_only_the_payments_part_its_table_and_the_reminder(book):
    run(*CHECKOUT, "-w", str(book))
    before = parts_of(book)
    result = run(*PAY, "-w", str(book))
    assert result.exit_code == 0, result.output
    changed = _changed(before, parts_of(book))
    assert changed == {sheet_part(book, "Payments"), sheet_part(book, "Clients"),
                       "xl/tables/table7.xml", "docProps/custom.xml"}


def test_remind_adds_the_outstanding_sheet_and_sets_reminders_only(book):
    run(*CHECKOUT, "-w", str(book))
    run(*PAY, "-w", str(book))
    before = parts_of(book)
    result = run(*REMIND, "-w", str(book))
    assert result.exit_code == 0, result.output
    after = parts_of(book)
    outstanding = sheet_part(book, "Outstanding")
    assert _changed(before, after) == {outstanding, sheet_part(book, "Clients"),
                                       "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                       "[Content_Types].xml", "xl/styles.xml"}
    # workbook.xml, its rels, content types and styles only gained entries
    for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        assert len(after[name]) > len(before[name])
    old_xfs = re.search(rb"<cellXfs.*?</cellXfs>", before["xl/styles.xml"], re.S).group(0)
    assert old_xfs[:-len(b"</cellXfs>")].split(b">", 1)[1] in after["xl/styles.xml"]


def test_after_all_three_every_other_part_and_cell_is_as_it_was(book, tmp_path):
    original = tmp_path / "original.xlsx"
    for command in (CHECKOUT, PAY, REMIND):
        result = run(*command, "-w", str(book))
        assert result.exit_code == 0, result.output
    before, after = parts_of(original), parts_of(book)
    meant = {sheet_part(book, n) for n in ("Appointments", "Payments", "Clients",
                                          "Outstanding")}
    meant |= {"xl/tables/table6.xml", "xl/tables/table7.xml", "xl/workbook.xml",
              "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml",
              "_rels/.rels"}  # + docProps/custom.xml (new): the last IDs given
    untouched = set(before) - meant
    assert any("chart" in n for n in untouched) and any("media" in n for n in untouched)
    assert any("comments" in n for n in untouched) and any("drawing" in n for n in untouched)
    for name in untouched:
        assert after[name] == before[name], name
    old, new = cells(original), cells(book)
    assert set(new) == set(old) | {"Outstanding"}
    for sheet, rows in old.items():
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                if sheet == "Clients" and j == 4:  # Reminder, claimbook's column
                    continue
                assert new[sheet][i][j] == value, f"{sheet} row {i + 1} col {j + 1}"
    assert _formulas(book) == _formulas(original)
    assert new["Summary"][0][1] == 140  # the formula's cached value is still there


def test_new_rows_land_under_the_last_real_row_with_the_formatting_above(book):
    run(*CHECKOUT, "-w", str(book))
    run(*PAY, "-w", str(book))
    xml = parts_of(book)[sheet_part(book, "Payments")]
    row4 = re.search(rb'<row r="4".*?</row>', xml).group(0)
    row3 = re.search(rb'<row r="3".*?</row>', xml).group(0)
    assert b"PMT0003" in row4  # not below the pre-formatted empty rows 4 to 6
    assert re.findall(rb' s="(\d+)"', row4) == re.findall(rb' s="(\d+)"', row3)
    assert b'<row r="5"' in xml and b'<row r="6"' in xml  # the rest stay as they were
    assert b"<f>" not in row4
    assert b'sqref="C2:C4"' in xml  # the Source validation reaches the new row
    assert b'<dimension ref="A1:N6"/>' in xml


def test_validation_and_conditional_formats_grow_with_the_appointments(book):
    run(*CHECKOUT, "-w", str(book))
    xml = parts_of(book)[sheet_part(book, "Appointments")]
    assert b'<conditionalFormatting sqref="K2:K5">' in xml
    assert b'sqref="M2:M5"' in xml
    assert b'<dimension ref="A1:O5"/>' in xml


def test_the_owners_extra_columns_stay_blank_and_in_place(book):
    run(*CHECKOUT, "-w", str(book))
    rows = cells(book)["Appointments"]
    header = rows[0]
    new = dict(zip(header, rows[4]))
    assert new["Room"] == "" and new["Appointment ID"] == "A0004"
    assert new["CLIENT ID"] == "C1" and new["Units"] == 3 and new["Charge"] == 90


def test_remind_twice_replaces_the_outstanding_sheet_and_adds_no_styles(book):
    run(*CHECKOUT, "-w", str(book))
    run(*REMIND, "-w", str(book))
    first = parts_of(book)
    run(*PAY, "-w", str(book))
    run(*REMIND, "-w", str(book))
    second = parts_of(book)
    assert first["xl/styles.xml"] == second["xl/styles.xml"]
    assert first["xl/workbook.xml"] == second["xl/workbook.xml"]
    assert set(first) == set(second)
    assert second["xl/workbook.xml"].count(b'name="Outstanding"') == 1
