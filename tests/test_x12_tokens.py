"""The lenient X12 tokenizer: delimiters from the ISA, files with no envelope, BOM,
CRLF and indentation, several interchanges, a component separator that disagrees with
ISA16, and one-line errors naming the file and the segment."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimbook.io.x12 import X12Error, read_interchange
from claimbook.rules.problems import ClaimbookError

DATA = Path(__file__).parent / "data" / "x12"


def isa(element="*", repetition="^", component=":", terminator="~", version="00501"):
    """An ISA with fields padded to their fixed widths, as payers send it."""
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", "SENDER".ljust(15), "ZZ",
              "RECEIVER".ljust(15), "261102", "1200", repetition, version, "000000001", "0",
              "P", component]
    return element.join(fields) + terminator


def body(e="*", c=":", t="~", code="97124"):
    return t.join([
        f"GS{e}HP{e}S{e}R{e}20261102{e}1200{e}1{e}X{e}005010X221A1",
        f"ST{e}835{e}0001",
        f"BPR{e}I{e}50.00{e}C{e}CHK",
        f"CLP{e}A0001{e}1{e}90.00{e}50.00{e}10.00",
        f"SVC{e}HC{c}{code}{c}GP{e}90.00{e}50.00",
        f"SE{e}5{e}0001", f"GE{e}1{e}1", f"IEA{e}1{e}000000001"]) + t


def test_delimiters_come_from_the_isa():
    data = (isa("|", "^", ">", "\n") + body("|", ">", "\n")).encode()
    [tx] = read_interchange(data, "remit.835")
    svc = next(s for s in tx.segments if s.tag == "SVC")
    assert svc.components(1) == ["HC", "97124", "GP"]
    assert tx.context.delimiters.element == "|"
    assert tx.context.delimiters.segment == "\n"
    assert (tx.set_id, tx.control_number, tx.version) == ("835", "0001", "005010X221A1")
    assert [s.tag for s in tx.segments] == ["ST", "BPR", "CLP", "SVC", "SE"]
    assert svc.number == 6  # numbered within the file: ISA, GS, ST, BPR, CLP, SVC


def test_an_isa_not_padded_to_its_widths_still_reads():
    head = "ISA*00**00**ZZ*S*ZZ*R*261102*1200*^*00501*1*0*P*>~"
    [tx] = read_interchange((head + body(c=">")).encode(), "short.835")
    assert next(s for s in tx.segments if s.tag == "SVC").components(1)[1] == "97124"


def test_a_file_with_no_envelope_defaults_to_star_colon_tilde():
    text = "ST*835*0001~BPR*I*5*C*CHK~CLP*A1*1*5*5~SVC*HC:97124*5*5~SE*5*0001~"
    [tx] = read_interchange(text.encode(), "bare.835")
    assert tx.interchange is None and tx.group is None
    assert tx.segments[3].components(1) == ["HC", "97124"]
    assert tx.segments[0].number == 1


def test_bom_crlf_indentation_and_blank_lines():
    text = "\ufeff" + (isa() + body()).replace("~", "~\r\n    ") + "\r\n\r\n"
    [tx] = read_interchange(text.encode("utf-8"), "bom.835")
    assert [s.tag for s in tx.segments] == ["ST", "BPR", "CLP", "SVC", "SE"]
    assert tx.segments[2].text(1) == "A0001"


def test_one_segment_a_line_with_no_terminator_character():
    text = isa(terminator="\r\n") + body(t="\r\n")
    [tx] = read_interchange(text.encode(), "lines.835")
    assert tx.segments[2].text(4) == "50.00"


def test_several_interchanges_each_with_its_own_delimiters():
    first = isa() + body()
    second = isa("|", "^", ">", "~") + body("|", ">", "~").replace("0001", "0002")
    txs = read_interchange((first + "\n" + second).encode(), "two.835")
    assert [t.control_number for t in txs] == ["0001", "0002"]
    assert [t.segments[3].components(1)[1] for t in txs] == ["97124", "97124"]
    assert txs[1].segments[0].number == 12  # ISA..IEA are 1-9; then ISA, GS, ST


def test_4010_isa11_is_not_a_repetition_separator():
    [tx] = read_interchange((isa(repetition="U", version="00401") + body()).encode(), "x.835")
    assert tx.context.delimiters.repetition is None


def test_a_component_separator_that_disagrees_with_isa16_is_found_and_read_right():
    data = (isa(component=":") + body(c=">")).encode()
    [tx] = read_interchange(data, "uhc.835")
    assert tx.segments[3].components(1) == ["HC", "97124", "GP"]
    assert tx.context.notes == ['uhc.835: the data separates components with ">" where '
                                'ISA16 says ":"; read with ">"']


def test_a_file_that_mixes_component_separators_is_refused_naming_the_segment():
    text = isa() + body().replace("SE*5", "SVC*HC>97140*1*1~SE*6")
    with pytest.raises(X12Error) as err:
        read_interchange(text.encode(), "mixed.835")
    assert str(err.value) == ('mixed.835: segment 7 SVC: the file mixes component '
                              'separators (: and >); ISA16 says ":": the codes cannot be '
                              'read safely')


def test_a_composite_with_no_separator_is_refused():
    text = isa() + body().replace("HC:97124:GP", "HC97124")
    with pytest.raises(X12Error, match=r'^x.835: segment 6 SVC: SVC01 "HC97124" has no '
                                       r'component separator \(ISA16 says ":"\)'):
        read_interchange(text.encode(), "x.835")


def test_numbers_and_money_are_read_exactly_or_refused_naming_the_segment():
    text = isa() + body().replace("CLP*A0001*1*90.00*50.00", "CLP*A0001*1*90.00*12O.00")
    [tx] = read_interchange(text.encode(), "remit.835")
    clp = tx.segments[2]
    assert clp.cents(3, "charge") == 9000
    assert clp.cents(5, "patient responsibility") == 1000
    assert clp.cents(6, "x") is None
    with pytest.raises(X12Error) as err:
        clp.cents(4, "paid amount")
    assert str(err.value) == 'remit.835: segment 5 CLP: paid amount "12O.00" is not a number'
    assert isinstance(err.value, ClaimbookError)
    clp.elements[4] = "1.005"
    with pytest.raises(X12Error, match="is not an amount in dollars and cents"):
        clp.cents(4, "paid amount")
    clp.elements[4] = "-16.8"
    assert clp.cents(4, "paid amount") == -1680


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty.835: the file is empty"),
    (b"PK\x03\x04\x00\x00", 'empty.835: not an X12 file (it holds binary data)'),
    (b"Date,Amount\n2026-11-02,5\n", 'empty.835: not an X12 file (it starts "Date,Amount", '
                                     "not ISA, GS or ST)"),
    (b"ST*835*1~BPR*I*5~", "empty.835: segment 1 ST: the transaction ST 1 is not closed by an "
                           "SE (the file may be cut short)"),
    (b"ISA*00*", "empty.835: segment 1 ISA: the ISA has fewer than 16 elements"),
    (b"ST*835*1~ST*835*2~SE*1*2~", "empty.835: segment 2 ST: a new ST before the SE of ST 1 "
                                    "(segment 1)"),
    (b"GS*HP~GE*0*1~", "empty.835: no transaction (ST ... SE) in the file"),
])
def test_files_that_are_not_x12_are_refused_in_one_line(data, message):
    with pytest.raises(X12Error) as err:
        read_interchange(data, "empty.835")
    assert str(err.value) == message


def test_the_real_samples_read_with_their_delimiters():
    expected = {"835_01_tr3_managed_care_deductible.835": (":", "^", 26),
                "835_02_tr3_secondary_payer_cob.835": (":", ">", 39),
                "835_03_uhc_multi_claim_multi_cas.835": (">", "^", 61),
                "835_04_emedny_denials_duplicate_pcn.835": (":", "^", 65),
                "835_12_multi_claim_same_pcn_stupidedi.835": (":", "^", 190),
                "835_14_tr3_tertiary_payer.835": (":", ">", 24)}
    for name, (component, repetition, count) in expected.items():
        [tx] = read_interchange((DATA / name).read_bytes(), name)
        assert (tx.context.delimiters.component, tx.context.delimiters.repetition,
                len(tx.segments)) == (component, repetition, count), name
        assert tx.context.notes == []
