"""The real sample 835s (tests/data/x12, sources in SOURCES.md there) post with the
figures shared/x12/SOURCES.md gives for each: per claim billed, paid, patient
responsibility and adjustments by group; per remittance the payment and its balance.

Each file is posted into a workbook built from it (era_files.workbook_for), and the
Payments and Remittances rows are read back from the written workbook."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from claimbook.io.x12.era835 import read_835
from claimbook.io.xlsx.reader import load_book
from era_files import workbook_for
from owner_books import run

DATA = Path(__file__).parent / "data" / "x12"


def D(text: str) -> int:
    return int(Decimal(text) * 100)


# file -> (payment, trace, [(billed, paid, PR, {group: amount}) per claim])
FIGURES = {
    "835_01_tr3_managed_care_deductible.835": ("945.00", "7170066655", [
        ("800.00", "450.00", "300.00", {"CO": "50.00", "PR": "300.00"}),
        ("1200.00", "495.00", "600.00", {"CO": "105.00", "PR": "600.00"})]),
    "835_02_tr3_secondary_payer_cob.835": ("1222", "0012524965", [
        ("10323.64", "912", "0", {"OA": "9411.64"}),
        ("751.50", "310", "220", {"OA": "136.50", "PR": "220", "CO": "85"})]),
    "835_03_uhc_multi_claim_multi_cas.835": ("349.99", "1234567890", [
        ("341.28", "88.92", "105.26", {"CO": "147.1", "PR": "105.26"}),
        ("816.24", "261.07", "115.13", {"CO": "440.04", "PR": "115.13"})]),
    "835_04_emedny_denials_duplicate_pcn.835": ("45.75", "10100000000", [
        ("34.25", "34.25", "0", {}),
        ("34", "0", "0", {"CO": "34"}),
        ("34.25", "11.5", "0", {"CO": "22.75"})]),
    "835_12_multi_claim_same_pcn_stupidedi.835": ("810.8", "12345", [
        ("226", "132", "0", {"CO": "94"}), ("119", "74", "0", {"CO": "45"}),
        ("226", "108", "24", {"CO": "94", "PR": "24"}),
        ("1145", "14", "902", {"CO": "229", "PR": "902"}),
        ("348", "16.8", "44.2", {"CO": "287", "PR": "44.2"}),
        ("226", "132", "0", {"CO": "94"}), ("179", "108", "0", {"CO": "71"}),
        ("129", "82", "0", {"CO": "47"}), ("221", "144", "0", {"CO": "77"})]),
    "835_14_tr3_tertiary_payer.835": ("187.50", "0012524879", [
        ("1766.5", "187.50", "0", {"OA": "1579"})]),
}


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_the_reader_gives_the_figures_of_sources_md(name):
    payment, trace, claims = FIGURES[name]
    [remittance] = read_835((DATA / name).read_bytes(), name)
    assert (remittance.amount, remittance.trace_number) == (D(payment), trace)
    assert remittance.unbalanced_by == 0
    assert len(remittance.claims) == len(claims)
    for claim, (billed, paid, pr, groups) in zip(remittance.claims, claims):
        by_group: dict[str, int] = {}
        for a in claim.all_adjustments:
            by_group[a.group] = by_group.get(a.group, 0) + a.amount
        assert (claim.charge, claim.paid, claim.total("PR")) == (D(billed), D(paid), D(pr))
        assert by_group == {g: D(v) for g, v in groups.items()}
        assert claim.unbalanced_by == 0


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_each_sample_posts_its_figures_into_a_matching_workbook(name, tmp_path):
    payment, trace, claims = FIGURES[name]
    book = workbook_for((DATA / name).read_bytes(), tmp_path / "practice.xlsx")
    result = run("era", str(DATA / name), "-w", str(book), "--date", "2026-11-30",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["refused"] == []
    [remittance] = report["remittances"]
    assert (remittance["amount"], remittance["trace_number"]) == (f"{D(payment) / 100:.2f}",
                                                                   trace)
    assert [c["posted"] for c in remittance["claims"]] == [True] * len(claims)
    saved = load_book(book)
    assert len(saved.payments) == len(claims)
    for row, (_billed, paid, pr, groups) in zip(saved.payments, claims):
        written_off = sum(D(v) for g, v in groups.items() if g != "PR")
        prior = sum(D(v) for g, v in groups.items() if g == "OA")  # OA-23 in these files
        denied = D(paid) == 0 and written_off
        assert row.amount == D(paid)
        assert (row.adjustment or 0) == (0 if denied else written_off - prior)
        assert (row.patient_responsibility or 0) == D(pr)
        assert row.remittance == trace and row.reference == trace
        assert row.source == "Insurance" and row.payer_id == "INS"
        assert row.product_title.startswith("Insurance Billing - ")
    [posted] = saved.remittances
    assert (posted.trace_number, posted.amount, posted.claims_paid) == (trace, D(payment),
                                                                        D(payment))
    check = run("check", "-w", str(book))
    assert check.exit_code == 0, check.output


def test_the_emedny_denial_is_a_zero_row_and_the_visit_shows_denied(tmp_path):
    name = "835_04_emedny_denials_duplicate_pcn.835"
    book = workbook_for((DATA / name).read_bytes(), tmp_path / "practice.xlsx")
    assert run("era", str(DATA / name), "-w", str(book), "--date", "2026-11-30").exit_code == 0
    saved = load_book(book)
    denial = saved.payments[1]
    assert (denial.amount, denial.adjustment, denial.claim_status_code, denial.reason_codes) \
        == (0, None, "2", "CO-29")
    assert denial.notes.startswith("Denied: the time limit for filing has expired (CO-29); "
                                   "$34.00 not written off")
    assert saved.payments[2].reason_codes == "CO-251"
    assert "remarks N206" in saved.payments[2].notes
    balances = json.loads(run("balances", "-w", str(book), "--as-of", "2026-11-30", "--all",
                              "--format", "json").output)
    assert [b["status"] for b in balances] == ["Paid", "Denied", "Paid"]
    assert balances[1]["insurance_due"] == "34.00"


def test_claims_sharing_one_pcn_go_to_their_own_patients(tmp_path):
    """Nine claims with CLP01 7722337 for nine patients; and three eMedNY claims with one
    placeholder CLP01 and one name, told apart by member ID, date and charge."""
    name = "835_12_multi_claim_same_pcn_stupidedi.835"
    book = workbook_for((DATA / name).read_bytes(), tmp_path / "practice.xlsx")
    result = run("era", str(DATA / name), "-w", str(book), "--date", "2026-11-30")
    assert result.exit_code == 0, result.output
    saved = load_book(book)
    names = [saved.client_name(next(ln.client_id for ln in saved.lines
                                    if ln.appointment_id == p.appointment_id))
             for p in saved.payments]
    assert names == ["Sandy Doe", "Sally Doe", "Sally Smith", "Sam Smith", "Sam Jones",
                     "Sally Jones", "Sam Doe", "Sue Doe", "Donna Doe"]


def test_the_secondary_and_tertiary_prior_payer_amounts_are_not_written_off_again(tmp_path):
    name = "835_02_tr3_secondary_payer_cob.835"
    book = workbook_for((DATA / name).read_bytes(), tmp_path / "practice.xlsx")
    result = run("era", str(DATA / name), "-w", str(book), "--date", "2026-11-30")
    assert result.exit_code == 0, result.output
    first, second = load_book(book).payments
    assert (first.amount, first.adjustment, first.claim_status_code) == (91200, None, "2")
    assert first.notes.startswith("$9,411.64 of earlier payers (OA-23) not written off again")
    assert (second.adjustment, second.adjustment_reason, second.reason_codes) == (
        8500, "CO-42", "OA-23 PR-1 PR-2 CO-42")


def test_the_uhc_file_with_gt_separators_reads_its_codes(tmp_path):
    name = "835_03_uhc_multi_claim_multi_cas.835"
    [remittance] = read_835((DATA / name).read_bytes(), name)
    assert [ln.code for c in remittance.claims for ln in c.lines] == [
        "B4152", "B4152", "B4154", "B4034", "B4154"]
    assert remittance.claims[0].lines[0].control_number == "800941258001"
    book = workbook_for((DATA / name).read_bytes(), tmp_path / "practice.xlsx")
    result = run("era", str(DATA / name), "-w", str(book), "--date", "2026-11-30")
    assert result.output.splitlines()[1:3] == [
        "  001-18573-358 COOL MR: paid $88.92, written off $147.10 (CO-45), patient share "
        "$105.26 (PR-1) -> PMT000001; now owes $105.26: $105.26 from the client",
        "  001-18604-358 COOL MR: paid $261.07, written off $440.04 (CO-45), patient share "
        "$115.13 (PR-2 PR-1) -> PMT000002; now owes $115.13: $115.13 from the client"]
