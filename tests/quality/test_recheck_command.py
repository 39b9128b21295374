"""The nightly recheck finds an action that became overdue since the plan was saved."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from kinfold.journey.services import open_involvement
from kinfold.plans.models import Plan, PlanAction, PlanKind

pytestmark = pytest.mark.django_db


def test_recheck_marks_an_action_that_became_overdue(child, personas):
    worker = personas["allocated_worker"]
    with time_machine.travel(dt.datetime(2026, 3, 2, 10, 0), tick=False):
        involvement = open_involvement(
            actor=worker, person=child, stage="child_in_need", started_on=dt.date(2026, 3, 2)
        )
        plan = Plan.objects.create(
            person=child,
            involvement=involvement,
            kind=PlanKind.CHILD_IN_NEED,
            started_on=dt.date(2026, 3, 2),
            owner=worker,
        )
        PlanAction.objects.create(
            plan=plan,
            what="Register with a GP",
            owner_text="Mother",
            due_on=dt.date(2026, 3, 9),
            measure="GP confirms registration",
        )
        call_command("recheck_plans", stdout=StringIO())
        plan.refresh_from_db()
        assert not any(f["code"] == "action.overdue" for f in plan.flags)
    with time_machine.travel(dt.datetime(2026, 3, 10, 10, 0), tick=False):
        out = StringIO()
        call_command("recheck_plans", stdout=out)
        plan.refresh_from_db()
        assert any(f["code"] == "action.overdue" for f in plan.flags)
        assert "1 open plan" in out.getvalue()
