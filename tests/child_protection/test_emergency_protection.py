"""Police protection (Children Act 1989 s46, at most 72 hours) and emergency protection orders
(s44, at most 8 days and one extension of up to 7), with the clock pinned on Monday 11 May 2026.

Maisie (born 14 May 2017) has had a child in need episode since 5 January 2026; the strategy
discussion of 13 January 2026 is on it. The last day police protection from 1 May may end is
4 May (72 hours); an order from 1 May, 16 May (8 days, then 7 more).
"""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.child_protection import selectors, services
from kinfold.child_protection.models import EmergencyProtection, StrategyDiscussion
from kinfold.journey.events import EVENT_TYPES
from kinfold.journey.models import Event, Involvement
from tests.factories import PersonFactory

from .conftest import EPISODE_START

pytestmark = pytest.mark.django_db

D = dt.date
GOOD = {
    "kind": "police",
    "started_on": D(2026, 5, 1),
    "ended_on": D(2026, 5, 3),
    "court": "",
    "circumstances": "Police found Maisie alone at home at 2am; taken to her aunt's.",
}


def _record(personas, child, *, actor="allocated_worker", **changes):
    return services.record_emergency_protection(personas[actor], child.pk, **{**GOOD, **changes})


def _nothing_written():
    assert not EmergencyProtection.objects.exists()
    assert not Event.objects.filter(type="emergency_protection.started").exists()


# ---- the service -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"kind": ""}, "kind", "Choose police protection or an emergency protection order"),
        (
            {"kind": "care_order"},
            "kind",
            "Choose police protection or an emergency protection order",
        ),
        ({"started_on": None}, "started_on", "Enter the date it started"),
        (
            {"started_on": D(2026, 5, 12), "ended_on": None},
            "started_on",
            "The date it started must be today or in the past",
        ),
        (
            {"started_on": D(2017, 5, 13), "ended_on": D(2017, 5, 14)},
            "started_on",
            "It cannot start before the child was born (14 May 2017)",
        ),
        (
            {"ended_on": D(2026, 4, 30)},
            "ended_on",
            "The end date cannot be before the start date (1 May 2026)",
        ),
        (
            {"ended_on": D(2026, 5, 5)},
            "ended_on",
            "Police protection lasts at most 72 hours: it must end by 4 May 2026",
        ),
        (
            {"kind": "epo", "court": "Fenchester Family Court", "ended_on": D(2026, 5, 17)},
            "ended_on",
            "An emergency protection order lasts at most 8 days, extended once by up to 7: "
            "it must end by 16 May 2026",
        ),
        (
            {"kind": "epo", "court": "  "},
            "court",
            "Enter the court that made the emergency protection order",
        ),
        ({"circumstances": "  "}, "circumstances", "Enter what happened and why"),
    ],
)
def test_each_bad_input_is_refused_with_its_message_and_nothing_written(
    personas, child, episode, changes, field, message
):
    with pytest.raises(ValidationError) as error:
        _record(personas, child, **changes)
    assert error.value.message_dict[field] == [message]
    _nothing_written()


def test_the_longest_allowed_is_accepted(personas, child, episode):
    police = _record(personas, child, ended_on=D(2026, 5, 4))
    order = _record(
        personas,
        child,
        kind="epo",
        court="Fenchester Family Court",
        started_on=D(2026, 4, 20),
        ended_on=D(2026, 5, 5),
    )
    assert (police.ended_on, order.ended_on) == (D(2026, 5, 4), D(2026, 5, 5))


def test_a_strategy_discussion_of_another_child_is_refused(personas, child, episode):
    other = PersonFactory(date_of_birth=D(2016, 2, 2))
    elsewhere = Involvement.objects.create(
        person=other, stage="child_in_need", started_on=EPISODE_START
    )
    theirs = StrategyDiscussion.objects.create(
        person=other,
        involvement=elsewhere,
        held_at=dt.datetime(2026, 4, 30, 10, 0, tzinfo=dt.UTC),
        type="discussion",
        information="Another child's discussion.",
        s47_decided=False,
        reasons="No cause.",
        recorded_by=personas["allocated_worker"],
    )
    with pytest.raises(ValidationError) as error:
        _record(personas, child, discussion_id=theirs.pk)
    assert error.value.message_dict["discussion"] == [
        "Choose one of this child's strategy discussions"
    ]
    _nothing_written()


def test_a_good_record_writes_the_row_and_its_event_on_the_open_episode(personas, child, episode):
    protection = _record(personas, child)
    assert (protection.person, protection.involvement, protection.discussion) == (
        child,
        episode,
        None,
    )
    assert (protection.kind, protection.started_on, protection.ended_on) == (
        "police",
        D(2026, 5, 1),
        D(2026, 5, 3),
    )
    assert protection.recorded_by == personas["allocated_worker"]
    event = Event.objects.get(type="emergency_protection.started")
    assert (event.person_id, event.involvement_id, event.subject_id) == (
        child.pk,
        episode.pk,
        protection.pk,
    )
    assert timezone.localdate(event.occurred_at) == D(2026, 5, 1) and event.date_only
    assert event.significant and EVENT_TYPES["emergency_protection.started"].significant
    assert event.summary == "Police protection (section 46), from 1 May 2026 to 3 May 2026"
    assert event.detail["kind"] == "police" and event.detail["ended_on"] == "2026-05-03"


def test_an_order_names_its_court_and_the_discussion_it_followed(
    personas, child, episode, discussion
):
    order = _record(
        personas,
        child,
        kind="epo",
        started_on=D(2026, 1, 14),
        ended_on=None,
        court="  Fenchester Family Court ",
        discussion_id=discussion.pk,
    )
    assert order.court == "Fenchester Family Court"
    assert order.discussion == discussion and order.ended_on is None
    event = Event.objects.get(type="emergency_protection.started", subject_id=order.pk)
    assert event.summary == (
        "Emergency protection order (section 44), made by Fenchester Family Court, "
        "from 14 January 2026"
    )
    assert event.detail["discussion"] == discussion.pk


def test_police_protection_keeps_no_court(personas, child, episode):
    protection = _record(personas, child, court="Fenchester Family Court")
    assert protection.court == ""


def test_police_protection_before_the_episode_links_the_episode_it_led_to(personas, child, episode):
    """Police protection on 2 January 2026 led to the referral that opened the episode on
    5 January; an earlier episode, closed in 2025, is not linked."""
    Involvement.objects.create(
        person=child,
        stage="child_in_need",
        started_on=D(2025, 3, 3),
        ended_on=D(2025, 9, 1),
        end_reason="Closed",
    )
    protection = _record(personas, child, started_on=D(2026, 1, 2), ended_on=D(2026, 1, 4))
    assert protection.involvement == episode
    before = _record(personas, child, started_on=D(2025, 4, 2), ended_on=D(2025, 4, 3))
    assert before.involvement.started_on == D(2025, 3, 3)


def test_with_no_episode_the_record_has_no_involvement(personas, child):
    protection = _record(personas, child)
    assert protection.involvement is None
    assert Event.objects.get(type="emergency_protection.started").involvement_id is None


@pytest.mark.parametrize("actor", ["performance_officer", "other_team_worker"])
def test_no_write_access_is_refused(personas, child, episode, actor):
    with pytest.raises(PermissionDenied):
        _record(personas, child, actor=actor)
    _nothing_written()


# ---- the selector ----------------------------------------------------------------------------


def test_protected_in_finds_those_overlapping_the_window(personas, child, episode):
    """Window 1-31 March 2026. Police protection 26-28 February (out), 28 February-1 March
    (in); an order with no end from 20 February lasts at most to 7 March (in); police
    protection with no end from 25 February lasts at most to 28 February (out)."""
    kids = [PersonFactory(date_of_birth=D(2015, 6, 1)) for _ in range(4)]
    cases = [
        ("police", D(2026, 2, 26), D(2026, 2, 28)),
        ("police", D(2026, 2, 28), D(2026, 3, 1)),
        ("epo", D(2026, 2, 20), None),
        ("police", D(2026, 2, 25), None),
    ]
    for kid, (kind, start, end) in zip(kids, cases, strict=True):
        EmergencyProtection.objects.create(
            person=kid,
            kind=kind,
            started_on=start,
            ended_on=end,
            court="Huntsford Family Court" if kind == "epo" else "",
            circumstances="x",
            recorded_by=personas["allocated_worker"],
        )
    found = selectors.protected_in([k.pk for k in kids], D(2026, 3, 1), D(2026, 3, 31))
    assert found == {kids[1].pk, kids[2].pk}
    assert selectors.protected_in([], D(2026, 3, 1), D(2026, 3, 31)) == set()


# ---- the page --------------------------------------------------------------------------------


def _date(prefix, day):
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def test_the_overview_links_to_the_form_which_renders_and_is_audited(
    client_for, personas, child, episode
):
    client = client_for(personas["allocated_worker"])
    url = reverse("child_protection:emergency-protection-new", args=[child.pk])
    overview = client.get(reverse("child_protection:overview", args=[child.pk]))
    assert url in overview.content.decode()
    assert "No police protection or emergency protection order is recorded" in (
        overview.content.decode()
    )
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Record police protection or an emergency protection order" in html
    assert 'type="radio"' in html and 'value="epo"' in html and "started_on_0" in html
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW,
        object_type="people.person",
        object_id=str(child.pk),
        detail__path=url,
    ).exists()


def test_an_order_without_its_court_is_shown_in_the_summary_and_beside_the_field(
    client_for, personas, child, episode
):
    client = client_for(personas["allocated_worker"])
    url = reverse("child_protection:emergency-protection-new", args=[child.pk])
    data = {
        "kind": "epo",
        **_date("started_on", D(2026, 5, 1)),
        "circumstances": "Mother refused to let the baby be examined.",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    message = "Enter the court that made the emergency protection order"
    assert "govuk-error-summary" in html
    summary = re.search(r'class="govuk-error-summary".*?</ul>', html, re.S).group(0)
    assert message in summary
    # Beside the field: its error message (with the hidden "Error:" prefix) names the court.
    beside = html.index('id="id_court_1_error" class="govuk-error-message"')
    assert message in html[beside : html.index('id="id_court"', beside)]
    _nothing_written()


def test_a_form_left_empty_names_each_required_field(client_for, personas, child, episode):
    client = client_for(personas["allocated_worker"])
    url = reverse("child_protection:emergency-protection-new", args=[child.pk])
    form = client.post(url, {}).context["form"]
    assert form.errors["kind"] == ["Choose police protection or an emergency protection order"]
    assert form.errors["started_on"] == ["Enter the date it started"]
    assert form.errors["circumstances"] == ["Enter what happened and why"]
    _nothing_written()


def test_a_good_order_redirects_to_the_overview_which_lists_it(
    client_for, personas, child, episode, discussion
):
    client = client_for(personas["allocated_worker"])
    url = reverse("child_protection:emergency-protection-new", args=[child.pk])
    data = {
        "kind": "epo",
        **_date("started_on", D(2026, 1, 14)),
        **_date("ended_on", D(2026, 1, 22)),
        "court": "Fenchester Family Court",
        "circumstances": "Mother refused to let the baby be examined.",
        "discussion": discussion.pk,
    }
    response = client.post(url, data)
    overview = reverse("child_protection:overview", args=[child.pk])
    assert response.status_code == 302 and response.url == overview
    order = EmergencyProtection.objects.get()
    assert (order.kind, order.discussion, order.involvement) == ("epo", discussion, episode)
    html = client.get(overview).content.decode()
    row = re.search(rf'id="protection-{order.pk}">(.*?)</tr>', html, re.S).group(1)
    for shown in (
        "Emergency protection order (section 44)",
        "14 Jan 2026",
        "22 Jan 2026",
        "Fenchester Family Court",
    ):
        assert shown in row


def test_a_performance_officer_sees_no_link_and_cannot_record(client_for, personas, child, episode):
    client = client_for(personas["performance_officer"])
    url = reverse("child_protection:emergency-protection-new", args=[child.pk])
    overview = client.get(reverse("child_protection:overview", args=[child.pk]))
    assert overview.status_code == 200 and url not in overview.content.decode()
    assert client.get(url).status_code == 403
    data = {"kind": "police", **_date("started_on", D(2026, 5, 1)), "circumstances": "x"}
    assert client.post(url, data).status_code == 403
    _nothing_written()
