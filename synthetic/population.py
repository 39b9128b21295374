"""Who lives in the county: ethnicity mix, and the names, languages and religions that go with
each background. Shares resemble an English shire county's children (mostly White British).
"""

from __future__ import annotations

import random

from kinfold.people.codes import Disability, Ethnicity, ImmigrationStatus, Language, Religion

E, L, Rel = Ethnicity, Language, Religion

# (ethnicity, share %, name pools, languages with weights, religions with weights)
BACKGROUNDS: list[tuple[str, float, tuple[str, ...], dict[str, float], dict[str, float]]] = [
    (E.WBRI, 74.0, ("english",), {L.ENG: 1}, {Rel.NONE: 5, Rel.CHRISTIAN: 4, Rel.NOT_KNOWN: 3}),
    (E.WIRI, 0.6, ("irish",), {L.ENG: 1}, {Rel.CHRISTIAN: 3, Rel.NONE: 1}),
    (E.WIRT, 0.3, ("irish", "english"), {L.ENG: 1}, {Rel.CHRISTIAN: 3, Rel.NOT_KNOWN: 1}),
    (E.WROM, 0.4, ("romanian",), {L.RON: 1, L.ENG: 1}, {Rel.CHRISTIAN: 2, Rel.NOT_KNOWN: 1}),
    (E.WOTH, 7.5, ("polish", "polish", "romanian", "lithuanian", "portuguese"),
     {L.POL: 4, L.RON: 2, L.LIT: 1, L.POR: 1, L.ENG: 3}, {Rel.CHRISTIAN: 3, Rel.NOT_KNOWN: 2}),
    (E.MWBC, 1.6, ("english",), {L.ENG: 1}, {Rel.NONE: 2, Rel.CHRISTIAN: 2, Rel.NOT_KNOWN: 1}),
    (E.MWBA, 0.9, ("english", "nigerian"), {L.ENG: 1}, {Rel.CHRISTIAN: 2, Rel.NONE: 1}),
    (E.MWAS, 1.5, ("english", "indian"), {L.ENG: 1}, {Rel.NONE: 2, Rel.NOT_KNOWN: 1}),
    (E.MOTH, 1.6, ("english",), {L.ENG: 1}, {Rel.NONE: 2, Rel.NOT_KNOWN: 1}),
    (E.AIND, 1.5, ("indian",), {L.ENG: 3, L.GUJ: 1, L.PAN: 1}, {Rel.HINDU: 3, Rel.SIKH: 1}),
    (E.APKN, 1.2, ("south_asian_muslim",), {L.ENG: 3, L.URD: 2, L.PAN: 1}, {Rel.MUSLIM: 1}),
    (E.ABAN, 1.0, ("south_asian_muslim",), {L.ENG: 3, L.BEN: 2}, {Rel.MUSLIM: 1}),
    (E.AOTH, 1.2, ("indian", "south_asian_muslim", "afghan"), {L.ENG: 3, L.PUS: 1, L.OTH: 1},
     {Rel.MUSLIM: 2, Rel.HINDU: 1, Rel.BUDDHIST: 1}),
    (E.BCRB, 0.4, ("english",), {L.ENG: 1}, {Rel.CHRISTIAN: 2, Rel.NONE: 1}),
    (E.BAFR, 1.9, ("nigerian", "east_african", "somali"), {L.ENG: 4, L.SOM: 1, L.OTH: 1},
     {Rel.CHRISTIAN: 3, Rel.MUSLIM: 2}),
    (E.BOTH, 0.3, ("english", "nigerian"), {L.ENG: 1}, {Rel.CHRISTIAN: 1, Rel.NOT_KNOWN: 1}),
    (E.CHNE, 0.6, ("chinese",), {L.ENG: 2, L.ZHO: 1}, {Rel.NONE: 3, Rel.BUDDHIST: 1}),
    (E.OOTH, 1.1, ("arabic", "kurdish"), {L.ARA: 2, L.KUR: 1, L.ENG: 2}, {Rel.MUSLIM: 1}),
    (E.REFU, 0.5, ("english",), {L.ENG: 1}, {Rel.REFUSED: 1}),
    (E.NOBT, 1.0, ("english",), {L.NOT_KNOWN: 1}, {Rel.NOT_KNOWN: 1}),
]  # fmt: skip
_CODES = [b[0] for b in BACKGROUNDS]
_SHARES = [b[1] for b in BACKGROUNDS]
BY_CODE = {b[0]: b for b in BACKGROUNDS}

# The other parent of a child of mixed background.
MIXED_OTHER_PARENT = {
    E.MWBC: (E.BCRB,),
    E.MWBA: (E.BAFR,),
    E.MWAS: (E.AIND, E.APKN),
    E.MOTH: (E.CHNE, E.OOTH, E.WOTH, E.BOTH),
}

DISABILITY_WEIGHTS = {
    Disability.AUT: 30, Disability.LD: 20, Disability.COMM: 14, Disability.BEH: 10,
    Disability.MOB: 8, Disability.HEAR: 4, Disability.VIS: 4, Disability.PC: 3,
    Disability.HAND: 2, Disability.INC: 2, Disability.CON: 2, Disability.DDA: 5,
}  # fmt: skip

# Unaccompanied asylum-seeking young people: (name pool, ethnicity, first language).
UASC_ORIGINS = [
    ("afghan", E.AOTH, L.PUS, 30),
    ("eritrean", E.BAFR, L.TIR, 20),
    ("arabic", E.OOTH, L.ARA, 15),  # Sudan
    ("kurdish", E.OOTH, L.KUR, 15),
    ("afghan", E.OOTH, L.FAS, 8),  # Iran
    ("albanian", E.WOTH, L.SQI, 7),
    ("vietnamese", E.AOTH, L.OTH, 5),
]


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def background(rng: random.Random) -> str:
    return rng.choices(_CODES, _SHARES)[0]


def immigration_for(rng: random.Random, ethnicity: str, language: str) -> str:
    if ethnicity in (E.WBRI, E.WIRI, E.MWBC, E.BCRB) or language == L.ENG:
        return ImmigrationStatus.BRITISH if rng.random() < 0.6 else ImmigrationStatus.NOT_KNOWN
    r = rng.random()
    if r < 0.45:
        return ImmigrationStatus.SETTLED
    if r < 0.65:
        return ImmigrationStatus.BRITISH
    if r < 0.72:
        return ImmigrationStatus.REFUGEE
    if r < 0.78:
        return ImmigrationStatus.LIMITED_LEAVE
    if r < 0.80:
        return ImmigrationStatus.ASYLUM_SEEKER
    if r < 0.81:
        return ImmigrationStatus.NRPF
    return ImmigrationStatus.NOT_KNOWN
