"""X12 files (the 835 remittance, the 837P claim): a lenient tokenizer of our own.

``read_interchange(data, name)`` gives the transactions (ST..SE) of a file as numbered
:class:`Segment` objects; every error is an :class:`X12Error` naming the file and the
segment (``remit.835: segment 41 CLP: paid amount "12O.00" is not a number``).
"""

from claimbook.io.x12.tokens import (
    Delimiters,
    Segment,
    Transaction,
    X12Error,
    read_interchange,
)

__all__ = ["Delimiters", "Segment", "Transaction", "X12Error", "read_interchange"]
