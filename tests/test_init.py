"""`claimbook init`: a new practice workbook an owner is glad to type into."""

import openpyxl
from click.testing import CliRunner

from claimbook.cli.main import cli
from claimbook.rules import schema


def test_init_writes_every_contract_sheet_as_a_table(tmp_path):
    path = tmp_path / "practice.xlsx"
    result = CliRunner().invoke(cli, ["init", "-w", str(path)])
    assert result.exit_code == 0
    assert result.output == f"{path}\n"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["How to use", "Practice"] + [s.name for s in schema.SHEETS]
    for spec in schema.SHEETS:
        ws = wb[spec.name]
        assert [c.value for c in ws[1]] == [c.header for c in spec.columns]
        table = ws.tables[spec.name.replace(" ", "_")]
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


def test_a_new_workbook_checks_clean_once_named(tmp_path):
    path = tmp_path / "practice.xlsx"
    CliRunner().invoke(cli, ["init", "-w", str(path)])
    result = CliRunner().invoke(cli, ["check", "-w", str(path)])
    assert result.exit_code == 1
    assert result.stdout == 'Practice!B2: the setting "Practice Name" is required\n'
    named = tmp_path / "named.xlsx"
    CliRunner().invoke(cli, ["init", "-w", str(named), "--name", "=Cedar & Stone"])
    result = CliRunner().invoke(cli, ["check", "-w", str(named)])
    assert result.exit_code == 0, result.output
    assert openpyxl.load_workbook(named)["Practice"]["B2"].value == "=Cedar & Stone"
