"""Who the clients are, by name: the Clients sheet's IDs and names, read as typed.

A desk command reads and checks only the rows it needs; to know which client
``--client "Jane Doe"`` means, it first reads this directory: the Client ID, First Name,
Last Name and Email columns of the Clients sheet as text, nothing converted or checked
(a problem elsewhere on the sheet is not this command's business).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

from claimbook.io.xlsx.reader import SheetReader, raw_text
from claimbook.rules import schema
from claimbook.rules.problems import WorkbookUnreadable


@dataclass(frozen=True)
class Listed:
    """A client as the directory knows them."""

    client_id: str
    first_name: str | None
    last_name: str | None
    email: str | None


def read_directory(data: bytes, where: str) -> dict[str, Listed]:
    """Every client on the Clients sheet of a workbook's bytes, by Client ID (the first
    row of an ID that is used twice)."""
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = {schema.normalize(n): n for n in book.sheet_names}
        actual = names.get(schema.normalize("Clients"))
        if actual is None:
            return {}
        sheet = book.get_sheet_by_name(actual)
    except Exception as exc:  # calamine raises several types for a broken file
        raise WorkbookUnreadable(f"{where}: not an Excel workbook claimbook can read ({exc})"
                                 ) from None
    reader = SheetReader(schema.sheet("Clients"), sheet, [])
    columns = [[raw_text(v) for v in reader.raw_column(f)]
               for f in ("client_id", "first_name", "last_name", "email")]
    out: dict[str, Listed] = {}
    for client_id, first, last, email in zip(*columns):
        if client_id and client_id not in out:
            out[client_id] = Listed(client_id, first, last, email)
    return out
