"""The team manager's view (issue 6, section 4): a unit's open assessments by working days
elapsed, section 47 enquiries without an outcome, ICPCs at risk, plans with quality findings
and visits overdue; for the team managers of the unit's service, administrators and
performance officers; a child named only where the viewer may open the record.

The north children's team (tests/conftest.py), the clock pinned on Monday 11 May 2026 (2026:
Good Friday 3 April, Easter Monday 6 April, early May bank holiday 4 May):

- Maisie: referred on Monday 5 January, her assessment open since 6 January: 87 working days
  by 11 May (Jan 6-9: 4; 12 Jan-27 Mar: 55; 30 Mar-2 Apr: 4; 7-10 Apr: 4; 13 Apr-1 May: 15;
  5-8 May: 4; 11 May: 1); a strategy discussion on Tuesday 13 January and an enquiry with no
  outcome, its ICPC due 15 working days later, Tuesday 3 February (overdue);
- a restricted child (on which the team manager is not named): referred on Monday 27 April,
  assessment open: 9 working days (28 Apr-1 May: 4; 5-8 May: 4; 11 May: 1);
- Tobias: a child in need plan from Monday 2 March with 2 quality findings and no visit: the
  first visit was due 20 working days later, Monday 30 March (42 days overdue);
- a south child with an open assessment, which is not the north team's.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.assessments import services as assessment_services
from kinfold.assessments.models import Assessment
from kinfold.child_protection import services as cp_services
from kinfold.front_door.models import Referral
from kinfold.journey.models import Involvement
from kinfold.plans.models import Plan
from kinfold.workforce.models import Role
from tests.child_protection.conftest import (  # noqa: F401 (fixtures)
    discussion,
    enquiry,
    episode,
    partners,
    pinned_clock,
)
from tests.factories import AllocationFactory, PersonFactory, WorkerFactory

pytestmark = pytest.mark.django_db


def referred(person, team, worker, on: dt.date, started: dt.date):
    """A child in need episode of `team` from `on`, its referral, and an open assessment."""
    inv = Involvement.objects.create(person=person, stage="child_in_need", team=team, started_on=on)
    Referral.objects.create(
        person=person,
        involvement=inv,
        referral_date=on,
        source="2A",
        primary_need="N1",
        route="referral",
        team=team,
    )
    assessment_services.start_assessment(actor=worker, involvement_id=inv.pk, started_on=started)
    return inv


@pytest.fixture
def north(child, org, personas, episode, enquiry):  # noqa: F811
    worker, team = personas["allocated_worker"], org["north_childrens"]
    Referral.objects.create(
        person=child,
        involvement=episode,
        referral_date=dt.date(2026, 1, 5),
        source="2A",
        primary_need="N1",
        route="referral",
        team=team,
    )
    assessment_services.start_assessment(
        actor=worker, involvement_id=episode.pk, started_on=dt.date(2026, 1, 6)
    )
    hidden = PersonFactory(
        given_name="Ottoline",
        family_name="Vasquez",
        restricted=True,
        restriction_manager=worker,
    )
    AllocationFactory(person=hidden, worker=worker, team=team)
    referred(hidden, team, worker, dt.date(2026, 4, 27), dt.date(2026, 4, 28))
    tobias = PersonFactory(given_name="Tobias", family_name="Reyes")
    AllocationFactory(person=tobias, worker=worker, team=team)
    inv = Involvement.objects.create(
        person=tobias, stage="child_in_need", team=team, started_on=dt.date(2026, 3, 2)
    )
    plan = Plan.objects.create(
        person=tobias, involvement=inv, kind="cin", started_on=dt.date(2026, 3, 2), owner=worker
    )
    Plan.objects.filter(pk=plan.pk).update(flag_count=2)
    south_worker = personas["other_team_worker"]
    southern = PersonFactory(given_name="Wilhelmina", family_name="Stroud")
    AllocationFactory(person=southern, worker=south_worker, team=org["south_childrens"])
    referred(
        southern, org["south_childrens"], south_worker, dt.date(2026, 4, 1), dt.date(2026, 4, 2)
    )
    return {"hidden": hidden, "tobias": tobias, "plan": plan, "enquiry": enquiry}


def team_page(client_for, worker, unit):
    return client_for(worker).get(reverse("quality:team", args=[unit.pk]))


def section(text: str, anchor: str) -> str:
    found = re.search(rf'id="{anchor}"(.*?)(?:<h2|$)', text, re.S)
    assert found, anchor
    return re.sub(r"\s+", " ", found.group(1))


def test_the_team_manager_sees_the_teams_late_and_at_risk_work(
    north, child, org, personas, client_for
):
    response = team_page(client_for, personas["team_manager"], org["north_childrens"])
    assert response.status_code == 200
    text = response.content.decode()

    assessments = section(text, "assessments")
    bands = dict(
        re.findall(r'header">([^<]+)</th><td class="govuk-table__cell[^"]*">(\d+)<', assessments)
    )
    assert bands == {
        "0 to 20 working days": "1",
        "21 to 35 working days": "0",
        "36 to 45 working days": "0",
        "More than 45 working days": "1",
    }
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">(.*?)</th>.*?'
        r'govuk-table__cell--numeric">(\d+)</td>',
        assessments.split('id="assessment-list"')[1],
    )
    assert [(re.sub("<[^>]+>", "", who).strip(), days) for who, days in rows] == [
        ("Maisie Okafor", "87"),
        (f"Restricted record {north['hidden'].la_child_id}", "9"),
    ]
    maisie = next(r for r in assessments.split("</tr>") if "Maisie Okafor" in r)
    assert "9 Mar 2026" in maisie and "Overdue" in maisie
    # Each row links to the child's record and the assessment itself.
    assert f'href="{reverse("people:detail", args=[child.pk])}"' in maisie
    assessment = Assessment.objects.get(person=child, completed_on__isnull=True)
    assert f'href="{reverse("assessments:assessment", args=[assessment.pk])}"' in maisie
    assert "Stroud" not in text  # the south team's child

    s47s = section(text, "s47s")
    assert "Maisie Okafor" in s47s and "13 Jan 2026" in s47s
    assert f'href="{reverse("child_protection:s47", args=[north["enquiry"].pk])}"' in s47s
    icpcs = section(text, "icpcs")
    assert "Maisie Okafor" in icpcs and "3 Feb 2026" in icpcs and "Overdue" in icpcs
    assert f'href="{reverse("people:detail", args=[child.pk])}"' in icpcs

    flagged = section(text, "flagged")
    assert "Tobias Reyes" in flagged
    assert re.search(r'numeric">2</td>', flagged)
    assert f'href="{reverse("plans:plan", args=[north["plan"].pk])}"' in flagged
    visits = section(text, "visits")
    assert "Tobias Reyes" in visits and "30 Mar 2026" in visits
    assert f'href="{reverse("people:detail", args=[north["tobias"].pk])}"' in visits
    assert re.search(r'numeric">42</td>', visits)

    # The restricted child is never named; the names shown are audited.
    assert "Ottoline" not in text and "Vasquez" not in text
    audit = AuditEvent.objects.get(
        action=AuditAction.VIEW, object_type="quality.team", worker=personas["team_manager"]
    )
    assert sorted(audit.detail["ids"]) == sorted([child.pk, north["tobias"].pk])


def test_an_enquiry_with_its_outcome_leaves_the_list(north, personas, org, client_for):
    cp_services.complete_s47(
        actor=personas["allocated_worker"],
        enquiry_id=north["enquiry"].pk,
        completed_on=dt.date(2026, 1, 27),
        outcome="not_substantiated",
        icpc_needed=False,
        findings="No injury; the account is consistent.",
    )
    text = team_page(client_for, personas["team_manager"], org["north_childrens"]).content.decode()
    assert "Every section 47 enquiry has its outcome recorded" in text
    assert "No initial conference is at risk of being late" in text


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("team_manager", 200),
        ("admin", 200),
        ("performance_officer", 200),
        ("allocated_worker", 403),
        ("other_team_worker", 403),
        ("iro", 403),
        ("contact_officer", 403),
    ],
)
def test_who_may_see_the_view(north, org, personas, client_for, persona, status):
    assert team_page(client_for, personas[persona], org["north_childrens"]).status_code == status


def test_a_manager_of_another_service_may_not(north, org, client_for):
    south_manager = WorkerFactory(role=Role.TEAM_MANAGER, team=org["south_childrens"])
    assert team_page(client_for, south_manager, org["north_childrens"]).status_code == 403
    assert team_page(client_for, south_manager, org["south_childrens"]).status_code == 200


def test_the_performance_officer_sees_no_restricted_name(north, org, personas, client_for):
    text = team_page(
        client_for, personas["performance_officer"], org["north_childrens"]
    ).content.decode()
    assert "Maisie Okafor" in text and "Ottoline" not in text


def test_the_view_is_linked_from_the_unit_page_and_my_team(north, org, personas, client_for):
    url = reverse("quality:team", args=[org["north_childrens"].pk])
    manager = client_for(personas["team_manager"])
    unit_page = manager.get(reverse("workforce:unit", args=[org["north_childrens"].pk]))
    assert url in unit_page.content.decode()
    my_team = manager.get(reverse("timescales:team") + f"?unit={org['north_childrens'].pk}")
    assert url in my_team.content.decode()
    # A worker who may not see it is not offered the link.
    worker_view = client_for(personas["allocated_worker"]).get(
        reverse("workforce:unit", args=[org["north_childrens"].pk])
    )
    assert url not in worker_view.content.decode()


def test_the_view_takes_the_same_queries_however_many_children(north, org, personas, client_for):
    client = client_for(personas["team_manager"])
    team = org["north_childrens"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("quality:team", args=[team.pk])).status_code == 200
        return len(captured)

    queries()
    before = queries()
    worker = personas["allocated_worker"]
    for n in range(6):
        kid = PersonFactory(given_name=f"Extra{n}", family_name="Child")
        AllocationFactory(person=kid, worker=worker, team=team)
        inv = referred(kid, team, worker, dt.date(2026, 3, 2 + n), dt.date(2026, 3, 9 + n))
        plan = Plan.objects.create(
            person=kid, involvement=inv, kind="cin", started_on=dt.date(2026, 3, 9), owner=worker
        )
        Plan.objects.filter(pk=plan.pk).update(flag_count=n + 1)
    assert queries() == before
