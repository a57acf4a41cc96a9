"""Read the Claims Log sheet (the claim files written so far) from a workbook's bytes.

The desk reader reads the sheets of visits and payments; ``claimbook claim`` also needs
the Claims Log, for the 837P control numbers already used (they never repeat).
"""

from __future__ import annotations

from claimbook.io.xlsx.reader import open_workbook, read_sheet
from claimbook.rules.problems import BadData, Problem

SHEET = "Claims Log"


def read_claims_log(data: bytes, where: str) -> list:
    """Every row of the Claims Log; none when the workbook has no such sheet yet.

    Raises:
        BadData: a cell of the sheet that cannot be read, naming it.
    """
    workbook = open_workbook(where, data)
    problems: list[Problem] = []
    table = read_sheet(workbook, SHEET, problems)
    if table is None:
        return []
    entries = table.records()
    if problems:
        raise BadData(problems)
    return entries
