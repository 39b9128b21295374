"""The front door view and a team's new referrals, through the test client with personas."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from kinfold.front_door import services
from kinfold.front_door.codes import Outcome, Rag
from kinfold.front_door.models import Contact
from kinfold.workforce import services as workforce_services
from tests.factories import AllocationFactory, PersonFactory, WorkerFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY_10 = dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)


def _numbers(page: str, caption: str) -> list[str]:
    """The cells of the table whose caption is `caption`, as text."""
    table = page[page.index(caption) :]
    table = table[: table.index("</table>")]
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", table, re.S)
    ]


def _refer(front_door, personas, details, kids, outcome=Outcome.REFERRAL):
    """A contact about `kids`, decided and signed off as a referral to the north district."""
    officer = personas["contact_officer"]
    contact = services.record_contact(actor=officer, details=details(), children=kids)
    contact = services.screen_contact(
        actor=officer,
        contact_id=contact.pk,
        version=contact.version,
        threshold_level=front_door["levels"][3],
        outcome=outcome,
        rationale="Needs an assessment.",
        primary_need="N1",
        sign_off_by=front_door["manager"],
    )
    return services.sign_off(
        actor=front_door["manager"], contact_id=contact.pk, version=contact.version
    )


def test_who_sees_the_front_door_view(front_door, personas, client_for):
    url = reverse("front_door:dashboard")
    for name in ("team_manager", "admin", "performance_officer", "contact_officer"):
        assert client_for(personas[name]).get(url).status_code == 200, name
    assert client_for(front_door["mash_worker"]).get(url).status_code == 200
    for name in ("allocated_worker", "other_team_worker", "iro"):
        assert client_for(personas[name]).get(url).status_code == 403, name


def test_the_navigation_offers_the_front_door_to_its_roles(front_door, personas, client_for):
    link = f'href="{reverse("front_door:dashboard")}"'
    assert link in client_for(personas["contact_officer"]).get(reverse("home")).content.decode()
    assert (
        link not in client_for(personas["allocated_worker"]).get(reverse("home")).content.decode()
    )


def test_conversion_and_rereferral_figures(front_door, personas, details, client_for, siblings):
    officer = personas["contact_officer"]
    older, _ = siblings
    with time_machine.travel(dt.datetime(2026, 1, 5, 10, 0, tzinfo=LONDON), tick=False):
        _refer(front_door, personas, details, [older])
    with time_machine.travel(MONDAY_10, tick=False):
        # 4 contacts decided this month, 1 of them a referral (of both siblings): 25%.
        _refer(front_door, personas, details, list(siblings))
        for outcome in (Outcome.NFA, Outcome.ADVICE, Outcome.NFA):
            other = PersonFactory(date_of_birth=dt.date(2018, 1, 1))
            contact = services.record_contact(actor=officer, details=details(), children=[other])
            services.screen_contact(
                actor=officer,
                contact_id=contact.pk,
                version=contact.version,
                threshold_level=front_door["levels"][1],
                outcome=outcome,
                rationale="Universal services meet the need.",
                sign_off_by=front_door["manager"],
            )
        response = client_for(front_door["manager"]).get(reverse("front_door:dashboard"))
    page = response.content.decode()
    assert response.status_code == 200
    conversion = _numbers(page, "Contacts decided and referred, by month")
    assert conversion[-4:] == ["March 2026 (so far)", "4", "1", "25%"]
    assert conversion[-12:-8] == ["January 2026", "1", "1", "100%"]
    # Referrals this month: both siblings, the older referred in January too.
    rereferrals = _numbers(page, "Referrals and re-referrals, by month")
    assert rereferrals[-4:] == ["March 2026 (so far)", "2", "1", "50%"]
    assert rereferrals[-12:-8] == ["January 2026", "1", "0", "0%"]
    assert "Re-referral rate" in page
    assert page.count("<svg") == 4
    assert 'role="img"' in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]


def test_mash_bands_today_and_overdue_lists(front_door, personas, details, client_for, org):
    officer = personas["contact_officer"]
    southern = PersonFactory(
        given_name="Nell", family_name="Southby", date_of_birth=dt.date(2017, 2, 2)
    )
    AllocationFactory(
        person=southern, worker=personas["other_team_worker"], team=org["south_childrens"]
    )
    northern = PersonFactory(
        given_name="Olly", family_name="Northby", date_of_birth=dt.date(2017, 2, 2)
    )
    with time_machine.travel(MONDAY_10 - dt.timedelta(days=7), tick=False):
        late = services.record_contact(
            actor=officer, details=details(), children=[southern, northern]
        )
    with time_machine.travel(MONDAY_10, tick=False):
        contact = services.record_contact(
            actor=officer,
            details=details(),
            children=[PersonFactory(date_of_birth=dt.date(2019, 1, 1))],
        )
        services.screen_contact(
            actor=officer,
            contact_id=contact.pk,
            version=contact.version,
            threshold_level=front_door["levels"][3],
            outcome=Outcome.MASH,
            rationale="Partners' information needed.",
            rag=Rag.RED,
            rag_reason="Bruising",
        )
    # Rated red at 10:00, due at 14:00: at 11:00, 3 working hours are left.
    with time_machine.travel(MONDAY_10 + dt.timedelta(hours=1), tick=False):
        manager_page = client_for(personas["team_manager"]).get(reverse("front_door:dashboard"))
        mash_page = client_for(front_door["mash_worker"]).get(reverse("front_door:dashboard"))
    page = manager_page.content.decode()
    # Today: 1 contact, in the MASH.
    today = _numbers(page, "Contacts received today, by where they are now")
    assert today[today.index("In MASH") + 1] == "1"
    assert today[-2:] == ["All contacts today", "1"]
    red = _numbers(page, "Open MASH enquiries by RAG rating and working time left")
    red = red[red.index("Red") :][:6]
    assert red == ["Red", "0", "1", "0", "0", "1"]
    # The week-old contact is undecided: listed, naming only the child the viewer may see.
    assert late.reference in page
    assert "Olly Northby" in page
    assert "Nell" not in page
    assert f"LA child ID {southern.la_child_id}" in page
    assert "Nell Southby" in mash_page.content.decode()


def test_a_teams_new_referrals(front_door, personas, details, client_for, siblings, org):
    team = org["north_assessment"]
    with time_machine.travel(MONDAY_10, tick=False):
        referrals = _refer(front_door, personas, details, list(siblings))
    older, younger = siblings
    with time_machine.travel(MONDAY_10 + dt.timedelta(days=3), tick=False):
        workforce_services.allocate(
            actor=personas["admin"],
            person=younger,
            worker=WorkerFactory(last_name="Assessor", team=team),
            team=team,
            role="social_worker",
            start_date=dt.date(2026, 3, 18),
            reason="Assessment",
        )
        client = client_for(personas["team_manager"])
        response = client.get(reverse("front_door:team-referrals", args=[team.pk]))
    assert response.status_code == 200
    waiting = [r.pk for r, _, _ in response.context["waiting"]]
    assert waiting == [r.pk for r in referrals if r.person == older]
    assert [days for _, _, days in response.context["waiting"]] == [3]
    recent = [(r.person, days) for r, _, days in response.context["recent"]]
    assert recent == [(younger, 2)]
    page = response.content.decode()
    assert reverse("workforce:allocate", args=[older.pk]) in page
    assert reverse("workforce:allocate", args=[younger.pk]) not in page
    # Linked from the assessment team's page, not from other teams'.
    link = reverse("front_door:team-referrals", args=[team.pk])
    client = client_for(personas["team_manager"])
    assert link in client.get(reverse("workforce:unit", args=[team.pk])).content.decode()
    other = reverse("workforce:unit", args=[org["north_childrens"].pk])
    assert "/referrals/" not in client.get(other).content.decode()


def test_a_teams_new_referrals_are_for_its_service(front_door, personas, client_for, org):
    url = reverse("front_door:team-referrals", args=[org["north_assessment"].pk])
    assert client_for(personas["other_team_worker"]).get(url).status_code == 403
    assert client_for(personas["iro"]).get(url).status_code == 403
    south_manager = WorkerFactory(role="team_manager", team=org["south_childrens"])
    assert client_for(south_manager).get(url).status_code == 403
    assert client_for(personas["performance_officer"]).get(url).status_code == 200
    assert not Contact.objects.exists()
