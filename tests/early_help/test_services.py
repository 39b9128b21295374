"""Early help's services: setting the episode up with its lead, the plan and its revisions,
reviews due every 3 months (on the lead worker's My work), ending with a reason, stepping up
to children's social care and down from it, each refusal with its message and nothing saved."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinfold.child_in_need.models import CINClosure
from kinfold.early_help import services
from kinfold.early_help.codes import EndReason, FamilyRole
from kinfold.early_help.models import EarlyHelpEpisode, EarlyHelpPlan, EarlyHelpReview
from kinfold.early_help.services import ActionLine, Lead
from kinfold.front_door.models import Referral
from kinfold.journey.models import Event, Involvement
from kinfold.journey.services import open_involvement
from kinfold.plans.services import create_plan
from kinfold.timescales.calendar import add_months
from kinfold.timescales.worklists import worklist

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def set_up(hub, kin, early_help, **overrides):
    values = {
        "actor": hub["manager"],
        "involvement_id": early_help.pk,
        "started_on": early_help.started_on + dt.timedelta(days=2),
        "lead": Lead(worker=hub["family_worker"]),
        "reason": "Mum is struggling with the children's behaviour since the move.",
        "family": [(kin["mother"], FamilyRole.PARENT_CARER)],
    }
    values.update(overrides)
    return services.set_up_episode(**values)


def messages_of(error: ValidationError) -> dict:
    return error.message_dict


# ---- setting up --------------------------------------------------------------------------


def test_set_up_with_a_kinfold_lead_puts_the_first_review_on_their_work(hub, family, early_help):
    episode = set_up(hub, family, early_help)
    assert episode.lead_worker == hub["family_worker"]
    assert episode.review_due_on == add_months(episode.started_on, 3)
    assert [(m.person, m.role) for m in episode.family_members.all()] == [
        (family["mother"], FamilyRole.PARENT_CARER)
    ]
    assert Event.objects.filter(involvement=early_help, type="early_help.set_up").count() == 1
    rows = worklist(owner=hub["family_worker"])
    assert any(i.due == episode.review_due_on and i.person_id == family["child"].pk for i in rows)


def test_a_partner_agencys_practitioner_may_lead(hub, family, early_help):
    lead = Lead(organisation=hub["school"], name="Asha Verhoeven", role="Family support worker")
    episode = set_up(hub, family, early_help, lead=lead)
    assert episode.lead_label == "Asha Verhoeven, Family support worker (Fenbridge Primary School)"
    assert episode.lead_worker is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"lead": Lead()}, "lead", "Choose the lead practitioner"),
        ({"reason": "  "}, "reason", "Enter why the family needs early help"),
        ({"started_on": None}, "started_on", "Enter the start date"),
    ],
)
def test_set_up_refusals(hub, family, early_help, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        set_up(hub, family, early_help, **overrides)
    assert messages_of(refused.value)[field] == [message]
    assert not EarlyHelpEpisode.objects.exists()


def test_a_partner_lead_must_be_named(hub, family, early_help):
    with pytest.raises(ValidationError) as refused:
        set_up(hub, family, early_help, lead=Lead(organisation=hub["school"]))
    assert messages_of(refused.value)["lead_name"] == [
        "Enter the name of the lead practitioner at Fenbridge Primary School"
    ]


def test_a_worker_and_a_partner_at_once_is_refused(hub, family, early_help):
    lead = Lead(worker=hub["family_worker"], organisation=hub["school"], name="Asha Verhoeven")
    with pytest.raises(ValidationError, match="not both"):
        set_up(hub, family, early_help, lead=lead)


def test_set_up_cannot_start_before_early_help_began(hub, family, early_help):
    with pytest.raises(ValidationError) as refused:
        set_up(hub, family, early_help, started_on=early_help.started_on - dt.timedelta(days=1))
    assert "on or after early help began" in messages_of(refused.value)["started_on"][0]


def test_only_managers_set_up(hub, family, early_help):
    with pytest.raises(PermissionDenied):
        set_up(hub, family, early_help, actor=hub["family_worker"])


def test_the_child_is_not_their_own_family_member(hub, family, early_help):
    with pytest.raises(ValidationError, match="the episode's child"):
        set_up(hub, family, early_help, family=[(family["child"], FamilyRole.SIBLING)])


# ---- the plan and reviews ----------------------------------------------------------------


def plan(hub, early_help, **overrides):
    values = {
        "actor": hub["family_worker"],
        "involvement_id": early_help.pk,
        "agreed_on": TODAY(),
        "outcomes": ["Ruby goes to school every day", "", "Bedtimes are calmer"],
        "actions": [
            ActionLine("Walk Ruby to school", "Mum", TODAY() + dt.timedelta(days=7)),
            ActionLine("", "", None),
            ActionLine("Parenting course referral", "Lead worker", TODAY() + dt.timedelta(14)),
        ],
    }
    values.update(overrides)
    return services.record_plan(**values)


def test_the_plan_and_its_revision_keep_the_earlier_version(hub, family, early_help):
    set_up(hub, family, early_help)
    first = plan(hub, early_help)
    assert first.outcomes == ["Ruby goes to school every day", "Bedtimes are calmer"]
    assert [a.who for a in first.actions.all()] == ["Mum", "Lead worker"]
    with pytest.raises(ValidationError) as refused:
        plan(hub, early_help)
    assert messages_of(refused.value)["change_reason"] == ["Enter why the plan is changing"]
    second = plan(hub, early_help, outcomes=["Ruby goes to school"], change_reason="Reviewed")
    assert second.number == 2
    assert EarlyHelpPlan.objects.filter(episode=second.episode).count() == 2
    types = set(Event.objects.filter(involvement=early_help).values_list("type", flat=True))
    assert {"early_help.plan_recorded", "early_help.plan_revised"} <= types


def test_an_action_needs_what_who_and_when(hub, family, early_help):
    set_up(hub, family, early_help)
    with pytest.raises(ValidationError) as refused:
        plan(hub, early_help, actions=[ActionLine("Walk to school", "", None)])
    errors = messages_of(refused.value)
    assert errors["action_1_who"] == ["Enter who will do action 1"]
    assert errors["action_1_due_on"] == ["Enter when action 1 is due"]
    assert not EarlyHelpPlan.objects.exists()


def test_no_plan_before_the_episode_has_a_lead(hub, early_help):
    with pytest.raises(ValidationError, match="Set up the early help episode"):
        plan(hub, early_help)


def test_a_review_moves_the_next_review_three_months_on(hub, family, early_help):
    episode = set_up(hub, family, early_help)
    held = TODAY() - dt.timedelta(days=1)
    review = services.record_review(
        actor=hub["family_worker"],
        involvement_id=early_help.pk,
        held_on=held,
        progress="Attendance up to 92%.",
    )
    episode.refresh_from_db()
    assert review.was_due_on == add_months(episode.started_on, 3)
    assert episode.review_due_on == review.next_review_due_on == add_months(held, 3)
    assert episode.reviews_held == 1


def test_a_review_before_the_start_is_refused(hub, family, early_help):
    episode = set_up(hub, family, early_help)
    with pytest.raises(ValidationError) as refused:
        services.record_review(
            actor=hub["family_worker"],
            involvement_id=early_help.pk,
            held_on=episode.started_on - dt.timedelta(days=1),
            progress="Early days.",
        )
    assert "on or after early help started" in messages_of(refused.value)["held_on"][0]
    assert not EarlyHelpReview.objects.exists()


# ---- the end -----------------------------------------------------------------------------


def test_ending_closes_the_involvement_with_the_reason(hub, family, early_help):
    set_up(hub, family, early_help)
    episode = services.end_episode(
        actor=hub["family_worker"],
        involvement_id=early_help.pk,
        ended_on=TODAY(),
        reason=EndReason.OUTCOMES_MET,
    )
    early_help.refresh_from_db()
    assert episode.end_reason == EndReason.OUTCOMES_MET
    assert early_help.ended_on == TODAY()
    assert early_help.end_reason == "Outcomes met"
    assert Event.objects.filter(type="early_help.ended", involvement=early_help).exists()


def test_an_involvement_ended_before_set_up_keeps_its_reason(hub, early_help):
    episode = services.end_episode(
        actor=hub["manager"],
        involvement_id=early_help.pk,
        ended_on=TODAY(),
        reason=EndReason.DECLINED,
    )
    assert episode.involvement == early_help
    assert episode.end_reason == EndReason.DECLINED


@pytest.mark.parametrize(
    ("reason", "detail", "field", "message"),
    [
        ("", "", "reason", "Choose why early help is ending"),
        (EndReason.OTHER, "", "detail", "Enter why early help is ending"),
        (
            EndReason.STEPPED_UP,
            "",
            "reason",
            "To step up to children's social care, use 'Step up' instead",
        ),
    ],
)
def test_end_without_a_reason_is_refused(hub, family, early_help, reason, detail, field, message):
    set_up(hub, family, early_help)
    with pytest.raises(ValidationError) as refused:
        services.end_episode(
            actor=hub["family_worker"],
            involvement_id=early_help.pk,
            ended_on=TODAY(),
            reason=reason,
            detail=detail,
        )
    assert messages_of(refused.value)[field] == [message]
    early_help.refresh_from_db()
    assert early_help.is_open


# ---- stepping up and down ----------------------------------------------------------------


def test_step_up_refers_the_child_and_keeps_the_step(hub, family, early_help, org):
    set_up(hub, family, early_help)
    referral = services.step_up(
        actor=hub["family_worker"],
        involvement_id=early_help.pk,
        primary_need="N4",
        route="referral",
        reason="School reports new bruising; mum not engaging.",
    )
    assert referral.source == "5D"
    assert referral.team == org["north_assessment"]
    cin = referral.involvement
    assert cin.stage == "child_in_need" and cin.stepped_from == early_help
    early_help.refresh_from_db()
    assert not early_help.is_open
    episode = EarlyHelpEpisode.objects.get(involvement=early_help)
    assert episode.end_reason == EndReason.STEPPED_UP
    assert Event.objects.filter(
        type="involvement.transition", detail__transition="early_help.step_up"
    ).exists()


def test_step_up_without_a_primary_need_is_refused(hub, family, early_help):
    set_up(hub, family, early_help)
    with pytest.raises(ValidationError) as refused:
        services.step_up(
            actor=hub["family_worker"],
            involvement_id=early_help.pk,
            primary_need="",
            route="referral",
            reason="Escalating concerns.",
        )
    assert messages_of(refused.value)["primary_need"] == ["Choose the child's primary need"]
    assert not Referral.objects.exists()
    early_help.refresh_from_db()
    assert early_help.is_open


def test_a_worker_not_leading_nor_allocated_may_not_step_up(hub, family, early_help, personas):
    set_up(hub, family, early_help)
    with pytest.raises(PermissionDenied):
        services.step_up(
            actor=personas["contact_officer"],
            involvement_id=early_help.pk,
            primary_need="N4",
            route="referral",
            reason="Escalating concerns.",
        )


@pytest.fixture
def child_in_need(family, personas, org):
    return open_involvement(
        actor=personas["team_manager"],
        person=family["child"],
        stage="child_in_need",
        started_on=TODAY() - dt.timedelta(days=60),
        team=org["north_assessment"],
    )


def test_step_down_closes_the_cin_episode_with_its_code(child_in_need, personas, hub):
    episode = services.step_down(
        actor=personas["team_manager"],
        involvement_id=child_in_need.pk,
        closure_reason="RC9",
        reason="Assessment complete: needs can be met by early help.",
    )
    child_in_need.refresh_from_db()
    assert child_in_need.ended_on == TODAY()
    assert child_in_need.end_reason.startswith("RC9 ")
    assert episode.involvement.stepped_from == child_in_need
    assert episode.involvement.team == hub["team"]
    assert not episode.has_lead
    event = Event.objects.get(
        type="involvement.transition", detail__transition=("child_in_need.step_down")
    )
    assert event.detail["closure_reason"] == "RC9"


def test_step_down_records_the_census_closure_of_the_referred_episode(
    child_in_need, personas, hub, org
):
    """The CIN census needs the episode's closure: stepping down records it (date and code)
    on the referral that started the episode."""
    referral = Referral.objects.create(
        person=child_in_need.person,
        involvement=child_in_need,
        referral_date=child_in_need.started_on,
        source="2A",
        primary_need="N4",
        route="referral",
        team=org["north_assessment"],
    )
    services.step_down(
        actor=personas["team_manager"],
        involvement_id=child_in_need.pk,
        closure_reason="RC9",
        reason="Assessment complete: needs can be met by early help.",
    )
    closure = CINClosure.objects.get(referral=referral)
    assert (closure.closed_on, closure.reason) == (TODAY(), "RC9")


def test_step_down_is_refused_while_a_plan_is_open(child_in_need, personas, hub):
    """As closing the episode is: an open child in need plan is ended first."""
    create_plan(
        actor=personas["team_manager"],
        involvement=child_in_need,
        kind="cin",
        started_on=child_in_need.started_on,
    )
    with pytest.raises(ValidationError) as refused:
        services.step_down(
            actor=personas["team_manager"],
            involvement_id=child_in_need.pk,
            closure_reason="RC9",
            reason="Needs can be met by early help.",
        )
    assert "child in need plan" in " ".join(refused.value.messages)
    child_in_need.refresh_from_db()
    assert child_in_need.is_open
    assert not Involvement.objects.filter(stage="early_help").exists()


def test_step_down_without_a_reason_is_refused(child_in_need, personas):
    with pytest.raises(ValidationError) as refused:
        services.step_down(
            actor=personas["team_manager"],
            involvement_id=child_in_need.pk,
            closure_reason="RC7",
            reason=" ",
        )
    assert messages_of(refused.value)["reason"] == [
        "Enter why the child is stepping down to early help"
    ]
    with pytest.raises(ValidationError) as refused:
        services.step_down(
            actor=personas["team_manager"],
            involvement_id=child_in_need.pk,
            closure_reason="RC1",
            reason="Needs met",
        )
    assert "closure_reason" in messages_of(refused.value)
    child_in_need.refresh_from_db()
    assert child_in_need.is_open
    assert not Involvement.objects.filter(stage="early_help").exists()


def test_only_a_team_manager_steps_down(child_in_need, personas):
    with pytest.raises(PermissionDenied):
        services.step_down(
            actor=personas["allocated_worker"],
            involvement_id=child_in_need.pk,
            closure_reason="RC9",
            reason="Needs met",
        )


def test_stepped_down_episode_is_awaiting_a_lead_then_set_up(child_in_need, personas, hub, family):
    episode = services.step_down(
        actor=personas["team_manager"],
        involvement_id=child_in_need.pk,
        closure_reason="RC7",
        reason="No longer in need; family want support with routines.",
    )
    from kinfold.early_help.selectors import awaiting_lead

    assert list(awaiting_lead(worker=hub["manager"])) == [episode.involvement]
    set_up(hub, family, episode.involvement, started_on=TODAY())
    assert list(awaiting_lead(worker=hub["manager"])) == []
