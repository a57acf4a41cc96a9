"""What stops a receipt: each problem names the cell to fix, and nothing is written.

Cells as the test workbook lays them out: Staff D = NPI, E = License Number;
Appointments J = Diagnosis Codes; Clients F = Email; rows start at 2.
"""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from claimbook.cli.main import cli
from conftest import line
from papers import CLIENTS, LINES, POLICIES, STAFF


def receipt(path, out, *args: str):
    return CliRunner().invoke(cli, ["receipt", "-w", str(path), "--out", str(out),
                                    "--as-of", "2026-11-29", *args])


def assert_refused(result, out, *lines: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    for text in lines:
        assert text in result.output, result.output
    assert not out.exists()


def test_therapist_without_npi(practice, tmp_path):
    out = tmp_path / "out"
    result = receipt(practice(Staff=[{**STAFF[0], "npi": None}]), out, "--appointment", "A1")
    assert_refused(result, out)
    assert result.output == (
        "Error: Staff!D2: Tess Therapist has no NPI; a receipt needs the rendering "
        "therapist's 10-digit NPI; no receipt was written\n")


def test_therapist_without_license(practice, tmp_path):
    out = tmp_path / "out"
    result = receipt(practice(Staff=[{**STAFF[0], "license_number": None}]), out,
                     "--appointment", "A1")
    assert_refused(result, out, "Error: Staff!E2: Tess Therapist has no license number")


def test_npi_failing_its_check_digit(practice, tmp_path):
    out = tmp_path / "out"
    result = receipt(practice(Staff=[{**STAFF[0], "npi": "1234567890"}]), out,
                     "--appointment", "A1")
    assert_refused(result, out,
                   'Error: Staff!D2: NPI "1234567890" fails its check digit')
    assert "has no NPI" not in result.output  # the same cell is not reported twice


def test_malformed_icd10_code(practice, tmp_path):
    out = tmp_path / "out"
    lines = [LINES[0], {**LINES[1], "diagnosis_codes": "M54.2, 5M4.2"}, LINES[2]]
    result = receipt(practice(Appointments=lines), out, "--appointment", "A1")
    assert_refused(result, out, 'Error: Appointments!J3: "5M4.2" is not an ICD-10 code')


def test_insured_visit_without_diagnosis_codes(practice, tmp_path):
    out = tmp_path / "out"
    lines = LINES[:2] + [{**LINES[2], "diagnosis_codes": None}]
    result = receipt(practice(Appointments=lines), out, "--appointment", "A2")
    assert_refused(result, out, 'Error: Appointments!J4: appointment "A2" is billed to '
                                "Aetna but has no diagnosis codes")


def test_self_pay_visit_needs_no_diagnosis(practice, tmp_path):
    lines = LINES + [line("A9", date(2026, 10, 20), "C1", None, "MASSAGE60")]
    result = receipt(practice(Appointments=lines), tmp_path / "out", "--appointment", "A9")
    assert result.exit_code == 0, result.output


def test_a_batch_lists_every_problem_together(practice, tmp_path):
    out = tmp_path / "out"
    lines = [{**LINES[0], "diagnosis_codes": "S13.4XXA, 12345"}, LINES[1],
             {**LINES[2], "diagnosis_codes": ""}]
    staff = [{**STAFF[0], "license_number": None}]
    result = receipt(practice(Appointments=lines, Staff=staff), out, "--month", "2026-10")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Staff!E2: Tess Therapist has no license number; a receipt needs the therapist's "
        "massage license",
        'Appointments!J2: "12345" is not an ICD-10 code (a letter, two characters, then an '
        "optional dot and up to 4 more, e.g. M54.50 or S16.1XXA)",
        'Appointments!J4: appointment "A2" is billed to Aetna but has no diagnosis codes; '
        "type its ICD-10 codes, e.g. M54.50",
        "Error: no receipt written; 2 visits left out: A1 and A2",
    ]
    assert result.stdout == ""
    assert not out.exists()


def test_a_month_writes_the_others_and_lists_the_visit_left_out(practice, tmp_path):
    out = tmp_path / "out"
    lines = LINES[:2] + [{**LINES[2], "diagnosis_codes": ""},
                         line("A3", date(2026, 10, 14), "C1", "P1", "97124", units=2,
                              diagnosis_codes="M54.2")]
    result = receipt(practice(Appointments=lines), out, "--month", "2026-10")
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines() == [
        'Appointments!J4: appointment "A2" is billed to Aetna but has no diagnosis codes; '
        "type its ICD-10 codes, e.g. M54.50",
        "Error: 2 receipts written; 1 visit left out: A2",
    ]
    assert sorted(p.name for p in out.iterdir()) == [
        "receipt-A1.pdf", "receipt-A1.xlsx", "receipt-A3.pdf", "receipt-A3.xlsx"]
    assert result.stdout.splitlines() == [str(out / n) for n in (
        "receipt-A1.xlsx", "receipt-A1.pdf", "receipt-A3.xlsx", "receipt-A3.pdf")]


def test_a_single_receipt_with_a_problem_is_still_refused(practice, tmp_path):
    out = tmp_path / "out"
    lines = LINES[:2] + [{**LINES[2], "diagnosis_codes": ""}]
    result = receipt(practice(Appointments=lines), out, "--client", "C1")
    assert_refused(result, out, 'Error: Appointments!J4: appointment "A2" is billed to '
                                "Aetna but has no diagnosis codes")


def test_a_self_pay_receipt_needs_no_npi(practice, tmp_path):
    """An NPI is printed only where diagnoses or insurance are: a plain receipt needs none
    (issue 14); the same therapist's insured visit still does."""
    lines = LINES + [line("A9", date(2026, 10, 20), "C1", None, "MASSAGE60")]
    path = practice(Appointments=lines, Staff=[{**STAFF[0], "npi": None}])
    out = tmp_path / "out"
    result = receipt(path, out, "--appointment", "A9")
    assert result.exit_code == 0, result.output
    assert (out / "receipt-A9.pdf").exists()
    insured = receipt(path, tmp_path / "out2", "--appointment", "A1")
    assert insured.exit_code == 1
    assert "Staff!D2: Tess Therapist has no NPI" in insured.output


def test_problems_elsewhere_in_the_workbook_stop_it_too(practice, tmp_path):
    out = tmp_path / "out"
    lines = LINES + [line("A7", date(2026, 10, 20), "C404", None, "MASSAGE60")]
    result = receipt(practice(Appointments=lines), out, "--appointment", "A1")
    assert_refused(result, out, 'Appointments!C5: no client with Client ID "C404"')


# -- auto (PIP) and workers' comp: what such a claim cannot go without ----------------------
def test_pip_without_date_of_injury(practice, tmp_path):
    out = tmp_path / "out"
    policies = [POLICIES[0], {**POLICIES[1], "date_of_injury": None}]
    result = receipt(practice(Policies=policies), out, "--appointment", "A1")
    assert_refused(result, out)
    assert result.output == ('Error: Policies!I3: policy "P2" is auto (PIP) with State Farm '
                             "but has no date of injury; no receipt was written\n")


def test_pip_without_claim_number(practice, tmp_path):
    out = tmp_path / "out"
    policies = [POLICIES[0], {**POLICIES[1], "claim_number": None}]
    result = receipt(practice(Policies=policies), out, "--appointment", "A1")
    assert_refused(result, out, 'Error: Policies!H3: policy "P2" is auto (PIP) with State '
                                "Farm but has no claim number")


def test_pip_without_the_clients_address(practice, tmp_path):
    out = tmp_path / "out"
    clients = [CLIENTS[0], {**CLIENTS[1], "address": None}]
    result = receipt(practice(Clients=clients), out, "--appointment", "A1")
    assert_refused(result, out, "Error: Clients!G3: Bo Diaz has no address; an auto (PIP) "
                                "receipt needs it")


def test_workers_comp_without_employer(practice, tmp_path):
    from wording import wc_practice

    out = tmp_path / "out"
    result = receipt(wc_practice(practice, employer=None), out, "--appointment", "A1")
    assert_refused(result, out, 'Error: Policies!P3: policy "P2" is workers\' comp with '
                                "Washington L&I but has no employer; type it in the "
                                "Employer column")
