"""A voided visit on what the client receives: no receipt, no superbill line, no
statement line; a voided payment and its reversal are no receipt lines either.

The practice is the statements' (tests/test_statements.py): Ann Lee (C1) with A2 and A3
(October, Aetna), A4 (11/16, billed) and A5 (11/18, self-pay massage, $90); Bo Diaz (C2)
with his PIP visit A1 (October).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.xlsx.reader import load_book
from conftest import payment
from papers import pdf_text as extract
from papers import sheet_text
from statement_helpers import AS_OF, ann, one_line, texts


def run(*args: str):
    return CliRunner().invoke(cli, [*args])


def void(path: Path, *what: str, day: str = "2026-11-20") -> None:
    done = run("void", "-w", str(path), *what, "--reason", "wrong client", "--date", day,
               "--yes")
    assert done.exit_code == 0, done.output


def void_cell(path: Path, appointment_id: str) -> str:
    line = next(ln for ln in load_book(path).lines if ln.appointment_id == appointment_id)
    return line.src.cell("void_reason")


def receipt(path: Path, out: Path, *args: str):
    return run("receipt", "-w", str(path), "--out", str(out), "--as-of", AS_OF, *args)


# -- receipts ----------------------------------------------------------------------------------
def test_a_voided_visit_gets_no_receipt_and_says_so_in_one_line(practice, tmp_path):
    path = ann(practice)
    void(path, "--appointment", "A5")
    out = tmp_path / "out"
    result = receipt(path, out, "--appointment", "A5")
    assert result.exit_code == 1
    assert result.output == (f'Error: appointment "A5" was voided on 11/20/2026 (wrong client; '
                             f"{void_cell(path, 'A5')}); a voided visit gets no receipt\n")
    assert not out.exists()


def test_a_month_leaves_a_voided_visit_out_without_a_word(practice, tmp_path):
    path = ann(practice)
    void(path, "--appointment", "A3")
    out = tmp_path / "out"
    result = receipt(path, out, "--month", "2026-10")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "receipt-A1.pdf", "receipt-A1.xlsx", "receipt-A2.pdf", "receipt-A2.xlsx"]


def test_a_superbill_leaves_a_voided_visit_and_reversal_pairs_out(practice, tmp_path):
    path = ann(practice)
    out = tmp_path / "before"
    assert receipt(path, out, "--client", "C1").exit_code == 0
    before = one_line(extract(next(out.glob("*.pdf")).read_bytes()))
    assert "11/18/2026" in before and "EFT9" in before  # A5, and Aetna's payment of A2
    void(path, "--appointment", "A5")
    void(path, "--payment", "PA2")
    out = tmp_path / "after"
    result = receipt(path, out, "--client", "C1")
    assert result.exit_code == 0, result.output
    for text in (one_line(extract(next(out.glob("*.pdf")).read_bytes())),
                 one_line(sheet_text(next(out.glob("*.xlsx"))))):
        assert "11/18/2026" not in text  # A5's line and its reversal
        assert "MASSAGE60" not in text
        assert "EFT9" not in text and "-$70.00" not in text and "Refund" not in text
        assert "10/12/2026" in text and "11/16/2026" in text  # A2 and A4 stay


# -- statements ----------------------------------------------------------------------------------
def test_a_voided_visit_is_no_line_on_a_statement(practice, tmp_path):
    from claimbook.compute.statements import build_statement

    path = ann(practice)
    void(path, "--appointment", "A5")
    st = build_statement(load_book(path), "C1", date(2026, 11, 30), date(2026, 10, 1))
    assert [ln.appointment_id for ln in st.lines] == ["A2", "A3", "A4"]
    assert st.amount_due == 3000
    for text in texts(path, tmp_path):
        assert "11/18/2026" not in text and "11/20/2026" not in text
        assert "Amount due $30.00" in text


def test_a_voided_visit_whose_payment_stays_is_a_credit_in_words(practice, tmp_path):
    from claimbook.compute.statements import build_statement

    paid = payment("PA5", date(2026, 11, 18), "A5", 9000, source="Client")
    path = ann(practice, payments=[paid])
    void(path, "--appointment", "A5")
    st = build_statement(load_book(path), "C1", date(2026, 11, 30), date(2026, 10, 1))
    last = st.lines[-1]
    assert (last.appointment_id, last.state, last.you_owe) == ("A5", "credit", -9000)
    assert last.why == "this visit was cancelled; what you paid for it is a credit to you"
