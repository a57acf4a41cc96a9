"""claimbook: insurance billing for massage and bodywork practices, kept in Excel."""

__version__ = "0.1.0"


def open(path):  # noqa: A001 - claimbook.open(path), like io.open
    """Open a practice workbook as a :class:`claimbook.practice.Practice`: its lines,
    payments, balances, aging, roll-forward and journal as pandas DataFrames.

    Raises:
        BadData: the workbook has problems (each names its cell).
    """
    from claimbook.practice import open_practice

    return open_practice(path)


def __getattr__(name: str):
    if name in ("as_decimal", "as_text", "Practice"):
        from claimbook import practice

        return getattr(practice, name)
    raise AttributeError(name)
