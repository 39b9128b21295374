"""The synthetic county's front door: seed 004's volume of contacts for the county's size, a
realistic mix of outcomes with some late, MASH enquiries with partner requests, re-referrals,
contacts passed to allocated workers, live work at --today, a referral for every child in need
episode, and the events the services write."""

import datetime as dt
from collections import Counter

import pytest
from django.db.models import Count, F, Q
from django.utils import timezone

from kinfold.front_door.codes import ContactStatus, Outcome, Rag, RequestStatus
from kinfold.front_door.models import (
    Contact,
    ContactChild,
    DistrictArea,
    InformationRequest,
    MashEnquiry,
    PartnerOrganisation,
    Referral,
)
from kinfold.front_door.services import district_team
from kinfold.journey.models import Event, Involvement
from kinfold.timescales.calendar import add_months
from kinfold.workforce.models import Allocation, Role, TeamMembership, UnitFunction
from synthetic.county import clear_county, generate
from synthetic.pipeline import Options

TODAY = dt.date(2026, 3, 31)
CHILDREN = 2000
YEARS = 2
# Seed 004: 6,000-7,000 contacts a month for a county of about 128,000 children.
LOW, HIGH = 6000 * CHILDREN / 128_000, 7000 * CHILDREN / 128_000


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        made = generate(
            Options(
                children=CHILDREN,
                years=3,
                seed=8,
                today=TODAY,
                allocated_share=0.06,
                front_door_years=YEARS,
            )
        )
        yield made
        clear_county()


def local(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def start_of_today() -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(TODAY, dt.time.min))


@pytest.mark.django_db
def test_monthly_volume_is_seed_004s_for_the_county_size(county):
    months = Counter(
        (local(r).year, local(r).month)
        for r in Contact.objects.values_list("received_at", flat=True)
    )
    first = add_months(TODAY, -12 * YEARS).replace(day=1)
    whole = []
    month = add_months(first, 1)  # the window starts part-way through its first month
    while add_months(month, 1) <= TODAY.replace(day=1):
        whole.append(months[(month.year, month.month)])
        month = add_months(month, 1)
    assert len(whole) >= 12 * YEARS - 2
    assert LOW <= sum(whole) / len(whole) <= HIGH
    # Seasonal and random variation, but no month far from the seed's rate.
    assert all(0.7 * LOW <= n <= 1.2 * HIGH for n in whole), whole
    # None before the window (only the journey's own referrals may be older).
    older = Contact.objects.filter(
        received_at__lt=timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    )
    assert not older.filter(referrals__isnull=True).exists()


@pytest.mark.django_db
def test_outcome_shares_are_realistic(county):
    screened = Contact.objects.exclude(screening_outcome="")
    shares = {
        k: v / screened.count()
        for k, v in Counter(screened.values_list("screening_outcome", flat=True)).items()
    }
    assert 0.55 <= shares[Outcome.NFA] + shares[Outcome.ADVICE] <= 0.75
    assert 0.02 <= shares[Outcome.EARLY_HELP] <= 0.09
    assert 0.18 <= shares[Outcome.MASH] <= 0.32
    decided = Contact.objects.filter(decided_at__isnull=False)
    final = Counter(decided.values_list("decision", flat=True))
    referred = (final[Outcome.REFERRAL] + final[Outcome.STRATEGY]) / decided.count()
    # About one in ten: the share that gives seed 000's caseload (synthetic/front_door.py).
    assert 0.06 <= referred <= 0.16
    assert 0.01 <= final[Outcome.STRATEGY] / decided.count() <= 0.08
    assert not final[Outcome.MASH]  # a MASH enquiry is a step, never the decision
    mash = MashEnquiry.objects.filter(completed_at__isnull=False)
    mash_referred = mash.filter(outcome__in=[Outcome.REFERRAL, Outcome.STRATEGY]).count()
    assert 0.08 <= mash_referred / mash.count() <= 0.3
    rag = Counter(MashEnquiry.objects.values_list("rag", flat=True))
    assert rag[Rag.RED] < rag[Rag.GREEN] < rag[Rag.AMBER]


@pytest.mark.django_db
def test_sources_consent_and_children(county):
    sources = Counter(Contact.objects.values_list("source", flat=True))
    police, schools = sources["6"], sources["2A"] + sources["2B"]
    assert [s for s, _ in sources.most_common(2)] == ["6", "2A"]
    assert police > schools > 0
    total = Contact.objects.count()
    assert Contact.objects.filter(immediate_risk=True).count() < 0.05 * total
    overridden = Contact.objects.filter(consent="overridden")
    assert overridden.exists() and not overridden.filter(consent_override_reason="").exists()
    per_contact = Counter(Contact.objects.annotate(n=Count("children")).values_list("n", flat=True))
    assert per_contact[1] > per_contact[2] > 0 and per_contact[3] > 0
    # Siblings share a home; every child on a contact was under 18 on the day.
    born = ContactChild.objects.filter(person__date_of_birth__isnull=False)
    for link in born.select_related("person"):
        age = (link.received_on - link.person.date_of_birth).days
        assert 0 <= age < 18 * 366


@pytest.mark.django_db
def test_some_decisions_and_sign_offs_are_late(county):
    decided = list(
        Contact.objects.filter(decided_at__isnull=False).values_list(
            "received_at", "decided_at", "decision_due_on"
        )
    )
    for received, decided_at, _ in decided:
        assert received <= decided_at
    late = sum(local(d) > due for _, d, due in decided) / len(decided)
    assert 0.04 <= late <= 0.15
    signed = list(
        Contact.objects.filter(signed_off_at__isnull=False).values_list(
            "decided_at", "signed_off_at", "sign_off_due_on"
        )
    )
    assert all(d <= s for d, s, _ in signed)
    late_sign_off = sum(local(s) > due for _, s, due in signed) / len(signed)
    assert 0.02 <= late_sign_off <= 0.15
    assert not Contact.objects.filter(decided_by=F("signed_off_by")).exists()


@pytest.mark.django_db
def test_mash_requests_mostly_answered_in_time(county):
    requests = InformationRequest.objects.all()
    per_enquiry = Counter(
        MashEnquiry.objects.annotate(n=Count("requests")).values_list("n", flat=True)
    )
    assert set(per_enquiry) <= {0, 1, 2, 3, 4, 5} and per_enquiry[0] < 0.1 * sum(
        per_enquiry.values()
    )
    answered = requests.filter(status=RequestStatus.ANSWERED)
    late = answered.filter(responded_at__gt=F("due_at")).count()
    assert answered.count() > 0.75 * requests.count()
    assert 0 < late < 0.2 * answered.count()
    assert requests.filter(status=RequestStatus.WITHDRAWN).exists()
    # A request still open belongs to an enquiry still open.
    assert not requests.filter(
        status=RequestStatus.OPEN, enquiry__completed_at__isnull=False
    ).exists()
    assert not answered.filter(Q(responded_at__lt=F("requested_at"))).exists()


@pytest.mark.django_db
def test_every_child_in_need_episode_has_its_referral(county):
    episodes = Involvement.objects.filter(stage="child_in_need")
    assert episodes.count() > 50
    assert not episodes.exclude(pk__in=Referral.objects.values("involvement_id")).exists()
    for referral in Referral.objects.select_related("contact", "involvement")[:300]:
        assert referral.contact.decision in (Outcome.REFERRAL, Outcome.STRATEGY)
        assert referral.referral_date == local(referral.contact.received_at)
        assert referral.involvement.started_on == referral.referral_date
        assert referral.route == referral.contact.decision
    # The journey's episodes started from the front door.
    journey = episodes.filter(stepped_from__isnull=False)
    assert journey.exists()
    assert not journey.exclude(stepped_from__stage="front_door").exists()


@pytest.mark.django_db
def test_referrals_go_to_the_district_assessment_team(county):
    assert DistrictArea.objects.count() >= 20
    allocated = Allocation.objects.values("person_id")
    referrals = Referral.objects.exclude(person_id__in=allocated).select_related("person")
    checked = 0
    for referral in referrals[:150]:
        assert referral.team_id == district_team(referral.person).pk
        assert referral.team.function == UnitFunction.ASSESSMENT
        checked += 1
    assert checked > 50
    assert PartnerOrganisation.objects.filter(kind="police", referral_source="6").exists()


@pytest.mark.django_db
def test_rereferrals_are_about_a_fifth(county):
    referrals = Referral.objects.all()
    again = referrals.filter(previous_referral__isnull=False)
    assert 0.1 <= again.count() / referrals.count() <= 0.32
    for r in again.select_related("previous_referral")[:200]:
        assert r.previous_referral.person_id == r.person_id
        assert add_months(r.referral_date, -12) <= r.previous_referral.referral_date
        assert r.previous_referral.referral_date <= r.referral_date
    links = ContactChild.objects.filter(previous_referral__isnull=False)
    assert links.exists()


@pytest.mark.django_db
def test_contacts_about_open_children_go_to_their_worker(county):
    routed = ContactChild.objects.filter(routed_to__isnull=False).select_related(
        "open_involvement", "contact"
    )
    assert routed.exists()
    assert routed.filter(responded_at__isnull=False).count() > 0.7 * routed.count()
    for link in routed:
        assert link.contact.status == ContactStatus.ROUTED
        assert link.involvement_id is None
        assert link.open_involvement.started_on <= link.received_on
        assert link.open_involvement.stage != "front_door"


@pytest.mark.django_db
def test_live_work_at_today_for_real_front_door_workers(county):
    statuses = Counter(Contact.objects.values_list("status", flat=True))
    # At this size about three contacts a day: the queue at --today is a handful (the
    # benchmark county, benchmarks/front_door/RESULTS.md, has hundreds in each state).
    assert statuses[ContactStatus.NEW]
    assert statuses[ContactStatus.MASH] + statuses[ContactStatus.AWAITING_SIGN_OFF]
    open_mash = MashEnquiry.objects.filter(completed_at__isnull=True)
    assert set(open_mash.values_list("contact__status", flat=True)) <= {ContactStatus.MASH}
    assert open_mash.count() == statuses[ContactStatus.MASH]
    assert not Contact.objects.filter(status=ContactStatus.NEW, screened_at__isnull=False).exists()
    front = set(
        TeamMembership.objects.filter(
            unit__function__in=[
                UnitFunction.CONTACT_CENTRE,
                UnitFunction.MASH,
                UnitFunction.FRONT_DOOR,
            ]
        ).values_list("worker_id", flat=True)
    )
    handlers = set(
        Contact.objects.exclude(handler__isnull=True).values_list("handler_id", flat=True)
    )
    owners = set(MashEnquiry.objects.exclude(owner__isnull=True).values_list("owner_id", flat=True))
    signers = set(
        Contact.objects.exclude(sign_off_by__isnull=True).values_list(
            "sign_off_by__role", flat=True
        )
    )
    assert handlers and handlers <= front
    assert owners and owners <= front
    assert signers <= {Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER}


@pytest.mark.django_db
def test_front_door_involvements_close_at_sign_off(county):
    fronts = Involvement.objects.filter(stage="front_door")
    open_ = fronts.filter(ended_on__isnull=True)
    assert open_.exists()
    # At most one open per child (the spine's constraint), and only for contacts not yet done.
    assert open_.values("person").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    undone = ContactChild.objects.filter(involvement__in=open_).values_list(
        "contact__status", flat=True
    )
    assert set(undone) <= {
        ContactStatus.NEW,
        ContactStatus.MASH,
        ContactStatus.AWAITING_SIGN_OFF,
    }
    done = ContactChild.objects.filter(contact__status=ContactStatus.DONE)
    assert not done.filter(involvement__ended_on__isnull=True).exists()


@pytest.mark.django_db
def test_nothing_is_dated_today_or_later(county):
    start = start_of_today()
    for model, fields in [
        (Contact, ["received_at", "screened_at", "decided_at", "signed_off_at", "recorded_at"]),
        (MashEnquiry, ["rated_at", "started_at", "completed_at"]),
        (InformationRequest, ["requested_at", "responded_at"]),
        (ContactChild, ["responded_at"]),
        (Event, ["occurred_at", "recorded_at"]),
        (Referral, ["recorded_at"]),
    ]:
        for name in fields:
            assert not model.objects.filter(**{f"{name}__gte": start}).exists(), (model, name)
    assert not Referral.objects.filter(referral_date__gte=TODAY).exists()
    assert not Involvement.objects.filter(
        Q(started_on__gte=TODAY) | Q(ended_on__gte=TODAY)
    ).exists()


@pytest.mark.django_db
def test_events_are_those_the_services_write(county):
    contact = (
        Contact.objects.filter(status=ContactStatus.DONE, decision=Outcome.REFERRAL)
        .exclude(mash__isnull=True)
        .first()
    )
    link = contact.children.first()
    types = list(
        Event.objects.filter(person=link.person, subject_id=contact.pk, type__startswith="contact")
        .order_by("occurred_at", "pk")
        .values_list("type", flat=True)
    )
    assert types == [
        "contact.received",
        "contact.screened",
        "contact.decided",
        "contact.signed_off",
    ]
    mash_types = set(
        Event.objects.filter(person=link.person, detail__contact=contact.pk).values_list(
            "type", flat=True
        )
    )
    assert {"mash.started", "mash.information_requested", "mash.completed"} <= mash_types
    referral = Referral.objects.get(contact=contact, person=link.person)
    received = Event.objects.get(type="referral.received", subject_id=referral.pk)
    assert received.detail["referral"] == referral.pk and received.date_only
    assert received.summary.startswith(f"Referral to {referral.team.name}: assessment")
    decided = Event.objects.get(type="contact.decided", person=link.person, subject_id=contact.pk)
    assert decided.summary.startswith("Decision: referral to children's social care")
    assert decided.detail == {"contact": contact.pk, "outcome": "referral"}
