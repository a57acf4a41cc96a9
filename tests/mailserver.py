"""A real SMTP server on localhost (aiosmtpd) and the mail settings that point at it.

Shared by test modules, which never import each other.
"""

from __future__ import annotations

import email
import socket
from email import policy
from pathlib import Path

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from claimbook.cli.main import cli

PASSWORD = "s3cret-from-env"


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A plain SMTP server on 127.0.0.1, started for the test and stopped after it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def mail_settings(port: int, host: str = "127.0.0.1", **more) -> dict:
    return {"smtp_host": host, "smtp_port": port, "smtp_from": "billing@test.example", **more}


def month_batch(path: Path, out: Path, *extra: str):
    return CliRunner().invoke(cli, ["receipt", "-w", str(path), "--month", "2026-10",
                                    "--out", str(out), "--as-of", "2026-11-29", "--email",
                                    *extra])


def email_log(workbook: Path) -> Path:
    """The Email Log: beside the workbook, named after it."""
    return workbook.parent / f"{workbook.stem} Email Log.xlsx"


def log_rows(workbook: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(email_log(workbook)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:8] == ("When", "Document", "Client ID", "Client", "To", "PDF", "Status",
                           "Detail")
    return [r[1:7] for r in rows[1:]]


def body(message) -> str:
    return message.get_body(("plain",)).get_content()
