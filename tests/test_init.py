"""`claimbook init`: a new practice workbook an owner is glad to type into."""

import openpyxl
import pytest
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
    assert ws["B2"].number_format == "mm/dd/yyyy"  # Date Style: MM/DD/YYYY by default
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


TEXT_COLUMNS = {"Policies": ["Member ID", "Group Number", "Claim Number", "Policy ID"],
                "Staff": ["NPI", "License Number"],
                "Payers": ["Phone", "Electronic Payer ID", "Payer ID"],
                "Clients": ["Phone", "ZIP", "Client ID"]}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    path = tmp_path_factory.mktemp("init") / "practice.xlsx"
    result = CliRunner().invoke(cli, ["init", "-w", str(path), "--name", "Cedar & Stone"])
    assert result.exit_code == 0, result.output
    return path


def test_ids_codes_phones_and_zips_are_kept_as_typed(fresh):
    wb = openpyxl.load_workbook(fresh)
    for sheet, headers in TEXT_COLUMNS.items():
        ws = wb[sheet]
        letters = {c.value: c.column_letter for c in ws[1]}
        for header in headers:
            assert ws[f"{letters[header]}2"].number_format == "@", (sheet, header)
    practice = wb["Practice"]
    rows = {r[0].value: r[1] for r in practice.iter_rows(min_row=2)}
    for setting in ("ZIP", "Tax ID", "Billing NPI", "Revenue Account Code"):
        assert rows[setting].number_format == "@", setting
    assert rows["Timely Filing Days"].alignment.horizontal == "left"


def test_how_to_use_names_every_command(fresh):
    from helpers import all_commands

    ws = openpyxl.load_workbook(fresh)["How to use"]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    for name in all_commands():
        assert f"claimbook {name}: " in text, name
        assert f"    claimbook {name}" in text, name
    assert ws.column_dimensions["A"].width <= 101  # fits a portrait page
    assert ws.page_setup.orientation == "portrait" and ws.sheet_properties.pageSetUpPr.fitToPage
    long_rows = [c.row for c in ws["A"] if c.value and len(c.value) > 110]
    assert long_rows and all(ws.row_dimensions[r].height >= 30 for r in long_rows)
    assert all(ws.cell(r, 1).alignment.wrap_text for r in long_rows)


def test_every_sheet_prints_with_its_header_and_page_numbers(fresh):
    wb = openpyxl.load_workbook(fresh)
    for ws in wb.worksheets:
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.paperSize == 1, ws.title
        assert ws.oddHeader.left.text.startswith("Cedar && Stone: "), ws.title
        assert ws.oddFooter.right.text == "Page &P of &N", ws.title
        if ws.title != "How to use":
            assert ws.print_title_rows == "$1:$1", ws.title
            assert ws.page_setup.orientation == "landscape", ws.title


def test_services_offer_the_common_massage_codes_with_fees_blank(fresh, tmp_path):
    ws = openpyxl.load_workbook(fresh)["Services"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == ["97124", "97140", "97112", "97110", "97530"]
    assert all(r[2] == 15 and r[3] is None and r[4] == "Yes" for r in rows)
    assert rows[0][1] == "Massage therapy, each 15 minutes"
    result = CliRunner().invoke(cli, ["check", "-w", str(fresh)])
    assert result.exit_code == 0, result.output  # a fee is needed only to bill the code


def test_a_visit_priced_from_a_service_without_a_fee_is_a_problem(book_path):
    from datetime import date

    from conftest import BASE_ROWS, line

    services = BASE_ROWS["Services"] + [{"service_code": "97530",
                                         "description": "Therapeutic activities"}]
    path = book_path(Services=services,
                     Appointments=[line("A1", date(2026, 3, 2), code="97530", units=2),
                                   line("A2", date(2026, 3, 2), code="97530", units=2,
                                        charge=6000)])
    result = CliRunner().invoke(cli, ["check", "-w", str(path)])
    assert result.exit_code == 1
    assert result.stdout == ('Appointments!F2: service "97530" has no Fee per Unit (Services '
                             "row 5); type the fee there, or a Charge here\n")


def test_init_refuses_a_name_that_is_not_xlsx(tmp_path):
    path = tmp_path / "practice.csv"
    result = CliRunner().invoke(cli, ["init", "-w", str(path), "--name", "X"])
    assert result.exit_code == 2
    assert (f"{path}: a practice workbook is an Excel .xlsx file; give a name ending in .xlsx "
            f"(e.g. -w {tmp_path / 'practice'}.xlsx)") in result.stderr
    assert not path.exists()
