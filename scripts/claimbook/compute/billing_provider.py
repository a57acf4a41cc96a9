"""The practice as billing provider (box 25 and 33; loop 2010AA), and what the Practice
sheet must hold before any claim is made, each problem naming its cell.
"""

from __future__ import annotations

import re

from claimbook.compute.claims import PO_BOX, STATE_CODE, ZIP_CODE, Address, Billing, split_street
from claimbook.rules import schema
from claimbook.rules.npi import npi_problem
from claimbook.rules.problems import Problem


def _setting_problem(settings, field_name: str, message: str) -> Problem:
    row = settings.rows.get(field_name, 0)
    return Problem(schema.PRACTICE, row, "B" if row else "", message)


def tax_id_of(text: str) -> tuple[str, str] | None:
    """The nine digits of a Tax ID and whether it is an EIN or an SSN; None if malformed."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{9}", digits):
        return None
    return digits, "SSN" if re.fullmatch(r"\d{3}-\d{2}-\d{4}", text.strip()) else "EIN"


def billing_of(settings, electronic: bool) -> tuple[Billing | None, list[Problem]]:
    """The practice as billing provider, or the problems of the Practice sheet.

    Args:
        settings: the Practice settings.
        electronic: an 837P is wanted (a 9-digit ZIP and the envelope's IDs too).

    Returns:
        The billing provider (None when there are problems) and the problems.
    """
    s, out = settings, []
    need = [("billing_npi", "Billing NPI", "box 33a"), ("tax_id", "Tax ID", "box 25"),
            ("address", "Address", "box 33"), ("city", "City", "box 33"),
            ("state", "State", "box 33"), ("zip", "ZIP", "box 33")]
    if electronic:
        need += [("submitter_id", "Submitter ID", "the 837P's ISA06"),
                 ("receiver_id", "Receiver ID", "the 837P's ISA08")]
    for field_name, label, where in need:
        if not getattr(s, field_name):
            out.append(_setting_problem(s, field_name, f"the setting \"{label}\" is needed "
                                                       f"for claims ({where})"))
    if s.billing_npi and npi_problem(s.billing_npi):
        out.append(_setting_problem(s, "billing_npi", npi_problem(s.billing_npi)))
    tax = tax_id_of(s.tax_id) if s.tax_id else None
    if s.tax_id and tax is None:
        out.append(_setting_problem(s, "tax_id", f'Tax ID "{s.tax_id}" is not 9 digits '
                                                 "(an EIN 12-3456789 or an SSN)"))
    if s.address and PO_BOX.search(s.address):
        out.append(_setting_problem(s, "address", "the billing address must be a street "
                                                  "address, not a PO box (box 33, 2010AA)"))
    out += _place_problems(s, electronic)
    if out:
        return None, out
    street, street2 = split_street(s.address)
    return Billing(s.practice_name, Address(street, street2, s.city, s.state.upper(), s.zip),
                   re.sub(r"\D", "", s.phone or ""), s.billing_npi, tax[0], tax[1],
                   s.taxonomy_code or "225700000X"), []


def _place_problems(s, electronic: bool) -> list[Problem]:
    out = []
    if s.state and not STATE_CODE.match(s.state):
        out.append(_setting_problem(s, "state", f'"{s.state}" is not a 2-letter state'))
    if s.zip and not ZIP_CODE.match(s.zip):
        out.append(_setting_problem(s, "zip", f'"{s.zip}" is not a ZIP code'))
    elif s.zip and electronic and len(s.zip.replace("-", "")) != 9:
        out.append(_setting_problem(s, "zip", f'ZIP "{s.zip}": the 837P needs the billing '
                                              "provider's 9-digit ZIP (e.g. 98103-4112)"))
    pos = s.place_of_service
    if not (pos and re.fullmatch(r"\d{2}", pos)):
        out.append(_setting_problem(s, "place_of_service", f'Place of Service "{pos or ""}" '
                                                           "is not a 2-digit code (11 = office)"))
    return out
