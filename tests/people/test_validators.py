"""Identifier and postcode validators, tested against the published rules, computed here
independently: the NHS number's modulus 11 check digit (NHS Data Model and Dictionary), the
UPN check letter (DfE "Unique pupil numbers", modulus 23 over weights 2 to 13) and the UK
postcode format (the outward and inward codes and the letters each position may take)."""

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from kinfold.people.validators import (
    is_valid_postcode,
    is_valid_upn,
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)

DIGITS = "0123456789"


def accepted(validator, value: str) -> bool:
    try:
        validator(value)
    except ValidationError:
        return False
    return True


# ---- NHS number ----------------------------------------------------------------------------


def nhs_check_digit(nine: str) -> int | None:
    """Weights 10 down to 2; 11 minus the remainder mod 11; 11 reads as 0; 10 means the
    nine digits can never be an NHS number."""
    total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


# England and Wales numbers (first digit 4 to 9). Scotland's CHI numbers start with a date of
# birth and are checked further, so they are left to their own example below.
nine_digits = st.tuples(
    st.sampled_from("456789"), st.text(alphabet=DIGITS, min_size=8, max_size=8)
).map("".join)


@given(nine_digits)
def test_an_nhs_number_with_its_check_digit_is_accepted(nine):
    check = nhs_check_digit(nine)
    assume(check is not None)
    number = f"{nine}{check}"
    assert accepted(validate_nhs_number, number)
    assert accepted(validate_nhs_number, f"{number[:3]} {number[3:6]} {number[6:]}")


@given(nine_digits)
def test_nine_digits_whose_check_would_be_10_are_never_an_nhs_number(start):
    # Choose the ninth digit (weight 2) so the remainder is 1: 2d = 1 - partial (mod 11), and
    # 6 is the inverse of 2 mod 11.
    eight = start[:8]
    partial = sum(int(d) * w for d, w in zip(eight, range(10, 2, -1), strict=True))
    ninth = (1 - partial) * 6 % 11
    assume(ninth <= 9)
    nine = f"{eight}{ninth}"
    assert nhs_check_digit(nine) is None
    assert not any(accepted(validate_nhs_number, f"{nine}{d}") for d in DIGITS)


@given(nine_digits, st.integers(0, 9), st.integers(1, 9))
def test_changing_any_one_digit_of_an_nhs_number_is_caught(nine, position, shift):
    check = nhs_check_digit(nine)
    assume(check is not None)
    number = list(f"{nine}{check}")
    number[position] = str((int(number[position]) + shift) % 10)
    assert not accepted(validate_nhs_number, "".join(number))


ascii_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=14)


@given(ascii_text)
def test_anything_but_ten_digits_is_not_an_nhs_number(text):
    assume(not re.fullmatch(r"[0-9]{10}", normalise_nhs_number(text)))
    assert not accepted(validate_nhs_number, text)


@given(nine_digits)
def test_an_nhs_number_in_other_scripts_digits_is_rejected(nine):
    check = nhs_check_digit(nine)
    assume(check is not None)
    arabic_indic = str.maketrans(DIGITS, "".join(chr(0x0660 + d) for d in range(10)))
    assert not accepted(validate_nhs_number, f"{nine}{check}".translate(arabic_indic))


def test_the_nhs_example_number():
    assert accepted(validate_nhs_number, "943 476 5919")
    assert not accepted(validate_nhs_number, "943 476 5918")


# ---- UPN -----------------------------------------------------------------------------------

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # 23 letters: no I, O or S


def upn_value(ch: str) -> int:
    return int(ch) if ch.isdigit() else UPN_LETTERS.index(ch)


def dfe_check_letter(body: str) -> str:
    """Characters 2 to 13 times weights 2 to 13, summed, mod 23, read as A=0 … Z=22."""
    total = sum(upn_value(ch) * w for ch, w in zip(body, range(2, 14), strict=True))
    return UPN_LETTERS[total % 23]


# LA number (3 digits), establishment (4), year (2), serial (3); a temporary UPN ends with a
# letter in place of the serial's last digit.
upn_bodies = st.tuples(
    st.text(alphabet=DIGITS, min_size=11, max_size=11),
    st.sampled_from(DIGITS + UPN_LETTERS),
).map("".join)


@given(upn_bodies)
def test_a_upn_with_its_check_letter_is_accepted(body):
    upn = dfe_check_letter(body) + body
    assert is_valid_upn(upn)
    assert accepted(validate_upn, upn)
    assert accepted(validate_upn, upn.lower())


@given(upn_bodies, st.sampled_from(UPN_LETTERS))
def test_a_upn_with_another_check_letter_is_rejected(body, letter):
    assume(letter != dfe_check_letter(body))
    assert not accepted(validate_upn, letter + body)


@given(upn_bodies, st.integers(1, 11), st.integers(1, 9))
def test_changing_one_digit_of_a_upn_is_caught(body, position, shift):
    upn = list(dfe_check_letter(body) + body)
    upn[position] = str((int(upn[position]) + shift) % 10)
    assert not accepted(validate_upn, "".join(upn))


@given(st.text(max_size=16))
def test_text_not_shaped_like_a_upn_is_rejected(text):
    shaped = (
        len(text.strip()) == 13
        and text.strip()[0].isalpha()
        and text.strip()[1:12].isdigit()
        and text.strip()[12].isalnum()
    )
    assume(not shaped)
    with pytest.raises(ValidationError):
        validate_upn(text)


# ---- postcodes -----------------------------------------------------------------------------

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
FIRST = "".join(c for c in LETTERS if c not in "QVX")
SECOND = "".join(c for c in LETTERS if c not in "IJZ")
THIRD_A9A = "ABCDEFGHJKPSTUW"
FOURTH_AA9A = "ABEHMNPRVWXY"
INWARD = "".join(c for c in LETTERS if c not in "CIKMOV")

digit = st.sampled_from(DIGITS)
outward = st.one_of(
    st.tuples(st.sampled_from(FIRST), digit).map("".join),  # A9
    st.tuples(st.sampled_from(FIRST), digit, digit).map("".join),  # A99
    st.tuples(st.sampled_from(FIRST), st.sampled_from(SECOND), digit).map("".join),  # AA9
    st.tuples(st.sampled_from(FIRST), st.sampled_from(SECOND), digit, digit).map("".join),  # AA99
    st.tuples(st.sampled_from(FIRST), digit, st.sampled_from(THIRD_A9A)).map("".join),  # A9A
    st.tuples(
        st.sampled_from(FIRST), st.sampled_from(SECOND), digit, st.sampled_from(FOURTH_AA9A)
    ).map("".join),  # AA9A
)
inward = st.tuples(digit, st.sampled_from(INWARD), st.sampled_from(INWARD)).map("".join)


@given(outward, inward, st.sampled_from(["", " ", "  "]), st.booleans())
def test_postcodes_in_the_uk_format_are_accepted(out, inn, gap, lower):
    postcode = f"{out}{gap}{inn}"
    postcode = postcode.lower() if lower else postcode
    assert accepted(validate_postcode, postcode)
    assert normalise_postcode(postcode) == f"{out} {inn}"


def test_the_girobank_postcode_is_accepted():
    assert is_valid_postcode("GIR 0AA")


@given(outward, inward, st.sampled_from("CIKMOV"), st.integers(1, 2))
def test_an_inward_code_with_a_letter_never_used_there_is_rejected(out, inn, bad, position):
    inn = inn[:position] + bad + inn[position + 1 :]
    assert not is_valid_postcode(f"{out} {inn}")


@given(outward, inward, st.sampled_from("QVX"))
def test_an_area_starting_with_q_v_or_x_is_rejected(out, inn, bad):
    assert not is_valid_postcode(f"{bad}{out[1:]} {inn}")


@given(outward, inward)
def test_an_outward_code_alone_or_the_halves_swapped_is_rejected(out, inn):
    assert not is_valid_postcode(out)
    assert not is_valid_postcode(f"{inn} {out}")


@given(st.text(alphabet=st.characters(blacklist_categories=("L", "N", "Z")), min_size=1))
def test_garbage_is_rejected(junk):
    assert not accepted(validate_postcode, junk)


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=12))
def test_ascii_text_outside_the_format_is_rejected(text):
    compact = re.sub(r"\s+", "", text.upper())
    in_format = re.fullmatch(
        rf"(GIR0AA|[{FIRST}]([0-9]{{1,2}}|[{SECOND}][0-9]{{1,2}}|[0-9][{THIRD_A9A}]"
        rf"|[{SECOND}][0-9][{FOURTH_AA9A}])[0-9][{INWARD}]{{2}})",
        compact,
    )
    assume(not in_format)
    assert not accepted(validate_postcode, text)


def test_a_postcode_with_other_scripts_digits_is_rejected():
    assert not is_valid_postcode("CB\u0663 \u0660AP")


@given(outward, inward, st.sampled_from("!-_.,/#@£$"))
def test_a_postcode_with_punctuation_in_it_is_rejected(out, inn, mark):
    assert not is_valid_postcode(f"{out}{mark}{inn}")
