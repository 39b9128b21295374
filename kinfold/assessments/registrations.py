"""What the assessments app adds to the spine and the timescales: its event types, and the
assessment's due date (rule `assessment.single`), which puts each open assessment on its social
worker's My work until it is completed."""

from __future__ import annotations

from django.db.models import Q

from kinfold.journey.events import EventType, register_category, register_event_type
from kinfold.timescales.registry import register

from .models import Assessment

register_category("assessment", "Assessments")

for _t in [
    EventType("assessment.started", "Assessment started", "assessment", significant=True),
    EventType("assessment.completed", "Assessment completed", "assessment", significant=True),
    EventType("assessment.authorised", "Assessment authorised", "assessment"),
]:
    register_event_type(_t)

register(
    Assessment,
    rule_code="assessment.single",
    trigger_field="clock_from",
    due_field="due_on",
    open_q=Q(completed_on__isnull=True),
    owner_field="social_worker",
    person_field="person",
    title="Complete the single assessment",
    url="assessments:assessment",
)
