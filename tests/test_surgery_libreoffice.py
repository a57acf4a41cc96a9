"""A workbook saved by LibreOffice takes checkout, pay and remind, and LibreOffice opens
the result and reads the new rows (skipped where LibreOffice is not installed)."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess

import pytest

from owner_books import owner_book, parts_of, run

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
ALL_SHEETS_CSV = "csv:Text - txt - csv (StarCalc):44,34,UTF8,1,,0,false,true,false,false,false,-1"


def _soffice(tmp_path, target: str, source, out_dir) -> None:
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", target, "--outdir", str(out_dir), str(source)],
                   check=True, capture_output=True, timeout=120)


def test_libreoffice_round_trip(tmp_path):
    (tmp_path / "src").mkdir()
    source = owner_book(tmp_path / "src" / "owner.xlsx")
    _soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", source, tmp_path / "lo")
    book = tmp_path / "lo" / "owner.xlsx"
    for args in (("checkout", "--date", "2026-11-02", "--client", "C1", "--staff", "S1",
                  "--policy", "P1", "--service", "97124", "--minutes", "38", "--paid", "20"),
                 ("pay", "--date", "2026-11-20", "--payer", "AET", "--reference", "EFT200",
                  "--apply", "A0004=50.00"),
                 ("remind", "--date", "2026-11-29")):
        result = run(*args, "-w", str(book))
        assert result.exit_code == 0, result.output
    tables = [x for n, x in parts_of(book).items() if n.startswith("xl/tables/")]
    payments = next(x for x in tables if b'name="Payments"' in x)
    assert re.search(rb'<table[^>]* ref="A1:N4"', payments)
    _soffice(tmp_path, ALL_SHEETS_CSV, book, tmp_path / "csv")
    read = {name: list(csv.reader(open(tmp_path / "csv" / f"owner-{name}.csv",
                                       encoding="utf-8")))
            for name in ("Payments", "Appointments", "Outstanding", "Clients")}
    assert read["Payments"][3][:7] == ["PMT0003", "2026-11-20", "Insurance", "AET", "EFT200",
                                       "A0004", "50"]
    assert read["Appointments"][4][:3] == ["A0004", "2026-11-02", "C1"]
    assert read["Outstanding"][0][0] == "Outstanding insurance payments"
    assert read["Clients"][1][4].startswith("Partial payment taken 10/05/2026")
