"""The last ID claimbook gave on each sheet, kept in the workbook so no ID is given twice.

IDs are numbered on from the highest on the sheet (``A001316`` -> ``A001317``). If the
last visit's rows are deleted in Excel, that rule alone would give ``A001316`` again, to a
different visit, while the old one may sit on a printed receipt or a claim. So claimbook
also remembers, per sheet, the last ID it gave, as a custom document property of the
workbook (Excel: File > Info > Properties > Advanced Properties > Custom, e.g.
"claimbook last Appointment ID" = A001317), and numbers on from the higher of the two.

Reading takes the small ``docProps/custom.xml`` part of the snapshot's bytes; writing
adds or replaces it in the package (and, the first time, one relationship in
``_rels/.rels`` and one override in ``[Content_Types].xml``). Excel and LibreOffice keep
custom properties when they save.
"""

from __future__ import annotations

import io
import re
import zipfile
from html import escape, unescape

from claimbook.io.xlsx.package import Package
from claimbook.rules import schema

NUMBERED = ("Clients", "Appointments", "Payments", "Unmatched Imports")  # IDs claimbook gives
PART = "docProps/custom.xml"
ROOT_RELS = "_rels/.rels"
CONTENT_TYPES = "[Content_Types].xml"
REL_TYPE = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
            "custom-properties")
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_NS = ('xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
       'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"')
_PROPERTY = re.compile(rb'<property\b[^>]*\bname="([^"]*)"[^>]*>(.*?)</property>', re.S)
_PID = re.compile(rb'\bpid="(\d+)"')
_TEXT = re.compile(rb"<vt:lpwstr>(.*?)</vt:lpwstr>", re.S)


def property_name(sheet: str) -> str:
    """``claimbook last Appointment ID`` for the Appointments sheet."""
    spec = schema.sheet(sheet)
    return f"claimbook last {spec.column(spec.key).header}"


def _properties(xml: bytes) -> dict[str, str]:
    out = {}
    for name, body in _PROPERTY.findall(xml):
        text = _TEXT.search(body)
        if text:
            out[unescape(name.decode("utf-8"))] = unescape(text.group(1).decode("utf-8"))
    return out


def read_marks(data: bytes) -> dict[str, str]:
    """The last ID given on each sheet, by sheet name, from a workbook's bytes (empty when
    the workbook has none, or is not a zip package)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            if PART not in package.namelist():
                return {}
            found = _properties(package.read(PART))
    except zipfile.BadZipFile:
        return {}
    out = {}
    for spec in schema.SHEETS:
        if spec.key and (value := found.get(property_name(spec.name))):
            out[spec.name] = value
    return out


def write_marks(package: Package, marks: dict[str, str]) -> None:
    """Record the last ID given on each sheet in ``marks`` (other properties are kept)."""
    if not marks:
        return
    xml = package.read(PART) if package.has(PART) else None
    if xml is None:
        xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               f"<Properties {_NS}></Properties>").encode()
        _register(package)
    for sheet, value in marks.items():
        xml = _set(xml, property_name(sheet), value)
    package.put(PART, xml)


def _set(xml: bytes, name: str, value: str) -> bytes:
    text = b"<vt:lpwstr>%s</vt:lpwstr>" % escape(value).encode("utf-8")
    for m in _PROPERTY.finditer(xml):
        if unescape(m.group(1).decode("utf-8")) == name:
            start, end = m.span(2)
            return xml[:start] + text + xml[end:]
    pid = max((int(p) for p in _PID.findall(xml)), default=1) + 1
    element = (b'<property fmtid="%s" pid="%d" name="%s">%s</property>'
               % (FMTID.encode(), pid, escape(name).encode("utf-8"), text))
    if b"</Properties>" in xml:
        at = xml.rindex(b"</Properties>")
        return xml[:at] + element + xml[at:]
    return xml.replace(b"/>", b">" + element + b"</Properties>", 1)  # <Properties .../>


def _register(package: Package) -> None:
    rels = package.read(ROOT_RELS)
    used = {int(n) for n in re.findall(rb'Id="rId(\d+)"', rels)}
    rid = max(used, default=0) + 1
    rel = f'<Relationship Id="rId{rid}" Type="{REL_TYPE}" Target="{PART}"/>'.encode()
    at = rels.rindex(b"</Relationships>")
    package.put(ROOT_RELS, rels[:at] + rel + rels[at:])
    types = package.read(CONTENT_TYPES)
    if f'PartName="/{PART}"'.encode() not in types:
        override = f'<Override PartName="/{PART}" ContentType="{CONTENT_TYPE}"/>'.encode()
        at = types.rindex(b"</Types>")
        package.put(CONTENT_TYPES, types[:at] + override + types[at:])
