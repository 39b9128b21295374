"""Allocating a child to a worker, and ending an allocation: team managers, consultants and
administrators (workforce.services.can_allocate). Each page is a page of the child's record,
so it goes through the person check and is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from kinfold.access.guards import is_administrator, person_view
from kinfold.journey.views.common import record_of_person, refused

from . import services
from .forms import AllocateForm, EndAllocationForm
from .models import Allocation


def _may_not_allocate(request):
    return refused(
        request,
        "Only team managers, consultant social workers and administrators allocate children.",
        heading="You cannot allocate",
    )


@person_view()
def allocate(request, person):
    actor = request.user
    if not services.can_allocate(actor):
        return _may_not_allocate(request)
    form = AllocateForm(
        request.POST if request.method == "POST" else None,
        actor=actor,
        everyone=is_administrator(actor),
    )
    if form.is_bound and form.is_valid():
        worker = form.cleaned_data["worker"]
        team = worker.current_team()
        try:
            if team is None:
                raise ValidationError({"worker": f"{worker} is not in a team today"})
            services.allocate(
                actor=actor,
                person=person,
                worker=worker,
                team=team,
                role=form.cleaned_data["role"],
                start_date=form.cleaned_data["start_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            return refused(request, str(error))
        else:
            messages.success(request, f"{person.full_name} is allocated to {worker}")
            return redirect("people:detail", person.pk)
    return render(request, "workforce/allocate.html", {"form": form, "person": person})


@record_of_person(
    Allocation.objects.select_related("person", "worker", "team"), "allocation_pk", "allocation"
)
def end_allocation(request, person, allocation):
    actor = request.user
    if not services.can_allocate(actor):
        return _may_not_allocate(request)
    form = EndAllocationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.end_allocation(
                actor=actor,
                allocation_id=allocation.pk,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            return refused(request, str(error))
        else:
            messages.success(request, f"The allocation of {allocation.worker} has ended")
            return redirect("people:detail", person.pk)
    return render(
        request,
        "workforce/end_allocation.html",
        {"form": form, "person": person, "allocation": allocation},
    )
