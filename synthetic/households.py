"""The stream of the county's households, in batches, for the family stages."""

from __future__ import annotations

from collections.abc import Iterator

from kinfold.people.models import Person

from .families import HouseholdMaker
from .pipeline import Context, next_pk
from .places import build_geography
from .plans import Household

CARE_LEAVER_SHARE = 0.0025
UASC_SHARE = 0.0006


def households(ctx: Context) -> Iterator[list[Household]]:
    """The county's households in batches of about `batch_children` children."""
    n = ctx.options.children
    geo = build_geography(ctx.rng("places"), households=max(1, round(n / 1.9)))
    ctx.geography = geo
    ctx.first_person_pk = next_pk(Person)
    maker = HouseholdMaker(ctx, geo, ctx.first_person_pk)
    specials = n >= 50
    care_leavers = max(1, round(n * CARE_LEAVER_SHARE)) if specials else 0
    uasc = max(1, round(n * UASC_SHARE)) if specials else 0
    made = cl_made = uasc_made = 0
    batch: list[Household] = []
    batch_children = 0
    while made < n:
        if cl_made < care_leavers and cl_made * n <= made * care_leavers:
            hh = maker.care_leaver()
            cl_made += 1
        elif uasc_made < uasc and uasc_made * n <= made * uasc:
            hh = maker.uasc()
            uasc_made += 1
        else:
            reserve = (care_leavers - cl_made) + (uasc - uasc_made)
            hh = maker.family(max(1, n - made - reserve))
        made += hh.children
        batch.append(hh)
        batch_children += hh.children
        if batch_children >= ctx.options.batch_children:
            yield batch
            batch, batch_children = [], 0
    if batch:
        yield batch
    ctx.last_person_pk = maker.next_pk - 1
    ctx.state["nhs"] = maker.nhs
    ctx.state["la_ids"] = maker.la_ids
