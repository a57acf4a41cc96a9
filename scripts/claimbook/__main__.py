"""``python -m claimbook``: the same as the ``claimbook`` command."""

from .cli import main

main()
