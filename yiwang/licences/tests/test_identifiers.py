"""GB/T 36904 identifiers and their ISO/IEC 7064 MOD 37,36 check character (STANDARDS §6)."""

import string

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_37_36

from yiwang.licences import offline_verifier
from yiwang.licences.identifiers import IdentifierInvalid, build_identifier, is_valid_identifier, parse_identifier

REAL = "1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U"
ALNUM = string.digits + string.ascii_uppercase


def test_the_real_identifier_of_the_fact_sheet_validates():
    parsed = parse_identifier(REAL)
    assert (parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version) == (
        "11100000000013338W011", "11430000006122244L", "20230000403", 1)
    assert str(parsed) == REAL
    assert offline_verifier.split_identifier(REAL)["check"] == "U"


@pytest.mark.parametrize("corrupted", [
    REAL[:-1] + "V",                                   # another check character
    REAL.replace("20230000403", "20230000404"),         # serial changed, check kept
    REAL.replace(".001.", ".002."),                     # version changed
    REAL.replace("13338W", "13338X"),                   # type code changed
])
def test_a_corrupted_identifier_is_named_invalid(corrupted):
    assert not is_valid_identifier(corrupted)
    assert offline_verifier.split_identifier(corrupted) is None
    with pytest.raises(IdentifierInvalid) as err:
        parse_identifier(corrupted)
    assert "校验位" in err.value.message


@pytest.mark.parametrize("text,words", [
    ("", "请输入"), ("2.16.156.3005.2.x", "开头"), ("1.2.156.3005.2.A.B.C", "五段"),
    ("1.2.156.3005.2.11100000000013338W01.11430000006122244L.20230000403.001.U", "21 位"),
    ("1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.01.U", "3 位"), ("1" * 101, "100"),
])
def test_malformed_identifiers_say_what_is_wrong(text, words):
    with pytest.raises(IdentifierInvalid) as err:
        parse_identifier(text)
    assert words in err.value.message


def test_pasted_forms_are_folded():
    full_width = REAL.replace(".", "．").replace("1", "１").lower()
    assert parse_identifier(f"  {full_width} \n").check == "U"


parts = st.tuples(st.text(ALNUM, min_size=21, max_size=21), st.text(ALNUM, min_size=18, max_size=18),
                  st.text(ALNUM, min_size=1, max_size=30), st.integers(min_value=0, max_value=999))


@given(parts)
def test_every_built_identifier_parses_back_and_both_implementations_agree(p):
    type_code, issuer, serial, version = p
    identifier = build_identifier(type_code=type_code, issuer_code=issuer, serial=serial, version=version)
    parsed = parse_identifier(identifier)
    assert (parsed.type_code, parsed.issuer_code, parsed.serial, parsed.version) == (type_code, issuer, serial, version)
    body = f"{type_code}{issuer}{serial}{version:03d}"
    assert offline_verifier.mod_37_36_check_character(body) == mod_37_36.calc_check_digit(body) == identifier[-1]
    assert offline_verifier.split_identifier(identifier) is not None


@given(parts, st.data())
def test_any_single_character_substitution_is_detected(p, data):
    type_code, issuer, serial, version = p
    identifier = build_identifier(type_code=type_code, issuer_code=issuer, serial=serial, version=version)
    positions = [i for i, ch in enumerate(identifier) if ch != "." and i >= len("1.2.156.3005.2.")]
    position = data.draw(st.sampled_from(positions))
    replacement = data.draw(st.sampled_from([c for c in ALNUM if c != identifier[position]]))
    corrupted = identifier[:position] + replacement + identifier[position + 1:]
    # A version part that is no longer three digits is refused for its form; everything else for its check.
    assert not is_valid_identifier(corrupted)
