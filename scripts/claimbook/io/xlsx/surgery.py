"""Write a desk command's changes into the owner's workbook, touching only what must change.

A load-and-save through openpyxl drops cached formula values, threaded comments,
slicers and extension-list validation, and rewrites charts and formatting. Instead the
workbook is edited as the zip package it is:

- new rows are appended in the sheet XML right under the last row holding a value
  (replacing pre-formatted empty rows there), taking the row above's formatting;
- the sheet's ``<dimension>``, its table's ``ref`` and filter, and the data validation and
  conditional format ranges that reached the old last row grow to cover them;
- Reminder (and, in the reverse flow, Checked Out) cells are replaced in place;
- the ``Outstanding`` sheet is added or replaced (workbook.xml, its rels and
  [Content_Types].xml gain one entry each; styles.xml only gains appended formats).

Every other part is copied byte for byte. The new file is written beside the workbook,
read back, fsynced and swapped in (see :func:`claimbook.xlsx.safe.commit`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimbook.io.xlsx import parts
from claimbook.io.xlsx.desk_reader import SheetLayout
from claimbook.io.xlsx.growth import MONEY_CODE, AddedColumn, add_column, add_table_sheet
from claimbook.io.xlsx.idmarks import NUMBERED, write_marks
from claimbook.io.xlsx.inspect import TOTAL_ROW
from claimbook.io.xlsx.outstanding_sheet import (
    SHEET_NAME,
    is_claimbooks,
    outstanding_xml,
    print_names,
)
from claimbook.io.xlsx.package import Package, Pieces, size_of
from claimbook.io.xlsx.readback import Check
from claimbook.io.xlsx.readback import read_back as _read_back
from claimbook.io.xlsx.safe import Snapshot, commit
from claimbook.io.xlsx.sheetxml import (
    DIMENSION_WITHIN,
    Row,
    Value,
    cell_at,
    cell_place,
    cell_xml,
    column_index,
    column_letters,
    dimension,
    excel_serial,
    extend_rules,
    find_row,
    grow_range,
    parse_attrs,
    replace_cells,
    row_bounds,
    row_xml,
    sheet_data_bounds,
    split_ref,
    tail_rows,
)
from claimbook.io.xlsx.stylesheet import Stylesheet
from claimbook.io.xlsx.writeguard import (
    refuse_merged,
    refuse_past_last_row,
    refuse_value,
    uses_1904,
)
from claimbook.rules import schema
from claimbook.rules.changes import latest_id
from claimbook.rules.dates import DEFAULT_STYLE
from claimbook.rules.money import fmt
from claimbook.rules.problems import ClaimbookError

STYLES = "xl/styles.xml"
# Columns a new row may go without, their values being derived (what the user typed is
# written or refused): the value is then simply not written.
SKIPPABLE = {"product_title", "checked_out", "minutes", "units", "charge"}

_TABLE_TAG = re.compile(rb"<table\b[^>]*>")


@dataclass
class Written:
    """What a write did: the backup kept and the Excel rows of the new rows, by sheet."""

    backup: str | None
    rows: dict[str, list[int]] = field(default_factory=dict)
    added_columns: list[AddedColumn] = field(default_factory=list)
    added_sheets: list[str] = field(default_factory=list)


def write_changes(snapshot: Snapshot, layouts: dict[str, SheetLayout], changes,
                  keep_backups: int, create_outstanding: bool = False) -> Written:
    """Write ``changes`` into the workbook the snapshot was taken of.

    Args:
        snapshot: the workbook's bytes as read (the write stops if the file changed).
        layouts: where each contract sheet's columns are.
        changes: a :class:`claimbook.desk.Changes`.
        keep_backups: the "Backups to Keep" setting.
        create_outstanding: add the Outstanding sheet when the workbook has none.

    Returns:
        The backup's path and where the new rows landed.

    Raises:
        ClaimbookError: a change the workbook cannot take (a missing column, a table with
            a totals row, a sheet of the owner's called Outstanding); the workbook is
            then left as it was.
    """
    package = Package(snapshot.data, snapshot.path)
    styles = Stylesheet(package.read(STYLES), uses_1904(package)) if package.has(STYLES) \
        else None
    written, checks, fragments, issued = Written(None), [], {}, {}
    for sheet in _sheets_touched(changes):
        layout = layouts.get(sheet)
        if layout is None:
            checks += _new_sheet(package, sheet, changes, styles, written)
            issued[sheet] = latest_id([r.get(schema.sheet(sheet).key)
                                       for r in changes.rows.get(sheet, [])])
            continue
        part = parts.sheet_part(package, layout.name)
        xml = package.read(part)
        edited = fragments.setdefault(layout.name, [])
        sheet_checks: list[Check] = []
        cells = [c for c in changes.cells if c.sheet == sheet]
        xml = _add_columns(package, part, xml, layout, sheet, changes, written, sheet_checks)
        xml = _replace_cells(xml, layout, sheet, cells, styles, sheet_checks, edited)
        rows = changes.rows.get(sheet, [])
        if rows:
            xml, written.rows[sheet] = _append_rows(package, part, xml, layout, sheet, rows,
                                                    styles, sheet_checks, edited)
            issued[sheet] = latest_id([layout.issued] + [r.get(schema.sheet(sheet).key)
                                                         for r in rows])
        size = size_of(xml)
        for check in sheet_checks:
            check.size = size
        checks += sheet_checks
        package.put(part, xml)
    write_marks(package, {k: v for k, v in issued.items() if v and k in NUMBERED})
    if changes.outstanding is not None:
        _write_outstanding(package, changes.outstanding, styles, create_outstanding)
    if styles is not None and styles.changed:
        package.put(STYLES, styles.xml)
    if not package.changed:
        return written
    data = package.build()
    written.backup = commit(snapshot, data, lambda tmp: _read_back(tmp, package, checks, fragments),
                            keep_backups)
    return written


def _new_sheet(package: Package, sheet: str, changes, styles: Stylesheet | None,
               written: Written) -> list[Check]:
    """Add a claimbook-written sheet the workbook lacks, with the rows meant for it."""
    spec = schema.sheet(sheet)
    if not spec.optional or styles is None:
        raise ClaimbookError(f'{package.where}: no "{sheet}" sheet; add it (see `claimbook '
                             'init`) and run the command again')
    if any(s["name"].strip().casefold() == sheet.casefold() for s in parts.sheets(package)):
        raise ClaimbookError(f'{package.where}: the sheet "{sheet}" has no header row claimbook '
                             "can read; fix or rename it and run the command again")
    for n, row in enumerate(changes.rows.get(sheet, []), start=2):
        for f, v in row.items():
            refuse_value(f"{sheet}!{column_letters(spec.fields.index(f))}{n}", v)
    rows = [{f: cell_value(sheet, f, v, None, styles) for f, v in row.items() if v is not None}
            for row in changes.rows.get(sheet, [])]
    _, numbers = add_table_sheet(package, spec, rows, styles)
    written.rows[sheet] = numbers
    written.added_sheets.append(sheet)
    key, keys = spec.key, spec.fields
    letters = column_letters(keys.index(key)) if key in keys else "A"
    return [Check(sheet, n, letters, str(row[key]))
            for n, row in zip(numbers, changes.rows.get(sheet, [])) if row.get(key) is not None]


def _add_columns(package: Package, part: str, xml: bytes, layout: SheetLayout, sheet: str,
                 changes, written: Written, checks: list) -> bytes:
    """Add, at the right of the sheet's table, each optional column a change writes to
    and the sheet lacks (CONTRACT.md: claimbook adds a column only when it must)."""
    spec = schema.sheet(sheet)
    wanted = [f for row in changes.rows.get(sheet, []) for f, v in row.items() if v is not None]
    wanted += [c.field for c in changes.cells if c.sheet == sheet and not c.optional]
    for field_name in dict.fromkeys(wanted):
        if field_name in layout.letters or field_name in SKIPPABLE:
            continue
        column = spec.column(field_name)
        if not (column.optional or column.extension):
            continue
        xml, letters = add_column(package, part, xml, layout.name, layout.header_row, column)
        layout.letters[field_name] = letters
        written.added_columns.append(AddedColumn(layout.name, column.header, letters))
        checks.append(Check(layout.name, layout.header_row, letters, column.header))
    return xml


def _sheets_touched(changes) -> list[str]:
    names = list(changes.rows) + [c.sheet for c in changes.cells]
    return list(dict.fromkeys(names))


# -- values ------------------------------------------------------------------------------
def cell_value(sheet: str, field_name: str, value, model, styles: Stylesheet | None) -> Value:
    """The cell to write for a field's value, formatted like ``model`` (the cell above).

    Money is written as its exact decimal (``76.50``), a date as a serial day number in
    a date format (the model's, else the model's style with a date format appended), or
    as ISO text where the owner keeps dates as text; serials follow the workbook's
    date system (``styles.date1904``). Text is always an inline string.
    """
    if value is None or value == "":
        return Value("")
    kind = schema.sheet(sheet).column(field_name).type
    if kind == schema.MONEY:
        if model is None and styles is not None:  # a column claimbook just added
            return Value("n", fmt(value), styles.cell_format(
                fmt_id=styles.number_format(MONEY_CODE)))
        return Value("n", fmt(value))
    if kind == schema.INT:
        return Value("n", str(int(value)))
    if kind == schema.YESNO and isinstance(value, bool):
        return Value("s", "Yes" if value else "No")
    if kind == schema.DATE:
        return _date_value(value, model, styles)
    return Value("s", str(value))


def _date_value(day, model, styles: Stylesheet | None) -> Value:
    style = model.style if model is not None else None
    if model is not None and model.is_text and model.has_value:
        return Value("s", day.isoformat())
    serial = str(excel_serial(day, styles is not None and styles.date1904))
    if styles is None or styles.is_date(style):
        return Value("n", serial)
    return Value("n", serial, styles.with_date_format(style))


def _letter(layout: SheetLayout, sheet: str, field_name: str, optional: bool) -> str | None:
    letters = layout.letters.get(field_name)
    if letters is None and not optional:
        header = schema.sheet(sheet).column(field_name).header
        raise ClaimbookError(f'{layout.name}: no "{header}" column to write to; add it to '
                             "the header row and run the command again")
    return letters


def _check_text(value: Value) -> str | None:
    return value.text if value.kind in ("s", "") else None


# -- replacing cells ---------------------------------------------------------------------
def _replace_cells(xml: bytes, layout: SheetLayout, sheet: str, cells: list,
                   styles: Stylesheet | None, checks: list, edited: list) -> bytes:
    by_row: dict[int, dict[str, object]] = {}
    for change in cells:
        letters = _letter(layout, sheet, change.field, change.optional)
        if letters is not None:
            by_row.setdefault(change.row, {})[change.field] = (letters, change.value)
    out, pos = [], 0
    for number in sorted(by_row):
        bounds = row_bounds(xml, number, pos)
        if bounds is None:
            raise ClaimbookError(f"{layout.name}!{number}:{number}: the row is not in the "
                                 "sheet as claimbook read it")
        start, end = bounds
        # Each cell to change is found by its reference (or the place it goes), the rest
        # of the row left unread; a row that cannot be read so is read whole.
        found = {}
        for letters, _ in by_row[number].values():
            cell = cell_at(xml, start, end, letters, number)
            place = cell_place(xml, start, end, letters) if cell is None else None
            found[letters] = cell or (None if place is None else (place, place, None))
        row = None if all(found.values()) else find_row(xml, number, pos)
        values = {}
        for field_name, (letters, value) in by_row[number].items():
            refuse_value(f"{layout.name}!{letters}{number}", value)
            old = row.cell(letters) if row is not None else found[letters][2]
            values[letters] = cell_value(sheet, field_name, value, old, styles)
            checks.append(_value_check(layout.name, number, letters, values[letters], value))
        if row is not None:
            new_row = replace_cells(row, xml, values)
        else:
            pieces, at = [], start
            for letters in sorted(values, key=lambda x: (found[x][0], column_index(x))):
                cell_start, cell_end, old = found[letters]
                pieces += [xml[at:cell_start], cell_xml(f"{letters}{number}", values[letters],
                                                        old.style if old else None)]
                at = cell_end
            new_row = b"".join(pieces) + xml[at:end]
        out += [xml[pos:start], new_row]
        edited.append(new_row)
        pos = end
    return b"".join(out) + xml[pos:] if out else xml


# -- appending rows ----------------------------------------------------------------------
def _append_rows(package: Package, part: str, xml: bytes, layout: SheetLayout, sheet: str,
                 rows: list[dict], styles: Stylesheet | None, checks: list,
                 edited: list) -> tuple[Pieces, list[int]]:
    tables = _tables_of(package, part, layout)
    last, empties = tail_rows(xml, layout.name, layout.header_row)
    model = last or (empties[0] if empties else None)
    old_last = last.number if last else layout.header_row
    numbers = list(range(old_last + 1, old_last + 1 + len(rows)))
    refuse_past_last_row(layout.name, numbers[-1])
    new_xml, last_col = [], 0
    for number, values in zip(numbers, rows):
        _refuse_values(layout, number, values)
        cells = _row_cells(layout, sheet, values, model, styles)
        last_col = max([last_col, *(column_index(c) for c in cells)])
        key = schema.sheet(sheet).key
        checks.append(Check(layout.name, number, layout.letters[key], str(values[key])))
        checks += _row_checks(layout, number, values, cells)
        new_xml.append(row_xml(number, cells, model))
    edited += new_xml
    refuse_merged(layout.name, xml, numbers[0], numbers[-1], _written_letters(new_xml))
    insert_at = _insert_at(xml, last, layout)
    _, data_end = sheet_data_bounds(xml, layout.name)
    kept = [xml[r.start:r.end] for r in empties if r.number > numbers[-1]]
    if model is not None:
        last_col = max([last_col, *(column_index(c.letters) for c in model.cells)])
    reach = old_last if old_last > layout.header_row else layout.header_row + 1
    # The sheet is never copied (a big one is hundreds of megabytes): its new content is
    # pieces, the dimension grown in its first bytes, the rules grown in what follows its
    # rows, the rows between a view of them as they are.
    cut = min(insert_at, DIMENSION_WITHIN)
    head = dimension(xml[:cut], numbers[-1], last_col)
    tail = extend_rules(xml[data_end:], 0, reach, numbers[-1])
    xml = Pieces([head, memoryview(xml)[cut:insert_at], b"".join([*new_xml, *kept]), tail])
    for table_part in tables:
        _grow_table(package, table_part, reach, numbers[-1])
    return xml, numbers


def _refuse_values(layout: SheetLayout, number: int, values: dict) -> None:
    """A new row's values that no cell should get are refused, naming their cells."""
    for field_name, value in values.items():
        letters = layout.letters.get(field_name, "")
        refuse_value(f"{layout.name}!{letters}{number}", value)


_CELL_REF = re.compile(rb'<c r="([A-Z]+)\d+"')


def _written_letters(new_rows: list[bytes]) -> list[str]:
    return sorted({m.decode() for row in new_rows for m in _CELL_REF.findall(row)})


def _row_cells(layout: SheetLayout, sheet: str, values: dict, model: Row | None,
               styles: Stylesheet | None) -> dict[str, Value]:
    cells = {}
    for field_name, value in values.items():
        if value is None:
            continue
        column = schema.sheet(sheet).column(field_name)
        optional = field_name in SKIPPABLE or column.optional or column.extension
        letters = _letter(layout, sheet, field_name, optional)
        if letters is not None:
            cells[letters] = cell_value(sheet, field_name, value,
                                        model.cell(letters) if model else None, styles)
    return cells


def _insert_at(xml: bytes, last: Row | None, layout: SheetLayout) -> int:
    if last is not None:
        return last.end
    header = find_row(xml, layout.header_row)
    if header is not None:
        return header.end
    return sheet_data_bounds(xml, layout.name)[0]


def _tables_of(package: Package, part: str, layout: SheetLayout) -> list[str]:
    """The tables whose header is the sheet's header row; refuses one with a totals row."""
    out = []
    for table_part in parts.table_parts(package, part):
        attrs = parse_attrs(_TABLE_TAG.search(package.read(table_part)).group(0))
        first = attrs.get(b"ref", b"A1").decode().split(":")[0]
        if split_ref(first)[1] != layout.header_row:
            continue
        if int(attrs.get(b"totalsRowCount", b"0")) > 0:
            raise ClaimbookError(f"{layout.name}: {TOTAL_ROW}")
        out.append(table_part)
    return out


def _grow_table(package: Package, table_part: str, reach: int, new_last: int) -> None:
    xml = package.read(table_part)
    tag = _TABLE_TAG.search(xml)
    ref = parse_attrs(tag.group(0))[b"ref"].decode()
    end_row = split_ref(ref.split(":")[-1])[1]
    if end_row >= new_last or end_row < reach:
        return
    grown = grow_range(ref, new_last)
    head = tag.group(0).replace(b'ref="%s"' % ref.encode(), b'ref="%s"' % grown.encode(), 1)
    rest = xml[tag.end():].replace(b'<autoFilter ref="%s"' % ref.encode(),
                                   b'<autoFilter ref="%s"' % grown.encode(), 1)
    package.put(table_part, xml[:tag.start()] + head + rest)


# -- the Outstanding sheet ------------------------------------------------------------------
def _write_outstanding(package: Package, listing, styles: Stylesheet | None,
                       create: bool) -> None:
    if styles is None:
        raise ClaimbookError(f"{package.where}: the workbook has no styles part")
    existing = next((s for s in parts.sheets(package)
                     if s["name"].casefold() == SHEET_NAME.casefold()), None)
    if existing is None and not create:
        return
    if existing is not None and not is_claimbooks(package.read(existing["part"])):
        raise ClaimbookError(f'{package.where}: a sheet of yours is called "{existing["name"]}"; '
                             "rename it so claimbook can keep its Outstanding list there")
    style = getattr(listing, "date_style", None) or DEFAULT_STYLE
    xml = outstanding_xml(listing.items, listing.as_of, styles, style)
    if existing is None:
        parts.add_sheet(package, SHEET_NAME, xml)
    else:
        package.put(existing["part"], xml)
    parts.set_sheet_names(package, SHEET_NAME, print_names(listing.items))


# -- what to read back -----------------------------------------------------------------------
def _value_check(sheet: str, number: int, letters: str, cell: Value, raw: object) -> Check:
    """What a written cell must read back as: its text, its date, or its number."""
    if cell.kind == "n":
        expected = raw if isinstance(raw, date) else Decimal(cell.text)
        return Check(sheet, number, letters, None, expected=expected)
    return Check(sheet, number, letters, _check_text(cell))


def _row_checks(layout: SheetLayout, number: int, values: dict,
                cells: dict[str, Value]) -> list[Check]:
    """Every value of a new row, to read back."""
    out = []
    for field_name, raw in values.items():
        letters = layout.letters.get(field_name)
        if letters in cells and cells[letters].kind:
            out.append(_value_check(layout.name, number, letters, cells[letters], raw))
    return out
