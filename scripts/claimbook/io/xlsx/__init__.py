"""All workbook I/O: reading the owner's workbook, writing reports, and writing safely
into the owner's file. Nothing outside this package opens or writes a workbook."""
