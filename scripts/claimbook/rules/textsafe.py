"""Text that a spreadsheet could take for a formula, made safe for CSV.

In workbooks claimbook writes every text cell with ``write_string`` (see
``xlsx/styles.py``), so ``=1+2`` is text there by construction. A CSV has no types:
Excel evaluates a field that starts with ``=``, ``+``, ``-`` or ``@`` (OWASP's CSV
injection), so such text gets a leading apostrophe, which Excel shows as text.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> object:
    """``"=1+2"`` -> ``"'=1+2"``; every other value unchanged (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
