"""Commands: Recording at the desk: checkout, pay, remind, today.

Registered on the ``cli`` group when claimbook.cli is imported."""

from __future__ import annotations
