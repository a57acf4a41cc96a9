"""Commands: Insurance receipts and superbills: receipt.

Registered on the ``cli`` group when claimbook.cli is imported."""

from __future__ import annotations
