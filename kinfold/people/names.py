"""Name normalisation shared by search and duplicate matching.

A name is folded to plain lower-case letters (accents stripped, letters such as "ł" and "ß"
spelled out), split on spaces, hyphens and apostrophes, and each token gets a phonetic code.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA, JaroWinkler

# Letters that NFKD does not decompose into a base letter and a mark.
_SPELLED_OUT = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "\u0131": "i",  # dotless i
        "ŀ": "l",
        "ħ": "h",
    }
)
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015'\u2018\u2019`\u02bc.,/]+")
TOKEN_MAX = 60
PHONETIC_MAX = 12


def fold(text: str) -> str:
    """'Zoë Łukasz-O\u2019Brien' → 'zoe lukasz-o'brien': no marks, lower case, separators kept."""
    text = unicodedata.normalize("NFKD", (text or "").translate(_SPELLED_OUT))
    kept = []
    for ch in text:
        if unicodedata.combining(ch):
            continue
        if ch.isalnum():
            kept.append(ch.lower())
        elif _SEPARATORS.match(ch):
            kept.append("'" if ch in "'\u2018\u2019`\u02bc" else " " if ch.isspace() else "-")
    return "".join(kept)


def parts(text: str) -> list[str]:
    """The pieces of a name: 'Smith-Jones' → ['smith', 'jones']; "O'Brien" → ['o', 'brien']."""
    return [p for p in _SEPARATORS.split(fold(text)) if p]


def tokens(text: str) -> list[str]:
    """The searchable tokens of one name: its pieces of two letters or more, and, for a name
    in several pieces, the pieces joined ('smithjones', 'obrien'), so that a name recorded
    with or without its hyphen, space or apostrophe is found either way."""
    pieces = parts(text)
    found = [p[:TOKEN_MAX] for p in pieces if len(p) >= 2]
    if len(pieces) > 1:
        found.append("".join(pieces)[:TOKEN_MAX])
    return list(dict.fromkeys(found))


@lru_cache(maxsize=65536)
def phonetic(token: str) -> str:
    """Metaphone of a folded token; a token in another script is its own code."""
    if token.isascii() and token.isalpha():
        code = jellyfish.metaphone(token).upper()
        return code[:PHONETIC_MAX] if code else token[:PHONETIC_MAX]
    return token[:PHONETIC_MAX]


@lru_cache(maxsize=262144)
def token_similarity(query: str, token: str) -> float:
    """How alike a typed token is to a stored one, 0 (no match) to 1 (the same).

    Accepted: the same token; the same sound (metaphone of two letters or more, and not
    wholly unlike); one typo (a letter wrong, missing, extra or two swapped) in a token of four
    letters or more, two typos from eight letters; or the start of a longer name (three letters
    or more). Anything else scores 0. The score ranks: Jaro-Winkler, with a floor for each rule.
    """
    if query == token:
        return 1.0
    jw = JaroWinkler.similarity(query, token)
    score = 0.0
    shortest = min(len(query), len(token))
    if shortest >= 4:
        allowed = 2 if shortest >= 8 else 1
        if OSA.distance(query, token, score_cutoff=allowed) <= allowed:
            score = max(score, min(jw, 0.99), 0.85)
    code = phonetic(query)
    if len(code) >= 2 and code == phonetic(token) and jw >= 0.6:
        score = max(score, min(jw, 0.99), 0.85)
    if len(query) >= 3 and token.startswith(query):
        score = max(score, 0.8 * min(jw, 0.99) + 0.1)
    return round(score, 4)


def name_similarity(a: str, b: str) -> float:
    """Jaro-Winkler of two whole names, folded; 0 when either is blank."""
    fa, fb = " ".join(parts(a)), " ".join(parts(b))
    if not fa or not fb:
        return 0.0
    return JaroWinkler.similarity(fa, fb)
