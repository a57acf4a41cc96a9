"""Commands: The bookkeeper's month: handoff.

Registered on the ``cli`` group when claimbook.cli is imported."""

from __future__ import annotations
