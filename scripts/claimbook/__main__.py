"""``python -m claimbook``: the same as the ``claimbook`` command."""

from claimbook.cli.main import main

main()
