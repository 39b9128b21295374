"""The synthetic county: deterministic, valid identifiers, consistent relationships, a
workforce shaped like seed 004, and planted duplicates that match their recorded ground truth."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from kinfold.people.codes import RECIPROCAL, RelationshipType
from kinfold.people.models import Address, Person, PersonNameKey, Relationship, age_on
from kinfold.people.validators import validate_nhs_number, validate_postcode, validate_upn
from kinfold.workforce.models import (
    QUALIFIED_ROLES,
    Allocation,
    OrgUnit,
    Role,
    TeamMembership,
    UnitFunction,
    UnitKind,
    Worker,
    validate_swe_registration,
)
from synthetic.county import clear_county, generate
from synthetic.models import PlantedDuplicate
from synthetic.pipeline import Options
from synthetic.workforce import CASE_HOLDING

CHILDREN = 1500
RATE = 0.03


def options(**overrides) -> Options:
    values = {
        "children": CHILDREN,
        "years": 3,
        "seed": 11,
        "today": timezone.localdate(),
        "duplicate_rate": RATE,
    }
    return Options(**{**values, **overrides})


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """One county for the read-only checks of this module, cleared afterwards."""
    with django_db_blocker.unblock():
        made = generate(options())
        yield made
        clear_county()


@pytest.mark.django_db
def test_county_has_the_children_asked_for(county):
    today = county.reference_date
    eighteen = today.replace(year=today.year - 18)
    duplicates = PlantedDuplicate.objects.values("duplicate_id")
    originals = Person.objects.exclude(pk__in=duplicates)
    under_18 = originals.filter(date_of_birth__gt=eighteen).count()
    unborn = originals.filter(date_of_birth__isnull=True).count()
    care_leavers = (
        Allocation.objects.filter(role="personal_adviser", person__date_of_birth__lte=eighteen)
        .values("person")
        .distinct()
        .count()
    )
    assert under_18 + unborn + care_leavers == CHILDREN
    assert unborn == county.counts["unborn"] > 0
    assert Person.objects.filter(immigration_status="uasc", date_of_birth__gt=eighteen).exists()
    born = originals.filter(date_of_birth__gt=eighteen).values_list("date_of_birth", flat=True)
    ages = Counter(age_on(d, today) for d in born)
    assert set(ages) == set(range(18)), "children of every age 0-17"
    ethnicity = Counter(originals.values_list("ethnicity", flat=True))
    assert ethnicity.most_common(1)[0][0] == "WBRI"
    assert 0.6 < ethnicity["WBRI"] / sum(ethnicity.values()) < 0.85
    assert len(ethnicity) >= 10


@pytest.mark.django_db
def test_every_identifier_and_postcode_passes_the_validators(county):
    nhs = list(Person.objects.exclude(nhs_number="").values_list("nhs_number", flat=True))
    assert len(nhs) > CHILDREN
    assert len(set(nhs)) >= len(nhs) - county.counts["planted_duplicates"]
    for number in nhs:
        validate_nhs_number(number)
        assert number.startswith("999"), "synthetic NHS numbers come from the test range"
    upns = list(Person.objects.exclude(upn="").values_list("upn", "former_upn"))
    assert len(upns) > CHILDREN // 2
    for upn, former in upns:
        validate_upn(upn)
        if former:
            validate_upn(former)
    for postcode in Address.objects.values_list("postcode", flat=True).distinct():
        validate_postcode(postcode)
    ids = list(Person.objects.values_list("la_child_id", flat=True))
    assert len(ids) == len(set(ids))
    assert all(len(i) <= 20 and i.isalnum() for i in ids)
    for worker in Worker.objects.filter(role__in=QUALIFIED_ROLES):
        validate_swe_registration(worker.swe_registration)
    unborn = list(Person.objects.filter(date_of_birth__isnull=True))
    assert unborn and all(p.expected_date_of_birth for p in unborn)
    for person in [*Person.objects.order_by("?")[:200], *unborn]:
        try:
            person.full_clean()
        except ValidationError as error:  # pragma: no cover - shows which record failed
            pytest.fail(f"{person.pk}: {error}")


@pytest.mark.django_db
def test_relationships_are_recorded_both_ways(county):
    rows = {r.pk: r for r in Relationship.objects.all()}
    assert len(rows) > CHILDREN
    for row in rows.values():
        back = rows[row.reciprocal_id]
        assert back.reciprocal_id == row.pk
        assert (back.person_id, back.other_id) == (row.other_id, row.person_id)
        assert back.type == RECIPROCAL[row.type]
        assert back.lives_with == row.lives_with
        assert back.parental_responsibility == row.parental_responsibility
    types = Counter(r.type for r in rows.values())
    for kind in ("parent", "sibling", "half_sibling", "step_parent", "grandparent", "partner"):
        assert types[kind] > 0, kind
    # A parent is older than their child.
    born = dict(Person.objects.values_list("pk", "date_of_birth"))
    for row in rows.values():
        if row.type == RelationshipType.PARENT and born[row.other_id]:
            assert born[row.person_id] < born[row.other_id]


@pytest.mark.django_db
def test_twins_are_in_the_county_and_are_not_duplicates(county):
    twins = {
        tuple(sorted((r.person_id, r.other_id)))
        for r in Relationship.objects.filter(type="sibling").select_related("person", "other")
        if r.person.date_of_birth and r.person.date_of_birth == r.other.date_of_birth
    }
    assert twins, "some twins"
    planted = {
        tuple(sorted(pair))
        for pair in PlantedDuplicate.objects.values_list("original_id", "duplicate_id")
    }
    assert not twins & planted


# What each variation changes: a group of fields, and (when it is the only variation of its
# group on that duplicate) exactly how.
NAMES = lambda o, d: (o.given_name, o.family_name) != (d.given_name, d.family_name)  # noqa: E731
DOB = lambda o, d: o.date_of_birth != d.date_of_birth  # noqa: E731
VARIATION_CHECKS = {
    "given_typo": (NAMES, lambda o, d: o.given_name != d.given_name),
    "family_typo": (NAMES, lambda o, d: o.family_name != d.family_name),
    "swapped_names": (
        NAMES,
        lambda o, d: (o.given_name, o.family_name) == (d.family_name, d.given_name),
    ),
    "hyphenation": (NAMES, lambda o, d: o.family_name != d.family_name),
    "accents": (NAMES, NAMES),
    "nickname": (NAMES, lambda o, d: o.given_name != d.given_name),
    "previous_family_name": (NAMES, lambda o, d: o.family_name != d.family_name),
    "dob_day_month_swap": (
        DOB,
        lambda o, d: (
            (o.date_of_birth.day, o.date_of_birth.month)
            == (d.date_of_birth.month, d.date_of_birth.day)
        ),
    ),
    "dob_one_off": (
        DOB,
        lambda o, d: abs((o.date_of_birth - d.date_of_birth).days) <= 366,
    ),
    "nhs_missing": (lambda o, d: o.nhs_number and not d.nhs_number,) * 2,
    "upn_missing": (lambda o, d: o.upn and not d.upn,) * 2,
    "sex_unknown": (lambda o, d: d.sex == "U" != o.sex,) * 2,
    "different_postcode": (lambda o, d: _postcodes(d) and _postcodes(o) != _postcodes(d),) * 2,
    "no_address": (lambda o, d: not _postcodes(d),) * 2,
}
GROUP = {name: checks[0] for name, checks in VARIATION_CHECKS.items()}


def _postcodes(person):
    return set(person.addresses.filter(to_date__isnull=True).values_list("postcode", flat=True))


@pytest.mark.django_db
def test_planted_duplicates_match_the_rate_and_their_variations(county):
    planted = list(PlantedDuplicate.objects.select_related("original", "duplicate"))
    made = sum(county.counts[k] for k in ("children", "adults"))
    assert len(planted) == round(made * RATE) == county.counts["planted_duplicates"]
    seen = Counter()
    for truth in planted:
        original, duplicate = truth.original, truth.duplicate
        assert truth.variations, "each duplicate differs somehow"
        for variation in truth.variations:
            changed, exactly = VARIATION_CHECKS[variation]
            assert changed(original, duplicate), (variation, truth)
            if [v for v in truth.variations if GROUP[v] is changed] == [variation]:
                assert exactly(original, duplicate), (variation, truth)
            seen[variation] += 1
        if not {"swapped_names"} & set(truth.variations):
            assert duplicate.date_of_birth.year in range(
                original.date_of_birth.year - 1, original.date_of_birth.year + 2
            )
    assert len(seen) >= 8, seen
    dup_ids = [t.duplicate_id for t in planted]
    assert PersonNameKey.objects.filter(person_id__in=dup_ids).values(
        "person"
    ).distinct().count() == len(dup_ids)


@pytest.mark.django_db
def test_every_person_has_search_keys(county):
    without = Person.objects.exclude(pk__in=PersonNameKey.objects.values("person_id"))
    assert not without.exists()
    assert not Person.objects.filter(search_text="").exists()


@pytest.mark.django_db
def test_workforce_has_the_units_of_seed_004(county):
    functions = Counter(
        OrgUnit.objects.filter(kind=UnitKind.TEAM).values_list("function", flat=True)
    )
    for function in (
        UnitFunction.CONTACT_CENTRE,
        UnitFunction.MASH,
        UnitFunction.EARLY_HELP_HUB,
        UnitFunction.FOSTERING,
        UnitFunction.LADO,
        UnitFunction.PERFORMANCE_QUALITY,
        UnitFunction.SAFEGUARDING_REVIEWING,
    ):
        assert functions[function] >= 1, function
    assert sum(functions[f] for f in CASE_HOLDING) == 32, "32 case-holding units (seed 004)"
    districts = OrgUnit.objects.filter(function=UnitFunction.DISTRICT, kind=UnitKind.SERVICE)
    assert districts.count() == 5
    for district in districts:
        team_functions = set(district.children.values_list("function", flat=True))
        assert {UnitFunction.ASSESSMENT, UnitFunction.CHILDRENS, UnitFunction.ADOLESCENT} <= (
            team_functions
        )
    roles = set(Worker.objects.values_list("role", flat=True))
    assert roles == set(Role.values), "every role is held by someone"
    assert Worker.objects.filter(employment="agency").exists()
    assert Worker.objects.filter(leaving_date__lt=county.reference_date, is_active=False).exists()
    moved = TeamMembership.objects.filter(end_date__isnull=False).values("worker")
    assert Worker.objects.filter(pk__in=moved, is_active=True).exists(), "some moved teams"
    assert (
        not Worker.objects.filter(username__startswith="synth-")
        .exclude(password__startswith="!")
        .exists()
    ), "synthetic workers cannot sign in"


@pytest.mark.django_db
def test_allocated_children_are_held_by_a_current_worker_of_a_case_holding_team(county):
    current = Allocation.objects.filter(end_date__isnull=True).select_related("team", "worker")
    assert current.count() > CHILDREN * 0.01
    for allocation in current:
        assert allocation.team.function in CASE_HOLDING | {UnitFunction.SAFEGUARDING_REVIEWING}
        assert allocation.worker.is_active
        assert allocation.start_date <= county.reference_date
    assert Allocation.objects.filter(end_date__isnull=False).exists(), "some change of worker"


@pytest.mark.django_db
def test_refuses_a_database_that_is_not_empty_without_clear(county):
    with pytest.raises(CommandError, match="--clear"):
        call_command("synth_county", "--children", "10", "--no-progress", verbosity=0)
