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
