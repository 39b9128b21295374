"""Family stages: each writes its part of a batch of household plans (bulk inserts)."""

from __future__ import annotations

from kinfold.people.codes import RECIPROCAL
from kinfold.people.models import Address, Person, PersonDisability, PersonName, Relationship
from kinfold.workforce.models import Allocation

from .pipeline import Context, next_pk
from .plans import Household


def write_persons(ctx: Context, batch: list[Household]) -> None:
    persons, other_names, disabilities = [], [], []
    for hh in batch:
        for p in hh.members:
            created = ctx.stamp(p.created, minutes=8 * 60 + p.pk % 600)
            persons.append(
                Person(
                    pk=p.pk,
                    la_child_id=p.la_child_id,
                    given_name=p.given,
                    family_name=p.family,
                    preferred_name=p.preferred,
                    date_of_birth=p.dob,
                    expected_date_of_birth=p.edd,
                    sex=p.sex,
                    gender=p.gender,
                    ethnicity=p.ethnicity,
                    first_language=p.language,
                    religion=p.religion,
                    immigration_status=p.immigration,
                    nhs_number=p.nhs,
                    upn=p.upn,
                    former_upn=p.former_upn,
                    created_at=created,
                    updated_at=created,
                )
            )
            for kind, given, family, start, end in p.other_names:
                other_names.append(
                    PersonName(
                        person_id=p.pk,
                        kind=kind,
                        given_name=given,
                        family_name=family,
                        from_date=start,
                        to_date=end,
                        recorded_at=created,
                    )
                )
            for code in p.disabilities:
                disabilities.append(PersonDisability(person_id=p.pk, code=code))
            ctx.counts["children" if p.is_child else "adults"] += 1
    ctx.bulk(Person, persons)
    ctx.bulk(PersonName, other_names)
    ctx.bulk(PersonDisability, disabilities)


def write_addresses(ctx: Context, batch: list[Household]) -> None:
    rows = []
    for hh in batch:
        born = {p.pk: p.dob for p in hh.members}
        for a in hh.addresses:
            for pk in a.person_pks:
                start = max(a.from_date, born[pk]) if born[pk] else a.from_date
                if a.to_date is not None and a.to_date < start:
                    continue
                rows.append(
                    Address(
                        person_id=pk,
                        line_1=a.line_1,
                        line_2=a.line_2,
                        town=a.town,
                        postcode=a.postcode,
                        from_date=start,
                        to_date=a.to_date,
                        recorded_at=ctx.stamp(start),
                    )
                )
    ctx.bulk(Address, rows)


def write_relationships(ctx: Context, batch: list[Household]) -> None:
    """Both directions of each relationship, each row pointing at the other (`reciprocal`).
    Primary keys are chosen here so that a pair goes in with one insert (the foreign keys are
    checked at commit)."""
    pk = ctx.state.get("next_relationship_pk") or next_pk(Relationship)
    rows = []
    for hh in batch:
        for r in hh.relationships:
            common = {
                "start_date": r.start,
                "lives_with": r.lives_with,
                "parental_responsibility": r.parental_responsibility,
                "recorded_at": ctx.stamp(r.start or ctx.window_start),
            }
            rows.append(
                Relationship(
                    pk=pk,
                    person_id=r.person,
                    other_id=r.other,
                    type=r.type,
                    reciprocal_id=pk + 1,
                    **common,
                )
            )
            rows.append(
                Relationship(
                    pk=pk + 1,
                    person_id=r.other,
                    other_id=r.person,
                    type=RECIPROCAL[r.type],
                    reciprocal_id=pk,
                    **common,
                )
            )
            pk += 2
    ctx.state["next_relationship_pk"] = pk
    ctx.bulk(Relationship, rows)


def write_allocations(ctx: Context, batch: list[Household]) -> None:
    rows = [
        Allocation(
            person_id=a.person,
            worker_id=a.worker,
            team_id=a.team,
            role=a.role,
            start_date=a.start,
            end_date=a.end,
            end_reason=a.end_reason,
            recorded_at=ctx.stamp(a.start),
        )
        for hh in batch
        for a in hh.allocations
    ]
    ctx.bulk(Allocation, rows)
