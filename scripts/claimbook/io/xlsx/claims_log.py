"""Read the Claims Log sheet (the claim files written so far) from a workbook's bytes.

The desk reader reads the sheets of visits and payments; ``claimbook claim`` also needs
the Claims Log, for the 837P control numbers already used (they never repeat).
"""

from __future__ import annotations

from claimbook.io.xlsx.reader import SheetReader, open_workbook
from claimbook.rules import schema
from claimbook.rules.problems import BadData, Problem
from claimbook.rules.records import ClaimsLogEntry

SHEET = "Claims Log"


def read_claims_log(data: bytes, where: str) -> list:
    """Every row of the Claims Log; none when the workbook has no such sheet yet.

    Raises:
        BadData: a cell of the sheet that cannot be read, naming it.
    """
    workbook = open_workbook(where, data)
    wanted = schema.normalize(SHEET)
    name = next((n for n in workbook.sheet_names if schema.normalize(n) == wanted), None)
    if name is None:
        return []
    problems: list[Problem] = []
    reader = SheetReader(schema.sheet(SHEET), workbook.handle.get_sheet_by_name(name), problems)
    entries = reader.records(ClaimsLogEntry)
    if problems:
        raise BadData(problems)
    return entries
