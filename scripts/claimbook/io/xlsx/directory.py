"""Who the clients are, by name: the Clients sheet's IDs and names, read as typed.

A desk command reads and checks only the rows it needs; to know which client
``--client "Jane Doe"`` means, it first reads this directory: the Client ID, First Name,
Last Name and Email columns of the Clients sheet as text, nothing converted or checked
(a problem elsewhere on the sheet is not this command's business).
"""

from __future__ import annotations

from dataclasses import dataclass

from claimbook.io.xlsx.reader import open_workbook, read_sheet


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
    table = read_sheet(open_workbook(where, data), "Clients", [])  # problems: check's
    if table is None:
        return {}
    columns = [table.table.column(f).to_pylist()
               for f in ("client_id", "first_name", "last_name", "email")]
    out: dict[str, Listed] = {}
    for client_id, first, last, email in zip(*columns):
        if client_id and client_id not in out:
            out[client_id] = Listed(client_id, first, last, email)
    return out
