"""The MASH pages through the test client: the worklist in time-left order with a pinned clock,
its filters, names only where the viewer may see them, an enquiry and what a MASH worker does
in it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinfold.access.models import AuditEvent
from kinfold.front_door import services
from kinfold.front_door.codes import Outcome, Rag, RequestStatus, SharingBasis
from kinfold.front_door.models import InformationRequest, MashEnquiry
from tests.factories import AllocationFactory, PersonFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MONDAY_10 = dt.datetime(2026, 3, 16, 10, 0, tzinfo=LONDON)
FRIDAY_10 = dt.datetime(2026, 3, 13, 10, 0, tzinfo=LONDON)


def make_enquiry(front_door, officer, details, kids, rag=Rag.AMBER, owner=None) -> MashEnquiry:
    """A contact about `kids`, screened into the MASH with the given rating."""
    contact = services.record_contact(actor=officer, details=details(), children=kids)
    contact = services.screen_contact(
        actor=officer,
        contact_id=contact.pk,
        version=contact.version,
        threshold_level=front_door["levels"][3],
        outcome=Outcome.MASH,
        rationale="Unclear: need what partners hold.",
        rag=rag,
        rag_reason=f"Rated {rag}",
        mash_owner=owner,
    )
    return MashEnquiry.objects.get(contact=contact)


def kid(name: str):
    return PersonFactory(
        given_name=name, family_name="Testchild", date_of_birth=dt.date(2016, 1, 1)
    )


def rows(response) -> list[int]:
    return [row["enquiry"].pk for row in response.context["rows"]]


def test_the_worklist_is_ordered_overdue_first_then_by_working_time_left(
    front_door, personas, details, client_for
):
    officer = personas["contact_officer"]
    with time_machine.travel(FRIDAY_10, tick=False):
        # Red on Friday at 10:00: due Friday 14:00, overdue by Monday.
        overdue = make_enquiry(front_door, officer, details, [kid("Ada")], Rag.RED)
    with time_machine.travel(MONDAY_10, tick=False):
        green = make_enquiry(front_door, officer, details, [kid("Bea")], Rag.GREEN)
        red = make_enquiry(front_door, officer, details, [kid("Cal")], Rag.RED)
        amber = make_enquiry(front_door, officer, details, [kid("Dot")], Rag.AMBER)
        response = client_for(front_door["mash_worker"]).get(reverse("front_door:mash-list"))
    assert response.status_code == 200
    assert rows(response) == [overdue.pk, red.pk, amber.pk, green.pk]
    left = {row["enquiry"].pk: row["time_left"] for row in response.context["rows"]}
    # Friday 14:00 to 17:00, then Monday 09:00 to 10:00.
    assert left[overdue.pk].hours == -4
    assert left[red.pk].hours == 4
    assert left[amber.pk].hours == 24
    page = response.content.decode()
    assert "Overdue by 4 h of working time" in page
    assert "4 h of working time left" in page
    assert page.index("Ada Testchild") < page.index("Cal Testchild") < page.index("Bea Testchild")


def test_filters_mine_unassigned_and_rag(front_door, personas, details, client_for):
    officer, worker = personas["contact_officer"], front_door["mash_worker"]
    mine = make_enquiry(front_door, officer, details, [kid("Eve")], Rag.RED, owner=worker)
    queued = make_enquiry(front_door, officer, details, [kid("Fay")], Rag.GREEN)
    client = client_for(worker)
    url = reverse("front_door:mash-list")
    assert rows(client.get(url, {"show": "mine"})) == [mine.pk]
    assert rows(client.get(url, {"show": "unassigned"})) == [queued.pk]
    assert rows(client.get(url, {"rag": "green"})) == [queued.pk]
    assert rows(client.get(url, {"show": "mine", "rag": "green"})) == []
    assert set(rows(client.get(url, {"show": "nonsense", "rag": "purple"}))) == {
        mine.pk,
        queued.pk,
    }
    page = client.get(url, {"show": "unassigned"}).content.decode()
    assert "Unassigned" in page


def test_the_worklist_takes_the_same_number_of_queries_for_one_enquiry_or_many(
    front_door, personas, details, client_for
):
    officer = personas["contact_officer"]
    client = client_for(front_door["mash_worker"])
    first = make_enquiry(front_door, officer, details, [kid("Gus")])
    services.request_information(
        actor=officer, enquiry_id=first.pk, partner=front_door["police"], question="Any calls?"
    )
    client.get(reverse("front_door:mash-list"))  # warm the session and the calendar
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("front_door:mash-list"))
    for name in ("Hal", "Ivy", "Jo"):
        enquiry = make_enquiry(front_door, officer, details, [kid(name), kid(name + "x")])
        services.request_information(
            actor=officer, enquiry_id=enquiry.pk, partner=front_door["health"], question="?"
        )
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse("front_door:mash-list"))
    assert len(rows(response)) == 4
    assert len(four) == len(one)


def test_a_child_the_viewer_may_not_see_is_not_named(
    front_door, personas, details, client_for, org
):
    # Held by the south team: the north team manager may not open the record.
    southern = kid("Kit")
    AllocationFactory(
        person=southern, worker=personas["other_team_worker"], team=org["south_childrens"]
    )
    enquiry = make_enquiry(front_door, personas["contact_officer"], details, [southern])
    manager = client_for(personas["team_manager"])
    page = manager.get(reverse("front_door:mash-list")).content.decode()
    assert f"Enquiry {enquiry.pk}" in page
    assert "Kit" not in page
    assert f"LA child ID {southern.la_child_id}" in page
    refused = manager.get(reverse("front_door:mash", args=[enquiry.pk]))
    assert refused.status_code == 403
    assert "Kit" not in refused.content.decode()
    assert "access/no_access.html" in [t.name for t in refused.templates]
    # The MASH practitioner reaches the whole authority.
    shown = client_for(front_door["mash_worker"]).get(reverse("front_door:mash-list"))
    assert "Kit Testchild" in shown.content.decode()


def test_who_may_see_the_worklist(front_door, personas, client_for):
    url = reverse("front_door:mash-list")
    for name in ("contact_officer", "team_manager", "admin", "performance_officer"):
        assert client_for(personas[name]).get(url).status_code == 200, name
    for name in ("allocated_worker", "other_team_worker", "iro"):
        assert client_for(personas[name]).get(url).status_code == 403, name


def test_the_enquiry_page_shows_requests_answers_and_late_answers(
    front_door, personas, details, client_for, siblings
):
    officer, worker = personas["contact_officer"], front_door["mash_worker"]
    with time_machine.travel(MONDAY_10, tick=False):
        enquiry = make_enquiry(front_door, officer, details, list(siblings), Rag.RED)
        asked = services.request_information(
            actor=officer,
            enquiry_id=enquiry.pk,
            partner=front_door["police"],
            question="Any domestic abuse call-outs to the address?",
        )
        services.request_information(
            actor=officer,
            enquiry_id=enquiry.pk,
            partner=front_door["health"],
            question="Are the children registered with a GP?",
        )
    with time_machine.travel(MONDAY_10 + dt.timedelta(hours=6), tick=False):
        services.answer_information_request(
            request_id=asked.pk,
            holds_information=True,
            response="Two call-outs in the last month.",
            sharing_basis=SharingBasis.SAFEGUARDING,
            responder_name="MASH police researcher",
            partner=front_door["police"],
        )
        response = client_for(worker).get(reverse("front_door:mash", args=[enquiry.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Tobias Lindqvist",
        "Freya Lindqvist",
        "Fenshire Police",
        "Two call-outs in the last month.",
        "Safeguarding of children",
        "MASH police researcher",
        "through the agency's system",
        "Late",
        "Overdue",
        "Take this enquiry",
        reverse("front_door:record-answer", args=[asked.pk + 1]),
        reverse("front_door:contact", args=[enquiry.contact_id]),
        reverse("front_door:decide", args=[enquiry.contact_id]),
    ):
        assert text in page, text
    # Each child's record was viewed: one audit entry each.
    assert (
        AuditEvent.objects.filter(
            object_type="people.person", object_id__in=[str(k.pk) for k in siblings]
        ).count()
        == 2
    )


def test_take_rerate_ask_and_record_an_answer(front_door, personas, details, client_for):
    officer, worker = personas["contact_officer"], front_door["mash_worker"]
    enquiry = make_enquiry(front_door, officer, details, [kid("Lou")], Rag.GREEN)
    client = client_for(worker)

    response = client.post(
        reverse("front_door:take-mash", args=[enquiry.pk]), {"version": enquiry.version}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.owner == worker
    assert client.get(reverse("front_door:take-mash", args=[enquiry.pk])).status_code == 405

    url = reverse("front_door:rerate-mash", args=[enquiry.pk])
    assert f'name="version" value="{enquiry.version}"' in client.get(url).content.decode()
    blank = client.post(url, {"version": enquiry.version})
    assert blank.status_code == 200
    assert "Choose a RAG rating" in blank.content.decode()
    assert "Enter why the enquiry has this rating" in blank.content.decode()
    same = client.post(url, {"rag": "green", "reason": "Still", "version": enquiry.version})
    assert "already rated green" in same.content.decode()
    stale = client.post(url, {"rag": "red", "reason": "Disclosure", "version": 1})
    assert "changed since you opened it" in stale.content.decode()
    enquiry.refresh_from_db()
    assert enquiry.rag == Rag.GREEN
    done = client.post(url, {"rag": "red", "reason": "Disclosure", "version": enquiry.version})
    assert done.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.rag, enquiry.rag_reason) == (Rag.RED, "Disclosure")

    url = reverse("front_door:request-information", args=[enquiry.pk])
    form = client.get(url)
    assert "Fenshire Police" in form.content.decode()
    missing = client.post(url, {"due_time": "14:00"})
    page = missing.content.decode()
    assert "Choose the agency to ask" in page
    assert "Enter what you are asking the agency" in page
    assert "Enter the date of the deadline" in page
    past = client.post(
        url,
        {
            "partner": front_door["police"].pk,
            "question": "Call-outs?",
            "due_on_0": "1",
            "due_on_1": "1",
            "due_on_2": "2020",
        },
    )
    assert "The deadline must be in the future" in past.content.decode()
    assert not InformationRequest.objects.exists()
    made = client.post(url, {"partner": front_door["police"].pk, "question": "Call-outs?"})
    assert made.status_code == 302
    asked = InformationRequest.objects.get()
    assert asked.due_at == MashEnquiry.objects.get(pk=enquiry.pk).due_at

    url = reverse("front_door:record-answer", args=[asked.pk])
    wrong = client.post(url, {"holds_information": "yes"})
    page = wrong.content.decode()
    assert "Enter the information the agency holds" in page
    assert "Choose the basis on which the information is shared" in page
    assert "Enter who answered" in page
    saved = client.post(
        url,
        {
            "holds_information": "no",
            "sharing_basis": SharingBasis.PUBLIC_TASK,
            "responder_name": "Control room sergeant",
        },
    )
    assert saved.status_code == 302
    asked.refresh_from_db()
    assert asked.status == RequestStatus.ANSWERED
    assert asked.recorded_by == worker
    assert asked.holds_information is False
    again = client.get(url)
    assert again.status_code == 302


def test_a_performance_officer_reads_but_does_not_act(front_door, personas, details, client_for):
    enquiry = make_enquiry(front_door, personas["contact_officer"], details, [kid("Max")])
    client = client_for(personas["performance_officer"])
    page = client.get(reverse("front_door:mash", args=[enquiry.pk]))
    assert page.status_code == 200
    assert "Take this enquiry" not in page.content.decode()
    assert client.get(reverse("front_door:rerate-mash", args=[enquiry.pk])).status_code == 403
    taken = client.post(reverse("front_door:take-mash", args=[enquiry.pk]))
    assert taken.status_code == 403
    enquiry.refresh_from_db()
    assert enquiry.owner is None
