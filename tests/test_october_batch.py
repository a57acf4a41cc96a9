"""The sample's October batch, re-run: no email names a balance the client does not owe.

`claimbook receipt --month 2026-10 --eml DIR` on a copy of the sample practice writes one
draft per client. Each is read back and checked against the balances computed
independently (``claimbook balances --format json`` for the same date): the amount it
says is due from the client is what they owe, to the cent; every other amount it names
is an insurer's, next to the insurer's name.
"""

from __future__ import annotations

import email
import json
import re
from email import policy

from click.testing import CliRunner

from claimbook.cli.main import cli

AS_OF = "2026-11-29"
MONEY = re.compile(r"-?\$[\d,]+\.\d\d")


def cents(text: str) -> int:
    return round(float(text.replace("$", "").replace(",", "")) * 100)


def test_no_email_names_a_balance_the_client_does_not_owe(sample_copy, tmp_path):
    drafts = tmp_path / "drafts"
    result = CliRunner().invoke(cli, ["receipt", "-w", str(sample_copy), "--month", "2026-10",
                                      "--as-of", AS_OF, "--out", str(tmp_path / "out"),
                                      "--eml", str(drafts)])
    assert result.exit_code == 0, result.output
    listed = CliRunner().invoke(cli, ["balances", "-w", str(sample_copy), "--as-of", AS_OF,
                                      "--all", "--format", "json"])
    by_visit = {b["appointment_id"]: b for b in json.loads(listed.stdout)}
    payers = {b["payer_id"] for b in by_visit.values() if b["payer_id"]}
    messages = [email.message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(drafts.glob("*.eml"))]
    assert len(messages) == len({m["To"] for m in messages})  # one email per client
    assert sum(len(list(m.iter_attachments())) for m in messages) == 41
    owed_somewhere = 0
    for message in messages:
        visits = [a.get_filename()[len("receipt-"):-len(".pdf")]
                  for a in message.iter_attachments()]
        owed = sum(cents(by_visit[v]["client_due"]) for v in visits)
        body = message.get_body(("plain",)).get_content()
        assert "Balance due" not in body and "submit" not in body
        for line in body.splitlines():
            amounts = MONEY.findall(line)
            if not amounts:
                continue
            if line.startswith("Due from you:"):
                assert [cents(a) for a in amounts] == [owed], (message["To"], line)
            else:  # an insurer's amount, next to its name
                assert re.match(r"^(Pending from|Denied by|Owed back to) \S", line), line
        owed_somewhere += owed
        if owed == 0:
            assert "Due from you: $0.00. There is nothing to pay." in body
    insured_due = [b for b in by_visit.values() if b["payer_id"] in payers
                   and b["date_of_service"].startswith("2026-10") and b["insurance_due"] != "0.00"]
    assert insured_due  # the batch does have balances owed by insurers, not clients
