from click.testing import CliRunner

from claimbook.cli.main import cli


def test_sample_workbook_checks_clean():
    from conftest import SAMPLE

    result = CliRunner().invoke(cli, ["check", "-w", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output
