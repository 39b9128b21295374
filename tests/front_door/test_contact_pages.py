"""The front door's contact pages through the test client, as the personas use them: record a
contact for two siblings (refused first, then fixed), screen it, sign it off, match a child a
partner described, and respond to a contact passed to the allocated worker."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.front_door import services
from kinfold.front_door.codes import Consent, ContactStatus, Outcome, ReferralSource
from kinfold.front_door.models import Contact, ContactChild
from kinfold.journey.models import Involvement
from kinfold.journey.services import open_involvement
from kinfold.people.models import Person
from kinfold.people.search import refresh_search_keys
from tests.factories import AllocationFactory, PersonFactory
from tests.people.test_records import person_form

pytestmark = pytest.mark.django_db

NEW = reverse("front_door:new-contact")
CHILDREN = reverse("front_door:new-contact-children")


def contact_form(**overrides) -> dict:
    """A valid submission of the contact's details, an hour ago, changed by `overrides`."""
    when = timezone.localtime() - dt.timedelta(hours=1)
    data = {
        "received_on_0": str(when.day),
        "received_on_1": str(when.month),
        "received_on_2": str(when.year),
        "received_time": when.strftime("%H:%M"),
        "method": "phone",
        "source": ReferralSource.SCHOOL,
        "partner": "",
        "contactor_name": "Designated safeguarding lead",
        "contactor_role": "Primary school",
        "contactor_details": "01234 567890",
        "concerns": "Both children came to school hungry, with bruises on their arms.",
        "consent": Consent.GIVEN,
        "consent_override_reason": "",
        "immediate_risk": "no",
        "immediate_risk_detail": "",
    }
    data.update(overrides)
    return data


def page(response) -> str:
    return response.content.decode()


def beside(response, field: str, message: str) -> bool:
    """Whether `message` is the error shown beside the field (GOV.UK error message)."""
    html = page(response)
    start = html.find(f'id="id_{field}_1_error"')
    return start >= 0 and message in html[start : start + 300]


def test_record_a_contact_for_two_siblings(front_door, siblings, personas, client_for):
    older, younger = siblings
    for kid in siblings:
        refresh_search_keys(kid)
    client = client_for(personas["contact_officer"])
    assert client.get(NEW).status_code == 200

    # No child yet: refused beside the children, nothing saved, what was typed kept.
    response = client.post(NEW, contact_form(save="1"))
    assert response.status_code == 200
    assert "Add the child or children the contact is about" in page(response)
    assert "Both children came to school hungry" in page(response)
    assert Contact.objects.count() == 0

    # Off to add the children: the details typed so far go with the draft.
    response = client.post(NEW, contact_form(change_children="1", contactor_name="Ms Aldous"))
    assert response.status_code == 302 and response["Location"] == CHILDREN
    found = client.get(CHILDREN, {"q": "Lindqvist"})
    assert older.full_name in page(found) and younger.full_name in page(found)
    for kid in siblings:
        response = client.post(CHILDREN, {"add": kid.pk, "query": "q=Lindqvist"})
        assert response["Location"] == f"{CHILDREN}?q=Lindqvist"
    back = client.get(NEW)
    assert "Ms Aldous" in page(back)
    assert older.full_name in page(back) and younger.full_name in page(back)

    # Consent overridden without a reason: the message beside the reason, nothing saved.
    response = client.post(NEW, contact_form(save="1", consent=Consent.OVERRIDDEN))
    assert response.status_code == 200
    assert beside(
        response,
        "consent_override_reason",
        "Enter why information is being shared without the family",
    )
    assert Contact.objects.count() == 0

    response = client.post(
        NEW,
        contact_form(
            save="1",
            consent=Consent.OVERRIDDEN,
            consent_override_reason="Injuries: asking the family first could put them at risk.",
            partner=front_door["police"].pk,
        ),
    )
    contact = Contact.objects.get()
    assert response["Location"] == reverse("front_door:contact", args=[contact.pk])
    assert {link.person for link in contact.children.all()} == set(siblings)
    assert contact.partner == front_door["police"]
    assert contact.consent_override_by == personas["contact_officer"]
    # The draft is gone: the next contact starts empty.
    assert older.full_name not in page(client.get(NEW))


def test_a_child_without_a_date_of_birth_is_refused(front_door, personas, client_for):
    unknown = PersonFactory(given_name="Ottoline", family_name="Fairweather", date_of_birth=None)
    client = client_for(personas["contact_officer"])
    client.post(CHILDREN, {"add": unknown.pk})
    response = client.post(NEW, contact_form(save="1"))
    assert response.status_code == 200
    assert "has neither a date of birth nor an expected date of birth" in page(response)
    assert Contact.objects.count() == 0


def test_a_new_child_comes_back_into_the_draft(front_door, personas, client_for):
    client = client_for(personas["contact_officer"])
    children = client.get(CHILDREN)
    create = reverse("people:create") + "?next=" + CHILDREN.replace("/", "%2F")
    assert create in page(children)
    form = client.get(create)
    assert f'name="next" value="{CHILDREN}"' in page(form)
    response = client.post(reverse("people:create"), {**person_form(), "next": CHILDREN})
    added = Person.objects.get(family_name="Quenneville")
    assert response["Location"] == f"{CHILDREN}?person={added.pk}"
    client.get(response["Location"])
    assert "Tobiah Quenneville" in page(client.get(NEW))


def test_people_create_ignores_a_next_elsewhere(personas, client_for):
    client = client_for(personas["contact_officer"])
    response = client.post(
        reverse("people:create"), {**person_form(), "next": "https://example.org/steal"}
    )
    added = Person.objects.get(family_name="Quenneville")
    assert response["Location"] == reverse("people:detail", args=[added.pk])


def _recorded(personas, details, children) -> Contact:
    return services.record_contact(
        actor=personas["contact_officer"], details=details(), children=children
    )


def test_screen_then_sign_off(front_door, siblings, personas, details, client_for):
    contact = _recorded(personas, details, siblings)
    officer = client_for(personas["contact_officer"])
    url = reverse("front_door:screen", args=[contact.pk])
    screen_page = officer.get(url)
    assert front_door["levels"][1].description in page(screen_page)

    data = {
        "version": contact.version,
        "threshold_level": front_door["levels"][1].pk,
        "outcome": Outcome.NFA,
        "rationale": "",
        "sign_off_by": front_door["manager"].pk,
    }
    response = officer.post(url, data)
    assert beside(response, "rationale", "Enter the rationale for the decision")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.NEW and contact.screened_at is None

    data["rationale"] = "Bruises explained by a sports injury; school will keep an eye."
    response = officer.post(url, data)
    assert response["Location"] == reverse("front_door:contact", args=[contact.pk])
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_SIGN_OFF
    assert contact.sign_off_by == front_door["manager"]

    # The decider cannot sign off; the manager can.
    sign_off_url = reverse("front_door:sign-off", args=[contact.pk])
    assert officer.get(sign_off_url).status_code == 403
    manager = client_for(front_door["manager"])
    assert "Sign off the decision" in page(manager.get(sign_off_url))
    response = manager.post(
        sign_off_url, {"version": contact.version, "comment": "Agreed.", "sign_off": "1"}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DONE
    for kid in siblings:
        assert not Involvement.objects.filter(person=kid, ended_on__isnull=True).exists()


def test_a_stale_screening_is_refused(front_door, siblings, personas, details, client_for):
    contact = _recorded(personas, details, siblings)
    officer = client_for(personas["contact_officer"])
    response = officer.post(
        reverse("front_door:screen", args=[contact.pk]),
        {
            "version": contact.version - 1 if contact.version > 1 else contact.version + 1,
            "threshold_level": front_door["levels"][1].pk,
            "outcome": Outcome.NFA,
            "rationale": "No concerns.",
            "sign_off_by": front_door["manager"].pk,
        },
        follow=True,
    )
    assert "was changed since you opened it" in page(response)
    contact.refresh_from_db()
    assert contact.screened_at is None


def test_return_and_a_referral_with_a_chosen_team(
    front_door, siblings, personas, details, client_for, org
):
    stranger = PersonFactory(given_name="Ines", family_name="Marlowe")  # no address: no district
    contact = _recorded(personas, details, [stranger])
    contact = services.screen_contact(
        actor=personas["contact_officer"],
        contact_id=contact.pk,
        version=contact.version,
        threshold_level=front_door["levels"][3],
        outcome=Outcome.REFERRAL,
        rationale="Unexplained injuries.",
        primary_need="N1",
        sign_off_by=front_door["manager"],
    )
    manager = client_for(front_door["manager"])
    url = reverse("front_door:sign-off", args=[contact.pk])
    response = manager.post(url, {"version": contact.version, "return": "1", "comment": ""})
    assert beside(response, "comment", "Enter why the decision is being returned")
    response = manager.post(url, {"version": contact.version, "sign_off": "1"})
    assert beside(response, f"team_{stranger.pk}", "no district assessment team serves")
    response = manager.post(
        url,
        {
            "version": contact.version,
            "sign_off": "1",
            f"team_{stranger.pk}": org["north_assessment"].pk,
        },
    )
    assert response.status_code == 302
    shown = page(manager.get(reverse("front_door:contact", args=[contact.pk])))
    assert "Referrals made" in shown and "North assessment team" in shown


def test_match_a_child_a_partner_described(front_door, siblings, personas, details, client_for):
    older, _ = siblings
    refresh_search_keys(older)
    contact = services.submit_partner_contact(
        partner=front_door["health"],
        details=details(method="api", source=ReferralSource.HEALTH_VISITOR),
        children=[
            {"given_name": "Tobias", "family_name": "Lindqvist", "date_of_birth": "2015-03-02"}
        ],
        idempotency_key="hv-0001",
    )
    link = contact.children.get()
    officer = client_for(personas["contact_officer"])
    listing = page(officer.get(reverse("front_door:contacts"), {"whose": "unassigned"}))
    assert contact.reference in listing and "Unassigned" in listing
    # Not a front door role: the partner's description is not theirs to see.
    worker = client_for(personas["allocated_worker"])
    assert worker.get(reverse("front_door:contact", args=[contact.pk])).status_code == 403

    url = reverse("front_door:match-child", args=[link.pk])
    shown = officer.get(url)
    assert "Lindqvist" in page(shown) and f'value="{older.pk}"' in page(shown)
    response = officer.post(url, {"version": contact.version})
    assert "Choose the record that is this child" in page(response)
    response = officer.post(url, {"version": contact.version, "person": older.pk})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.person == older
    assert Involvement.objects.get(person=older, ended_on__isnull=True).stage == "front_door"


def test_respond_to_a_contact_passed_to_the_allocated_worker(
    front_door, personas, details, client_for, org
):
    worker = personas["allocated_worker"]
    kid = PersonFactory(given_name="Ottilie", family_name="Brennan")
    AllocationFactory(person=kid, worker=worker, team=org["north_childrens"])
    open_involvement(
        actor=worker,
        person=kid,
        stage="child_in_need",
        started_on=timezone.localdate() - dt.timedelta(days=30),
        team=org["north_childrens"],
    )
    contact = _recorded(personas, details, [kid])
    assert contact.status == ContactStatus.ROUTED
    link = ContactChild.objects.get(contact=contact)
    client = client_for(worker)
    shown = page(client.get(reverse("front_door:contact", args=[contact.pk])))
    assert f"Passed to {worker.get_full_name()}" in shown
    url = reverse("front_door:respond", args=[link.pk])
    assert beside(client.post(url, {"response": " "}), "response", "Enter what you did")
    response = client.post(url, {"response": "Visited the same day; the plan is updated."})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.responded_at is not None
    assert "Visited the same day" in page(
        client.get(reverse("front_door:contact", args=[contact.pk]))
    )


def test_who_sees_a_contact(front_door, child, personas, details, client_for):
    contact = _recorded(personas, details, [child])
    url = reverse("front_door:contact", args=[contact.pk])
    refused = client_for(personas["other_team_worker"]).get(url)
    assert refused.status_code == 403 and "Maisie" not in page(refused)
    listing = page(client_for(personas["other_team_worker"]).get(reverse("front_door:contacts")))
    assert contact.reference in listing and "Maisie" not in listing
    reader = client_for(personas["performance_officer"])
    assert reader.get(url).status_code == 200
    assert AuditEvent.objects.filter(
        worker=personas["performance_officer"],
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(child.pk),
    ).exists()
    assert reader.get(reverse("front_door:screen", args=[contact.pk])).status_code == 403
    assert reader.post(reverse("front_door:take-contact", args=[contact.pk])).status_code == 403
