"""The National Provider Identifier's check digit (Luhn over the ``80840`` prefix)."""

from __future__ import annotations


def npi_check_digit(first_nine: str) -> int:
    """The tenth digit of an NPI whose first nine digits are ``first_nine``."""
    total = 24  # the digits of the 80840 prefix, as the Luhn algorithm counts them
    for i, ch in enumerate(reversed(first_nine)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10


def npi_problem(text: str) -> str | None:
    """Why ``text`` is not a valid NPI, or None when it is."""
    digits = text.strip()
    if len(digits) != 10 or not digits.isdigit():
        return f'"{text}" is not an NPI (10 digits)'
    if npi_check_digit(digits[:9]) != int(digits[9]):
        return f'NPI "{text}" fails its check digit'
    return None


def make_npi(first_nine: str) -> str:
    """A valid NPI from nine digits (for samples and tests)."""
    return first_nine + str(npi_check_digit(first_nine))
