"""The whole route through the front door's services: contact → screening → MASH with a
partner's answer → decision → sign-off → referral on the district assessment team's list."""

import datetime as dt

import pytest
from django.utils import timezone

from kinfold.front_door import services
from kinfold.front_door.codes import ContactStatus, Outcome, Rag, SharingBasis
from kinfold.front_door.models import Referral
from kinfold.journey.models import Event, Involvement
from kinfold.journey.services import open_involvement

pytestmark = pytest.mark.django_db


def test_contact_to_referral(front_door, siblings, personas, details, org):
    officer = personas["contact_officer"]
    contact = services.record_contact(actor=officer, details=details(), children=siblings)
    assert contact.status == ContactStatus.NEW
    assert contact.decision_due_on is not None
    for kid in siblings:
        assert Involvement.objects.get(person=kid, ended_on__isnull=True).stage == "front_door"
    contact = services.screen_contact(
        actor=officer,
        contact_id=contact.pk,
        version=contact.version,
        threshold_level=front_door["levels"][3],
        outcome=Outcome.MASH,
        rationale="Injuries unexplained; need police and health information.",
        rag=Rag.AMBER,
        rag_reason="No disclosure; children in school today.",
        mash_owner=front_door["mash_worker"],
    )
    enquiry = contact.mash
    assert contact.status == ContactStatus.MASH
    assert enquiry.due_at > enquiry.rated_at
    request = services.request_information(
        actor=front_door["mash_worker"],
        enquiry_id=enquiry.pk,
        partner=front_door["police"],
        question="Any domestic abuse call-outs to the address?",
    )
    services.answer_information_request(
        request_id=request.pk,
        holds_information=True,
        response="Two call-outs in the last month.",
        sharing_basis=SharingBasis.SAFEGUARDING,
        responder_name="MASH police researcher",
        partner=front_door["police"],
    )
    contact.refresh_from_db()
    contact = services.decide(
        actor=front_door["mash_worker"],
        contact_id=contact.pk,
        version=contact.version,
        outcome=Outcome.REFERRAL,
        rationale="Unexplained injuries and domestic abuse: assessment needed.",
        primary_need="N1",
        sign_off_by=front_door["manager"],
    )
    assert contact.status == ContactStatus.AWAITING_SIGN_OFF
    referrals = services.sign_off(
        actor=front_door["manager"], contact_id=contact.pk, version=contact.version
    )
    assert {r.person for r in referrals} == set(siblings)
    assert {r.team for r in referrals} == {org["north_assessment"]}
    for kid in siblings:
        open_now = Involvement.objects.get(person=kid, ended_on__isnull=True)
        assert open_now.stage == "child_in_need"
        assert open_now.team == org["north_assessment"]
        assert Event.objects.filter(person=kid, type="referral.received").count() == 1
    assert Referral.objects.count() == 2


def test_a_referral_of_a_child_on_a_plan_joins_their_episode(front_door, siblings, personas):
    """A child on a child protection plan (the CIN episode's CP stage) with no allocated worker
    is referred again: the referral joins the open episode, no second main-line stage opens."""
    kid = siblings[0]
    manager = front_door["manager"]
    today = timezone.localdate()
    cp = open_involvement(
        actor=manager, person=kid, stage="child_protection", started_on=today - dt.timedelta(30)
    )
    referral = services.accept_referral(
        actor=manager,
        person=kid,
        referral_date=today,
        source="6",
        primary_need="N1",
        route=Outcome.REFERRAL,
        team=cp.team or front_door["mash"],
    )
    assert referral.involvement == cp
    assert Involvement.objects.filter(person=kid, ended_on__isnull=True).count() == 1
