"""Names in letters DejaVu Sans has not (Chinese, Japanese, Korean) print from a font on
the computer, or the paper is refused: a client's name is never printed with letters
missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.io.receipt_pdf import receipt_pdf_bytes
from claimbook.rules.problems import ClaimbookError
from papers import CLIENTS, pdf_text, receipt_of

CJK_FONT = Path(__file__).parent / "data" / "fonts" / "cjk-names-subset.ttf"  # SOURCE.md
WANG = [CLIENTS[0], {**CLIENTS[1], "first_name": "芳", "last_name": "王"}]


def test_a_chinese_name_prints_from_the_computers_font(practice, monkeypatch):
    monkeypatch.setenv("CLAIMBOOK_FONT", str(CJK_FONT))
    data = receipt_pdf_bytes(receipt_of(practice(Clients=WANG)))
    assert "Client 芳 王" in pdf_text(data).splitlines()
    assert b"+DejaVuSansBook" in data and b"+DroidSansFallback" in data  # both embedded


def test_a_latin_name_never_loads_the_fallback(practice, monkeypatch):
    monkeypatch.setenv("CLAIMBOOK_FONT", str(CJK_FONT))
    clients = [CLIENTS[0], {**CLIENTS[1], "first_name": "Bảo", "last_name": "Nguyễn"}]
    data = receipt_pdf_bytes(receipt_of(practice(Clients=clients)))
    assert "Bảo Nguyễn" in pdf_text(data) and b"Droid" not in data


def test_without_such_a_font_the_receipt_is_refused(practice, monkeypatch):
    monkeypatch.setenv("CLAIMBOOK_FONT", str(CJK_FONT.with_name("none.ttf")))
    with pytest.raises(ClaimbookError) as refused:
        receipt_pdf_bytes(receipt_of(practice(Clients=WANG)))
    assert str(refused.value) == (
        'insurance receipt R-A1 for C2: no font on this computer has the letters "芳", "王", '
        "so the PDF would print them blank; install a font that has them (Noto Sans CJK, "
        "for one) or set CLAIMBOOK_FONT to its file; nothing was written")


@pytest.mark.parametrize("command", [
    ["receipt", "--appointment", "A1", "--as-of", "2026-11-29"],
    ["statement", "--client", "C2", "--as-of", "2026-11-30"],
])
def test_the_command_says_so_in_one_line_and_writes_nothing(practice, monkeypatch, tmp_path,
                                                           command):
    monkeypatch.setenv("CLAIMBOOK_FONT", str(CJK_FONT.with_name("none.ttf")))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, [*command, "-w", str(practice(Clients=WANG)),
                                      "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
    assert 'no font on this computer has the letters "芳", "王"' in result.output
    assert "Traceback" not in result.output
    assert not out.exists() or list(out.iterdir()) == []


def _fake_fc_list(folder: Path, listed: list[str]) -> Path:
    """An ``fc-list`` that records how it was asked and lists ``listed``."""
    folder.mkdir(exist_ok=True)
    script = folder / "fc-list"
    lines = "".join(f"echo '{path}'\n" for path in listed)
    script.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{folder / 'asked'}'\n{lines}")
    script.chmod(0o755)
    return folder


def test_without_claimbook_font_fontconfig_names_a_font_with_the_letters(
        practice, monkeypatch, tmp_path):
    from claimbook.io import pdf_kit

    monkeypatch.delenv("CLAIMBOOK_FONT", raising=False)
    monkeypatch.setattr(pdf_kit, "FALLBACK_FONTS", ())  # no known place has one
    other = tmp_path / "fonts" / "other.otf"
    other.parent.mkdir()
    other.write_bytes(b"")  # a font of a kind tried after TrueType
    folder = _fake_fc_list(tmp_path / "bin", [str(other), str(CJK_FONT), "/no/such.ttf"])
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    data = receipt_pdf_bytes(receipt_of(practice(Clients=WANG)))
    assert "Client 芳 王" in pdf_text(data).splitlines()
    assert b"+DroidSansFallback" in data  # the subset font in tests/data, from fc-list
    asked = (folder / "asked").read_text().splitlines()
    assert asked == ["--format", "%{file}\\n", ":charset=738b 82b3"]  # 王, 芳


def test_when_fontconfig_lists_no_font_with_the_letters_the_receipt_is_refused(
        practice, monkeypatch, tmp_path):
    from claimbook.io import pdf_kit

    monkeypatch.delenv("CLAIMBOOK_FONT", raising=False)
    monkeypatch.setattr(pdf_kit, "FALLBACK_FONTS", ())
    monkeypatch.setenv("PATH", f"{_fake_fc_list(tmp_path / 'bin', [])}:/usr/bin:/bin")
    with pytest.raises(ClaimbookError, match='no font on this computer has the letters "芳"'):
        receipt_pdf_bytes(receipt_of(practice(Clients=WANG)))


def test_the_computers_own_fontconfig_is_asked(practice, monkeypatch):
    from claimbook.io import pdf_kit

    if pdf_kit.fontconfig_font("芳王") is None:
        pytest.skip("no fontconfig here, or no font of this computer has these letters")
    monkeypatch.delenv("CLAIMBOOK_FONT", raising=False)
    monkeypatch.setattr(pdf_kit, "FALLBACK_FONTS", ())
    data = receipt_pdf_bytes(receipt_of(practice(Clients=WANG)))
    assert "Client 芳 王" in pdf_text(data).splitlines()
