"""The 837P files: valid by pyx12, true to the envelope rules, read back into the same claims.

Every file is validated with pyx12 (the 005010X222A1 map; its 999 must accept the
transaction) and read back with claimbook's own X12 tokenizer (io/x12/tokens.py). The
real TR3 examples in tests/data/x12/837p/ (sources beside them) show the shape ours keep.
"""

from __future__ import annotations

import io
import logging
from datetime import date, datetime
from pathlib import Path

import pytest
import pyx12.params
import pyx12.x12n_document as pyx12_document

from claim_fixtures import claim_book
from claimbook.io.x12 import read_interchange
from claimbook.io.x12.x837 import Envelope, interchange
from claimbook.io.xlsx.reader import load_book
from claimbook.usecases.claims import ClaimRequest, plan_claims
from conftest import SAMPLE

DATA = Path(__file__).parent / "data" / "x12" / "837p"
DAY = date(2026, 10, 31)
WHEN = datetime(2026, 10, 31, 9, 30)


def pyx12_check(path: Path) -> tuple[bool, list[str], str]:
    """pyx12's verdict on a file: valid, its error messages, its 999 acknowledgment."""
    records: list[logging.LogRecord] = []

    class Collect(logging.Handler):
        def emit(self, record):
            records.append(record)

    logger, handler = logging.getLogger("pyx12"), Collect(level=logging.WARNING)
    logger.addHandler(handler)
    ack = io.StringIO()
    try:
        ok = pyx12_document.x12n_document(pyx12.params.params(), str(path), ack, None)
    finally:
        logger.removeHandler(handler)
    return ok, [r.getMessage() for r in records if r.levelno >= logging.ERROR], ack.getvalue()


def assert_valid(path: Path) -> None:
    ok, errors, ack = pyx12_check(path)
    assert ok and errors == [], errors
    assert "IK5*A~" in ack and "AK9*A*1*1*1~" in ack, ack  # the 999 accepts it


def _claims(tmp_path, **changes):
    book = load_book(claim_book(tmp_path / "p.xlsx", **changes))
    run = plan_claims(book, ClaimRequest(day=DAY, unbilled=True, electronic=True))
    assert not run.left_out
    return {c.appointment_id: c for c in run.claims}


def _write(tmp_path, claims, name="claims.837", control=7, test=False) -> Path:
    envelope = Envelope("CEDAR01", "CEDAR & STONE", "330897513", "OFFICE ALLY", "OA",
                        "2065550142", control, WHEN, test)
    path = tmp_path / name
    path.write_text(interchange(list(claims), envelope), encoding="ascii")
    return path


def _segments(path: Path) -> list[list[str]]:
    return [s.split("*") for s in path.read_text().split("~\n") if s]


def test_the_real_tr3_examples_pass_the_validator_and_a_broken_one_does_not(tmp_path):
    for name in ("837p_07_tr3_commercial_dependent_stupidedi.837",
                 "837p_09_tr3_chiropractic_cr2_stupidedi.837"):
        assert_valid(DATA / name)
    broken = tmp_path / "broken.837"
    text = (DATA / "837p_07_tr3_commercial_dependent_stupidedi.837").read_text()
    broken.write_text(text.replace("SE*42*0021", "SE*41*0021"))
    ok, errors, _ = pyx12_check(broken)
    assert not ok and any("SE count" in e for e in errors)


@pytest.mark.parametrize("which", ["A1", "A2", "A3", "A4", "all"])
def test_every_kind_of_claim_passes_pyx12(tmp_path, which):
    """Commercial with modifiers and two pointers, auto accident with a referring doctor and
    another health plan (2320), workers' comp (the employer insured, PAT*20), a child."""
    claims = _claims(tmp_path)
    chosen = list(claims.values()) if which == "all" else [claims[which]]
    assert_valid(_write(tmp_path, chosen))


def test_the_samples_unbilled_visits_pass_pyx12_payer_by_payer(tmp_path):
    book = load_book(SAMPLE)
    run = plan_claims(book, ClaimRequest(day=date(2026, 11, 27), unbilled=True,
                                         electronic=True))
    assert run.claims and not run.left_out
    for n, (payer_id, claims) in enumerate(run.by_payer().items(), start=1):
        assert_valid(_write(tmp_path, claims, f"{payer_id}.837", control=n))


def test_envelope_and_counting_rules(tmp_path):
    claims = _claims(tmp_path)
    path = _write(tmp_path, claims.values(), control=42, test=True)
    segments = _segments(path)
    isa, gs, st, ge, iea = segments[0], segments[1], segments[2], segments[-2], segments[-1]
    assert len(path.read_text().split("\n")[0]) == 106  # the ISA and its terminator
    assert isa[13] == "000000042" and iea == ["IEA", "1", "000000042"]  # IEA01: one GS
    assert isa[15] == "T" and isa[6] == "CEDAR01".ljust(15) and isa[8] == "330897513".ljust(15)
    assert gs[6] == "42" and ge == ["GE", "1", "42"] and gs[8] == "005010X222A1"
    assert gs[2:4] == ["CEDAR01", "OA"]
    se = segments[-3]
    assert se[0] == "SE" and int(se[1]) == len(segments) - 4 and se[2] == st[2]
    assert _write(tmp_path, claims.values(), "p.837").read_text().split("*")[15] == "P"


def test_hl_numbers_and_parents(tmp_path):
    segments = _segments(_write(tmp_path, _claims(tmp_path).values()))
    hls = [s for s in segments if s[0] == "HL"]
    assert [int(h[1]) for h in hls] == list(range(1, len(hls) + 1))
    levels = {h[1]: h[3] for h in hls}
    for h in hls:
        if h[3] == "20":
            assert h[2] == ""
        else:
            parent = h[2]
            assert int(parent) < int(h[1]) and levels[parent] == {"22": "20", "23": "22"}[h[3]]
        children = [c for c in hls if c[2] == h[1]]
        assert h[4] == ("1" if children else "0")


def test_claim_charge_is_the_sum_of_its_lines(tmp_path):
    segments = _segments(_write(tmp_path, _claims(tmp_path).values()))
    totals, lines = {}, {}
    current = None
    for s in segments:
        if s[0] == "CLM":
            current = s[1]
            totals[current] = s[2]
        elif s[0] == "SV1":
            lines.setdefault(current, []).append(s[2])
    assert totals == {"A1": "168", "A2": "128", "A3": "64", "A4": "132"}
    for pcn, charges in lines.items():
        assert sum(float(c) for c in charges) == float(totals[pcn])


def test_delimiters_never_appear_in_data(tmp_path):
    claims = _claims(tmp_path, Clients=[(0, {"last_name": "O'Le*e~:^", "first_name": "A:n^n"})],
                     Policies=[(0, {"member_id": "W1*2~3", "subscriber_name": None,
                                    "relationship": "Self"})])
    path = _write(tmp_path, claims.values())
    assert_valid(path)
    body = path.read_text().split("\n")
    for line in body[1:-1]:  # past the ISA, whose ^ and : are its separators
        assert "^" not in line and line.count("~") == 1 and line.endswith("~")
    assert "NM1*IL*1*O'LE E*A N N****MI*W1 2 3~" in body


def _reread(path: Path) -> dict:
    """The claims of an 837P file as claimbook's own tokenizer reads them."""
    (transaction,) = read_interchange(path.read_bytes(), path.name)
    claims: dict = {}
    claim = subscriber = None
    for seg in transaction.segments:
        if seg.tag == "NM1" and seg.text(1) == "IL":
            subscriber = seg.text(9)
        elif seg.tag == "CLM":
            claim = claims[seg.text(1)] = {
                "total": seg.cents(2, "CLM02"), "frequency": seg.components(5)[2],
                "member_id": subscriber, "lines": [], "diagnoses": [],
                "related": seg.components(11)}
        elif seg.tag == "REF" and seg.text(1) == "G1":
            claim["prior_authorization"] = seg.text(2)
        elif seg.tag == "HI":
            claim["diagnoses"] = [seg.components(i)[1] for i in range(1, len(seg))]
        elif seg.tag == "SV1":
            procedure = seg.components(1)
            claim["lines"].append({"code": procedure[1], "modifiers": tuple(procedure[2:]),
                                   "charge": seg.cents(2, "SV102"), "units": int(seg.text(4)),
                                   "pointers": tuple(int(p) for p in seg.components(7))})
        elif seg.tag == "DTP" and seg.text(1) == "472":
            claim["lines"][-1]["day"] = datetime.strptime(seg.text(3), "%Y%m%d").date()
        elif seg.tag == "REF" and seg.text(1) == "6R":
            claim["lines"][-1]["control"] = seg.text(2)
    return claims


def test_our_own_tokenizer_reads_back_the_same_claims(tmp_path):
    claims = _claims(tmp_path)
    read = _reread(_write(tmp_path, claims.values()))
    assert list(read) == list(claims)
    for pcn, claim in claims.items():
        got = read[pcn]
        assert got["total"] == claim.total and got["frequency"] == "1"
        assert got["member_id"] == claim.member_id
        assert got["diagnoses"] == [d.replace(".", "") for d in claim.diagnoses]
        assert got["lines"] == [{"code": ln.code, "modifiers": ln.modifiers, "charge": ln.charge,
                                 "units": ln.units, "pointers": ln.pointers, "day": ln.day,
                                 "control": ln.control_number} for ln in claim.lines]
    assert read["A2"]["related"] == ["AA", "", "", "WA"] and read["A3"]["related"] == ["EM"]
    assert read["A1"]["prior_authorization"] == "AUTH-77"


def test_a_corrected_and_a_void_claim(tmp_path):
    book = load_book(claim_book(tmp_path / "p.xlsx", Appointments=[
        (0, {"billed_date": date(2026, 10, 6), "claim_number": "ICN9001"}),
        (1, {"billed_date": date(2026, 10, 6)})]))
    for frequency in ("7", "8"):
        run = plan_claims(book, ClaimRequest(day=DAY, resubmit="A1", frequency=frequency,
                                             electronic=True))
        path = _write(tmp_path, run.claims, f"f{frequency}.837")
        assert_valid(path)
        text = path.read_text()
        assert f"*11:B:{frequency}*" in text and "REF*F8*ICN9001~" in text
        assert _reread(path)["A1"]["frequency"] == frequency


def _shape(segments: list[list[str]]) -> list[str]:
    """The loop-opening segments of a claim, in order (what the TR3 fixes)."""
    keys = {("HL", 3): None, ("SBR", 0): None, ("NM1", 1): None, ("PAT", 0): None,
            ("CLM", 0): None, ("HI", 0): None, ("LX", 0): None, ("SV1", 0): None,
            ("DTP", 1): None, ("REF", 1): None}
    out = []
    for s in segments:
        for (tag, i) in keys:
            if s[0] == tag:
                out.append(f"{tag}*{s[i]}" if i else tag)
    return out


def _tr3(name: str) -> list[list[str]]:
    text = (DATA / name).read_text().replace("\n", "")
    return [s.split("*") for s in text.split("~") if s]


def _in_order(ours: list[str], theirs: list[str]) -> list[str]:
    """The segments both have, in our order; they must come in the TR3's order too."""
    common = [s for s in dict.fromkeys(ours) if s in theirs]
    assert common == [s for s in dict.fromkeys(theirs) if s in common], (ours, theirs)
    return common


def test_a_dependent_claim_has_the_loops_of_the_tr3_commercial_example(tmp_path):
    ours = _shape(_segments(_write(tmp_path, [_claims(tmp_path)["A4"]])))
    theirs = _shape(_tr3("837p_07_tr3_commercial_dependent_stupidedi.837"))
    common = _in_order(ours, theirs)
    assert {"HL*20", "NM1*41", "NM1*40", "NM1*85", "REF*EI", "HL*22", "SBR", "NM1*IL",
            "NM1*PR", "HL*23", "PAT", "NM1*QC", "CLM", "HI", "LX", "SV1", "DTP*472"} <= \
        set(common)


def test_an_auto_accident_claim_has_the_shape_of_the_tr3_example(tmp_path):
    claims = _claims(tmp_path, Policies=[(1, {"subscriber_name": "Maria Diaz",
                                               "relationship": "Spouse"})])
    ours = _segments(_write(tmp_path, [claims["A2"]]))
    theirs = _tr3("837p_03_tr3_auto_accident_pip.837")
    common = _in_order(_shape(ours), _shape(theirs))
    assert {"SBR", "PAT", "NM1*QC", "REF*Y4", "CLM", "DTP*439", "HI"} <= set(common)
    for segments in (ours, theirs):
        sbr = next(s for s in segments if s[0] == "SBR")
        clm = next(s for s in segments if s[0] == "CLM")
        assert sbr[9] == "AM" and clm[11].startswith("AA:::") and len(clm[11]) == 7
        tags = [s[0] + "*" + s[1] for s in segments]
        assert tags.index("REF*Y4") < tags.index("CLM*" + clm[1])  # in the patient's loop
        assert tags.index("HL*3") < tags.index("REF*Y4")


def test_line_control_numbers_follow_the_service_date_as_in_the_tr3(tmp_path):
    ours = _segments(_write(tmp_path, [_claims(tmp_path)["A1"]]))
    theirs = _tr3("837p_09_tr3_chiropractic_cr2_stupidedi.837")
    for segments in (ours, theirs):
        tags = [s[0] + "*" + (s[1] if len(s) > 1 else "") for s in segments]
        for i, tag in enumerate(tags):
            if tag == "REF*6R":
                assert tags[i - 1] == "DTP*472" and "SV1" in tags[i - 2]
    refs = [s[2] for s in ours if s[:2] == ["REF", "6R"]]
    assert refs == ["A1-1", "A1-2"]
