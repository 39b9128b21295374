"""The single assessment's services: the 45 working day timescale (counted by hand), the parts
with when each was recorded, completing, authorising, and every refusal (nothing saved)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kinfold.assessments import selectors, services
from kinfold.assessments.models import Assessment
from kinfold.journey.models import Event
from kinfold.journey.notes import CaseNote
from kinfold.timescales.registry import registrations

from .conftest import REFERRAL_DATE, at

pytestmark = pytest.mark.django_db

# Referral Tue 16 Dec 2025 is day 0. Working days skip 25 and 26 December and 1 January: 17,
# 18, 19, 22, 23, 24, 29, 30, 31 December, then 2 January (10), 9 January (15), 16 (20), 23
# (25), 30 (30), 6 February (35), 13 (40), 20 February (45).
DUE = dt.date(2026, 2, 20)


def start(referral, worker, on=dt.date(2025, 12, 17)):
    return services.start_assessment(
        actor=worker, involvement_id=referral.involvement_id, started_on=on
    )


def record_all(assessment, worker, *, seen=True, views=True, factors=True, outcome=True):
    if factors:
        services.record_part(
            actor=worker, assessment_id=assessment.pk, part="factors", data={"factors": ["3B"]}
        )
    if seen:
        services.record_part(
            actor=worker,
            assessment_id=assessment.pk,
            part="seen",
            data={"child_seen_on": dt.date(2025, 12, 17)},
        )
    if views:
        services.record_part(
            actor=worker,
            assessment_id=assessment.pk,
            part="views",
            data={"child_views": "Wants her mum to stop shouting."},
        )
    services.record_part(
        actor=worker,
        assessment_id=assessment.pk,
        part="analysis",
        data={"analysis": "Domestic abuse affects her sleep and school."},
    )
    if outcome:
        services.record_part(
            actor=worker,
            assessment_id=assessment.pk,
            part="outcome",
            data={"outcome": "cin_plan", "outcome_reason": "Needs support; not at risk."},
        )
    return Assessment.objects.get(pk=assessment.pk)


def refused(error: ValidationError, field: str) -> str:
    return " ".join(error.value.message_dict[field])


# ---- starting and the timescale -------------------------------------------------------------


def test_due_45_working_days_after_the_referral_skipping_christmas(referral, personas):
    assessment = start(referral, personas["allocated_worker"])
    assert assessment.clock_from == REFERRAL_DATE
    assert assessment.due_on == DUE
    assert assessment.team == referral.team
    assert assessment.social_worker == personas["allocated_worker"]
    event = Event.objects.get(type="assessment.started")
    assert event.occurred_on == dt.date(2025, 12, 17)
    assert event.detail["due_on"] == "2026-02-20"


def test_the_due_date_is_registered_for_my_work(referral):
    (registration,) = [r for r in registrations("assessment.single") if r.model is Assessment]
    assert registration.owner_field == "social_worker"
    assert registration.due_field == "due_on"


def test_working_days_elapsed_for_a_team(referral, personas, clock):
    assessment = start(referral, personas["allocated_worker"])
    clock.move_to(at(dt.date(2026, 1, 2)))
    (row,) = selectors.open_assessments_for_units([referral.team_id])
    # 17, 18, 19, 22, 23, 24, 29, 30, 31 December and 2 January.
    assert row.assessment_id == assessment.pk
    assert row.working_days_elapsed == 10
    assert not row.overdue
    assert selectors.open_assessments_for_units([personas["allocated_worker"].pk + 999]) == []
    clock.move_to(at(dt.date(2026, 2, 23)))
    (row,) = selectors.open_assessments_for_units([referral.team_id])
    assert row.working_days_elapsed == 46
    assert row.overdue


def test_refused_before_the_referral(referral, personas):
    with pytest.raises(ValidationError) as error:
        start(referral, personas["allocated_worker"], on=dt.date(2025, 12, 15))
    assert "before the referral" in refused(error, "started_on")
    assert not Assessment.objects.exists()
    assert not Event.objects.filter(type="assessment.started").exists()


def test_refused_while_another_is_open(referral, personas):
    start(referral, personas["allocated_worker"])
    with pytest.raises(ValidationError) as error:
        start(referral, personas["allocated_worker"])
    assert "still open" in refused(error, "started_on")
    assert Assessment.objects.count() == 1


def test_a_reassessment_after_the_first_is_completed(referral, personas, clock):
    worker = personas["allocated_worker"]
    first = record_all(start(referral, worker), worker)
    services.complete_assessment(
        actor=worker, assessment_id=first.pk, completed_on=dt.date(2025, 12, 17)
    )
    clock.move_to(at(dt.date(2026, 1, 5)))
    second = start(referral, worker, on=dt.date(2026, 1, 5))
    # Its own 45 working days from Mon 5 January: 4 that week, then 5 a week, no holiday:
    # Fri 6 March is day 44, Mon 9 March day 45.
    assert second.clock_from == dt.date(2026, 1, 5)
    assert second.due_on == dt.date(2026, 3, 9)


def test_a_read_only_role_cannot_start(referral, personas):
    with pytest.raises(PermissionDenied):
        start(referral, personas["performance_officer"])


# ---- parts ----------------------------------------------------------------------------------


def test_each_part_keeps_when_it_was_first_recorded(referral, personas, clock):
    worker = personas["allocated_worker"]
    assessment = start(referral, worker)
    clock.move_to(at(dt.date(2025, 12, 18), 11, 30))
    services.record_part(
        actor=worker, assessment_id=assessment.pk, part="factors", data={"factors": ["3B", "4B"]}
    )
    clock.move_to(at(dt.date(2026, 1, 7), 15, 0))
    services.record_part(
        actor=worker, assessment_id=assessment.pk, part="factors", data={"factors": ["3B"]}
    )
    services.record_part(
        actor=worker,
        assessment_id=assessment.pk,
        part="analysis",
        data={"analysis": "Worries about sleep."},
    )
    assessment.refresh_from_db()
    assert assessment.factors_recorded_at == at(dt.date(2025, 12, 18), 11, 30)
    assert assessment.analysis_recorded_at == at(dt.date(2026, 1, 7), 15, 0)
    assert list(assessment.factors.values_list("code", flat=True)) == ["3B"]
    records = {r.part: r for r in selectors.part_records(assessment)}
    # 18 December is working day 2; 7 January working day 13 (2, 5, 6, 7 January after 9).
    assert records["factors"].working_day == 2
    assert records["analysis"].working_day == 13
    assert records["seen"].recorded_at is None


@pytest.mark.parametrize(
    ("factors", "message"),
    [([], "Choose the factors"), (["21", "3B"], "cannot be chosen"), (["18A"], "not a census")],
)
def test_factors_refused(referral, personas, factors, message):
    assessment = start(referral, personas["allocated_worker"])
    with pytest.raises(ValidationError) as error:
        services.record_part(
            actor=personas["allocated_worker"],
            assessment_id=assessment.pk,
            part="factors",
            data={"factors": factors},
        )
    assert message in refused(error, "factors")
    assert not assessment.factors.exists()
    assert Assessment.objects.get(pk=assessment.pk).factors_recorded_at is None


def test_seen_from_a_visit_note(referral, personas, clock):
    worker = personas["allocated_worker"]
    assessment = start(referral, worker)
    note = CaseNote.objects.create(
        person=referral.person,
        type="home_visit",
        occurred_at=at(dt.date(2025, 12, 17), 9),
        title="Home visit",
        child_seen=True,
        seen_alone=True,
        author=worker,
    )
    services.record_part(
        actor=worker, assessment_id=assessment.pk, part="seen", data={"seen_note": note}
    )
    assessment.refresh_from_db()
    assert assessment.seen_note == note
    assert assessment.child_seen_on == dt.date(2025, 12, 17)
    assert assessment.seen_alone_on == dt.date(2025, 12, 17)


def test_seen_needs_a_date_or_a_reason(referral, personas):
    assessment = start(referral, personas["allocated_worker"])
    with pytest.raises(ValidationError) as error:
        services.record_part(
            actor=personas["allocated_worker"], assessment_id=assessment.pk, part="seen", data={}
        )
    assert "why the child was not seen" in refused(error, "child_seen_on")


def test_seen_before_the_referral_refused(referral, personas):
    assessment = start(referral, personas["allocated_worker"])
    with pytest.raises(ValidationError) as error:
        services.record_part(
            actor=personas["allocated_worker"],
            assessment_id=assessment.pk,
            part="seen",
            data={"child_seen_on": dt.date(2025, 12, 1)},
        )
    assert "on or after the referral" in refused(error, "child_seen_on")


# ---- completing -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("missing", "field"),
    [
        ({"seen": False}, "child_seen_on"),
        ({"views": False}, "child_views"),
        ({"factors": False}, "factors"),
        ({"outcome": False}, "outcome"),
    ],
)
def test_completion_refused_without_a_part(referral, personas, missing, field):
    worker = personas["allocated_worker"]
    assessment = record_all(start(referral, worker), worker, **missing)
    with pytest.raises(ValidationError) as error:
        services.complete_assessment(
            actor=worker, assessment_id=assessment.pk, completed_on=dt.date(2025, 12, 17)
        )
    assert "before completing" in refused(error, field)
    assert Assessment.objects.get(pk=assessment.pk).completed_on is None
    assert not Event.objects.filter(type="assessment.completed").exists()


def test_completion_with_reasons_instead_of_seen_and_views(referral, personas):
    worker = personas["allocated_worker"]
    assessment = record_all(start(referral, worker), worker, seen=False, views=False)
    services.record_part(
        actor=worker,
        assessment_id=assessment.pk,
        part="seen",
        data={"not_seen_reason": "Family moved away before a visit could be made."},
    )
    services.record_part(
        actor=worker,
        assessment_id=assessment.pk,
        part="views",
        data={"child_views_reason": "Could not be seen."},
    )
    done = services.complete_assessment(
        actor=worker, assessment_id=assessment.pk, completed_on=dt.date(2025, 12, 17)
    )
    assert done.completed_on == dt.date(2025, 12, 17)


def test_completion_before_the_start_refused(referral, personas, clock):
    worker = personas["allocated_worker"]
    clock.move_to(at(dt.date(2025, 12, 19)))
    assessment = record_all(start(referral, worker, on=dt.date(2025, 12, 18)), worker)
    with pytest.raises(ValidationError) as error:
        services.complete_assessment(
            actor=worker, assessment_id=assessment.pk, completed_on=dt.date(2025, 12, 17)
        )
    assert "before it started" in refused(error, "completed_on")
    assert Assessment.objects.get(pk=assessment.pk).completed_on is None


def test_same_day_start_and_finish_is_flagged_and_counted(referral, personas):
    worker = personas["allocated_worker"]
    assessment = record_all(start(referral, worker), worker)
    done = services.complete_assessment(
        actor=worker, assessment_id=assessment.pk, completed_on=dt.date(2025, 12, 17)
    )
    assert done.same_day
    event = Event.objects.get(type="assessment.completed")
    assert event.occurred_on == dt.date(2025, 12, 17)
    assert event.detail["same_day"] is True
    assert event.detail["outcome"] == "cin_plan"
    counts = selectors.completion_counts(
        completed_from=dt.date(2025, 12, 1), completed_to=dt.date(2025, 12, 31)
    )
    assert counts == {"completed": 1, "late": 0, "same_day": 1}
    # Every part was recorded the day it was completed: the page says so.
    assert all(r.same_day_as_completion for r in selectors.part_records(done))


def test_late_completion(referral, personas, clock):
    worker = personas["allocated_worker"]
    assessment = record_all(start(referral, worker), worker)
    clock.move_to(at(dt.date(2026, 2, 23)))
    done = services.complete_assessment(
        actor=worker, assessment_id=assessment.pk, completed_on=dt.date(2026, 2, 23)
    )
    assert done.late and not done.same_day
    assert selectors.timeliness(done).elapsed == 46
    assert Event.objects.get(type="assessment.completed").detail["late"] is True


def test_a_completed_assessment_cannot_be_changed(referral, personas):
    worker = personas["allocated_worker"]
    assessment = record_all(start(referral, worker), worker)
    services.complete_assessment(
        actor=worker, assessment_id=assessment.pk, completed_on=dt.date(2025, 12, 17)
    )
    with pytest.raises(ValidationError):
        services.record_part(
            actor=worker,
            assessment_id=assessment.pk,
            part="analysis",
            data={"analysis": "Changed after the event."},
        )


# ---- authorising ----------------------------------------------------------------------------


@pytest.fixture
def completed(referral, personas, clock):
    worker = personas["allocated_worker"]
    clock.move_to(at(dt.date(2025, 12, 22)))
    assessment = record_all(start(referral, worker, on=dt.date(2025, 12, 18)), worker)
    return services.complete_assessment(
        actor=worker, assessment_id=assessment.pk, completed_on=dt.date(2025, 12, 22)
    )


def test_a_manager_authorises(completed, personas):
    done = services.authorise_assessment(
        actor=personas["team_manager"],
        assessment_id=completed.pk,
        authorised_on=dt.date(2025, 12, 22),
        comment="Agreed.",
    )
    assert done.authorised_by == personas["team_manager"]
    assert Event.objects.get(type="assessment.authorised").occurred_on == dt.date(2025, 12, 22)


def test_authorised_before_it_started_refused(completed, personas):
    with pytest.raises(ValidationError) as error:
        services.authorise_assessment(
            actor=personas["team_manager"],
            assessment_id=completed.pk,
            authorised_on=dt.date(2025, 12, 17),
        )
    assert "before it started" in refused(error, "authorised_on")
    assert Assessment.objects.get(pk=completed.pk).authorised_on is None
    assert not Event.objects.filter(type="assessment.authorised").exists()


def test_authorised_by_its_author_refused(referral, personas):
    manager = personas["team_manager"]
    assessment = record_all(start(referral, manager), manager)
    services.complete_assessment(
        actor=manager, assessment_id=assessment.pk, completed_on=dt.date(2025, 12, 17)
    )
    with pytest.raises(ValidationError) as error:
        services.authorise_assessment(
            actor=manager, assessment_id=assessment.pk, authorised_on=dt.date(2025, 12, 17)
        )
    assert "not its author" in refused(error, "authorised_by")
    assert Assessment.objects.get(pk=assessment.pk).authorised_by is None


def test_only_a_manager_authorises(completed, personas):
    with pytest.raises(PermissionDenied):
        services.authorise_assessment(
            actor=personas["iro"],
            assessment_id=completed.pk,
            authorised_on=timezone.localdate(),
        )
