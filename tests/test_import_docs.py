"""docs/import.md holds the known reports' columns exactly as the importer knows them."""

from pathlib import Path

from claimbook.io.exports.layouts import reports_table

DOC = Path(__file__).resolve().parent.parent / "docs" / "import.md"


def test_the_reports_table_in_the_docs_is_the_importers():
    assert reports_table() in DOC.read_text(), \
        "paste claimbook.io.exports.layouts.reports_table() into docs/import.md"
