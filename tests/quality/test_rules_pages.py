"""The plan-quality checks' pages: administrators change a check (audited, applied to the open
plans' stored findings); no one else may."""

import pytest
from django.urls import reverse

from kinfold.access.models import AuditEvent
from kinfold.quality.models import CheckRule
from tests.child_in_need.conftest import cin_plan, episode, pinned_clock, referral  # noqa: F401

pytestmark = pytest.mark.django_db


def test_an_administrator_changes_a_check(cin_plan, personas, client_for):  # noqa: F811
    client = client_for(personas["admin"])
    assert (
        "Every action says who will do it" in client.get(reverse("quality:rules")).content.decode()
    )
    url = reverse("quality:rule", args=["contingency.missing"])
    rule = CheckRule.objects.get(code="contingency.missing")
    cin_plan.refresh_from_db()
    assert "contingency.missing" in {f["code"] for f in cin_plan.flags}
    missing_reason = client.post(url, {"version": rule.version, "active": "no", "severity": "high"})
    assert "Enter why the check is changing" in missing_reason.content.decode()
    response = client.post(
        url,
        {"version": rule.version, "active": "no", "severity": "high", "reason": "Trial"},
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert not rule.active and rule.changed_by == personas["admin"] and rule.version == 2
    audit = AuditEvent.objects.filter(object_type="quality.checkrule").get()
    assert audit.detail["before"]["active"] is True and audit.detail["after"]["active"] is False
    assert audit.reason == "Trial"
    cin_plan.refresh_from_db()
    assert "contingency.missing" not in {f["code"] for f in cin_plan.flags}


def test_a_parameter_is_checked(personas, client_for):
    client = client_for(personas["admin"])
    rule = CheckRule.objects.get(code="plan.too_many_actions")
    response = client.post(
        reverse("quality:rule", args=[rule.code]),
        {
            "version": rule.version,
            "active": "yes",
            "severity": "high",
            "parameter": "0",
            "reason": "Fewer",
        },
    )
    assert "A plan must be allowed at least 1 action" in response.content.decode()
    rule.refresh_from_db()
    assert rule.parameter == 10


def test_only_administrators(personas, client_for):
    for who in ("team_manager", "allocated_worker", "performance_officer"):
        assert client_for(personas[who]).get(reverse("quality:rules")).status_code == 403
