"""Ann's statement: a client with visits to explain, and ways to read a statement.

Shared by test modules, which never import each other.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from click.testing import CliRunner

from claimbook.cli.main import cli
from conftest import line, payment
from papers import LINES, PAYMENTS, sheet_text
from papers import pdf_text as extract

AS_OF = "2026-11-30"


ANN_LINES = [
    {**LINES[2], "billed_date": date(2026, 10, 13)},
    line("A3", date(2026, 10, 20), "C1", "P1", "97124", units=4, diagnosis_codes="M54.50",
         client_paid=3000, payment_method="Card", billed_date=date(2026, 10, 21)),
    line("A4", date(2026, 11, 16), "C1", "P1", "97124", units=4, diagnosis_codes="M54.50",
         billed_date=date(2026, 11, 17)),
    line("A5", date(2026, 11, 18), "C1", None, "MASSAGE60", minutes=60),
]


ANN_PAYMENTS = [
    payment("PA2", date(2026, 11, 5), "A2", 7000, payer="AET", reference="EFT9",
            adjustment=2000, adjustment_reason="CO-45", patient_responsibility=3000,
            reason_codes="CO-45 PR-1"),
    payment("PA3", date(2026, 11, 12), "A3", 9000, payer="AET", reference="EFT10",
            patient_responsibility=3000, reason_codes="PR-3"),
]


def ann(practice, settings=None, *, lines=(), payments=(), **more):
    """The practice above, with more lines, payments or settings."""
    return practice(settings, Appointments=LINES[:2] + ANN_LINES + list(lines),
                    Payments=PAYMENTS + ANN_PAYMENTS + list(payments), **more)


def one_line(text: str) -> str:
    return " ".join(text.split())


def statement(path: Path, out: Path, *args: str):
    return CliRunner().invoke(cli, ["statement", "-w", str(path), "--out", str(out),
                                    "--as-of", AS_OF, *args])


def texts(path: Path, tmp_path: Path, client: str = "C1", *extra: str) -> tuple[str, str]:
    out = tmp_path / "out"
    result = statement(path, out, "--client", client, *extra)
    assert result.exit_code == 0, result.output
    stem = out / f"statement-{client}-{AS_OF}"
    return (one_line(extract(Path(f"{stem}.pdf").read_bytes())),
            one_line(sheet_text(Path(f"{stem}.xlsx"))))
