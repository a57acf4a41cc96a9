"""What a receipt says, read from its PDF and its sheet; a workers' comp practice.

Shared by test modules, which never import each other.
"""

from __future__ import annotations

from pathlib import Path

from papers import PAYMENTS, POLICIES, run, sheet_text
from papers import pdf_text as extract

AS_OF = "2026-11-29"


LNI = {"payer_id": "LNI", "name": "Washington L&I", "type": "Workers Comp"}


PAYERS = [{"payer_id": "AET", "name": "Aetna", "type": "Commercial"},
          {"payer_id": "SF", "name": "State Farm", "type": "Auto/PIP"}, LNI]


def one_line(text: str) -> str:
    return " ".join(text.split())


def both(path: Path, tmp_path: Path, appointment: str, *extra: str) -> tuple[str, str]:
    """The receipt of ``appointment``: (the PDF's text, the sheet's text), each on one
    line, so that wrapped sentences read whole."""
    out = tmp_path / f"out-{appointment}"
    result = run("receipt", "-w", str(path), "--appointment", appointment, "--out", str(out),
                 "--as-of", AS_OF, *extra)
    assert result.exit_code == 0, result.output
    stem = out / f"receipt-{appointment}"
    pdf = one_line(extract(Path(f"{stem}.pdf").read_bytes()))
    return pdf, one_line(sheet_text(Path(f"{stem}.xlsx")))


def wc_practice(practice, **policy):
    policies = POLICIES[:1] + [{**POLICIES[1], "payer_id": "LNI", "claim_number": "BB12345",
                                "subscriber_name": "Bo Diaz", "relationship": "Self",
                                "employer": "Cascade Roofing LLC", **policy}]
    return practice(Payers=PAYERS, Policies=policies,
                    Payments=[{**PAYMENTS[0], "payer_id": "LNI"}, PAYMENTS[1]])
