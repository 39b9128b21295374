"""The worklist pages: my work, my team's work, a worker's list, and the team's caseloads.

"My work" is every signed-in worker's. A team's pages are for the team's managers and
consultants and for administrators (who pick any team); anyone else gets the 403 page. A
child is named only where the viewer may open their record (`worklists.children_shown`, the
one access decision), and showing names is recorded in the audit log as a list of results is.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.workforce.models import OrgUnit, Worker

from . import worklists
from .worklists import Clock, WorkItem

REFUSAL = (
    "A team's work and caseloads are seen by the team's managers and consultants, "
    "and by system administrators."
)


def _refused(request):
    return render(
        request,
        "error.html",
        {"heading": "You cannot see this page", "message": REFUSAL},
        status=403,
    )


def _kind(request, choices: list[tuple[str, str]]) -> str | None:
    wanted = request.GET.get("type", "")
    return wanted if wanted in dict(choices) else None


def _rows(request, items: list[WorkItem], *, owner: Worker):
    """Each item with how its child is shown to the viewer; the names shown are audited."""
    viewer = request.user
    shown = worklists.children_shown(viewer, [i.person_id for i in items])
    named = sorted(pid for pid, child in shown.items() if child.name)
    if named:
        audit.record(
            worker=viewer,
            action=AuditAction.VIEW,
            object_type="timescales.worklist",
            object_id=owner.pk,
            detail={"path": request.path, "ids": named},
        )
    return [
        (
            item,
            shown.get(item.person_id) if item.person_id else None,
            item.url if (not item.owner_only_url or owner.pk == viewer.pk) else "",
        )
        for item in items
    ]


def _summary(items: list[WorkItem]) -> worklists.Counts:
    return worklists.Counts(
        open=len(items),
        due_this_week=sum(1 for i in items if i.due_this_week),
        overdue=sum(1 for i in items if i.overdue),
    )


def my_work(request):
    worker = request.user
    clock, rules = Clock.current(), worklists.rules_in_force()
    choices = worklists.kinds(rules)
    kind = _kind(request, choices)
    items = worklists.worklist(owner=worker, kind=kind, clock=clock, rules=rules)
    return render(
        request,
        "timescales/worklist_my_work.html",
        {
            "rows": _rows(request, items, owner=worker),
            "summary": _summary(items),
            "choices": choices,
            "kind": kind,
            "today": clock.today,
            "manages": bool(worklists.managed_units(worker)),
        },
    )


def _unit(request) -> tuple[OrgUnit | None, list[OrgUnit]]:
    """The unit asked for (?unit=), else the viewer's first; and the units they may pick."""
    own = worklists.current_unit_ids(request.user)
    units = worklists.managed_units(request.user, own)
    wanted = request.GET.get("unit", "")
    if not wanted:
        mine = [u for u in units if u.pk in own]
        first = (mine or units)[:1]
        return (first[0] if first else None), units
    if not wanted.isdigit():
        raise Http404("No such team")
    unit = get_object_or_404(OrgUnit, pk=int(wanted))
    return (unit if worklists.may_manage(request.user, unit) else None), units


def team(request):
    unit, units = _unit(request)
    if unit is None:
        return _refused(request)
    clock = Clock.current()
    work = worklists.team_work(unit=unit, clock=clock)
    return render(
        request,
        "timescales/worklist_team.html",
        {
            "unit": unit,
            "units": units,
            "work": work,
            "rows": work.rows(),
            "kind_rows": work.kind_rows(),
            "today": clock.today,
            "week_end": clock.week_end,
        },
    )


def team_worker(request, worker_pk):
    worker = get_object_or_404(Worker, pk=worker_pk)
    if not worklists.may_see_worklist_of(request.user, worker):
        return _refused(request)
    unit = None
    wanted = request.GET.get("unit", "")
    if wanted.isdigit():
        unit = OrgUnit.objects.filter(pk=int(wanted)).first()
        if unit is not None and not worklists.may_manage(request.user, unit):
            unit = None
    clock, rules = Clock.current(), worklists.rules_in_force()
    choices = worklists.kinds(rules)
    kind = _kind(request, choices)
    items = worklists.worklist(owner=worker, kind=kind, clock=clock, rules=rules)
    return render(
        request,
        "timescales/worklist_worker.html",
        {
            "worker": worker,
            "unit": unit,
            "rows": _rows(request, items, owner=worker),
            "summary": _summary(items),
            "choices": choices,
            "kind": kind,
            "today": clock.today,
        },
    )


def caseload(request):
    unit, units = _unit(request)
    if unit is None:
        return _refused(request)
    return render(
        request,
        "timescales/worklist_caseload.html",
        {"unit": unit, "units": units, "caseload": worklists.team_caseload(unit=unit)},
    )
