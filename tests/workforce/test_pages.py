"""The workforce directory: the tree with each unit's load, a unit's members and caseloads,
a worker's page naming only the children the viewer may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kinfold.access.models import AuditEvent
from kinfold.people.models import Person
from kinfold.workforce.models import (
    Allocation,
    Employment,
    OrgUnit,
    Role,
    TeamMembership,
    UnitFunction,
    UnitKind,
    Worker,
)
from tests.factories import AllocationFactory, OrgUnitFactory, PersonFactory, WorkerFactory

from .tables import row_for, summary_after, table_rows

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LAST_YEAR = TODAY - dt.timedelta(days=365)
LAST_MONTH = TODAY - dt.timedelta(days=30)


@pytest.fixture
def east(db):
    """A small service: two teams with permanent and agency staff, leavers and movers, and
    children allocated, ended and merged. Each number the tests expect is worked out here."""
    la = OrgUnit.objects.create(
        name="Wexcombe", kind=UnitKind.AUTHORITY, function=UnitFunction.DIRECTORATE
    )
    service = OrgUnit.objects.create(
        name="East district",
        kind=UnitKind.SERVICE,
        function=UnitFunction.DISTRICT,
        parent=la,
        district="East",
    )
    childrens = OrgUnitFactory(name="East children's team", parent=service)
    assessment = OrgUnitFactory(
        name="East assessment team", parent=service, function=UnitFunction.ASSESSMENT
    )
    OrgUnitFactory(name="East closed team", parent=service, active=False)

    manager = WorkerFactory(
        first_name="Anwen",
        last_name="Pryce",
        role=Role.TEAM_MANAGER,
        fte=Decimal("1.00"),
        team=childrens,
    )
    part_time = WorkerFactory(
        first_name="Bryn", last_name="Cadwaladr", fte=Decimal("0.50"), team=childrens
    )
    agency = WorkerFactory(
        first_name="Carys",
        last_name="Dunmore",
        fte=Decimal("0.80"),
        employment=Employment.AGENCY,
        team=childrens,
    )
    # Left the authority last month: a past member, not counted.
    leaver = WorkerFactory(
        first_name="Dai", last_name="Ellery", leaving_date=LAST_MONTH, team=childrens
    )
    # Moved from the children's team to assessment last month.
    mover = WorkerFactory(first_name="Efa", last_name="Frost", fte=Decimal("0.60"))
    TeamMembership.objects.create(
        worker=mover, unit=childrens, start_date=dt.date(2020, 1, 6), end_date=LAST_MONTH
    )
    TeamMembership.objects.create(
        worker=mover, unit=assessment, start_date=LAST_MONTH + dt.timedelta(days=1)
    )
    assessor = WorkerFactory(
        first_name="Ffion",
        last_name="Gower",
        fte=Decimal("1.00"),
        employment=Employment.AGENCY,
        team=assessment,
    )

    kids = [PersonFactory(family_name=f"Holloway{n}") for n in range(6)]
    # Children's team: kids 0-3 held (kid 0 by two workers: one child), kid 4's allocation
    # ended, and a merged record's allocation no longer counts.
    AllocationFactory(person=kids[0], worker=part_time, team=childrens)
    AllocationFactory(person=kids[0], worker=manager, team=childrens, role="team_manager")
    AllocationFactory(person=kids[1], worker=part_time, team=childrens)
    AllocationFactory(person=kids[2], worker=agency, team=childrens)
    AllocationFactory(person=kids[3], worker=agency, team=childrens)
    AllocationFactory(
        person=kids[4], worker=agency, team=childrens, start_date=LAST_YEAR, end_date=LAST_MONTH
    )
    merged = PersonFactory(merged_into=kids[3])
    AllocationFactory(person=merged, worker=agency, team=childrens)
    # Assessment team: kid 5 and kid 2 (kid 2 is held by both teams).
    AllocationFactory(person=kids[5], worker=mover, team=assessment)
    AllocationFactory(person=kids[2], worker=assessor, team=assessment)
    return {
        "la": la,
        "service": service,
        "childrens": childrens,
        "assessment": assessment,
        "manager": manager,
        "part_time": part_time,
        "agency": agency,
        "leaver": leaver,
        "mover": mover,
        "assessor": assessor,
        "kids": kids,
    }


def test_the_tree_shows_each_unit_with_its_own_workers_fte_agency_share_and_children(
    client_for, east
):
    response = client_for(east["manager"]).get(reverse("workforce:units"))
    assert response.status_code == 200
    page = response.content.decode()
    # Manager 1.0 + part-time 0.5 + agency 0.8; the leaver and the mover are not counted.
    # Agency share of FTE: 0.8 / 2.3 = 34.8%. Children: kids 0, 1, 2, 3 (not 4, not merged).
    assert row_for(page, "East children's team") == [
        "East children's team",
        "Children's team",
        "3",
        "2.30",
        "35%",
        "4",
    ]
    # Mover 0.6 + agency assessor 1.0: 1.0 / 1.6 = 62.5%, rounded half up. Kids 5 and 2.
    assert row_for(page, "East assessment team") == [
        "East assessment team",
        "Assessment team",
        "2",
        "1.60",
        "63%",
        "2",
    ]
    # The service itself has no members or allocations of its own.
    assert row_for(page, "East district")[2:] == ["0", "0.00", "\N{EN DASH}", "0"]
    assert "East closed team" not in page


def test_the_tree_lists_parents_before_children_and_indents_them(client_for, east):
    page = client_for(east["manager"]).get(reverse("workforce:units")).content.decode()
    names = [row[0] for row in table_rows(page)[1:]]
    assert names == ["Wexcombe", "East district", "East assessment team", "East children's team"]
    assert 'govuk-table__header govuk-!-padding-left-7">' in page  # the teams, two levels down
    assert "style=" not in page


def test_the_authority_totals_count_each_worker_and_child_once(client_for, east):
    page = client_for(east["manager"]).get(reverse("workforce:units")).content.decode()
    # Five current workers (manager, part-time, agency, mover, assessor): FTE 3.9, of which
    # agency 1.8 = 46%. Children: kids 0, 1, 2, 3, 5 (kid 2 held by two teams, once).
    assert summary_after(page, "The whole authority") == {
        "Workers": "5",
        "Full-time equivalent": "3.90",
        "Agency": "46% of FTE (2 workers)",
        "Children allocated": "5",
    }


def test_a_unit_lists_its_members_with_their_caseloads_and_its_past_members(client_for, east):
    url = reverse("workforce:unit", args=[east["childrens"].pk])
    page = client_for(east["part_time"]).get(url).content.decode()
    # Caseloads are each worker's current children: part-time kids 0 and 1; agency kids 2
    # and 3 (the ended one and the merged record are not counted); manager kid 0.
    part_time, agency, manager = (
        east["part_time"],
        east["agency"],
        east["manager"],
    )
    assert row_for(page, str(part_time)) == [
        str(part_time),
        "Social worker",
        "0.50",
        "Permanent",
        part_time.swe_registration,
        "6 Jan 2020",
        "2",
    ]
    assert row_for(page, str(agency))[1:] == [
        "Social worker",
        "0.80",
        "Agency",
        agency.swe_registration,
        "6 Jan 2020",
        "2",
    ]
    assert row_for(page, str(manager))[-1] == "1"
    assert reverse("workforce:worker", args=[part_time.pk]) in page
    # Past members: the leaver (membership open, worker gone) and the mover.
    assert row_for(page, str(east["leaver"]))[-1] == f"Left on {LAST_MONTH:%-d %b %Y}"
    assert row_for(page, str(east["mover"]))[-1] == f"{LAST_MONTH:%-d %b %Y}"
    # Breadcrumbs: Teams, then Wexcombe, then East district.
    crumbs = page.split('class="govuk-breadcrumbs"', 1)[1].split("</nav>", 1)[0]
    assert crumbs.index("Teams") < crumbs.index("Wexcombe") < crumbs.index("East district")


def test_a_service_shows_its_units_below_and_totals_counting_each_child_once(client_for, east):
    url = reverse("workforce:unit", args=[east["service"].pk])
    page = client_for(east["manager"]).get(url).content.decode()
    assert row_for(page, "East children's team")[2:] == ["3", "2.30", "4"]
    assert row_for(page, "East assessment team")[2:] == ["2", "1.60", "2"]
    assert "Closed" in row_for(page, "East closed team Closed")[0]
    # Workers: the three in the children's team and the two in assessment, FTE 2.3 + 1.6;
    # children 0, 1, 2, 3 and 5: kid 2 is held in both teams.
    assert summary_after(page, "With the units below it") == {
        "Workers": "5",
        "Full-time equivalent": "3.90",
        "Agency": "46% of FTE (2 workers)",
        "Children allocated": "5",
    }
    assert summary_after(page, "In this unit")["Workers"] == "0"


def test_a_worker_in_two_teams_counts_in_each_team_but_once_in_the_service(client_for, east):
    floater = WorkerFactory(fte=Decimal("0.40"), team=east["childrens"])
    TeamMembership.objects.create(
        worker=floater, unit=east["assessment"], start_date=dt.date(2022, 4, 4)
    )
    client = client_for(east["manager"])
    tree = client.get(reverse("workforce:units")).content.decode()
    assert row_for(tree, "East children's team")[2:4] == ["4", "2.70"]
    assert row_for(tree, "East assessment team")[2:4] == ["3", "2.00"]
    service = client.get(reverse("workforce:unit", args=[east["service"].pk])).content.decode()
    totals = summary_after(service, "With the units below it")
    assert (totals["Workers"], totals["Full-time equivalent"]) == ("6", "4.30")


def test_a_worker_page_shows_their_details_team_history_and_caseload(client_for, east):
    mover = east["mover"]
    page = client_for(east["manager"]).get(reverse("workforce:worker", args=[mover.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    history = [
        row
        for row in table_rows(text)
        if row[0] in {"East assessment team", "East children's team"}
    ]
    assert history == [
        ["East assessment team", f"{LAST_MONTH + dt.timedelta(days=1):%-d %b %Y}", "Now"],
        ["East children's team", "6 Jan 2020", f"{LAST_MONTH:%-d %b %Y}"],
    ]
    assert mover.swe_registration in text
    assert "0.60" in text


def test_a_worker_page_names_only_the_children_the_viewer_may_see(client_for, east, org):
    """A social worker in another district sees that the agency worker holds two children,
    but not who they are; their own team's manager sees both names."""
    outsider = WorkerFactory(team=org["south_childrens"])
    agency = east["agency"]
    url = reverse("workforce:worker", args=[agency.pk])
    kids = east["kids"]

    outside_view = client_for(outsider).get(url).content.decode()
    assert kids[2].family_name not in outside_view
    assert kids[3].family_name not in outside_view
    assert "2 children allocated to" in outside_view and "are not shown" in outside_view
    assert not AuditEvent.objects.filter(object_type="workforce.caseload").exists()

    inside_view = client_for(east["manager"]).get(url).content.decode()
    assert kids[2].family_name in inside_view and kids[3].family_name in inside_view
    assert reverse("people:detail", args=[kids[2].pk]) in inside_view
    assert "not shown" not in inside_view
    event = AuditEvent.objects.get(object_type="workforce.caseload")
    assert event.worker == east["manager"]
    assert sorted(event.detail["ids"]) == sorted([kids[2].pk, kids[3].pk])


def test_a_restricted_child_is_counted_not_named_even_for_authority_wide_roles(
    client_for, east, org
):
    kid = east["kids"][1]
    Person.objects.filter(pk=kid.pk).update(restricted=True, restriction_manager=east["manager"])
    iro = WorkerFactory(role=Role.IRO, team=org["iro_team"])
    url = reverse("workforce:worker", args=[east["part_time"].pk])
    page = client_for(iro).get(url).content.decode()
    assert east["kids"][0].family_name in page
    assert kid.family_name not in page
    assert "1 more child allocated to" in page and "is not shown" in page


def test_unknown_units_and_workers_are_not_found(client_for, east):
    client = client_for(east["manager"])
    assert client.get(reverse("workforce:unit", args=[999999])).status_code == 404
    assert client.get(reverse("workforce:worker", args=[999999])).status_code == 404


def _big_county(prefix: str, *, units: int, workers_per_team: int, children_per_worker: int):
    la = OrgUnit.objects.create(
        name=f"{prefix} county", kind=UnitKind.AUTHORITY, function=UnitFunction.DIRECTORATE
    )
    services = [
        OrgUnit.objects.create(
            name=f"{prefix} service {s}",
            kind=UnitKind.SERVICE,
            function=UnitFunction.DISTRICT,
            parent=la,
        )
        for s in range(max(units // 10, 1))
    ]
    teams = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                name=f"{prefix} team {t}",
                kind=UnitKind.TEAM,
                function=UnitFunction.CHILDRENS,
                parent=services[t % len(services)],
            )
            for t in range(units)
        ]
    )
    workers = Worker.objects.bulk_create(
        [
            Worker(
                username=f"{prefix}{n}",
                first_name="Test",
                last_name=f"{prefix} {n}",
                employment=Employment.AGENCY if n % 4 == 0 else Employment.PERMANENT,
                swe_registration=f"SW{len(prefix) * 100000 + n}",
            )
            for n in range(units * workers_per_team)
        ]
    )
    TeamMembership.objects.bulk_create(
        [
            TeamMembership(worker=w, unit=teams[n % units], start_date=dt.date(2021, 1, 4))
            for n, w in enumerate(workers)
        ]
    )
    persons = Person.objects.bulk_create(
        [
            Person(la_child_id=f"{prefix}{n}", given_name="Child", family_name=f"{prefix} {n}")
            for n in range(len(workers) * children_per_worker)
        ]
    )
    Allocation.objects.bulk_create(
        [
            Allocation(
                person=p,
                worker=workers[n % len(workers)],
                team=teams[(n % len(workers)) % units],
                start_date=dt.date(2024, 1, 8),
            )
            for n, p in enumerate(persons)
        ]
    )
    return teams, workers


def _queries_per_page(client, urls) -> list[int]:
    counts = []
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    return counts


def test_the_pages_take_a_fixed_number_of_queries_whatever_the_size(
    client_for, personas, django_assert_max_num_queries
):
    """Hundreds of units and thousands of workers: the same queries as a handful."""
    client = client_for(personas["team_manager"])
    teams, workers = _big_county("Small", units=3, workers_per_team=2, children_per_worker=2)
    small_urls = [
        reverse("workforce:units"),
        reverse("workforce:unit", args=[teams[0].pk]),
        reverse("workforce:unit", args=[teams[0].parent_id]),
        reverse("workforce:worker", args=[workers[0].pk]),
    ]
    small = _queries_per_page(client, small_urls)

    teams, workers = _big_county("Large", units=300, workers_per_team=10, children_per_worker=2)
    with django_assert_max_num_queries(12):
        tree = client.get(reverse("workforce:units")).content.decode()
    assert tree.count('href="/workforce/units/') >= 300 + 3
    with django_assert_max_num_queries(15):
        team = client.get(reverse("workforce:unit", args=[teams[0].pk])).content.decode()
    assert team.count('href="/workforce/workers/') == 10
    with django_assert_max_num_queries(20):
        client.get(reverse("workforce:unit", args=[teams[0].parent_id]))
    with django_assert_max_num_queries(18):  # with the supervision section
        worker = client.get(reverse("workforce:worker", args=[workers[0].pk])).content.decode()
    # Two children, held in another service than the team manager's: counted, not named.
    assert "2 children allocated to" in worker and "Large 3000" not in worker
    large = _queries_per_page(
        client,
        [
            reverse("workforce:units"),
            reverse("workforce:unit", args=[teams[0].pk]),
            reverse("workforce:unit", args=[teams[0].parent_id]),
            reverse("workforce:worker", args=[workers[0].pk]),
        ],
    )
    assert large == small
