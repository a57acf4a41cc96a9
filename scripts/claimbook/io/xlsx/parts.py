"""Finding parts inside the package: which XML part holds a sheet, which tables sit on
it, and adding a new sheet to workbook.xml, its rels and [Content_Types].xml."""

from __future__ import annotations

import posixpath
import re
from html import unescape
from xml.sax.saxutils import escape

from claimbook.io.xlsx.package import Package
from claimbook.rules.problems import ClaimbookError

WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
CONTENT_TYPES = "[Content_Types].xml"
WORKSHEET_TYPE = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                  "worksheet")
WORKSHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
REL_NS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"

_SHEET = re.compile(rb"<sheet\b[^>]*?/>")
_REL = re.compile(rb"<Relationship\b[^>]*?/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')


def _attrs(element: bytes) -> dict[str, str]:
    return {k.decode(): unescape(v.decode("utf-8")) for k, v in _ATTR.findall(element)}


def relationships(package: Package, rels_part: str) -> list[dict[str, str]]:
    """The relationships of a ``.rels`` part (empty when the part does not exist)."""
    if not package.has(rels_part):
        return []
    return [_attrs(m) for m in _REL.findall(package.read(rels_part))]


def rels_of(part: str) -> str:
    """``xl/worksheets/sheet1.xml`` -> ``xl/worksheets/_rels/sheet1.xml.rels``."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def target_part(source_part: str, target: str) -> str:
    """A relationship's target as a part name."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def sheets(package: Package) -> list[dict[str, str]]:
    """Every sheet of the workbook: name, sheetId, its relationship id ``rid`` and
    ``part``, in tab order."""
    rels = {r.get("Id"): r for r in relationships(package, WORKBOOK_RELS)}
    out = []
    for element in _SHEET.findall(package.read(WORKBOOK)):
        attrs = _attrs(element)
        rid = next((v for k, v in attrs.items() if k.endswith(":id")), None)
        rel = rels.get(rid, {})
        part = target_part(WORKBOOK, rel["Target"]) if "Target" in rel else None
        out.append({"name": attrs.get("name", ""), "sheetId": attrs.get("sheetId", "0"),
                    "rid": rid, "part": part})
    return out


def sheet_part(package: Package, name: str) -> str:
    """The part holding the sheet called ``name`` (matched case-insensitively)."""
    for sheet in sheets(package):
        if sheet["name"].casefold() == name.casefold() and sheet["part"]:
            return sheet["part"]
    raise ClaimbookError(f'{package.where}: no sheet "{name}" in the package')


def table_parts(package: Package, sheet: str) -> list[str]:
    """The table parts that sit on a sheet part."""
    return [target_part(sheet, r["Target"]) for r in relationships(package, rels_of(sheet))
            if r.get("Type", "").endswith("/table")]


def add_sheet(package: Package, name: str, content: bytes) -> str:
    """Add a worksheet as the workbook's last tab; returns its part name.

    workbook.xml gains one ``<sheet>``, its rels one relationship and
    [Content_Types].xml one override; nothing else in them changes.
    """
    number = 1
    while package.has(f"xl/worksheets/sheet{number}.xml"):
        number += 1
    part = f"xl/worksheets/sheet{number}.xml"
    rid = _new_rid(package)
    rels = package.read(WORKBOOK_RELS)
    relationship = (f'<Relationship Id="{rid}" Type="{WORKSHEET_TYPE}" '
                    f'Target="worksheets/sheet{number}.xml"/>').encode()
    package.put(WORKBOOK_RELS, _insert_before(rels, b"</Relationships>", relationship))
    package.put(WORKBOOK, _with_sheet(package.read(WORKBOOK), name, rid, package))
    types = package.read(CONTENT_TYPES)
    override = f'<Override PartName="/{part}" ContentType="{WORKSHEET_CONTENT}"/>'.encode()
    package.put(CONTENT_TYPES, _insert_before(types, b"</Types>", override))
    package.put(part, content)
    return part


def _new_rid(package: Package) -> str:
    used = {r.get("Id") for r in relationships(package, WORKBOOK_RELS)}
    numbers = [int(m.group(1)) for u in used if u and (m := re.fullmatch(r"rId(\d+)", u))]
    n = max(numbers, default=0) + 1
    while f"rId{n}" in used:
        n += 1
    return f"rId{n}"


def _with_sheet(workbook: bytes, name: str, rid: str, package: Package) -> bytes:
    prefix = re.search(rb'xmlns:(\w+)="' + re.escape(REL_NS) + b'"', workbook)
    if not prefix:
        raise ClaimbookError(f"{package.where}: workbook.xml has an unusual shape; "
                             "claimbook cannot add a sheet to it")
    sheet_id = max((int(s["sheetId"]) for s in sheets(package)), default=0) + 1
    element = (b'<sheet name="%s" sheetId="%d" %s:id="%s"/>'
               % (name.encode(), sheet_id, prefix.group(1), rid.encode()))
    if b"<sheets/>" in workbook:
        return workbook.replace(b"<sheets/>", b"<sheets>" + element + b"</sheets>", 1)
    return _insert_before(workbook, b"</sheets>", element)


def _insert_before(xml: bytes, closing: bytes, element: bytes) -> bytes:
    at = xml.rindex(closing)
    return xml[:at] + element + xml[at:]


_DEFINED = re.compile(rb'<definedName\b[^>]*?name="([^"]*)"[^>]*?localSheetId="(\d+)"[^>]*>'
                      rb".*?</definedName>|<definedName\b[^>]*?localSheetId=\"(\d+)\"[^>]*?"
                      rb'name="([^"]*)"[^>]*>.*?</definedName>', re.S)


def set_sheet_names(package: Package, sheet: str, names: dict[str, str]) -> None:
    """Set a sheet's own defined names (``_xlnm.Print_Titles``, ``_xlnm.Print_Area``) in
    workbook.xml, replacing that sheet's earlier ones; nothing else changes."""
    index = next((i for i, s in enumerate(sheets(package))
                  if s["name"].casefold() == sheet.casefold()), None)
    if index is None:
        raise ClaimbookError(f'{package.where}: no sheet "{sheet}" in the package')
    xml = package.read(WORKBOOK)

    def other(match: re.Match) -> bytes:
        name = (match.group(1) or match.group(4)).decode()
        sheet_id = int(match.group(2) or match.group(3))
        return b"" if sheet_id == index and name in names else match.group(0)

    xml = _DEFINED.sub(other, xml)
    added = b"".join(b'<definedName name="%s" localSheetId="%d">%s</definedName>'
                     % (name.encode(), index, escape(ref).encode())
                     for name, ref in names.items())
    if b"<definedNames>" in xml:
        xml = _insert_before(xml, b"</definedNames>", added)
    elif b"<definedNames/>" in xml:
        xml = xml.replace(b"<definedNames/>", b"<definedNames>" + added + b"</definedNames>", 1)
    else:
        at = xml.index(b"</sheets>") + len(b"</sheets>")
        xml = xml[:at] + b"<definedNames>" + added + b"</definedNames>" + xml[at:]
    package.put(WORKBOOK, xml)
