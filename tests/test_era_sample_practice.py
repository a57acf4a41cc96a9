"""The sample practice ships the insurer's next payment as an 835
(workbooks/sample-era.835): made by `claimbook sample` the same every time, and posted
whole into a copy of the sample."""

from __future__ import annotations

import json
from pathlib import Path

from claimbook.io.xlsx.reader import load_book
from claimbook.usecases.sample import sample_practice
from claimbook.usecases.sample_era import PAY_DAY, TRACE, sample_remittance
from owner_books import run

ROOT = Path(__file__).resolve().parent.parent
ERA = ROOT / "workbooks" / "sample-era.835"


def test_the_committed_835_is_what_the_sample_command_makes(tmp_path):
    assert ERA.read_text() == sample_remittance(sample_practice())
    result = run("sample", "--out", str(tmp_path / "s.xlsx"))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == str(tmp_path / "sample-era.835")
    assert (tmp_path / "sample-era.835").read_bytes() == ERA.read_bytes()


def test_the_sample_835_posts_whole_into_the_sample(sample_copy):
    before = load_book(sample_copy)
    result = run("era", str(ERA), "-w", str(sample_copy), "--date", "2026-12-04",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    [remittance] = json.loads(result.output)["remittances"]
    assert (remittance["payer_id"], remittance["trace_number"]) == ("REGENCE", TRACE)
    claims = remittance["claims"]
    assert len(claims) == 10 and all(c["posted"] for c in claims)
    after = load_book(sample_copy)
    new = after.payments[len(before.payments):]
    assert [p.appointment_id for p in new] == [c["appointment_id"] for c in claims]
    assert all(p.date_received == PAY_DAY and p.remittance == TRACE for p in new)
    assert sum(p.amount for p in new) == after.remittances[-1].amount == 80700
    balances = json.loads(run("balances", "-w", str(sample_copy), "--as-of", "2026-12-04",
                              "--all", "--format", "json").output)
    paid = {c["appointment_id"] for c in claims}
    assert {b["status"] for b in balances if b["appointment_id"] in paid} == {"Paid"}
    assert run("check", "-w", str(sample_copy)).exit_code == 0
