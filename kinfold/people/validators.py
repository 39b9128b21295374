"""Validators for identifiers and postcodes: NHS number, UPN, former UPN, UK postcode."""

from __future__ import annotations

import re

import nhs_number
from django.core.exceptions import ValidationError

# Unique Pupil Number: a check letter, 3-digit LA code, 4-digit establishment, 2-digit year,
# 3-digit serial; the last may be a letter for a temporary UPN. The check letter is the
# remainder mod 23 of the weighted sum of characters 2-13 (weights 2..13), read through
# CHECK_LETTERS (DfE "Unique Pupil Numbers" guidance, annex A).
CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_SHAPE = re.compile(r"^[A-Z][0-9]{11}[0-9A-Z]$")


def _char_value(ch: str) -> int:
    if ch.isdigit():
        return int(ch)
    return CHECK_LETTERS.index(ch)


def upn_check_letter(body: str) -> str:
    """The check letter for the 12 characters after it."""
    total = sum(_char_value(ch) * weight for ch, weight in zip(body, range(2, 14), strict=True))
    return CHECK_LETTERS[total % 23]


def is_valid_upn(value: str) -> bool:
    value = value.strip().upper()
    if not UPN_SHAPE.match(value):
        return False
    if value[-1].isalpha() and value[-1] not in CHECK_LETTERS:
        return False
    return upn_check_letter(value[1:]) == value[0]


def validate_upn(value: str) -> None:
    if not UPN_SHAPE.match(value.strip().upper()):
        raise ValidationError(
            "A UPN is 13 characters: a letter, 11 digits, then a digit or letter",
            code="upn_shape",
        )
    if not is_valid_upn(value):
        raise ValidationError(
            "The UPN's check letter does not match: check the UPN", code="upn_check"
        )


def normalise_nhs_number(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_nhs_number(value: str) -> None:
    digits = normalise_nhs_number(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationError("An NHS number is 10 digits, like 943 476 5919", code="nhs_shape")
    if not nhs_number.is_valid(digits):
        raise ValidationError("This is not a valid NHS number: check the digits", code="nhs_check")


# UK postcode, including GIR 0AA; the outward and inward parts separated by an optional space.
POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y])"
    r" ?\d[ABD-HJLNP-UW-Z]{2})$",
    # \d must mean 0-9 only: other scripts' digits are not postcodes.
    re.ASCII,
)


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", (value or "").upper())
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def is_valid_postcode(value: str) -> bool:
    return bool(POSTCODE.match(normalise_postcode(value)))


def validate_postcode(value: str) -> None:
    if not is_valid_postcode(value):
        raise ValidationError("Enter a real postcode, like CB3 0AP", code="postcode")
