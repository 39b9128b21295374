"""The one object check every person page goes through, with its audit entry."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render

from kinfold.people.models import Person
from kinfold.workforce.models import Role, Worker
from kinfold.workforce.selectors import allocations_for_person

from . import audit
from .models import AuditAction
from .visibility import Access, check_person


def is_administrator(worker: Worker) -> bool:
    return worker.is_authenticated and (worker.role == Role.ADMINISTRATOR or worker.is_superuser)


def record_managers(person: Person) -> list[Worker]:
    """Who answers for this record: its restriction manager, else the managers of its teams."""
    if person.restriction_manager is not None:
        return [person.restriction_manager]
    allocations = list(allocations_for_person(person_id=person.pk))
    managers = [a.worker for a in allocations if a.worker.role == Role.TEAM_MANAGER]
    if managers:
        return managers
    team_ids = {a.team_id for a in allocations}
    return list(
        Worker.objects.filter(
            role=Role.TEAM_MANAGER,
            memberships__unit_id__in=team_ids,
            is_active=True,
        )
        .filter(Q(memberships__end_date__isnull=True))
        .distinct()
    )


def person_view(*, audit_as: str = AuditAction.VIEW, kwarg: str = "pk"):
    """Decorate a view taking (request, person, ...): refuses what the worker may not see,
    follows merged records to the record kept, and writes the audit entry."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            person = get_object_or_404(
                Person.objects.select_related("merged_into"), pk=kwargs.pop(kwarg)
            )
            if person.merged_into_id:
                messages.info(request, "This record was merged: you are seeing the record kept.")
                return redirect(
                    request.resolver_match.view_name,
                    *args,
                    **{**kwargs, kwarg: person.merged_into_id},
                )
            decision = check_person(request.user, person)
            if not decision.allowed:
                audit.record(
                    worker=request.user,
                    action=AuditAction.DENIED,
                    obj=person,
                    detail={"access": decision.access.value, "path": request.path},
                )
                return render(
                    request,
                    "access/no_access.html",
                    {
                        "person": person,
                        "restricted": decision.access is Access.RESTRICTED,
                        "managers": record_managers(person),
                    },
                    status=403,
                )
            if request.method == "GET":
                audit.record(
                    worker=request.user,
                    action=audit_as,
                    obj=person,
                    detail={"path": request.path, "break_glass": decision.via_break_glass},
                )
            request.access_decision = decision
            request.access_person_id = person.pk  # whom the decision is about
            return view(request, person, *args, **kwargs)

        return wrapper

    return decorate


def administrators_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_administrator(request.user):
            return render(
                request,
                "error.html",
                {
                    "heading": "You cannot see this page",
                    "message": "Only system administrators can see this page.",
                },
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper
