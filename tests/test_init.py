"""`claimbook init`: a new practice workbook an owner is glad to type into."""

import openpyxl
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.rules import schema


def test_init_writes_every_contract_sheet_as_a_table(tmp_path):
    path = tmp_path / "practice.xlsx"
    result = CliRunner().invoke(cli, ["init", "-w", str(path), "--name", "Test Massage"])
    assert result.exit_code == 0
    assert result.output == f"{path}\n"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["How to use", "Practice"] + [s.name for s in schema.SHEETS]
    for spec in schema.SHEETS:
        ws = wb[spec.name]
        assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
        table = ws.tables[spec.name.replace(" ", "")]  # a Table name has no spaces
        assert table.tableStyleInfo.showRowStripes and table.autoFilter is not None
        assert ws.freeze_panes == "A2"
    practice = wb["Practice"]
    settings = {r[0].value: r[1].value for r in practice.iter_rows(min_row=2)}
    assert settings["Place of Service"] == "11"
    assert settings["Timely Filing Days"] == 90
    assert settings["Aging Basis"] == "Date of Service"
    assert "Practice Name" in settings


def _validations(ws):
    return {str(dv.sqref): (dv.type, dv.formula1) for dv in ws.data_validations.dataValidation}


def test_init_dropdowns_and_formats(tmp_path):
    path = tmp_path / "practice.xlsx"
    CliRunner().invoke(cli, ["init", "-w", str(path)])
    wb = openpyxl.load_workbook(path)
    payments = _validations(wb["Payments"])
    assert payments["C2"] == ("list", '"Insurance,Client"')
    assert payments["D2"] == ("list", 'INDIRECT("Payers[Payer ID]")')
    assert payments["F2"] == ("list", 'INDIRECT("Appointments[Appointment ID]")')
    appointments = _validations(wb["Appointments"])
    assert appointments["C2"] == ("list", 'INDIRECT("Clients[Client ID]")')
    assert appointments["D2"] == ("list", 'INDIRECT("Staff[Staff ID]")')
    assert appointments["E2"] == ("list", 'INDIRECT("Policies[Policy ID]")')
    assert appointments["F2"] == ("list", 'INDIRECT("Services[Service Code]")')
    assert appointments["N2"] == ("list", '"Yes,No"')
    assert _validations(wb["Policies"])["O2"] == ("list", '"Primary,Secondary"')
    assert _validations(wb["Payers"])["C2"][0] == "list"
    ws = wb["Appointments"]
    assert ws["B2"].number_format == "yyyy-mm-dd"
    assert ws["I2"].number_format == '#,##0.00;[Red]-#,##0.00;"-"'
    assert ws.column_dimensions["B"].width > 10


def test_init_refuses_to_overwrite(tmp_path):
    path = tmp_path / "practice.xlsx"
    path.write_bytes(b"mine")
    result = CliRunner().invoke(cli, ["init", "-w", str(path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {path} already exists; claimbook will not overwrite it\n"
    assert path.read_bytes() == b"mine"


def test_a_new_workbook_checks_clean_named_or_not(tmp_path):
    path = tmp_path / "practice.xlsx"
    made = CliRunner().invoke(cli, ["init", "-w", str(path)])  # no one to ask the name
    assert made.exit_code == 0
    assert made.stderr == ('Practice Name is "My Massage Practice": type your practice\'s '
                           "name on the Practice sheet (or give --name)\n")
    result = CliRunner().invoke(cli, ["check", "-w", str(path)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(path)["Practice"]["B2"].value == "My Massage Practice"


def test_init_asks_the_name_at_a_terminal(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from claimbook.cli import main

    monkeypatch.setattr(main, "sys", SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True)))
    path = tmp_path / "asked.xlsx"
    result = CliRunner().invoke(cli, ["init", "-w", str(path)], input="Fern Hill Bodywork\n")
    assert result.exit_code == 0, result.output
    assert "The practice's name (as on claims and receipts): " in result.stderr
    assert openpyxl.load_workbook(path)["Practice"]["B2"].value == "Fern Hill Bodywork"
    named = tmp_path / "named.xlsx"
    CliRunner().invoke(cli, ["init", "-w", str(named), "--name", "=Cedar & Stone"])
    result = CliRunner().invoke(cli, ["check", "-w", str(named)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(named)["Practice"]["B2"].value == "=Cedar & Stone"


def test_init_refuses_a_name_that_is_not_xlsx(tmp_path):
    path = tmp_path / "practice.csv"
    result = CliRunner().invoke(cli, ["init", "-w", str(path), "--name", "X"])
    assert result.exit_code == 2
    assert (f"{path}: a practice workbook is an Excel .xlsx file; give a name ending in .xlsx "
            f"(e.g. -w {tmp_path / 'practice'}.xlsx)") in result.stderr
    assert not path.exists()
