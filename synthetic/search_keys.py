"""The search keys stage: every person's name keys and search text (people.search), built in
bulk for the persons the earlier stages made."""

from __future__ import annotations

from django.db import connection, transaction

from kinfold.people.models import Person, PersonName, PersonNameKey
from kinfold.people.search import build_search_keys

from .pipeline import Advance, Context

CHUNK = 5000


def person_range(ctx: Context) -> tuple[int, int]:
    last = ctx.state.get("last_duplicate_pk") or ctx.last_person_pk
    return ctx.first_person_pk, last


def search_key_total(ctx: Context) -> int:
    first, last = person_range(ctx)
    return max(0, last - first + 1)


def build_keys(ctx: Context, advance: Advance) -> None:
    first, last = person_range(ctx)
    table = connection.ops.quote_name(Person._meta.db_table)
    sql = f"UPDATE {table} SET search_text = %s WHERE id = %s"  # noqa: S608
    for start in range(first, last + 1, CHUNK):
        end = min(last, start + CHUNK - 1)
        persons = list(
            Person.objects.filter(pk__range=(start, end))
            .only("pk", "given_name", "family_name", "preferred_name", "merged_into")
            .order_by("pk")
        )
        others = PersonName.objects.filter(person_id__gte=start, person_id__lte=end).only(
            "person_id", "given_name", "family_name"
        )
        keys = build_search_keys(persons, others)
        with transaction.atomic():
            ctx.bulk(PersonNameKey, keys)
            with connection.cursor() as cursor:
                cursor.executemany(sql, [(p.search_text, p.pk) for p in persons])
        advance(len(persons))
