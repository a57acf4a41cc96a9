"""Claim adjustment reason codes (CARC), remark codes (RARC) and group codes, in words.

Insurers explain every adjustment with a group code (who bears it) and a reason code
(why), e.g. ``CO-45`` or ``PR-1``, and sometimes a remark (``N130``). claimbook shows them
in words wherever they appear: to the owner (Follow-up, the `era` command) in the payer's
own terms, shortened; to the client (receipts, statements) in plain words.

Source: the X12 External Code Lists, "Claim Adjustment Reason Codes" and "Remittance
Advice Remark Codes" (x12.org/codes; CMS publishes the same messages in its
``codesini`` file), wording shortened; the codes a massage practice meets
(shared/domain/INSURANCE-NOTES.md, section 2). Claim status (CLP02) and provider-level
adjustment (PLB) codes: the 835 implementation guide (005010X221A1) as quoted in public
code (INSURANCE-NOTES.md, 2.1).
"""

from __future__ import annotations

import re

GROUPS = {
    "CO": "Contractual obligation",  # the practice writes it off; never bill the client
    "PR": "Patient responsibility",  # the client owes it
    "OA": "Other adjustment",
    "PI": "Payer-initiated reduction",
    "CR": "Correction or reversal",  # 4010 only
}

# code -> what the payer means (for the owner)
CARC = {
    "1": "Deductible amount",
    "2": "Coinsurance amount",
    "3": "Copay amount",
    "4": "The procedure code is inconsistent with the modifier used, or a modifier is missing",
    "5": "The procedure code or bill type is inconsistent with the place of service",
    "11": "The diagnosis is inconsistent with the procedure",
    "16": "The claim lacks information or has billing errors needed for adjudication",
    "18": "Exact duplicate claim or service",
    "19": "Work-related injury: the workers' compensation carrier is liable",
    "22": "This care may be covered by another payer (coordination of benefits)",
    "23": "The impact of prior payers' adjudication, payments and adjustments",
    "24": "Charges are covered under a capitation agreement or managed care plan",
    "26": "Expenses incurred before coverage began",
    "27": "Expenses incurred after coverage ended",
    "29": "The time limit for filing has expired",
    "31": "The patient cannot be identified as the payer's insured",
    "35": "Lifetime benefit maximum has been reached",
    "39": "Services denied at the time authorization or pre-certification was requested",
    "45": "The charge exceeds the fee schedule or contracted amount",
    "50": "Not deemed a medical necessity by the payer",
    "96": "Non-covered charge",
    "97": "Included in the payment for another service already adjudicated",
    "109": "Not covered by this payer: send the claim to the correct payer",
    "119": "The benefit maximum for this period or occurrence has been reached",
    "131": "Claim-specific negotiated discount",
    "151": "The information submitted does not support this many or this frequency of services",
    "167": "The diagnosis is not covered",
    "170": "Not paid when performed or billed by this type of provider",
    "185": "The rendering provider is not eligible to perform the service billed",
    "197": "Precertification, authorization or notification was absent",
    "198": "Precertification, notification or authorization was exceeded",
    "199": "Revenue code and procedure code do not match",
    "204": "Not covered under the patient's current benefit plan",
    "226": "Information requested from the billing provider was not provided or not sufficient",
    "227": "Information requested from the patient or insured was not provided or not sufficient",
    "242": "Services not provided by network or primary care providers",
    "251": "The documentation received did not contain the content required",
    "252": "An attachment or other documentation is required to adjudicate the claim",
    "253": "Sequestration: a reduction of federal payment",
    "A1": "Claim or service denied",
    "A2": "Contractual adjustment",
    "42": "Charges exceed the fee schedule or maximum allowable amount",
    "94": "Processed in excess of charges",
}

# code -> what it means for the client, completing "this amount was ..." / "...".
CLIENT_WORDS = {
    ("PR", "1"): "applied to your deductible",
    ("PR", "2"): "your coinsurance",
    ("PR", "3"): "your copay",
    ("PR", "96"): "not covered by your plan",
    ("PR", "204"): "not covered by your plan",
    ("PR", "119"): "your plan's benefit limit was reached",
    ("PR", "35"): "your plan's lifetime limit was reached",
    ("PR", "26"): "before your coverage began",
    ("PR", "27"): "after your coverage ended",
    ("PR", "31"): "your insurer could not find you as a member",
    ("PR", "50"): "your insurer did not consider it medically necessary",
    ("PR", "197"): "no authorization from your insurer",
    ("PR", "242"): "the practice is out of your plan's network",
    ("PR", "45"): "over your plan's allowed amount",
}

# Remittance advice remark codes -> words (for the owner).
RARC = {
    "M15": "Separately billed services have been bundled as parts of the same procedure",
    "M80": "Not covered when performed in the same session as a service already processed",
    "MA18": "The claim was forwarded to the patient's supplemental insurer",
    "MA130": "The claim is unprocessable (incomplete or invalid); submit a new claim",
    "N4": "Missing or invalid prior insurance carrier EOB",
    "N20": "Not payable with another service rendered on the same date",
    "N115": "This decision was based on a local coverage determination",
    "N130": "Consult the plan's benefit documents for restrictions on this service",
    "N290": "Missing or invalid rendering provider identifier",
    "N362": "The number of units exceeds the payer's acceptable maximum",
    "N386": "This decision was based on a national coverage determination",
    "N432": "Adjusted based on a Recovery Audit",
    "N522": "Duplicate of a claim processed, or to be processed, as a crossover claim",
    "N206": "The supporting documentation does not match the information sent on the claim",
    "N381": "Consult the contractual agreement for restrictions or billing and payment "
            "information related to these charges",
    "MA01": "If you do not agree with what was approved for these services, you may appeal",
    "MA04": "Secondary payment cannot be considered without the primary payer's payment "
            "information",
    "MA07": "The claim information has also been forwarded to Medicaid for review",
}

# Reasons that are the ordinary cost of a contract, not a refusal to pay: a claim paid $0
# with only these (and the client's share) is not a denial (see :func:`is_denial`).
ROUTINE = frozenset({"45", "42", "A2", "131", "253", "59", "94", "23"})

# OA-23 is what earlier payers paid and adjusted: already on the books from their own
# remittances, so never written off a second time.
PRIOR_PAYERS = "23"

# CLP02, the claim's status at this payer (the 835's claim status codes).
CLAIM_STATUS = {
    "1": "processed as primary",
    "2": "processed as secondary",
    "3": "processed as tertiary",
    "4": "denied",
    "19": "processed as primary, forwarded to another payer",
    "20": "processed as secondary, forwarded to another payer",
    "21": "processed as tertiary, forwarded to another payer",
    "22": "reversal of a previous payment",
    "23": "not our claim, forwarded to another payer",
    "25": "predetermination only: no payment",
}
FORWARDED = frozenset({"19", "20", "21"})
REVERSAL = "22"

# PLB03-1, why a provider-level adjustment changes the check (positive: less money).
PROVIDER_ADJUSTMENT = {
    "WO": "overpayment recovery",
    "FB": "forwarding balance",
    "L6": "interest owed",
    "72": "authorized return",
    "90": "early payment allowance",
    "CS": "adjustment",
    "CT": "capitation interest",
    "J1": "nonreimbursable",
    "B2": "rebate",
    "AP": "acceleration of benefits",
    "IR": "internal revenue service withholding",
    "LE": "levy",
    "WU": "unspecified recovery",
    "50": "late charge",
    "51": "interest penalty charge",
}

_CODE = re.compile(r"^\s*(?:(CO|PR|OA|PI|CR)\s*[-:]?\s*)?([A-Z]{0,2}\d{1,4}|[A-Z]\d)\s*$", re.I)
_SPLIT = re.compile(r"[\s,;]+")


def split_reason(text: str) -> tuple[str | None, str] | None:
    """``"CO-45"`` -> ``("CO", "45")``; ``"45"`` -> ``(None, "45")``; None if not a code."""
    found = _CODE.match(text or "")
    if not found:
        return None
    group = found.group(1).upper() if found.group(1) else None
    return group, found.group(2).upper()


def reasons_in(text: str | None) -> list[str]:
    """The reason codes in a cell as typed (``"CO-45; PR-3"``, ``"CO-45 PR-3"``)."""
    out = []
    for part in _SPLIT.split(text or ""):
        parsed = split_reason(part)
        if parsed:
            group, code = parsed
            out.append(f"{group}-{code}" if group else code)
    return out


def reason_words(text: str) -> str:
    """A reason code in words for the owner: ``"CO-50"`` -> ``"not deemed a medical
    necessity by the payer (CO-50)"``; an unknown code is shown as it was given."""
    parsed = split_reason(text)
    if parsed is None:
        return text.strip()
    group, code = parsed
    words = CARC.get(code) or RARC.get(code)
    label = f"{group}-{code}" if group else code
    if not words:
        return f"reason {label}" if group else label
    return f"{words[0].lower()}{words[1:]} ({label})"


def remark_words(code: str) -> str:
    """A remark code in words: ``"N130"`` -> ``"consult the plan's ... (N130)"``."""
    words = RARC.get(code.strip().upper())
    return f"{words[0].lower()}{words[1:]} ({code.strip().upper()})" if words else code.strip()


def client_words(text: str) -> str | None:
    """What a reason means for the client, in plain words, or None when the code is not
    one a client needs explained (a contractual write-off is never the client's).

    ``"PR-1"`` -> ``"applied to your deductible"``; ``"PR-2"`` -> ``"your coinsurance"``.
    """
    parsed = split_reason(text)
    if parsed is None:
        return None
    group, code = parsed
    if group not in (None, "PR"):
        return None
    words = CLIENT_WORDS.get(("PR", code))
    if words is None and group == "PR":
        carc = CARC.get(code)
        return f"your share: {carc[0].lower()}{carc[1:]}" if carc else "your share"
    return words


def status_words(code: str) -> str:
    """A claim status code (835 CLP02) in words: ``"22"`` -> ``"reversal of a previous
    payment"``; an unknown one as ``"status 99"``."""
    return CLAIM_STATUS.get(code.strip(), f"status {code.strip()}")


def provider_adjustment_words(code: str) -> str:
    """A provider-level adjustment reason (835 PLB) in words: ``"L6"`` -> ``"interest
    owed"``; an unknown one as it was given."""
    return PROVIDER_ADJUSTMENT.get(code.strip().upper(), code.strip())


def is_denial(status: str, paid: int, adjustments: list[tuple[str, str]]) -> bool:
    """Whether an insurer's answer is a denial: status 4, or nothing paid with a reason
    that is neither the client's share nor an ordinary contractual write-off.

    Args:
        status: CLP02.
        paid: what the insurer paid, in cents.
        adjustments: the (group, reason) pairs it gave.
    """
    if status == "4":
        return True
    if paid != 0 or status in (REVERSAL, "25"):
        return False
    return any(group != "PR" and reason not in ROUTINE for group, reason in adjustments)


def denial_words(codes: list[str]) -> str:
    """The reasons of a denial in words, for a receipt or Follow-up: the first code that
    is not a patient-share code explains it; ``"denied"`` when none is given."""
    for text in codes:
        parsed = split_reason(text)
        if parsed and parsed[1] not in ("1", "2", "3"):
            return reason_words(text)
    return "denied"
