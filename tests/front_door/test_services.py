"""Each front door service: what it does, and each refusal (nothing is saved when it refuses)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinfold.front_door import services
from kinfold.front_door.codes import (
    Consent,
    ContactMethod,
    ContactStatus,
    Outcome,
    Rag,
    ReferralSource,
    RequestStatus,
    SharingBasis,
)
from kinfold.front_door.models import Contact, ContactChild, InformationRequest, Referral
from kinfold.journey.models import Event, Involvement
from kinfold.journey.services import open_involvement
from kinfold.timescales.calendar import working_day_hours
from kinfold.workforce.models import Role
from tests.factories import AddressFactory, AllocationFactory, PersonFactory, WorkerFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def messages_of(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


@pytest.fixture
def officer(personas):
    return personas["contact_officer"]


@pytest.fixture
def record(officer, details):
    def make(children, **overrides) -> Contact:
        return services.record_contact(
            actor=officer, details=details(**overrides), children=children
        )

    return make


@pytest.fixture
def screened(front_door, officer):
    """A contact screened to a final outcome, awaiting the front door manager's sign-off."""

    def make(contact: Contact, outcome=Outcome.NFA, **kwargs) -> Contact:
        return services.screen_contact(
            actor=kwargs.pop("actor", officer),
            contact_id=contact.pk,
            version=contact.version,
            threshold_level=front_door["levels"][kwargs.pop("level", 1)],
            outcome=outcome,
            rationale=kwargs.pop("rationale", "Universal services can meet the need."),
            sign_off_by=kwargs.pop("sign_off_by", front_door["manager"]),
            **kwargs,
        )

    return make


@pytest.fixture
def in_mash(front_door, officer, record, siblings):
    def make(rag=Rag.RED) -> Contact:
        contact = record(siblings)
        return services.screen_contact(
            actor=officer,
            contact_id=contact.pk,
            version=contact.version,
            threshold_level=front_door["levels"][3],
            outcome=Outcome.MASH,
            rationale="Unexplained bruising: the MASH needs partners' information.",
            rag=rag,
            rag_reason="Injuries seen today.",
            mash_owner=front_door["mash_worker"],
        )

    return make


def _open_child(org, worker, given="Ottilie", stage="child_in_need"):
    kid = PersonFactory(given_name=given, family_name="Brennan")
    AllocationFactory(person=kid, worker=worker, team=org["north_childrens"])
    open_involvement(
        actor=worker,
        person=kid,
        stage=stage,
        started_on=timezone.localdate() - dt.timedelta(days=60),
        team=org["north_childrens"],
    )
    return kid


# ---- record_contact ------------------------------------------------------------------------


def test_record_contact_places_each_child_at_the_front_door(record, siblings, officer):
    contact = record(siblings)
    assert contact.status == ContactStatus.NEW and contact.handler == officer
    assert contact.decision_due_on is not None
    for kid in siblings:
        assert Involvement.objects.get(person=kid, ended_on__isnull=True).stage == "front_door"
        assert Event.objects.filter(person=kid, type="contact.received").count() == 1


def test_record_contact_with_a_partner(record, siblings, front_door, officer, details):
    contact = services.record_contact(
        actor=officer, details=details(), children=siblings, partner=front_door["police"]
    )
    assert contact.partner == front_door["police"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": Consent.OVERRIDDEN}, "consent_override_reason", "without the family"),
        ({"concerns": "  "}, "concerns", "Enter the concerns"),
        ({"immediate_risk": True}, "immediate_risk_detail", "Describe the immediate risk"),
        ({"method": "pigeon"}, "method", "Choose how the contact was made"),
        ({"source": "99"}, "source", "Choose who made the contact"),
    ],
)
def test_record_contact_refuses_bad_details(record, siblings, overrides, field, message):
    with pytest.raises(ValidationError) as caught:
        record(siblings, **overrides)
    assert message in " ".join(messages_of(caught.value)[field])
    assert Contact.objects.count() == 0


def test_a_contact_in_the_future_is_refused(record, siblings):
    with pytest.raises(ValidationError) as caught:
        record(siblings, received_at=timezone.now() + dt.timedelta(hours=2))
    assert "received_at" in messages_of(caught.value)


def test_a_contact_needs_a_child(record):
    with pytest.raises(ValidationError) as caught:
        record([])
    assert messages_of(caught.value)["children"] == [
        "Add the child or children the contact is about"
    ]
    assert Contact.objects.count() == 0


def test_a_child_needs_a_date_of_birth_or_an_expected_one(record, siblings):
    unknown = PersonFactory(given_name="Ottoline", family_name="Fairweather", date_of_birth=None)
    with pytest.raises(ValidationError) as caught:
        record([siblings[0], unknown])
    assert (
        "Ottoline Fairweather has neither a date of birth"
        in (messages_of(caught.value)["children"][0])
    )
    assert Contact.objects.count() == 0 and ContactChild.objects.count() == 0
    unborn = PersonFactory(
        date_of_birth=None, expected_date_of_birth=timezone.localdate() + dt.timedelta(days=40)
    )
    assert record([unborn]).children.get().person == unborn


def test_the_same_child_twice_is_refused(record, siblings):
    with pytest.raises(ValidationError) as caught:
        record([siblings[0], siblings[0]])
    assert "twice" in messages_of(caught.value)["children"][0]


def test_a_performance_officer_does_not_record_contacts(personas, details, siblings):
    with pytest.raises(PermissionDenied):
        services.record_contact(
            actor=personas["performance_officer"], details=details(), children=siblings
        )
    assert Contact.objects.count() == 0


@time_machine.travel(dt.datetime(2025, 6, 13, 10, 0, tzinfo=LONDON), tick=False)
def test_an_open_child_goes_to_the_allocated_worker(record, personas, org):
    worker = personas["allocated_worker"]
    kid = _open_child(org, worker)
    # Received on Friday 13 June 2025 at 09:00: the response is due 1 working day later, the
    # Monday.
    contact = record([kid], received_at=dt.datetime(2025, 6, 13, 9, 0, tzinfo=LONDON))
    link = contact.children.get()
    assert link.routed_to == worker
    assert link.response_due_on == dt.date(2025, 6, 16)
    assert link.open_involvement.stage == "child_in_need"
    assert contact.status == ContactStatus.ROUTED and contact.handler is None
    assert not Involvement.objects.filter(person=kid, stage="front_door").exists()
    with pytest.raises(ValidationError):  # no screening for a routed contact
        services.screen_contact(
            actor=personas["contact_officer"],
            contact_id=contact.pk,
            version=None,
            threshold_level=None,
            outcome=Outcome.NFA,
            rationale="x",
        )


def test_respond_to_routed(record, personas, org):
    worker = personas["allocated_worker"]
    kid = _open_child(org, worker)
    link = record([kid]).children.get()
    with pytest.raises(ValidationError) as caught:
        services.respond_to_routed(actor=worker, contact_child_id=link.pk, response=" ")
    assert "response" in messages_of(caught.value)
    with pytest.raises(PermissionDenied):
        services.respond_to_routed(
            actor=personas["other_team_worker"], contact_child_id=link.pk, response="Seen."
        )
    services.respond_to_routed(actor=worker, contact_child_id=link.pk, response="Visited.")
    link.refresh_from_db()
    assert link.response == "Visited." and link.responded_at is not None
    assert Event.objects.filter(person=kid, type="contact.responded").count() == 1
    with pytest.raises(ValidationError):
        services.respond_to_routed(actor=worker, contact_child_id=link.pk, response="Again.")


def test_respond_to_a_contact_not_routed_is_refused(record, siblings, personas):
    link = record(siblings).children.first()
    with pytest.raises(ValidationError):
        services.respond_to_routed(
            actor=personas["allocated_worker"], contact_child_id=link.pk, response="Visited."
        )


def _referral_on(person, day, actor, team):
    """A referral of the child on `day`, whose CIN episode has since ended."""
    referral = services.accept_referral(
        actor=actor,
        person=person,
        referral_date=day,
        source=ReferralSource.POLICE,
        primary_need="N1",
        route=Outcome.REFERRAL,
        team=team,
    )
    Involvement.objects.filter(pk=referral.involvement_id).update(ended_on=day)
    return referral


def test_a_referral_within_12_months_flags_a_likely_rereferral(record, siblings, officer, org):
    older, younger = siblings
    today = timezone.localdate()
    earlier = _referral_on(older, today - dt.timedelta(days=330), officer, org["north_assessment"])
    _referral_on(younger, today - dt.timedelta(days=380), officer, org["north_assessment"])
    contact = record(siblings)
    links = {link.person: link for link in contact.children.all()}
    assert links[older].likely_rereferral
    assert links[older].previous_referral == earlier
    assert not links[younger].likely_rereferral
    summary = Event.objects.get(person=older, type="contact.received").summary
    assert "likely re-referral" in summary


def test_two_contacts_at_once_join_one_front_door_involvement(record, siblings, screened):
    older = siblings[0]
    first = record([older])
    second = record([older], concerns="A neighbour heard shouting.")
    links = ContactChild.objects.filter(person=older)
    assert len({link.involvement_id for link in links}) == 1
    assert Involvement.objects.filter(person=older, stage="front_door").count() == 1
    # The first signed off as no further action: the period stays open for the second.
    first = screened(first)
    services.sign_off(actor=_manager(first), contact_id=first.pk, version=first.version)
    assert Involvement.objects.get(person=older, stage="front_door").ended_on is None
    second = screened(second)
    services.sign_off(actor=_manager(second), contact_id=second.pk, version=second.version)
    assert Involvement.objects.get(person=older, stage="front_door").ended_on is not None


def _manager(contact):
    return contact.sign_off_by


# ---- partner contacts ----------------------------------------------------------------------


def _partner_contact(front_door, details, key="police-0001", children=None):
    return services.submit_partner_contact(
        partner=front_door["police"],
        details=details(method=ContactMethod.PARTNER_API, source=ReferralSource.POLICE),
        children=children
        or [{"given_name": "Tobias", "family_name": "Lindqvist", "date_of_birth": "2015-03-02"}],
        idempotency_key=key,
    )


def test_the_same_partner_submission_twice_makes_one_contact(front_door, details):
    first = _partner_contact(front_door, details)
    with pytest.raises(services.DuplicateSubmission) as caught:
        _partner_contact(front_door, details)
    assert caught.value.contact == first
    assert Contact.objects.count() == 1
    assert first.handler is None and first.children.get().person is None
    other = _partner_contact(front_door, details, key="police-0002")
    assert Contact.objects.count() == 2 and other != first


def test_a_partner_must_name_each_child_and_give_a_date(front_door, details):
    with pytest.raises(ValidationError) as caught:
        _partner_contact(
            front_door,
            details,
            children=[
                {"given_name": "Kit", "family_name": ""},
                {"given_name": "Kit", "family_name": "Varga"},
            ],
        )
    errors = messages_of(caught.value)
    assert "names" in errors["children.0"][0] and "date of birth" in errors["children.1"][0]
    assert Contact.objects.count() == 0


def test_take_and_match_a_partner_contact(front_door, details, siblings, officer, personas):
    contact = _partner_contact(front_door, details)
    with pytest.raises(PermissionDenied):
        services.take_contact(actor=personas["performance_officer"], contact_id=contact.pk)
    contact = services.take_contact(actor=officer, contact_id=contact.pk, version=contact.version)
    assert contact.handler == officer
    link = contact.children.get()
    with pytest.raises(ValidationError):  # not screened while a child is unmatched
        services.screen_contact(
            actor=officer,
            contact_id=contact.pk,
            version=None,
            threshold_level=front_door["levels"][1],
            outcome=Outcome.NFA,
            rationale="x",
            sign_off_by=front_door["manager"],
        )
    no_date = PersonFactory(date_of_birth=None)
    with pytest.raises(ValidationError) as caught:
        services.match_child(actor=officer, contact_child_id=link.pk, person=no_date)
    assert "person" in messages_of(caught.value)
    services.match_child(actor=officer, contact_child_id=link.pk, person=siblings[0])
    link.refresh_from_db()
    assert link.person == siblings[0] and link.involvement.stage == "front_door"
    with pytest.raises(ValidationError):
        services.match_child(actor=officer, contact_child_id=link.pk, person=siblings[1])


def test_stale_version_is_refused(record, siblings, front_door, officer):
    contact = record(siblings)
    old = contact.version
    services.take_contact(actor=front_door["mash_worker"], contact_id=contact.pk, version=old)
    with pytest.raises(services.StaleContact):
        services.take_contact(actor=officer, contact_id=contact.pk, version=old)
    contact.refresh_from_db()
    assert contact.handler == front_door["mash_worker"]


# ---- screening and the decision ------------------------------------------------------------


def test_a_decision_needs_a_rationale(record, siblings, screened):
    contact = record(siblings)
    with pytest.raises(ValidationError) as caught:
        screened(contact, rationale="  ")
    assert "rationale" in messages_of(caught.value)
    contact.refresh_from_db()
    assert contact.screened_at is None and contact.decided_at is None


def test_a_referral_needs_a_primary_need(record, siblings, screened):
    contact = record(siblings)
    with pytest.raises(ValidationError) as caught:
        screened(contact, Outcome.REFERRAL, level=3)
    assert "primary_need" in messages_of(caught.value)
    contact.refresh_from_db()
    assert contact.decided_at is None and contact.screened_at is None


def test_the_decider_does_not_sign_off_their_own_decision(record, siblings, screened, front_door):
    contact = record(siblings)
    with pytest.raises(ValidationError) as caught:
        screened(contact, actor=front_door["manager"], sign_off_by=front_door["manager"])
    assert "someone other" in messages_of(caught.value)["sign_off_by"][0]
    other_manager = WorkerFactory(role=Role.TEAM_MANAGER)
    contact = screened(contact, actor=front_door["manager"], sign_off_by=other_manager)
    with pytest.raises(PermissionDenied):
        services.sign_off(
            actor=front_door["manager"], contact_id=contact.pk, version=contact.version
        )
    contact.refresh_from_db()
    assert contact.signed_off_at is None


def test_only_a_manager_signs_off(record, siblings, screened, personas):
    contact = screened(record(siblings))
    for who in ("allocated_worker", "contact_officer"):
        with pytest.raises(PermissionDenied):
            services.sign_off(actor=personas[who], contact_id=contact.pk, version=None)
    with pytest.raises(ValidationError):  # a social worker cannot be asked to sign off
        screened(record([PersonFactory()]), sign_off_by=personas["allocated_worker"])


def test_sign_off_of_no_further_action_closes_the_front_door(record, siblings, screened):
    contact = screened(record(siblings))
    assert contact.status == ContactStatus.AWAITING_SIGN_OFF
    assert contact.sign_off_due_on is not None
    referrals = services.sign_off(
        actor=contact.sign_off_by, contact_id=contact.pk, version=contact.version, comment="Yes"
    )
    assert referrals == []
    contact.refresh_from_db()
    assert contact.status == ContactStatus.DONE and contact.sign_off_comment == "Yes"
    for kid in siblings:
        assert Involvement.objects.get(person=kid, stage="front_door").ended_on is not None
        assert not Involvement.objects.filter(person=kid, ended_on__isnull=True).exists()


def test_sign_off_of_early_help_opens_early_help(record, siblings, screened):
    contact = screened(record(siblings), Outcome.EARLY_HELP, level=2)
    services.sign_off(actor=contact.sign_off_by, contact_id=contact.pk, version=contact.version)
    for kid in siblings:
        assert Involvement.objects.get(person=kid, ended_on__isnull=True).stage == "early_help"


def test_sign_off_of_a_referral_goes_to_the_district_team(record, siblings, screened, org):
    stranger = PersonFactory()  # no address: no district team serves them
    contact = screened(record([*siblings, stranger]), Outcome.REFERRAL, level=3, primary_need="N1")
    with pytest.raises(ValidationError) as caught:
        services.sign_off(actor=contact.sign_off_by, contact_id=contact.pk, version=None)
    assert stranger.full_name in messages_of(caught.value)["teams"][0]
    assert Referral.objects.count() == 0
    referrals = services.sign_off(
        actor=contact.sign_off_by,
        contact_id=contact.pk,
        version=None,
        teams={stranger.pk: org["south_childrens"]},
    )
    teams = {r.person: r.team for r in referrals}
    assert teams == {
        siblings[0]: org["north_assessment"],
        siblings[1]: org["north_assessment"],
        stranger: org["south_childrens"],
    }


def test_return_decision(record, siblings, screened, officer):
    contact = screened(record(siblings))
    with pytest.raises(ValidationError) as caught:
        services.return_decision(
            actor=contact.sign_off_by, contact_id=contact.pk, version=None, comment=" "
        )
    assert "comment" in messages_of(caught.value)
    with pytest.raises(PermissionDenied):
        services.return_decision(actor=officer, contact_id=contact.pk, version=None, comment="No")
    contact = services.return_decision(
        actor=contact.sign_off_by,
        contact_id=contact.pk,
        version=contact.version,
        comment="Speak to the school nurse first.",
    )
    assert contact.status == ContactStatus.NEW
    assert contact.decided_at is None and contact.decision == "" and contact.handler == officer
    assert contact.threshold_level is None
    assert Event.objects.filter(person=siblings[0], type="contact.decision_returned").exists()
    with pytest.raises(ValidationError):
        services.sign_off(actor=_another_manager(), contact_id=contact.pk, version=None)


def _another_manager():
    return WorkerFactory(role=Role.TEAM_MANAGER)


def test_sign_off_candidates(front_door, personas):
    candidates = services.sign_off_candidates()
    assert front_door["manager"] in candidates and personas["team_manager"] in candidates
    assert personas["allocated_worker"] not in candidates
    assert personas["admin"] not in candidates


def test_district_team_by_postcode(front_door, siblings, org):
    assert services.district_team(siblings[0]) == org["north_assessment"]
    elsewhere = PersonFactory()
    assert services.district_team(elsewhere) is None
    AddressFactory(person=elsewhere, postcode="ZZ9 9ZZ", to_date=None)
    assert services.district_team(elsewhere) is None
    moved = PersonFactory()
    AddressFactory(person=moved, postcode="fn1 2cd", to_date=None)
    assert services.district_team(moved) == org["north_assessment"]


# ---- the MASH ------------------------------------------------------------------------------


def test_screening_to_the_mash_starts_an_enquiry(in_mash, front_door, siblings):
    contact = in_mash()
    assert contact.status == ContactStatus.MASH
    assert contact.handler == front_door["mash_worker"]
    assert contact.mash.owner == front_door["mash_worker"] and contact.mash.is_open
    assert Event.objects.filter(person=siblings[0], type="mash.started").count() == 1


def test_screening_to_the_mash_needs_a_rating(record, siblings, officer, front_door):
    contact = record(siblings)
    with pytest.raises(ValidationError) as caught:
        services.screen_contact(
            actor=officer,
            contact_id=contact.pk,
            version=None,
            threshold_level=front_door["levels"][3],
            outcome=Outcome.MASH,
            rationale="Partners' information needed.",
        )
    assert {"rag", "rag_reason"} <= set(messages_of(caught.value))


def test_take_mash_enquiry(in_mash, personas):
    enquiry = in_mash().mash
    other = WorkerFactory(role=Role.MASH_PRACTITIONER, swe_registration="")
    services.take_mash_enquiry(actor=other, enquiry_id=enquiry.pk, version=enquiry.version)
    enquiry.refresh_from_db()
    assert enquiry.owner == other and enquiry.contact.handler == other
    with pytest.raises(PermissionDenied):
        services.take_mash_enquiry(actor=personas["performance_officer"], enquiry_id=enquiry.pk)


def test_a_new_rating_restarts_the_deadline_by_its_rule(in_mash, front_door):
    # Tuesday 10 June 2025, 11:00 (no bank holiday that week).
    pinned = dt.datetime(2025, 6, 10, 11, 0, tzinfo=LONDON)
    with time_machine.travel(pinned - dt.timedelta(hours=1), tick=False):
        enquiry = in_mash(Rag.RED).mash
    with time_machine.travel(pinned, tick=False):
        services.rerate_mash_enquiry(
            actor=front_door["mash_worker"],
            enquiry_id=enquiry.pk,
            rag=Rag.AMBER,
            reason="The children are safe with their grandmother tonight.",
            version=enquiry.version,
        )
    # Amber: 24 working hours, counted inside the working day, from the moment of re-rating.
    begin, end = working_day_hours()
    remaining = dt.timedelta(hours=24)
    day, clock = pinned.date(), max(pinned.time(), begin)
    while True:
        today_left = dt.datetime.combine(day, end) - dt.datetime.combine(day, clock)
        if remaining <= today_left:
            expected = dt.datetime.combine(day, clock, tzinfo=LONDON) + remaining
            break
        remaining -= today_left
        day += dt.timedelta(days=1)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        clock = begin
    enquiry.refresh_from_db()
    assert enquiry.rag == Rag.AMBER and enquiry.rated_at == pinned
    assert enquiry.due_at == expected
    with pytest.raises(ValidationError):  # the same rating again
        services.rerate_mash_enquiry(
            actor=front_door["mash_worker"], enquiry_id=enquiry.pk, rag=Rag.AMBER, reason="x"
        )


def test_information_requests(in_mash, front_door):
    enquiry = in_mash().mash
    worker = front_door["mash_worker"]
    with pytest.raises(ValidationError) as caught:
        services.request_information(
            actor=worker, enquiry_id=enquiry.pk, partner=front_door["police"], question=" "
        )
    assert "question" in messages_of(caught.value)
    request = services.request_information(
        actor=worker,
        enquiry_id=enquiry.pk,
        partner=front_door["police"],
        question="Any call-outs to the address?",
    )
    assert request.due_at == enquiry.due_at
    with pytest.raises(ValidationError) as caught:  # asked already, not yet answered
        services.request_information(
            actor=worker, enquiry_id=enquiry.pk, partner=front_door["police"], question="Again?"
        )
    assert "partner" in messages_of(caught.value)
    # Health was not asked: it cannot answer the police's request.
    with pytest.raises(PermissionDenied):
        services.answer_information_request(
            request_id=request.pk,
            holds_information=False,
            response="",
            sharing_basis=SharingBasis.SAFEGUARDING,
            responder_name="Health records",
            partner=front_door["health"],
        )
    with pytest.raises(ValidationError) as caught:
        services.answer_information_request(
            request_id=request.pk,
            holds_information=True,
            response="",
            sharing_basis="",
            responder_name="",
            partner=front_door["police"],
        )
    assert {"response", "sharing_basis", "responder_name"} <= set(messages_of(caught.value))
    services.answer_information_request(
        request_id=request.pk,
        holds_information=True,
        response="Two call-outs last month.",
        sharing_basis=SharingBasis.SAFEGUARDING,
        responder_name="MASH police researcher",
        partner=front_door["police"],
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.ANSWERED and request.recorded_by is None


def test_decide_withdraws_the_open_requests(in_mash, front_door, siblings):
    contact = in_mash()
    worker = front_door["mash_worker"]
    request = services.request_information(
        actor=worker,
        enquiry_id=contact.mash.pk,
        partner=front_door["health"],
        question="Seen by the health visitor?",
    )
    contact.refresh_from_db()
    with pytest.raises(ValidationError):  # a MASH enquiry is not a final outcome
        services.decide(
            actor=worker,
            contact_id=contact.pk,
            version=contact.version,
            outcome=Outcome.MASH,
            rationale="More to find out.",
            sign_off_by=front_door["manager"],
        )
    contact = services.decide(
        actor=worker,
        contact_id=contact.pk,
        version=contact.version,
        outcome=Outcome.EARLY_HELP,
        rationale="Police information explains the bruising; the family want help.",
        sign_off_by=front_door["manager"],
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN
    assert contact.status == ContactStatus.AWAITING_SIGN_OFF
    contact.mash.refresh_from_db()
    assert contact.mash.completed_at is not None and contact.mash.outcome == Outcome.EARLY_HELP
    assert Event.objects.filter(person=siblings[0], type="mash.completed").count() == 1
    assert InformationRequest.objects.filter(status=RequestStatus.OPEN).count() == 0
    # Returned from the MASH: the enquiry opens again.
    services.return_decision(
        actor=front_door["manager"], contact_id=contact.pk, version=None, comment="Ask school."
    )
    contact.refresh_from_db()
    contact.mash.refresh_from_db()
    assert contact.status == ContactStatus.MASH and contact.mash.is_open


def test_decide_needs_screening_first(record, siblings, front_door):
    contact = record(siblings)
    with pytest.raises(ValidationError):
        services.decide(
            actor=front_door["mash_worker"],
            contact_id=contact.pk,
            version=None,
            outcome=Outcome.NFA,
            rationale="Nothing.",
            sign_off_by=front_door["manager"],
        )


def test_accept_referral_needs_a_team(siblings, officer):
    with pytest.raises(ValidationError) as caught:
        services.accept_referral(
            actor=officer,
            person=siblings[0],
            referral_date=timezone.localdate(),
            source=ReferralSource.POLICE,
            primary_need="N1",
            route=Outcome.REFERRAL,
            team=None,
        )
    assert "team" in messages_of(caught.value)
    assert Referral.objects.count() == 0
