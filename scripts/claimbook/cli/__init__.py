"""claimbook's command line: thin Click commands over the library."""
