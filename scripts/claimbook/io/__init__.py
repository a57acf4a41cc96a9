"""Everything that touches a file or the network: the workbook (read and written
safely), PDFs and mail."""
