"""Children in need pages: the episode (its plan, reviews, and what is still open), starting
the child in need plan, recording a review, and closing the episode.

Every page is a page of the child's record (access check and audit through
`record_of_person`); writing is refused to read-only roles, and closing to all but team
managers and administrators. Views call the services; they never write models.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render

from kinfold.access.permissions import can_record
from kinfold.journey.models import Involvement
from kinfold.journey.views.common import read_only, record_of_person, refused
from kinfold.plans.models import Plan, PlanKind
from kinfold.workforce.models import Worker
from kinfold.workforce.selectors import current_workers

from . import selectors, services
from .forms import CloseForm, ReviewForm, StartPlanForm

EPISODES = Involvement.objects.filter(stage__in=services.EPISODE_STAGES).select_related(
    "person", "team"
)
CIN_PLANS = Plan.objects.filter(kind=PlanKind.CHILD_IN_NEED).select_related(
    "person", "involvement", "owner"
)


@record_of_person(EPISODES, "inv_pk", "involvement")
def episode(request, person, involvement):
    worker = request.user
    plans = list(selectors.plans_of(involvement))
    open_cin = next((p for p in plans if p.is_open and p.kind == PlanKind.CHILD_IN_NEED), None)
    writable = can_record(worker) and involvement.is_open
    return render(
        request,
        "child_in_need/episode.html",
        {
            "person": person,
            "involvement": involvement,
            "referral": services.episode_referral(involvement),
            "plans": plans,
            "reviews": list(selectors.reviews_of([p.pk for p in plans])),
            "closure": selectors.closure_of(involvement),
            "open_items": services.open_items(involvement) if involvement.is_open else [],
            "can_start_plan": writable
            and open_cin is None
            and involvement.stage == services.CHILD_IN_NEED,
            "can_close": writable and services.can_close(worker),
            "can_step_down": writable
            and services.can_close(worker)
            and involvement.stage == services.CHILD_IN_NEED,
        },
    )


def _ended(request, involvement):
    messages.info(request, "This episode has ended: it can no longer be changed")
    return redirect("child_in_need:episode", involvement.pk)


def _owners(involvement: Involvement, worker: Worker):
    unit_ids = [involvement.team_id] if involvement.team_id else []
    return Worker.objects.filter(
        pk__in=[*current_workers(unit_ids=unit_ids).values_list("pk", flat=True), worker.pk]
    ).order_by("last_name", "first_name", "pk")


@record_of_person(EPISODES, "inv_pk", "involvement")
def start_plan(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not involvement.is_open:
        return _ended(request, involvement)
    existing = Plan.objects.filter(
        person=person, kind=PlanKind.CHILD_IN_NEED, ended_on__isnull=True
    ).first()
    form = StartPlanForm(
        request.POST if request.method == "POST" and existing is None else None,
        initial={"owner": worker.pk},
        workers=_owners(involvement, worker),
    )
    if form.is_bound and form.is_valid():
        try:
            plan = services.start_plan(
                actor=worker,
                involvement_id=involvement.pk,
                started_on=form.cleaned_data["started_on"],
                owner=form.cleaned_data["owner"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The child in need plan was started: now write it")
            return redirect("plans:edit", plan.pk)
    return render(
        request,
        "child_in_need/form.html",
        {
            "form": form if existing is None else None,
            "existing": existing,
            "person": person,
            "involvement": involvement,
            "heading": "Start a child in need plan",
            "action_url": request.path,
        },
    )


@record_of_person(CIN_PLANS, "plan_pk", "plan")
def review(request, person, plan):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not plan.is_open:
        messages.info(request, "This plan has ended: it is no longer reviewed")
        return redirect("plans:plan", plan.pk)
    form = ReviewForm(
        request.POST if request.method == "POST" else None, initial={"version": plan.version}
    )
    if form.is_bound and form.is_valid():
        try:
            services.record_review(
                actor=worker, plan_id=plan.pk, **{k: form.cleaned_data[k] for k in form.fields}
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The review was recorded")
            return redirect("plans:plan", plan.pk)
    return render(
        request,
        "child_in_need/form.html",
        {
            "form": form,
            "person": person,
            "involvement": plan.involvement,
            "plan": plan,
            "heading": "Record a review of the child in need plan",
            "action_url": request.path,
        },
    )


@record_of_person(EPISODES, "inv_pk", "involvement")
def close(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not services.can_close(worker):
        return refused(request, "A team manager closes a child in need episode.")
    if not involvement.is_open:
        return _ended(request, involvement)
    form = CloseForm(
        request.POST if request.method == "POST" else None,
        initial={"version": involvement.version},
    )
    if form.is_bound and form.is_valid():
        try:
            services.close_episode(
                actor=worker,
                involvement_id=involvement.pk,
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["version"],
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The child in need episode was closed")
            return redirect("child_in_need:episode", involvement.pk)
    return render(
        request,
        "child_in_need/close.html",
        {
            "form": form,
            "person": person,
            "involvement": involvement,
            "open_items": services.open_items(involvement),
            "referral": services.episode_referral(involvement),
        },
    )
