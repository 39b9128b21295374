"""A child's plan: the page (outcomes, actions, contingency, what was withdrawn, earlier
versions, and the quality checks' findings beside the items they concern), the page that
writes it, and the checks run on what is being typed (htmx; without JavaScript the "Check the
plan" button does the same).

Every page of a plan is a page of the child's record (access check and audit through
`record_of_person`); changing it is refused to read-only roles. Views call the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from kinfold.access.permissions import can_record
from kinfold.journey.views.common import read_only, record_of_person
from kinfold.quality.checks import PLAN, Finding, by_item, content_of, evaluate

from . import selectors, services
from .forms import PlanPage
from .models import Plan, PlanKind

PLANS = Plan.objects.select_related(*selectors.PAGE_RELATED)
PART_LABELS = {"outcomes": "Outcome", "actions": "Action", "contingencies": "Contingency"}


def _revisions(plan: Plan) -> list[dict]:
    """Each earlier version, latest first, with what changed from it to the next."""
    revisions = sorted(plan.revisions.all(), key=lambda r: r.version)
    current = services.snapshot(plan)
    found = []
    for i, revision in enumerate(revisions):
        after = revisions[i + 1].content if i + 1 < len(revisions) else current
        found.append({"revision": revision, "changes": _changes(revision.content, after)})
    return list(reversed(found))


def _changes(before: dict, after: dict) -> list[str]:
    changes = []
    for part, label in PART_LABELS.items():
        then = {row["id"]: row for row in before.get(part, [])}
        for row in after.get(part, []):
            name = (row.get("text") or row.get("what") or row.get("action") or "")[:60]
            old = then.get(row["id"])
            if old is None:
                changes.append(f"{label} added: {name}")
            elif row.get("withdrawn_reason") and not old.get("withdrawn_reason"):
                changes.append(f"{label} withdrawn: {name} ({row['withdrawn_reason']})")
            elif row.get("done_on") and not old.get("done_on"):
                changes.append(f"{label} done: {name}")
            elif old != row:
                changed = sorted(k for k in row if row[k] != old.get(k))
                changes.append(f"{label} changed ({', '.join(changed)}): {name}")
    return changes


@record_of_person(PLANS, "plan_pk", "plan")
def plan(request, person, plan):
    plan = selectors.plan_with_content(plan.pk)
    findings = evaluate(content_of(plan), today=timezone.localdate())
    grouped = by_item(findings)
    return render(
        request,
        "plans/plan.html",
        {
            "person": person,
            "plan": plan,
            "outcomes": [(o, grouped.get(f"outcome:{o.pk}", [])) for o in plan.outcomes.all()],
            "actions": [(a, grouped.get(f"action:{a.pk}", [])) for a in plan.actions.all()],
            "contingencies": [
                (c, grouped.get(f"contingency:{c.pk}", [])) for c in plan.contingencies.all()
            ],
            "findings": findings,
            "plan_findings": grouped.get(PLAN, []),
            "revisions": _revisions(plan),
            "can_edit": can_record(request.user) and plan.is_open,
            "is_cin": plan.kind == PlanKind.CHILD_IN_NEED,
        },
    )


def _page_context(person, plan, page: PlanPage, findings: list[Finding], **extra) -> dict:
    grouped = by_item(findings)
    return {
        "person": person,
        "plan": plan,
        "page": page,
        "rows": {
            part: [(form, grouped.get(form.prefix, [])) for form in fs.forms]
            for part, fs in page.formsets.items()
        },
        "findings": findings,
        "plan_findings": grouped.get(PLAN, []),
        "error_list": page.errors_for_summary(),
        **extra,
    }


@record_of_person(PLANS, "plan_pk", "plan")
def edit(request, person, plan):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not plan.is_open:
        messages.info(request, "This plan has ended: it can no longer be changed")
        return redirect("plans:plan", plan.pk)
    plan = selectors.plan_with_content(plan.pk)
    items = services.items_of(plan)
    stale = False
    if request.method != "POST":
        page = PlanPage(plan, items=items)
    else:
        page = PlanPage(plan, request.POST, items=items)
        valid = page.is_valid()
        if valid and request.POST.get("check") is None:
            try:
                saved = services.save_content(
                    actor=worker,
                    plan_id=plan.pk,
                    version=page.change.cleaned_data["version"],
                    reason=page.change.cleaned_data["reason"],
                    **page.service_input(),
                )
            except services.StalePlan as error:
                stale = True
                page.change.add_error(None, error.messages)
            except ValidationError as error:
                page.add_service_errors(error)
            else:
                if saved.version == page.change.cleaned_data["version"]:
                    messages.info(request, "You did not change anything, so nothing was saved")
                else:
                    messages.success(request, "The plan was saved")
                return redirect("plans:plan", plan.pk)
    findings = evaluate(page.content(), today=timezone.localdate())
    return render(
        request,
        "plans/edit.html",
        _page_context(person, plan, page, findings, stale=stale, checked="check" in request.POST),
    )


@require_POST
@record_of_person(PLANS, "plan_pk", "plan")
def check(request, person, plan):
    """The checks on what is on the page, unsaved: the findings panel, and each row's findings
    swapped in beside it (htmx out-of-band swaps)."""
    if not can_record(request.user):
        return read_only(request)
    plan = selectors.plan_with_content(plan.pk)
    page = PlanPage(plan, request.POST, items=services.items_of(plan))
    page.is_valid()
    findings = evaluate(page.content(), today=timezone.localdate())
    return render(
        request, "plans/_check.html", _page_context(person, plan, page, findings, oob=True)
    )
