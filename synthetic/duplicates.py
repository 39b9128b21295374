"""The duplicates stage: second records of existing persons, with the variations that real
duplicate records have (typos, swapped names, nicknames, a date of birth keyed wrongly, a
missing NHS number, another postcode…). Each is recorded as a PlantedDuplicate: the ground
truth the matcher is measured against. Twins in the households are not duplicates.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from kinfold.people import names as name_keys
from kinfold.people.codes import Sex
from kinfold.people.models import Address, Person, PersonName

from .identifiers import LaChildIds
from .models import PlantedDuplicate
from .names import NICKNAMES, pools
from .pipeline import Advance, Context

CHUNK = 2000
KEYBOARD_NEIGHBOURS = {
    "a": "sqz",
    "b": "vn",
    "c": "xv",
    "d": "sf",
    "e": "wr",
    "f": "dg",
    "g": "fh",
    "h": "gj",
    "i": "uo",
    "j": "hk",
    "k": "jl",
    "l": "k",
    "m": "n",
    "n": "bm",
    "o": "ip",
    "p": "o",
    "q": "w",
    "r": "et",
    "s": "ad",
    "t": "ry",
    "u": "yi",
    "v": "cb",
    "w": "qe",
    "x": "zc",
    "y": "tu",
    "z": "x",
}
ACCENTED = {"e": "é", "o": "ö", "a": "á", "u": "ü", "i": "ï", "c": "ç", "n": "ñ"}

Record = dict[str, Any]


def typo(rng: random.Random, name: str) -> str:
    """One keying slip: a neighbouring key, a dropped, doubled or swapped letter."""
    if len(name) < 3:
        return name + name[-1:].lower()
    for _ in range(10):
        i = rng.randint(1, len(name) - 1)
        ch = name[i].lower()
        op = rng.choice(("neighbour", "drop", "double", "swap"))
        if op == "neighbour" and ch in KEYBOARD_NEIGHBOURS:
            out = name[:i] + rng.choice(KEYBOARD_NEIGHBOURS[ch]) + name[i + 1 :]
        elif op == "drop" and len(name) > 3:
            out = name[:i] + name[i + 1 :]
        elif op == "double":
            out = name[:i] + name[i] + name[i:]
        elif op == "swap" and i < len(name) - 1:
            out = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        else:
            continue
        if out != name:
            return out
    return name + "e"


# ---- variations: each changes the duplicate (and says so) or returns False ------------------


def given_typo(rng, dup, orig, ctx) -> bool:
    dup["given_name"] = typo(rng, dup["given_name"])
    return dup["given_name"] != orig["given_name"]


def family_typo(rng, dup, orig, ctx) -> bool:
    dup["family_name"] = typo(rng, dup["family_name"])
    return dup["family_name"] != orig["family_name"]


def swapped_names(rng, dup, orig, ctx) -> bool:
    if dup["given_name"] == dup["family_name"]:
        return False
    dup["given_name"], dup["family_name"] = dup["family_name"], dup["given_name"]
    return True


def hyphenation(rng, dup, orig, ctx) -> bool:
    family = dup["family_name"]
    if "-" in family:
        dup["family_name"] = family.replace("-", rng.choice((" ", "")), 1)
    elif " " in family:
        dup["family_name"] = family.replace(" ", "-", 1)
    else:
        other = pools()["english"].family_name(rng)
        dup["family_name"] = f"{family}-{other}" if rng.random() < 0.5 else f"{other}-{family}"
    return dup["family_name"] != orig["family_name"]


def accents(rng, dup, orig, ctx) -> bool:
    for field in ("family_name", "given_name"):
        value = dup[field]
        folded = "".join(ch for ch in name_keys.fold(value) if ch.isalpha() or ch in " -'").title()
        if not value.isascii() and folded != value:
            dup[field] = folded
            return True
    value = dup["given_name"]
    spots = [i for i, ch in enumerate(value) if i > 0 and ch in ACCENTED]
    if not spots:
        return False
    i = rng.choice(spots)
    dup["given_name"] = value[:i] + ACCENTED[value[i]] + value[i + 1 :]
    return True


def nickname(rng, dup, orig, ctx) -> bool:
    short = NICKNAMES.get(dup["given_name"])
    if not short:
        return False
    dup["given_name"] = rng.choice(short)
    return True


def dob_day_month_swap(rng, dup, orig, ctx) -> bool:
    dob = dup["date_of_birth"]
    if dob is None or dob.day > 12 or dob.day == dob.month:
        return False
    swapped = dt.date(dob.year, dob.day, dob.month)
    if swapped > ctx.today:
        return False
    dup["date_of_birth"] = swapped
    return True


def dob_one_off(rng, dup, orig, ctx) -> bool:
    dob = dup["date_of_birth"]
    if dob is None:
        return False
    part = rng.choice(("day", "day", "month", "year"))
    step = rng.choice((-1, 1))
    try:
        if part == "day":
            new = dob + dt.timedelta(days=step)
        elif part == "month":
            new = dob.replace(month=min(12, max(1, dob.month + step)))
        else:
            new = dob.replace(year=dob.year + step)
    except ValueError:  # 29 February in another year
        new = dob + dt.timedelta(days=step)
    if new == dob or new > ctx.today:
        return False
    dup["date_of_birth"] = new
    return True


def nhs_missing(rng, dup, orig, ctx) -> bool:
    if not dup["nhs_number"]:
        return False
    dup["nhs_number"] = ""
    return True


def upn_missing(rng, dup, orig, ctx) -> bool:
    if not dup["upn"]:
        return False
    dup["upn"] = ""
    return True


def sex_unknown(rng, dup, orig, ctx) -> bool:
    if dup["sex"] == Sex.UNKNOWN:
        return False
    dup["sex"] = Sex.UNKNOWN
    return True


def previous_family_name(rng, dup, orig, ctx) -> bool:
    previous = [f for k, g, f in orig["other_names"] if f and f != orig["family_name"]]
    if not previous:
        return False
    dup["family_name"] = rng.choice(previous)
    return True


def different_postcode(rng, dup, orig, ctx) -> bool:
    current = orig["address"]
    geo = ctx.geography
    if current is None or geo is None:
        return False
    for _ in range(5):
        line_1, line_2, town, postcode = geo.address(rng, geo.pick_district(rng))
        if postcode != current[3]:
            dup["address"] = (line_1, line_2, town, postcode)
            return True
    return False


def no_address(rng, dup, orig, ctx) -> bool:
    if dup["address"] is None:
        return False
    dup["address"] = None
    return True


Variation = Callable[[random.Random, Record, Record, Context], bool]
VARIATIONS: list[tuple[Variation, float]] = [
    (given_typo, 20),
    (family_typo, 18),
    (swapped_names, 6),
    (hyphenation, 6),
    (accents, 5),
    (nickname, 8),
    (dob_day_month_swap, 6),
    (dob_one_off, 10),
    (nhs_missing, 15),
    (upn_missing, 4),
    (different_postcode, 10),
    (no_address, 4),
    (sex_unknown, 3),
    (previous_family_name, 4),
]
# Variations that undo each other: a duplicate given another postcode keeps an address.
EXCLUSIVE = {"no_address": "different_postcode", "different_postcode": "no_address"}
# A change that always leaves the records different, if nothing else could be applied.
FALLBACK = (given_typo, family_typo)

PERSON_FIELDS = (
    "pk",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "gender",
    "ethnicity",
    "first_language",
    "religion",
    "immigration_status",
    "nhs_number",
    "upn",
    "created_at",
)


def planted_count(ctx: Context) -> int:
    made = ctx.last_person_pk - ctx.first_person_pk + 1
    return round(made * ctx.options.duplicate_rate) if made > 0 else 0


def plant_duplicates(ctx: Context, advance: Advance) -> None:
    rng = ctx.rng("duplicates")
    wanted = planted_count(ctx)
    if not wanted:
        return
    ids = range(ctx.first_person_pk, ctx.last_person_pk + 1)
    # Oversample: unborn babies (no date of birth) are left out.
    picks = rng.sample(ids, min(len(ids), wanted + wanted // 10 + 10))
    la_ids: LaChildIds = ctx.state.get("la_ids") or LaChildIds(ctx.options.seed + 1)
    next_pk = ctx.last_person_pk + 1
    made = 0
    for start in range(0, len(picks), CHUNK):
        chunk = picks[start : start + CHUNK]
        originals = _load(chunk)
        persons, addresses, truths = [], [], []
        for pk in chunk:
            orig = originals.get(pk)
            if orig is None or orig["date_of_birth"] is None or made >= wanted:
                continue
            dup = {**orig}
            applied = _vary(rng, dup, orig, ctx)
            created = min(ctx.today, orig["created_at"].date() + dt.timedelta(rng.randint(1, 700)))
            person = Person(
                pk=next_pk,
                la_child_id=la_ids.next(),
                created_at=ctx.stamp(created),
                updated_at=ctx.stamp(created),
                **{k: v for k, v in dup.items() if k in PERSON_FIELDS[1:-1]},
            )
            persons.append(person)
            if dup["address"] is not None:
                line_1, line_2, town, postcode = dup["address"]
                addresses.append(
                    Address(
                        person_id=next_pk,
                        line_1=line_1,
                        line_2=line_2,
                        town=town,
                        postcode=postcode,
                        from_date=created,
                        recorded_at=ctx.stamp(created),
                    )
                )
            truths.append(
                PlantedDuplicate(original_id=pk, duplicate_id=next_pk, variations=applied)
            )
            for name in applied:
                ctx.counts[f"variation:{name}"] += 1
            next_pk += 1
            made += 1
        from django.db import transaction

        with transaction.atomic():
            ctx.bulk(Person, persons)
            ctx.bulk(Address, addresses)
            ctx.bulk(PlantedDuplicate, truths)
        advance(len(persons))
    ctx.counts["planted_duplicates"] = made
    ctx.state["last_duplicate_pk"] = next_pk - 1


def _vary(rng: random.Random, dup: Record, orig: Record, ctx: Context) -> list[str]:
    applied: list[str] = []
    wanted = rng.choices((1, 2, 3), (55, 33, 12))[0]
    funcs = [v for v, _ in VARIATIONS]
    weights = [w for _, w in VARIATIONS]
    for _ in range(12):
        if len(applied) >= wanted:
            break
        variation = rng.choices(funcs, weights)[0]
        if variation.__name__ in applied or EXCLUSIVE.get(variation.__name__) in applied:
            continue
        if variation(rng, dup, orig, ctx):
            applied.append(variation.__name__)
    if not applied:
        variation = rng.choice(FALLBACK)
        variation(rng, dup, orig, ctx)
        applied.append(variation.__name__)
    return applied


def _load(pks: list[int]) -> dict[int, Record]:
    records: dict[int, Record] = {}
    for row in Person.objects.filter(pk__in=pks).values(*PERSON_FIELDS):
        row["other_names"] = []
        row["address"] = None
        records[row["pk"]] = row
    for pid, kind, given, family in PersonName.objects.filter(person_id__in=pks).values_list(
        "person_id", "kind", "given_name", "family_name"
    ):
        records[pid]["other_names"].append((kind, given, family))
    for pid, *address in (
        Address.objects.filter(person_id__in=pks, to_date__isnull=True)
        .order_by("person_id", "-from_date", "pk")
        .values_list("person_id", "line_1", "line_2", "town", "postcode")
    ):
        if records[pid]["address"] is None:
            records[pid]["address"] = tuple(address)
    return records
