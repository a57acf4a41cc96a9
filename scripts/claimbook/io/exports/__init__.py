"""Reading the booking software's exports (CSV and Excel) for ``claimbook import``."""
