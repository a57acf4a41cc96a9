"""Text as claims carry it: Latin letters only (the CMS-1500's OCR grid and the 837P's
basic character set).

Accents come off (``Nguyễn`` -> ``Nguyen``); letters with no accent to take off get their
usual spelling in plain letters (``Łukasiewicz`` -> ``Lukasiewicz``, ``Øst`` -> ``Ost``,
``Straße`` -> ``Strasse``). A letter of another script (``王``) has none: the claim checks
refuse the cell instead of sending a name with letters missing.
"""

from __future__ import annotations

import unicodedata

# Latin letters that Unicode does not decompose into a plain letter and a mark.
_SPELLED = str.maketrans({
    "Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "Ð": "D", "ð": "d",
    "Ħ": "H", "ħ": "h", "ı": "i", "Ŧ": "T", "ŧ": "t", "ß": "ss", "ẞ": "SS", "Æ": "AE",
    "æ": "ae", "Œ": "OE", "œ": "oe", "Þ": "TH", "þ": "th", "Ŋ": "N", "ŋ": "n",
    "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-",
})


def fold(text: str) -> str:
    """``text`` in plain Latin letters where it has a plain spelling; other letters kept."""
    text = unicodedata.normalize("NFKD", text.translate(_SPELLED))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def not_latin(text: str | None) -> list[str]:
    """The letters of ``text`` that have no spelling in plain Latin letters (``["王"]``)."""
    out = []
    for ch in fold(text or ""):
        if ch.isalpha() and not ch.isascii() and ch not in out:
            out.append(ch)
    return out
