"""The money computations: balances, aging, the roll-forward, the journal, what a
receipt or reminder says. Pure functions of what was read; no file I/O, no Click."""


def load_libraries() -> None:
    """Import what the column computations run on (pandas, through compute.frames).

    A command that computes over every visit passes this to the reader, which runs it
    while the big sheets parse on the other threads; other commands never import pandas.
    """
    import claimbook.compute.frames  # noqa: F401
