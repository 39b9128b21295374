"""The team manager's view of a unit (and the units below it): what is late or at risk in
assessment, child protection and the children's plans.

Open assessments by working days elapsed, section 47 enquiries without an outcome, ICPCs at
risk of missing their date, plans with quality findings and visits overdue, each a list read
in one query (kinfold.quality.selectors.team_view). Seen by the team managers of the unit's
service, administrators and performance officers. It names a child only where the viewer may
open their record (`children_shown`: the others by LA child ID), and the names shown are
recorded in the audit log.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.timescales.worklists import Clock, children_shown
from kinfold.workforce.models import OrgUnit

from .selectors import may_see_team_view, team_view

PAGE_SIZE = 50


def _links(name: str):
    """`reverse(name, args=[pk])` for each of many rows, reversed once: a unit's view links
    a few hundred rows, and reversing each was about a sixth of the page's time."""
    marker = 2147483647
    head, _, tail = reverse(name, args=[marker]).partition(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def team(request, pk):
    worker = request.user
    unit = get_object_or_404(OrgUnit, pk=pk)
    if not may_see_team_view(worker, unit):
        return render(
            request,
            "error.html",
            {
                "heading": "You cannot see this page",
                "message": "A team's assessments, child protection and plans are seen by the "
                "team managers of its service, administrators and performance officers.",
            },
            status=403,
        )
    clock = Clock.current()
    view = team_view(unit_ids=unit.subtree_ids(), unit=unit, clock=clock)
    # An assessment team has hundreds open: the bands count them all, the list is paged.
    page = Paginator(view.assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    shown = children_shown(
        worker,
        [a.person_id for a in listed]
        + [
            r.person_id for rows in (view.s47s, view.icpcs, view.flagged, view.visits) for r in rows
        ],
    )
    named = sorted(pid for pid, child in shown.items() if child.name)
    if named:
        audit.record(
            worker=worker,
            action=AuditAction.VIEW,
            object_type="quality.team",
            object_id=unit.pk,
            detail={"path": request.path, "ids": named},
        )
    child, assessment = _links("people:detail"), _links("assessments:assessment")
    s47, plan = _links("child_protection:s47"), _links("plans:plan")
    return render(
        request,
        "quality/team.html",
        {
            "unit": unit,
            "today": clock.today,
            "bands": view.bands,
            "page": page,
            "assessments_total": len(view.assessments),
            "assessments": [
                (a, shown[a.person_id], child(a.person_id), assessment(a.assessment_id))
                for a in listed
            ],
            "s47s": [
                (
                    e,
                    shown[e.person_id],
                    (clock.today - e.started_on).days,
                    child(e.person_id),
                    s47(e.pk),
                )
                for e in view.s47s
            ],
            "icpcs": [(e, shown[e.person_id], child(e.person_id)) for e in view.icpcs],
            "flagged": [
                (p, shown[p.person_id], child(p.person_id), plan(p.pk)) for p in view.flagged
            ],
            "visits": [
                (
                    p,
                    shown[p.person_id],
                    (clock.today - (p.next_visit_due_on or clock.today)).days,
                    child(p.person_id),
                )
                for p in view.visits
            ],
        },
    )


urlpatterns = [path("teams/<int:pk>/", team, name="team")]
