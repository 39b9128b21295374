"""Identifiers for synthetic people: unique, valid, deterministic, and never real.

NHS numbers come from the 999 range the NHS keeps for testing (valid mod-11 check digit);
UPNs carry the LA's code and a valid check letter; LA child ids and SWE numbers are unique
sequences scrambled by the seed.
"""

from __future__ import annotations

from kinfold.people.models import LA_CHILD_ID_ALPHABET
from kinfold.people.validators import upn_check_letter

NHS_TEST_PREFIX = "999"
_NHS_SPACE = 10**6  # six free digits after the prefix, before the check digit
_NHS_STEP = 7_919 * 13  # coprime with 10**6: the walk visits every suffix once


def nhs_check_digit(body: str) -> int | None:
    """The mod-11 check digit of nine digits, or None when no valid number has this body."""
    total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


class NhsNumbers:
    """Distinct valid NHS numbers in the test range, in a seeded order."""

    def __init__(self, seed: int) -> None:
        self._offset = seed % _NHS_SPACE
        self._i = 0

    def next(self) -> str:
        """The next number, or '' once the range (about 909,000 numbers) is used up."""
        while self._i < _NHS_SPACE:
            suffix = (self._offset + self._i * _NHS_STEP) % _NHS_SPACE
            self._i += 1
            body = f"{NHS_TEST_PREFIX}{suffix:06d}"
            check = nhs_check_digit(body)
            if check is not None:
                return f"{body}{check}"
        return ""


_ID_SPACE = 32**10
_ID_STEP = 0x9E3779B97F4A7  # odd, so multiplying by it permutes 0..2**50-1


class LaChildIds:
    """'KF' and ten letters/digits (the people app's format), distinct for every index."""

    def __init__(self, seed: int) -> None:
        self._offset = (seed * 0x5851F42D4C957F2D) % _ID_SPACE
        self._i = 0

    def next(self) -> str:
        value = (self._offset + self._i * _ID_STEP) % _ID_SPACE
        self._i += 1
        chars = []
        for _ in range(10):
            value, digit = divmod(value, 32)
            chars.append(LA_CHILD_ID_ALPHABET[digit])
        return "KF" + "".join(chars)


class Upns:
    """UPNs: check letter, LA code, school's establishment number, year issued, serial."""

    def __init__(self, la_code: str) -> None:
        self.la_code = la_code
        self._serials: dict[tuple[int, int], int] = {}

    def next(self, establishment: int, year: int, *, temporary: bool = False) -> str:
        key = (establishment, year % 100)
        serial = self._serials.get(key, 0)
        while serial > (99 * 23 - 1 if temporary else 999):
            establishment += 1
            key = (establishment, year % 100)
            serial = self._serials.get(key, 0)
        self._serials[key] = serial + 1
        if temporary:
            # A temporary UPN ends in a letter: two digits of serial, then a check-alphabet letter.
            last3 = f"{serial // 23:02d}{'ABCDEFGHJKLMNPQRTUVWXYZ'[serial % 23]}"
        else:
            last3 = f"{serial:03d}"
        body = f"{self.la_code}{establishment:04d}{year % 100:02d}{last3}"
        return upn_check_letter(body) + body


class SweNumbers:
    """Social Work England registration numbers: 'SW' and six digits, distinct."""

    def __init__(self, seed: int) -> None:
        self._next = 100_000 + seed % 50_000

    def next(self, step: int) -> str:
        self._next += max(1, step)
        return f"SW{self._next % 10_000_000}"
