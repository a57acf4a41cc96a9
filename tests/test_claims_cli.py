"""`claimbook claim` end to end: files written, visits marked billed, the Claims Log kept.

Workbooks are real files; what the command wrote is read back cell by cell with openpyxl.
"""

from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from claim_fixtures import claim_book
from claimbook.cli.main import cli
from claimbook.compute.balances import balances
from claimbook.io.xlsx.reader import load_book
from conftest import SAMPLE

DAY = "2026-10-31"


def run(*args: str):
    return CliRunner().invoke(cli, ["claim", *args], catch_exceptions=False)


def _sheet(path: Path, name: str) -> list[dict]:
    ws = openpyxl.load_workbook(path)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]


def _day(value) -> date | None:
    return value.date() if isinstance(value, datetime) else value


@pytest.fixture
def book(tmp_path) -> Path:
    return claim_book(tmp_path / "practice.xlsx")


def test_the_samples_unbilled_visits_claim_cleanly(tmp_path):
    path = tmp_path / "sample.xlsx"
    shutil.copyfile(SAMPLE, path)
    before = _sheet(path, "Appointments")
    out = tmp_path / "claims"
    result = run("-w", str(path), "--unbilled", "--date", "2026-11-27", "--837", "--form",
                 "full", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Left out" not in result.output
    assert "Billed 23 visits on 11/27/2026" in result.output
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 12 and not any(f.endswith(".part") for f in files)
    after = _sheet(path, "Appointments")
    log = _sheet(path, "Claims Log")
    claimed = {a for row in log for a in row["Appointment IDs"].split()}
    assert len(claimed) == 23
    for old, new in zip(before, after):
        if old["Appointment ID"] in claimed:
            assert old["Billed Date"] is None and old["Claim Status"] is None
            assert _day(new["Billed Date"]) == date(2026, 11, 27)
            assert new["Claim Status"] == "Billed"
            old = {**old, "Billed Date": new["Billed Date"], "Claim Status": "Billed"}
        assert new == old  # nothing else changed
    assert [row["Kind"] for row in log] == ["CMS-1500 full", "837P"] * 6
    assert [row["Control Number"] for row in log if row["Kind"] == "837P"] == \
        [f"{n:09d}" for n in range(1, 7)]
    assert sum(row["Total Charge"] for row in log if row["Kind"] == "837P") == 3372
    assert all(os.path.exists(row["File"]) for row in log)
    statuses = {b.appointment_id: b.status for b in balances(load_book(path), date(2026, 11, 27))}
    assert {statuses[a] for a in claimed} == {"Billed"}
    again = run("-w", str(path), "--unbilled", "--date", "2026-11-27", "--out", str(out))
    assert again.exit_code == 0 and again.output == "No visits to claim.\n"


def test_dry_run_lists_and_writes_nothing(book, tmp_path):
    data = book.read_bytes()
    out = tmp_path / "claims"
    result = run("-w", str(book), "--unbilled", "--date", DAY, "--dry-run", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Aetna (AET): 1 claim, $168.00" in result.output
    assert "  A1  10/05/2026  Ann Lee  97124 x3, 97140 x2  $168.00" in result.output
    assert "Medi Plan (MED): 1 claim, $132.00" in result.output  # CMS total time: 3 + 1
    assert result.output.endswith("Would claim 4 visits ($492.00); nothing written "
                                  "(--dry-run)\n")
    assert book.read_bytes() == data and not out.exists()


def test_a_visit_that_fails_is_listed_and_the_others_go(tmp_path):
    path = claim_book(tmp_path / "p.xlsx", Clients=[(0, {"sex": None})])
    out = tmp_path / "claims"
    result = run("-w", str(path), "--unbilled", "--date", DAY, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Left out A1:\n  Clients!M2: Ann Lee: Sex is needed (F, M or U) for box 3 and " \
           "the 837P\n" in result.output
    assert "Billed 3 visits on 10/31/2026" in result.output
    rows = {r["Appointment ID"]: r for r in _sheet(path, "Appointments")}
    assert rows["A1"]["Billed Date"] is None and rows["A2"]["Claim Status"] == "Billed"
    assert len(list(out.iterdir())) == 3  # one PDF for each payer with a claim


def test_nothing_claimable_exits_1_and_writes_nothing(tmp_path):
    path = claim_book(tmp_path / "p.xlsx", Clients=[(0, {"sex": None})])
    data = path.read_bytes()
    result = run("-w", str(path), "--appointment", "A1", "--date", DAY, "--out",
                 str(tmp_path / "c"))
    assert result.exit_code == 1
    assert result.output.endswith("Error: nothing claimed: 1 visit left out\n")
    assert path.read_bytes() == data and not (tmp_path / "c").exists()


def test_control_numbers_never_repeat_and_a_test_file_marks_nothing(book, tmp_path):
    out = str(tmp_path / "c")
    first = run("-w", str(book), "--appointment", "A1", "--date", DAY, "--837", "--test",
                "--out", out)
    assert first.exit_code == 0, first.output
    assert "control number 000000001" in first.output
    assert "Test file: 1 visit not marked billed" in first.output
    assert _sheet(book, "Appointments")[0]["Billed Date"] is None
    second = run("-w", str(book), "--appointment", "A1,A2", "--date", DAY, "--837", "--out",
                 out)
    assert second.exit_code == 0, second.output
    log = _sheet(book, "Claims Log")
    assert [(r["Kind"], r["Payer ID"], r["Control Number"]) for r in log] == [
        ("837P test", "AET", "000000001"), ("837P", "AET", "000000002"),
        ("837P", "SF", "000000003")]
    assert (tmp_path / "c" / "2026-10-31-AET-000000002.837").read_text().split("*")[15] == "P"
    rows = {r["Appointment ID"]: r for r in _sheet(book, "Appointments")}
    assert rows["A1"]["Claim Status"] == "Billed" and rows["A3"]["Billed Date"] is None
    third = run("-w", str(book), "--appointment", "A1", "--date", DAY, "--out", out)
    assert "already billed on 10/31/2026" in third.output and third.exit_code == 1


def test_resubmit_a_corrected_and_a_void_claim(tmp_path):
    path = claim_book(tmp_path / "p.xlsx", Appointments=[
        (0, {"billed_date": date(2026, 10, 6), "claim_number": "ICN9001"}),
        (1, {"billed_date": date(2026, 10, 6)})])
    out = tmp_path / "c"
    result = run("-w", str(path), "--resubmit", "A1", "--frequency", "7", "--date", DAY,
                 "--837", "--form", "red", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert 'A1: Claim Status "Corrected"' in result.output
    assert "REF*F8*ICN9001~" in (out / "2026-10-31-AET-A1-corrected-000000001.837").read_text()
    rows = _sheet(path, "Appointments")[:2]
    assert [_day(r["Billed Date"]) for r in rows] == [date(2026, 10, 6)] * 2
    assert [r["Claim Status"] for r in rows] == ["Corrected"] * 2
    void = run("-w", str(path), "--resubmit", "A1", "--frequency", "8", "--date", DAY,
               "--out", str(out))
    assert void.exit_code == 0 and (out / "2026-10-31-AET-A1-void.pdf").exists()
    assert _sheet(path, "Appointments")[0]["Claim Status"] == "Voided"
    log = _sheet(path, "Claims Log")
    assert [r["Frequency"] for r in log] == ["7", "7", "8"]
    never = run("-w", str(path), "--resubmit", "A2", "--frequency", "7", "--out", str(out))
    assert never.exit_code == 1 and "never billed" in never.output


def test_the_claims_log_sheet_is_added_when_the_workbook_has_none(book, tmp_path):
    wb = openpyxl.load_workbook(book)  # a test-made workbook without the sheet
    del wb["Claims Log"]
    wb.save(book)
    result = run("-w", str(book), "--appointment", "A1", "--date", DAY, "--out",
                 str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    assert 'added the sheet "Claims Log"' in result.output
    (row,) = _sheet(book, "Claims Log")
    assert (row["Payer ID"], row["Appointment IDs"], row["Kind"], row["Claims"]) == \
        ("AET", "A1", "CMS-1500 red", 1)


def test_an_open_workbook_is_refused_and_no_claim_file_is_left(book, tmp_path):
    lock = book.parent / f"~${book.name}"
    lock.write_text("x")
    data = book.read_bytes()
    out = tmp_path / "c"
    result = CliRunner().invoke(cli, ["claim", "-w", str(book), "--unbilled", "--date", DAY,
                                      "--837", "--out", str(out)])
    assert result.exit_code == 1 and "open in Excel" in result.output
    assert book.read_bytes() == data
    assert not out.exists() or list(out.iterdir()) == []


def test_alignment_page_uses_the_practices_offsets(tmp_path):
    path = claim_book(tmp_path / "p.xlsx", {"form_left_offset": 5, "form_top_offset": -3})
    result = run("-w", str(path), "--form", "red", "--alignment", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert result.output == (f"{tmp_path}/cms1500-alignment.pdf: print it on a red CMS-1500 "
                             "(Form Left Offset 5, Form Top Offset -3)\n")


@pytest.mark.parametrize("args, words", [
    ((), "give one of --appointment ID, --unbilled or --resubmit ID"),
    (("--unbilled", "--appointment", "A1"), "not --appointment and --unbilled"),
    (("--resubmit", "A1"), "--frequency 7"),
    (("--unbilled", "--frequency", "7"), "--frequency 7"),
    (("--unbilled", "--test"), "--test goes with --837"),
    (("--appointment", "A1", "--from", "2026-10-01"), "--from and --to go with --unbilled"),
    (("--unbilled", "--from", "2026-10-09", "--to", "2026-10-01"), "is after"),
    (("--unbilled", "--alignment"), "--alignment prints the red form's test page"),
])
def test_usage_errors(book, args, words):
    result = CliRunner().invoke(cli, ["claim", "-w", str(book), *args])
    assert result.exit_code == 2 and words in result.output


def test_unknown_visit_or_payer(book):
    assert 'no appointment "A404"' in run("-w", str(book), "--appointment", "A404").output
    assert 'no payer "NOPE"' in run("-w", str(book), "--unbilled", "--payer", "NOPE").output


# -- voided visits ---------------------------------------------------------------------------
def _void(path: Path, appointment_id: str, day: str = "2026-10-20") -> None:
    done = CliRunner().invoke(cli, ["void", "-w", str(path), "--appointment", appointment_id,
                                    "--reason", "wrong client", "--date", day, "--yes"])
    assert done.exit_code == 0, done.output


def test_a_voided_visit_asked_for_is_left_out_in_one_line(book, tmp_path):
    _void(book, "A2")
    result = run("-w", str(book), "--appointment", "A2", "--date", DAY, "--out",
                 str(tmp_path / "c"))
    assert result.exit_code == 1
    cell = next(f"Appointments!{c.column_letter}4" for c in openpyxl.load_workbook(book)[
        "Appointments"][1] if c.value == "Void Reason")
    assert result.output == (f"Left out A2: voided on 10/20/2026 (wrong client; {cell})\n"
                             "Error: nothing claimed: 1 visit left out\n")
    both = run("-w", str(book), "--appointment", "A2,A3", "--date", DAY, "--dry-run")
    assert both.output.splitlines()[0] == (f"Left out A2: voided on 10/20/2026 "
                                           f"(wrong client; {cell})")
    assert "units" not in both.output and "not above zero" not in both.output
    assert "Would claim 1 visit ($64.00)" in both.output


def test_unbilled_skips_a_voided_visit_silently(book, tmp_path):
    _void(book, "A2")
    result = run("-w", str(book), "--unbilled", "--date", DAY, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "A2" not in result.output and "Left out" not in result.output


def test_a_voided_visit_s_claim_can_be_voided_and_not_corrected(tmp_path):
    path = claim_book(tmp_path / "p.xlsx", Appointments=[
        (2, {"billed_date": date(2026, 10, 6), "claim_number": "ICN7"})])
    _void(path, "A2")
    out = tmp_path / "c"
    corrected = run("-w", str(path), "--resubmit", "A2", "--frequency", "7", "--date", DAY,
                    "--out", str(out))
    assert corrected.exit_code == 1
    assert corrected.output.startswith('Error: appointment "A2" was voided on 10/20/2026 '
                                       "(wrong client; ")
    assert "--frequency 8 voids its claim" in corrected.output
    void = run("-w", str(path), "--resubmit", "A2", "--frequency", "8", "--date", DAY,
               "--837", "--out", str(out))
    assert void.exit_code == 0, void.output
    x837 = next(out.glob("*-A2-void-*.837")).read_text()
    assert x837.count("\nSV1*") == 1 and "*-" not in x837  # its own line, not the reversal
    assert "SV1*HC:97124*128*UN*4***1~" in x837
