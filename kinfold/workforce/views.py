"""The workforce directory: the organisation as a tree, a unit, a worker.

Who may see these pages: every signed-in worker (the sign-in middleware turns everyone else
away). They are the directory of who works where, as a staff list is: names, roles, teams,
contracted FTE, permanent or agency, and how many children each unit and worker holds. No
child is named here except on a worker's page, and there only the children whose record the
viewer may open (`selectors.caseload_for_viewer`, the one access decision); the others are
counted, never named. Showing those names is recorded in the audit log, as a list of results
is.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.journey.selectors import may_supervise, supervisions_seen_by

from . import selectors
from .models import OrgUnit, Worker

# GOV.UK spacing classes that indent a unit under its parent (no inline style under the CSP).
INDENT_BY_DEPTH = ("0", "4", "7", "9")


def _indent(depth: int) -> str:
    return f"govuk-!-padding-left-{INDENT_BY_DEPTH[min(depth, len(INDENT_BY_DEPTH) - 1)]}"


def units(request):
    rows = selectors.unit_tree_with_figures()
    names = {row.unit.pk: row.unit.name for row in rows}
    return render(
        request,
        "workforce/units.html",
        {
            "rows": [(row, _indent(row.depth), names.get(row.unit.parent_id)) for row in rows],
            "totals": selectors.subtree_figures(),
        },
    )


def unit_detail(request, pk):
    unit = get_object_or_404(OrgUnit, pk=pk)
    below = selectors.child_units(unit=unit)
    own = selectors.unit_figures(unit_ids=[unit.pk]).get(unit.pk, selectors.UnitFigures())
    return render(
        request,
        "workforce/unit.html",
        {
            "unit": unit,
            "path": selectors.unit_path(unit=unit),
            "figures": own,
            "totals": selectors.subtree_figures(unit_ids=unit.subtree_ids()) if below else None,
            "child_units": below,
            "members": selectors.unit_members(unit=unit),
            "past_members": selectors.past_members(unit=unit),
        },
    )


def worker_detail(request, pk):
    worker = get_object_or_404(Worker, pk=pk)
    caseload = selectors.caseload_for_viewer(worker=worker, viewer=request.user)
    if caseload.shown:
        audit.record(
            worker=request.user,
            action=AuditAction.VIEW,
            object_type="workforce.caseload",
            object_id=worker.pk,
            detail={"path": request.path, "ids": [a.person_id for a in caseload.shown]},
        )
    history = list(selectors.team_history(worker=worker))
    today = timezone.localdate()
    employed = worker.is_active and not (worker.leaving_date and worker.leaving_date < today)
    current = [
        m.unit
        for m in history
        if employed and m.start_date <= today and (m.end_date is None or m.end_date >= today)
    ]
    return render(
        request,
        "workforce/worker.html",
        {
            "worker": worker,
            "history": history,
            "current_team": current[0] if current else None,
            "caseload": caseload,
            "may_supervise": may_supervise(manager=request.user, supervisee=worker),
            "supervisions": supervisions_seen_by(viewer=request.user, supervisee=worker),
        },
    )
