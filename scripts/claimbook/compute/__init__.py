"""The money computations: balances, aging, the roll-forward, the journal, what a
receipt or reminder says. Pure functions of what was read; no file I/O, no Click."""
