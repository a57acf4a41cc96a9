"""Reason codes in words: for the owner, for the client, and as typed in a cell."""

from claimbook.rules.carc import client_words, denial_words, reason_words, reasons_in


def test_reason_words_for_the_owner():
    assert reason_words("CO-50") == \
        "not deemed a medical necessity by the payer (CO-50)"
    assert reason_words("co 45") == \
        "the charge exceeds the fee schedule or contracted amount (CO-45)"
    assert reason_words("PR-999") == "reason PR-999"
    assert reason_words("N130").startswith("consult the plan's")


def test_client_words_never_explain_a_write_off():
    assert client_words("PR-1") == "applied to your deductible"
    assert client_words("PR-2") == "your coinsurance"
    assert client_words("PR-3") == "your copay"
    assert client_words("CO-45") is None
    assert client_words("OA-23") is None


def test_codes_as_typed_in_a_cell():
    assert reasons_in("CO-45; PR-3") == ["CO-45", "PR-3"]
    assert reasons_in("CO-45 PR-3,OA-23") == ["CO-45", "PR-3", "OA-23"]
    assert reasons_in("") == []
    assert denial_words(["PR-1", "CO-50"]) == reason_words("CO-50")
    assert denial_words([]) == "denied"


def test_denials_status_and_provider_adjustments_in_words():
    from claimbook.rules.carc import is_denial, provider_adjustment_words, status_words

    assert is_denial("4", 5000, [])
    assert is_denial("1", 0, [("CO", "29")])
    assert not is_denial("1", 0, [("CO", "45"), ("PR", "1")])  # all to the deductible
    assert not is_denial("1", 0, [("PR", "204")])  # the client's now, not the insurer's
    assert not is_denial("1", 1200, [("CO", "50")])
    assert not is_denial("22", 0, [("CO", "29")])
    assert status_words("22") == "reversal of a previous payment"
    assert status_words("99") == "status 99"
    assert provider_adjustment_words("l6") == "interest owed"
    assert provider_adjustment_words("ZZ") == "ZZ"
    for code in ("1", "2", "3", "16", "18", "19", "22", "23", "29", "45", "50", "96", "97",
                 "109", "119", "151", "167", "170", "197", "204", "242", "253"):
        assert not reason_words(f"CO-{code}").startswith("reason"), code
    for code in ("N130", "N386", "M15", "MA18", "N4", "N206"):
        assert reason_words(code) != code, code
