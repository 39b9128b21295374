"""Worklists: my work, my team's work and caseloads, from agreed actions and every stage that
registers its due dates (here the stand-in stage, tests.timescales_testapp)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, reset_queries
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinfold.journey.models import Involvement
from kinfold.journey.oversight import Action
from kinfold.journey.oversight_services import complete_action
from kinfold.people.models import Person
from kinfold.timescales import worklists
from kinfold.timescales.calendar import add_working_days
from kinfold.timescales.registry import register, registrations, unregister
from kinfold.timescales.worklists import Clock, WorkSource
from kinfold.workforce.models import AllocationRole, Role
from tests.factories import AllocationFactory, PersonFactory, WorkerFactory
from tests.timescales_testapp.models import TimedItem

from .conftest import at

pytestmark = pytest.mark.django_db
D = dt.date
MONDAY = at(2026, 3, 2, 10, 0)  # week ends Sunday 8 March 2026
AFTER_EASTER = at(2026, 4, 7, 10, 0)  # Tuesday; Good Friday 3 April, Easter Monday 6 April


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return MONDAY.date()


def action(owner, due, *, person=None, set_by=None, what="Visit the school"):
    return Action.objects.create(
        description=what,
        owner=owner,
        due_date=due,
        person=person,
        set_on=due - dt.timedelta(days=30),
        set_by=set_by or owner,
    )


def assessment(owner, referral, *, person=None, done=False):
    """A single assessment of the stand-in stage, due 45 working days after the referral."""
    return TimedItem.objects.create(
        rule_code="assessment.single",
        trigger_date=referral,
        due_date=add_working_days(referral, 45),
        owner=owner,
        person=person,
        completed_at=at(2026, 2, 27, 12, 0) if done else None,
    )


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# ---- my work -------------------------------------------------------------------------------


def test_my_work_lists_actions_and_stage_items_soonest_first_with_the_rule(
    monday, personas, child, client_for
):
    me = personas["allocated_worker"]
    visit = action(me, D(2026, 3, 10), person=child, set_by=personas["team_manager"])
    # Referral Tuesday 16 December 2025: the assessment was due Friday 20 February 2026.
    late = assessment(me, D(2025, 12, 16), person=child)
    assert late.due_date == D(2026, 2, 20)
    mash = TimedItem.objects.create(
        rule_code="mash.rag.amber", due_at=at(2026, 3, 2, 15, 0), owner=me, person=child
    )

    response = client_for(me).get(reverse("timescales:my-work"))
    html = page(response)
    items = [item for item, _child, _url in response.context["rows"]]
    assert [(i.kind, i.pk) for i in items] == [
        ("assessment.single", late.pk),
        ("mash.rag.amber", mash.pk),
        ("action", visit.pk),
    ]
    first, second, third = items
    # Working days after Friday 20 February up to today: 23-27 February and 2 March.
    assert first.overdue and first.working_days_overdue == 6
    assert "Overdue by 6 working days" in html
    assert not second.overdue and second.due_this_week
    assert not third.overdue and not third.due_this_week
    assert first.rule.label == "Single assessment completed"
    assert first.rule.timescale == "45 working days"
    assert "Working Together to Safeguard Children 2023" in first.rule.cited
    assert "Agreed action" in html and f"Set by {personas['team_manager']}" in html
    assert "MASH information gathering (amber)" in html  # the title the stage registered
    assert html.count(child.full_name) == 3
    assert reverse("journey:my-actions") in html


def test_overdue_is_counted_in_working_days_across_the_easter_bank_holidays(
    time_machine, personas, client_for
):
    time_machine.move_to(AFTER_EASTER, tick=False)
    me = personas["allocated_worker"]
    wednesday = action(me, D(2026, 4, 1), what="Send the plan")
    thursday = action(me, D(2026, 4, 2), what="Ring the GP")
    this_morning = TimedItem.objects.create(
        rule_code="mash.rag.amber", due_at=at(2026, 4, 7, 9, 30), owner=me
    )
    response = client_for(me).get(reverse("timescales:my-work"))
    late = {(item.kind, item.pk): item for item, _c, _u in response.context["rows"]}
    # After Wednesday 1 April: Thursday 2 (worked), Good Friday, the weekend, Easter Monday,
    # Tuesday 7 (worked): 2 working days late, though 6 calendar days.
    assert late["action", wednesday.pk].working_days_overdue == 2
    assert add_working_days(D(2026, 4, 1), 2) == D(2026, 4, 7)
    assert late["action", thursday.pk].working_days_overdue == 1
    # Due at 09:30 today: overdue, but not yet by a working day.
    mash = late["mash.rag.amber", this_morning.pk]
    assert mash.overdue and mash.working_days_overdue == 0
    html = page(response)
    assert "Overdue by 2 working days" in html and "Overdue by 1 working day<" in html


def test_completed_items_vanish_from_my_work(monday, personas, child, client_for):
    me = personas["allocated_worker"]
    visit = action(me, D(2026, 3, 4), person=child)
    open_assessment = assessment(me, D(2026, 1, 12), person=child)
    assessment(me, D(2026, 1, 5), person=child, done=True)
    complete_action(actor=me, action_id=visit.pk, note="Done")

    items = worklists.worklist(owner=me)
    assert [(i.kind, i.pk) for i in items] == [("assessment.single", open_assessment.pk)]
    response = client_for(me).get(reverse("timescales:my-work"))
    assert "Visit the school" not in page(response)


def test_other_workers_items_are_not_on_my_work(monday, personas, child, client_for):
    me, manager = personas["allocated_worker"], personas["team_manager"]
    mine = action(me, D(2026, 3, 5), what="My own action")
    action(manager, D(2026, 3, 3), what="The manager's action")
    assessment(personas["other_team_worker"], D(2026, 1, 5))
    TimedItem.objects.create(rule_code="assessment.single", due_date=D(2026, 3, 3))  # no owner

    assert [i.pk for i in worklists.worklist(owner=me)] == [mine.pk]
    html = page(client_for(me).get(reverse("timescales:my-work")))
    assert "My own action" in html and "The manager's action" not in html


def test_my_work_filters_by_type_of_work(monday, personas, client_for):
    me = personas["allocated_worker"]
    action(me, D(2026, 3, 5), what="Agreed thing")
    item = assessment(me, D(2026, 1, 5))
    response = client_for(me).get(reverse("timescales:my-work"), {"type": "assessment.single"})
    assert [i.pk for i, _c, _u in response.context["rows"]] == [item.pk]
    assert "Agreed thing" not in page(response)
    everything = client_for(me).get(reverse("timescales:my-work"), {"type": "nonsense"})
    assert len(everything.context["rows"]) == 2


def test_a_restricted_child_is_not_named_to_a_worker_not_named_on_the_record(
    monday, personas, child, client_for
):
    Person.objects.filter(pk=child.pk).update(
        restricted=True,
        restriction_reason="High profile",
        restriction_manager=personas["team_manager"],
    )
    me = personas["allocated_worker"]
    action(me, D(2026, 3, 4), person=child, what="Visit at home")
    html = page(client_for(me).get(reverse("timescales:my-work")))
    assert f"Restricted record {child.la_child_id}" in html
    assert "Maisie" not in html and "Okafor" not in html
    # The restriction manager, who manages the team, sees the child named on the drill-down.
    url = reverse("timescales:team-worker", args=[me.pk])
    assert child.full_name in page(client_for(personas["team_manager"]).get(url))


# ---- the sources ---------------------------------------------------------------------------


def test_each_source_is_one_query_for_its_items_and_one_for_its_counts(monday, personas, child):
    me = personas["allocated_worker"]
    for day in (3, 4, 5):
        action(me, D(2026, 3, day), person=child)
        assessment(me, D(2026, 1, day), person=child)
    clock, rules = Clock.current(), worklists.rules_in_force()
    for source in worklists.sources():
        with CaptureQueriesContext(connection) as items_queries:
            source.items([me.pk], clock, rules)
        with CaptureQueriesContext(connection) as count_queries:
            source.counts([me.pk], clock)
        assert (len(items_queries), len(count_queries)) == (1, 1), source.key


def test_registered_stages_with_an_owner_are_sources_and_the_others_are_not():
    keys = {s.key for s in worklists.sources()}
    assert "journey.action" in keys
    by_rule = {s.rule_code for s in worklists.sources() if s.rule_code and s.model is TimedItem}
    # The test stage registers an owner for assessments and MASH, not for review conferences.
    assert by_rule == {"assessment.single", "mash.rag.amber"}
    test_stage = [r for r in registrations("cp.review_conference") if r.model is TimedItem]
    assert [r.owner_field for r in test_stage] == [None]


def test_a_registration_names_its_owner_and_child_by_foreign_keys():
    with pytest.raises(TypeError, match="foreign key"):
        register(
            TimedItem,
            rule_code="cin.visit",
            trigger_field="trigger_date",
            due_field="due_date",
            open_q=Q(completed_at__isnull=True),
            owner_field="rule_code",
        )
    with pytest.raises(TypeError, match="must end at"):
        register(
            TimedItem,
            rule_code="cin.visit",
            trigger_field="trigger_date",
            due_field="due_date",
            open_q=Q(completed_at__isnull=True),
            owner_field="person",
        )
    assert [r for r in registrations("cin.visit") if r.model is TimedItem] == []


def test_a_stage_registered_later_appears_on_my_work_with_its_own_title_and_link(
    monday, personas, child
):
    me = personas["allocated_worker"]
    entry = register(
        TimedItem,
        rule_code="cin.visit",
        trigger_field="trigger_date",
        due_field="due_date",
        open_q=Q(completed_at__isnull=True, rule_code="cin.visit"),
        owner_field="owner",
        person_field="person",
        title=lambda item: f"Visit {item.pk}",
        url=lambda item: f"/visits/{item.pk}/",
    )
    try:
        visit = TimedItem.objects.create(
            rule_code="cin.visit", due_date=D(2026, 3, 6), owner=me, person=child
        )
        (item,) = worklists.worklist(owner=me, kind="cin.visit")
        assert (item.title, item.url, item.person_id) == (
            f"Visit {visit.pk}",
            f"/visits/{visit.pk}/",
            child.pk,
        )
        assert item.rule.code == "cin.visit" and item.rule.label
    finally:
        unregister(entry)


def test_a_source_registered_by_another_app_is_read_like_the_others(monday, personas):
    me = personas["allocated_worker"]
    source = worklists.register_source(
        WorkSource(
            key="test.late_items",
            kind="test.late",
            kind_label="Late thing",
            model=TimedItem,
            owner_field="owner",
            due_field="due_date",
            open_q=Q(completed_at__isnull=True, rule_code="test.late"),
        )
    )
    try:
        TimedItem.objects.create(rule_code="test.late", due_date=D(2026, 2, 27), owner=me)
        (item,) = worklists.worklist(owner=me, kind="test.late")
        assert item.kind_label == "Late thing" and item.overdue
        assert ("test.late", "Late thing") in worklists.kinds()
    finally:
        worklists.unregister_source(source)


# ---- my team -------------------------------------------------------------------------------


def _team(org, n_workers: int, per_worker: int, *, start: int = 0):
    """A team in the north district with a manager and workers, each with actions and
    assessments spread before and after today; returns (manager, workers, due dates)."""
    from tests.factories import OrgUnitFactory

    unit = OrgUnitFactory(name=f"Team of {n_workers} ({start})", parent=org["north"])
    manager = WorkerFactory(role=Role.TEAM_MANAGER, team=unit)
    workers = [WorkerFactory(team=unit) for _ in range(n_workers)]
    dues: dict[int, list[tuple[str, dt.date]]] = {w.pk: [] for w in [manager, *workers]}
    for i, worker in enumerate(workers):
        kid = PersonFactory()
        AllocationFactory(person=kid, worker=worker, team=unit)
        for j in range(per_worker):
            due = D(2026, 3, 2) + dt.timedelta(days=(i * 3 + j * 5) % 19 - 9)
            action(worker, due, person=kid, set_by=manager)
            dues[worker.pk].append(("action", due))
            referral = D(2025, 12, 1) + dt.timedelta(days=(i + 2 * j) % 40)
            item = assessment(worker, referral, person=kid)
            dues[worker.pk].append(("assessment.single", item.due_date))
        assessment(worker, D(2025, 12, 1), person=kid, done=True)  # done: never counted
    return unit, manager, workers, dues


def _expected(dues, today, week_end):
    """(open, due this week, overdue) by worker and by (worker, type), from the fixture."""
    cells: dict[tuple[int, str], list[int]] = {}
    for worker_id, items in dues.items():
        for kind, due in items:
            cell = cells.setdefault((worker_id, kind), [0, 0, 0])
            cell[0] += 1
            cell[1] += today <= due <= week_end
            cell[2] += due < today
    return cells


def test_team_counts_by_worker_and_type(monday, org, client_for):
    unit, manager, workers, dues = _team(org, 3, 4)
    expected = _expected(dues, D(2026, 3, 2), D(2026, 3, 8))

    response = client_for(manager).get(reverse("timescales:team"))
    work = response.context["work"]
    assert work.unit == unit
    got = {key: [c.open, c.due_this_week, c.overdue] for key, c in work.cells.items()}
    assert got == expected
    for worker in workers:
        mine = [v for (w, _k), v in expected.items() if w == worker.pk]
        totals = work.by_worker[worker.pk]
        assert [totals.open, totals.due_this_week, totals.overdue] == [
            sum(v[i] for v in mine) for i in range(3)
        ]
    overdue_actions = sum(v[2] for (_w, k), v in expected.items() if k == "action")
    assert work.by_kind["action"].overdue == overdue_actions
    assert work.total.open == sum(len(v) for v in dues.values())
    html = page(response)
    assert "govuk-tag--red" in html
    for worker in workers:
        assert reverse("timescales:team-worker", args=[worker.pk]) in html


def test_drill_down_from_the_team_to_a_worker_and_their_child(monday, org, client_for):
    unit, manager, workers, _dues = _team(org, 2, 2)
    worker = workers[0]
    kid = Person.objects.get(allocations__worker=worker)
    team_page = page(client_for(manager).get(reverse("timescales:team"), {"unit": unit.pk}))
    drill = reverse("timescales:team-worker", args=[worker.pk])
    assert drill in team_page
    response = client_for(manager).get(drill, {"unit": unit.pk})
    html = page(response)
    rows = response.context["rows"]
    assert {item.owner_id for item, _c, _u in rows} == {worker.pk}
    assert len(rows) == 4
    assert reverse("people:detail", args=[kid.pk]) in html and kid.full_name in html
    # An agreed action is marked as done on its owner's own list: not linked for the manager.
    assert all(url == "" for item, _c, url in rows if item.kind == "action")


def test_the_team_page_does_not_query_more_for_more_workers_or_items(
    monday, org, client_for, django_assert_max_num_queries
):
    _small, small_manager, _w, _d = _team(org, 2, 1, start=1)
    _large, large_manager, _w2, _d2 = _team(org, 12, 6, start=2)
    client = client_for(small_manager)
    client.get(reverse("timescales:team"))  # sessions and caches warm
    reset_queries()  # the log keeps the last 9,000 queries only: start counting afresh
    with CaptureQueriesContext(connection) as small:
        page(client.get(reverse("timescales:team")))
    n_small = len(small)
    client = client_for(large_manager)
    client.get(reverse("timescales:team"))
    reset_queries()
    assert n_small > 5
    with django_assert_max_num_queries(n_small):
        page(client.get(reverse("timescales:team")))


def test_the_worker_list_does_not_query_more_for_more_items_or_children(
    monday, personas, client_for, django_assert_max_num_queries
):
    me = personas["allocated_worker"]
    client = client_for(me)
    kid = PersonFactory()
    AllocationFactory(person=kid, worker=me, team=me.current_team())
    action(me, D(2026, 3, 3), person=kid)
    client.get(reverse("timescales:my-work"))
    reset_queries()
    with CaptureQueriesContext(connection) as few:
        page(client.get(reverse("timescales:my-work")))
    n_few = len(few)
    for i in range(15):
        kid = PersonFactory()
        AllocationFactory(person=kid, worker=me, team=me.current_team())
        action(me, D(2026, 3, 3) + dt.timedelta(days=i), person=kid)
        assessment(me, D(2026, 1, 1) + dt.timedelta(days=i), person=kid)
    reset_queries()
    assert n_few > 5
    with django_assert_max_num_queries(n_few):
        html = page(client.get(reverse("timescales:my-work")))
    assert html.count("govuk-table__row") == 1 + 31


# ---- caseloads -----------------------------------------------------------------------------


def _open(person, stage):
    return Involvement.objects.create(person=person, stage=stage, started_on=D(2025, 6, 1))


def test_caseload_weighs_each_child_by_the_heaviest_open_stage(
    monday, org, personas, child, client_for
):
    unit = org["north_childrens"]
    worker = WorkerFactory(team=unit, fte=Decimal("0.5"))
    kids = [PersonFactory() for _ in range(7)]
    for kid in kids:
        AllocationFactory(person=kid, worker=worker, team=unit)
    _open(kids[0], "child_protection")
    _open(kids[0], "child_in_need")  # CP and CIN: counts as CP, 1.5
    _open(kids[1], "child_in_care")  # 1.2
    _open(kids[2], "early_help")  # not weighted: 1.0
    Involvement.objects.create(
        person=kids[3], stage="child_protection", started_on=D(2024, 1, 1), ended_on=D(2025, 1, 1)
    )  # a closed CP plan: 1.0
    Person.objects.filter(pk=kids[4].pk).update(merged_into=kids[3])  # merged: not counted
    kids[5].allocations.update(end_date=D(2026, 2, 1))  # allocation ended: not counted
    # Held by the manager only as oversight: not in anyone's caseload.
    AllocationFactory(
        person=kids[6], worker=personas["team_manager"], team=unit, role=AllocationRole.TEAM_MANAGER
    )
    kids[6].allocations.filter(worker=worker).update(end_date=D(2026, 2, 1))

    response = client_for(personas["team_manager"]).get(reverse("timescales:caseload"))
    caseload = response.context["caseload"]
    row = next(r for r in caseload.rows if r.worker == worker)
    assert row.children == 4  # kids 0-3
    assert row.weighted == Decimal("1.5") + Decimal("1.2") + 1 + 1
    assert row.weighted_per_fte == Decimal("9.4")
    assert row.by_stage == {"child_protection": 1, "child_in_care": 1}
    # The allocated worker holds the fixture's child (no open stage: 1.0).
    allocated = next(r for r in caseload.rows if r.worker == personas["allocated_worker"])
    assert (allocated.children, allocated.weighted) == (1, 1)
    manager_row = next(r for r in caseload.rows if r.worker == personas["team_manager"])
    assert manager_row.children == 0
    assert caseload.children == 5
    html = page(response)
    assert "9.4" in html and "Child protection 1.5" in html


def test_caseload_weights_come_from_settings(monday, org, settings):
    unit = org["north_childrens"]
    worker = WorkerFactory(team=unit)
    cp, eh = PersonFactory(), PersonFactory()
    for kid in (cp, eh):
        AllocationFactory(person=kid, worker=worker, team=unit)
    _open(cp, "child_protection")
    _open(eh, "early_help")
    settings.KINFOLD_CASELOAD_WEIGHTS = {"child_protection": 2, "early_help": "0.5"}
    row = next(r for r in worklists.team_caseload(unit=unit).rows if r.worker == worker)
    assert row.weighted == Decimal("2.5")
    settings.KINFOLD_CASELOAD_WEIGHTS = {"child_protection": -1}
    with pytest.raises(ImproperlyConfigured):
        worklists.team_caseload(unit=unit)


# ---- access --------------------------------------------------------------------------------


def test_my_work_is_every_signed_in_workers(personas, client_for):
    for worker in personas.values():
        assert client_for(worker).get(reverse("timescales:my-work")).status_code == 200


@pytest.mark.parametrize("name", ["timescales:team", "timescales:caseload"])
def test_team_pages_are_for_the_teams_managers_and_administrators(name, org, personas, client_for):
    url = reverse(name)
    north, south = org["north_childrens"], org["south_childrens"]
    manager = personas["team_manager"]
    consultant = WorkerFactory(role=Role.CONSULTANT_SOCIAL_WORKER, team=north)
    assert client_for(manager).get(url).context["unit"] == north
    assert client_for(consultant).get(url, {"unit": north.pk}).status_code == 200
    assert client_for(personas["admin"]).get(url, {"unit": south.pk}).context["unit"] == south
    refused = client_for(manager).get(url, {"unit": south.pk})
    assert refused.status_code == 403
    assert "error.html" in [t.name for t in refused.templates]
    for persona in ("allocated_worker", "other_team_worker", "iro", "performance_officer"):
        assert client_for(personas[persona]).get(url).status_code == 403, persona
    assert client_for(manager).get(url, {"unit": "x"}).status_code == 404


def test_a_workers_list_is_for_the_managers_of_their_team_and_administrators(personas, client_for):
    url = reverse("timescales:team-worker", args=[personas["allocated_worker"].pk])
    assert client_for(personas["team_manager"]).get(url).status_code == 200
    assert client_for(personas["admin"]).get(url).status_code == 200
    for persona in ("allocated_worker", "other_team_worker", "iro", "contact_officer"):
        assert client_for(personas[persona]).get(url).status_code == 403, persona
    other = reverse("timescales:team-worker", args=[personas["other_team_worker"].pk])
    assert client_for(personas["team_manager"]).get(other).status_code == 403
