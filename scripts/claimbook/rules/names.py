"""People's names as claims want them: last, first and middle, without titles.

The workbook keeps a subscriber, a therapist or a referring doctor as one cell, typed the
way people type names: ``Jane Q Smith``, ``Smith, Jane``, ``Dr. Karen Holt, DC``. A claim
(box 2, 4, 17 of the CMS-1500; NM1 in the 837P) wants the parts apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof"}
# Credentials and suffixes that follow a name: "Karen Holt, DC", "Sam Reyes MD".
_CREDENTIALS = {"md", "do", "dc", "nd", "np", "pa", "pa-c", "pt", "dpt", "ot", "lmt", "lmp",
                "cmt", "cnmt", "rn", "arnp", "aprn", "dpm", "dds", "phd", "psyd", "lac",
                "lic", "facp", "dnp", "ms", "ma", "mpt", "atc"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


@dataclass(frozen=True)
class PersonName:
    """A person's name in parts (``last`` alone for an organization)."""

    last: str
    first: str = ""
    middle: str = ""
    suffix: str = ""
    organization: bool = False

    def box(self) -> str:
        """As box 2 / 4 print it: ``LAST, FIRST, M`` (an organization as its name)."""
        if self.organization or not self.first:
            return self.last
        parts = [self.last, self.first] + ([self.middle[:1]] if self.middle else [])
        return ", ".join(parts)

    def plain(self) -> str:
        """``First Middle Last`` (box 17, 31, 33)."""
        return " ".join(p for p in (self.first, self.middle, self.last, self.suffix) if p)


def _word(token: str) -> str:
    return token.replace(".", "").strip(",").lower()


def person_name(text: str) -> PersonName:
    """Split a name as typed into its parts.

    Args:
        text: ``Jane Q Smith``, ``Smith, Jane Q``, ``Dr. Karen Holt, DC``, ``Reyes Jr, Sam``.

    Returns:
        The name's parts; titles (Dr.) and credentials (MD, DC ...) are dropped.
    """
    text = re.sub(r"\s+", " ", text.strip())
    head, comma, tail = text.partition(",")
    tail_words = [_word(w) for w in tail.replace(",", " ").split()]
    if comma and tail_words and all(w in _CREDENTIALS | _SUFFIXES for w in tail_words):
        text, comma, tail = head, "", ""  # "Karen Holt, DC": what follows is a credential
    if comma:  # "Smith, Jane Q"
        last = head.strip()
        rest = _clean(tail.split())
        first, middle = (rest[0], " ".join(rest[1:])) if rest else ("", "")
        return PersonName(last, first, middle)
    words = _clean(text.split())
    suffix = ""
    if len(words) > 2 and _word(words[-1]) in _SUFFIXES:
        suffix = words.pop().strip(".,")
    if len(words) == 1:
        return PersonName(words[0], suffix=suffix)
    if not words:
        return PersonName("")
    return PersonName(words[-1], words[0], " ".join(words[1:-1]), suffix)


def _clean(words: list[str]) -> list[str]:
    while words and _word(words[0]) in _TITLES:
        words = words[1:]
    while len(words) > 1 and _word(words[-1]) in _CREDENTIALS:
        words = words[:-1]
    return [w.strip(",").rstrip(".") if len(w) > 2 else w.strip(",") for w in words]


def organization(text: str) -> PersonName:
    """An organization's name (an employer, a practice) as a one-part name."""
    return PersonName(re.sub(r"\s+", " ", text.strip()), organization=True)
