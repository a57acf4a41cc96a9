"""Units of a service line, and a visit's units under its payer's Units Rule.

CONTRACT.md: a line's units are Units as typed, else for a timed service the 8-minute
rule on Minutes (``minutes // per_unit``, plus one where the remainder is more than half
a unit: 8 or more of 15 minutes, 16 or more of 30), else 1. Under the payer's Units Rule
``CMS total time`` the visit's timed lines with Minutes and no typed Units are counted
together: the 8-minute rule on their summed minutes gives the total; each line first gets
its whole units, and the units left go one each to the lines with the largest remaining
minutes (ties: the service code that sorts first, so row order never matters).
"""

from __future__ import annotations

from collections.abc import Sequence

PER_CODE, CMS_TOTAL_TIME = "Per code", "CMS total time"
UNITS_RULES = (PER_CODE, CMS_TOTAL_TIME)
DEFAULT_MINUTES_PER_UNIT = 15


def eight_minute_rule(minutes: int, per_unit: int = DEFAULT_MINUTES_PER_UNIT) -> int:
    """Units for ``minutes`` of a timed service: whole units, plus one where the remainder
    is more than half a unit (7 -> 0, 8 -> 1, 22 -> 1, 23 -> 2 of 15-minute units)."""
    whole, rest = divmod(minutes, per_unit)
    return whole + (1 if rest * 2 > per_unit else 0)


def _per_unit(service) -> int:
    return (service.minutes_per_unit if service is not None else None) or \
        DEFAULT_MINUTES_PER_UNIT


def _timed(service) -> bool:
    return service is None or service.timed is not False


def line_units(line, service) -> int:
    """Units of one service line on its own (the ``Per code`` rule)."""
    if line.units is not None:
        return line.units
    if _timed(service) and line.minutes is not None:
        return eight_minute_rule(line.minutes, _per_unit(service))
    return 1


def visit_units(lines: Sequence, services: Sequence, rule: str | None) -> list[int]:
    """Units of each of a visit's lines, in order, under the payer's Units Rule.

    Args:
        lines: the visit's service lines (records with ``units``, ``minutes`` and
            ``service_code``).
        services: each line's service (or None when unknown), in the same order.
        rule: the payer's Units Rule; None or ``Per code`` counts each line on its own.

    Returns:
        One unit count per line.
    """
    units = [line_units(ln, sv) for ln, sv in zip(lines, services)]
    if rule != CMS_TOTAL_TIME:
        return units
    pooled: dict[int, list[int]] = {}  # minutes per unit -> the lines counted together
    for i, (ln, sv) in enumerate(zip(lines, services)):
        if ln.units is None and ln.minutes is not None and _timed(sv):
            pooled.setdefault(_per_unit(sv), []).append(i)
    for per_unit, idx in pooled.items():
        total = eight_minute_rule(sum(lines[i].minutes for i in idx), per_unit)
        for i in idx:
            units[i] = lines[i].minutes // per_unit
        left = total - sum(units[i] for i in idx)
        ranked = sorted(idx, key=lambda i: (-(lines[i].minutes % per_unit),
                                            lines[i].service_code or "", i))
        for i in ranked[:left]:
            units[i] += 1
    return units
