"""Text files people hand claimbook (CSV exports, remittance allocations), in whatever
encoding the program that saved them chose: UTF-8 (with or without a BOM), UTF-16 (Excel's
"Unicode Text"), or Windows-1252 (Excel's plain "CSV" on Windows)."""

from __future__ import annotations

import codecs
import csv
import io

from claimbook.rules.problems import BadRequest


def decode(data: bytes) -> str:
    """The text of a file's bytes: a BOM decides; else UTF-8, else Windows-1252."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_rows(path: str, label: str) -> list[list[str]]:
    """Every row of a CSV (or tab-separated) file as lists of text.

    Args:
        path: the file.
        label: how the user named it, for messages (``--csv remit.csv``).

    Raises:
        BadRequest: the file cannot be read, or is empty.
    """
    try:
        with open(path, "rb") as fh:
            text = decode(fh.read())
    except OSError as exc:
        raise BadRequest(f"{label}: {exc.strerror}") from None
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not rows:
        raise BadRequest(f"{label}: the file is empty")
    return rows
