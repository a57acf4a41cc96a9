"""Finding a client, payer, service or therapist from what the user typed.

``--client "Jane Doe"``, ``--payer premera``, ``--service massage60``, ``--staff maya``:
an ID or a name, in any case, with or without accents, is accepted when exactly one
record answers to it. Otherwise the refusal says why, in one line: several records
answer (``2 clients are called "Jane Doe": C0012, C0040; give the Client ID``), or none
does, with the near matches (``did you mean PREMERA (Premera Blue Cross)?``).

Pure rules on records: no Click, no workbook I/O.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from claimbook.rules.problems import BadRequest
from claimbook.rules.records import client_name


@functools.lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    bare = re.sub(r"['’`.]", "", bare)
    return re.sub(r"[^0-9a-z]+", " ", bare).strip()


def plain(text: object) -> str:
    """Text for matching: accents dropped, case folded, punctuation and spacing evened
    (``"  O'Brien,  José "`` -> ``"obrien jose"``)."""
    return _plain(str(text or ""))


@dataclass(frozen=True)
class Entry:
    """One record as the user may name it: its key, how it is shown, and its names."""

    key: str
    shown: str  # "PREMERA (Premera Blue Cross)"
    names: tuple[str, ...]  # already plain: the ID, the name, other spellings


def find(text: str, entries: Iterable[Entry], what: str, option: str, where: str) -> str:
    """The key of the one entry ``text`` names.

    Args:
        text: what the user typed.
        entries: every record that could be meant.
        what: what they are, singular (``client``).
        option: the option, for the message (``--client``).
        where: the workbook's path, for the message.

    Returns:
        The key of the entry whose ID or a name is ``text`` (ignoring case, accents and
        punctuation); an exact ID wins over a name.

    Raises:
        BadRequest: no entry, or several, answer to it.
    """
    entries = list(entries)
    typed = (text or "").strip()
    exact = [e for e in entries if e.key == typed]
    if exact:
        return exact[0].key
    wanted = plain(typed)
    by_id = [e for e in entries if plain(e.key) == wanted]
    if len(by_id) == 1:
        return by_id[0].key
    named = [e for e in entries if wanted and wanted in e.names]
    if len(named) == 1:
        return named[0].key
    label = f'{option} "{typed}"' if " " in typed or not typed else f"{option} {typed}"
    if named:
        keys = ", ".join(e.key for e in named[:6])
        raise BadRequest(f"{label}: {len(named)} {what}s are called that ({keys}); "
                         f"give the {what}'s ID")
    raise BadRequest(f'{label}: no {what} "{typed}" in {where}' + suggestion(wanted, entries))


def suggestion(wanted: str, entries: list[Entry]) -> str:
    """``; did you mean A or B?`` for the entries nearest ``wanted``, or ``""``."""
    names = {}
    for entry in entries:
        for name in entry.names:
            names.setdefault(name, entry)
    near = difflib.get_close_matches(wanted, list(names), n=6, cutoff=0.6)
    if not near and wanted:  # a word of a longer name: "premera" in "premera blue cross"
        near = [n for n in names if re.search(rf"\b{re.escape(wanted)}", n)]
    shown = list(dict.fromkeys(names[n].shown for n in near))[:3]
    if not shown:
        return ""
    return "; did you mean " + " or ".join(shown) + "?"


def _entries(records: dict, shown: Callable, names: Callable) -> list[Entry]:
    out = []
    for key, record in records.items():
        spelled = [plain(key)] + [plain(n) for n in names(record) if n]
        out.append(Entry(key, shown(key, record), tuple(dict.fromkeys(s for s in spelled if s))))
    return out


def client_entries(clients: dict) -> list[Entry]:
    """Clients by ID, ``First Last`` and ``Last, First``."""
    return _entries(clients, lambda k, c: f"{client_name(c)} ({k})",
                    lambda c: (client_name(c), f"{c.last_name or ''} {c.first_name or ''}"))


def payer_entries(payers: dict) -> list[Entry]:
    """Payers by ID and name."""
    return _entries(payers, lambda k, p: f"{k} ({p.name})" if p.name else k,
                    lambda p: (p.name,))


def service_entries(services: dict) -> list[Entry]:
    """Services by code, description and booking name(s)."""
    return _entries(services, lambda k, s: f"{k} ({s.description})" if s.description else k,
                    lambda s: (s.description, *booking_names(s)))


def staff_entries(staff: dict) -> list[Entry]:
    """Therapists by ID, full name and first name."""
    return _entries(staff, lambda k, s: f"{s.name} ({k})" if s.name else k,
                    lambda s: (s.name, (s.name or "").split(" ")[0]))


def booking_names(service) -> list[str]:
    """The service's names in the booking software (Services' Booking Name, ``;``-separated)."""
    text = getattr(service, "booking_name", None) or ""
    return [n.strip() for n in text.split(";") if n.strip()]


def find_client(book, text: str, option: str = "--client") -> str:
    """The Client ID of the client ``text`` names (an ID, ``First Last`` or ``Last, First``)."""
    return find(text, client_entries(book.clients), "client", option, book.path)


def find_payer(book, text: str, option: str = "--payer") -> str:
    """The Payer ID of the payer ``text`` names (its ID or name, any case)."""
    return find(text, payer_entries(book.payers), "payer", option, book.path)


def find_service(book, text: str, option: str = "--service") -> str:
    """The Service Code ``text`` names (the code, its description or a booking name)."""
    return find(text, service_entries(book.services), "service", option, book.path)


def find_staff(book, text: str, option: str = "--staff") -> str:
    """The Staff ID of the therapist ``text`` names (the ID, full name or first name)."""
    return find(text, staff_entries(book.staff), "staff member", option, book.path)


def find_policy(book, client_id: str, text: str, option: str = "--policy") -> str:
    """The Policy ID ``text`` names among the client's policies: the Policy ID, or the
    payer (ID or name) of exactly one of them (``--policy premera``)."""
    mine = {k: p for k, p in book.policies.items() if p.client_id == client_id}
    entries = [Entry(k, f"{k} ({p.payer_id})",
                     tuple(dict.fromkeys(filter(None, (plain(k), plain(p.payer_id), plain(
                         getattr(book.payers.get(p.payer_id), "name", None)))))))
               for k, p in mine.items()]
    try:
        return find(text, entries, "policy", option, book.path)
    except BadRequest as exc:
        if " are called that " in str(exc):
            raise
        raise BadRequest(f'{option} {text.strip()}: client "{client_id}" has no policy '
                         f'"{text.strip()}" in {book.path}'
                         + suggestion(plain(text), entries)) from None
