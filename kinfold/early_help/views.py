"""Early help pages: the hub's list, an episode, and the forms that set it up, record its plan
and reviews, end it, step the child up, and step a child in need down to early help.

Every page of an episode is a page of the child's record (access check and audit through
`record_of_person`); writing is refused to read-only roles and to those the action is not
for (set-up: managers; step up: the lead, an allocated worker or a manager; step down: a team
manager). Views call the services; they never write models.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from kinfold.access.permissions import can_record
from kinfold.journey.models import Involvement
from kinfold.journey.views.common import read_only, record_of_person, refused
from kinfold.timescales.worklists import children_shown

from . import selectors, services
from .forms import EndForm, PlanForm, ReviewForm, SetUpForm, StepDownForm, StepUpForm

EARLY_HELP_INVOLVEMENTS = Involvement.objects.filter(stage="early_help").select_related(
    "person", "team", "stepped_from", "stepped_from__team"
)
CIN_INVOLVEMENTS = Involvement.objects.filter(stage="child_in_need").select_related(
    "person", "team"
)


def hub(request):
    """The Early Help Hub's list: involvements awaiting a lead practitioner, and the open
    episodes with their lead and next review (overdue first)."""
    worker = request.user
    awaiting = list(selectors.awaiting_lead(worker=worker)[:500])
    episodes = list(selectors.open_episodes(worker=worker)[:500])
    shown = children_shown(
        worker, [i.person_id for i in awaiting] + [e.person_id for e in episodes]
    )
    today = timezone.localdate()
    return render(
        request,
        "early_help/hub.html",
        {
            "awaiting": [(i, shown.get(i.person_id)) for i in awaiting],
            "episodes": [(e, shown.get(e.person_id), e.is_overdue(today)) for e in episodes],
            "overdue": sum(1 for e in episodes if e.is_overdue(today)),
        },
    )


@record_of_person(EARLY_HELP_INVOLVEMENTS, "inv_pk", "involvement")
def episode(request, person, involvement):
    worker = request.user
    found = selectors.episode_of(involvement)
    plans = list(found.plans.all()) if found else []
    writable = can_record(worker) and involvement.is_open
    return render(
        request,
        "early_help/episode.html",
        {
            "person": person,
            "involvement": involvement,
            "episode": found,
            "plan": plans[0] if plans else None,
            "earlier_plans": plans[1:],
            "history": selectors.history(involvement),
            "events": selectors.events(involvement),
            "overdue": found is not None and found.is_overdue(),
            "can_record": writable,
            "can_set_up": writable
            and services.is_manager(worker)
            and (found is None or not found.has_lead),
            "can_step_up": writable and services.can_step_up(worker, involvement, found),
        },
    )


def _ended(request, involvement):
    messages.info(request, "This early help episode has ended: it can no longer be changed")
    return redirect("early_help:episode", involvement.pk)


def _not_set_up(request, involvement):
    messages.info(request, "Set up the episode and its lead practitioner first")
    return redirect("early_help:episode", involvement.pk)


@record_of_person(EARLY_HELP_INVOLVEMENTS, "inv_pk", "involvement")
def set_up(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not services.is_manager(worker):
        return refused(
            request,
            "Team managers, consultant social workers and administrators set up early help.",
        )
    if not involvement.is_open:
        return _ended(request, involvement)
    found = selectors.episode_of(involvement)
    if found is not None and found.has_lead:
        messages.info(request, "This early help episode is already set up")
        return redirect("early_help:episode", involvement.pk)
    relatives = selectors.relatives(person)
    initial = {
        "version": found.version if found else None,
        "started_on": found.started_on if found else involvement.started_on,
        "reason": found.reason if found else "",
    }
    form = SetUpForm(
        request.POST if request.method == "POST" else None, initial=initial, relatives=relatives
    )
    if form.is_bound and form.is_valid():
        try:
            services.set_up_episode(
                actor=worker,
                involvement_id=involvement.pk,
                started_on=form.cleaned_data["started_on"],
                lead=form.lead(),
                reason=form.cleaned_data["reason"],
                family=form.family(),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Early help was set up")
            return redirect("early_help:episode", involvement.pk)
    return render(
        request,
        "early_help/form.html",
        {
            "form": form,
            "person": person,
            "involvement": involvement,
            "heading": "Set up early help",
            "action": "early_help:set-up",
        },
    )


@record_of_person(EARLY_HELP_INVOLVEMENTS, "inv_pk", "involvement")
def plan(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not involvement.is_open:
        return _ended(request, involvement)
    found = selectors.episode_of(involvement)
    if found is None or not found.has_lead:
        return _not_set_up(request, involvement)
    current = found.plans.all().first()
    revising = current is not None
    if request.method == "POST":
        form = PlanForm(request.POST, revising=revising)
    else:
        form = PlanForm(initial=PlanForm.initial_for(current, found.version), revising=revising)
    if form.is_bound and form.is_valid():
        try:
            services.record_plan(
                actor=worker,
                involvement_id=involvement.pk,
                agreed_on=form.cleaned_data["agreed_on"],
                outcomes=form.outcomes_list(),
                actions=form.actions(),
                change_reason=form.cleaned_data.get("change_reason", ""),
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The plan was saved")
            return redirect("early_help:episode", involvement.pk)
    return render(
        request,
        "early_help/form.html",
        {
            "form": form,
            "person": person,
            "involvement": involvement,
            "heading": "Revise the plan" if revising else "Record the plan",
            "action": "early_help:plan",
        },
    )


@record_of_person(EARLY_HELP_INVOLVEMENTS, "inv_pk", "involvement")
def review(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not involvement.is_open:
        return _ended(request, involvement)
    found = selectors.episode_of(involvement)
    if found is None or not found.has_lead:
        return _not_set_up(request, involvement)
    form = ReviewForm(
        request.POST if request.method == "POST" else None, initial={"version": found.version}
    )
    if form.is_bound and form.is_valid():
        try:
            services.record_review(
                actor=worker,
                involvement_id=involvement.pk,
                held_on=form.cleaned_data["held_on"],
                progress=form.cleaned_data["progress"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The review was recorded")
            return redirect("early_help:episode", involvement.pk)
    return render(
        request,
        "early_help/form.html",
        {
            "form": form,
            "person": person,
            "involvement": involvement,
            "heading": "Record a review",
            "action": "early_help:review",
            "episode": found,
        },
    )


@record_of_person(EARLY_HELP_INVOLVEMENTS, "inv_pk", "involvement")
def end(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not involvement.is_open:
        return _ended(request, involvement)
    found = selectors.episode_of(involvement)
    form = EndForm(
        request.POST if request.method == "POST" else None,
        initial={"version": found.version if found else None},
    )
    if form.is_bound and form.is_valid():
        try:
            services.end_episode(
                actor=worker,
                involvement_id=involvement.pk,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                detail=form.cleaned_data["detail"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Early help ended")
            return redirect("early_help:episode", involvement.pk)
    return render(
        request,
        "early_help/form.html",
        {
            "form": form,
            "person": person,
            "involvement": involvement,
            "heading": "End early help",
            "action": "early_help:end",
        },
    )


@record_of_person(EARLY_HELP_INVOLVEMENTS, "inv_pk", "involvement")
def step_up(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not involvement.is_open:
        return _ended(request, involvement)
    found = selectors.episode_of(involvement)
    if not services.can_step_up(worker, involvement, found):
        return refused(
            request,
            "The lead practitioner, a worker allocated to the child or a manager steps a "
            "child up to children's social care.",
        )
    form = StepUpForm(
        request.POST if request.method == "POST" else None,
        initial={"version": found.version if found else None},
    )
    if form.is_bound and form.is_valid():
        try:
            referral = services.step_up(
                actor=worker,
                involvement_id=involvement.pk,
                primary_need=form.cleaned_data["primary_need"],
                route=form.cleaned_data["route"],
                reason=form.cleaned_data["reason"],
                team=form.cleaned_data["team"],
                version=form.cleaned_data["version"],
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{person.full_name} was referred to {referral.team}")
            return redirect("people:detail", person.pk)
    return render(
        request,
        "early_help/form.html",
        {
            "form": form,
            "person": person,
            "involvement": involvement,
            "heading": "Step up to children's social care",
            "action": "early_help:step-up",
        },
    )


@record_of_person(CIN_INVOLVEMENTS, "inv_pk", "involvement")
def step_down(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not services.can_step_down(worker):
        return refused(request, "A team manager steps a child down to early help.")
    if not involvement.is_open:
        messages.info(request, "This child in need episode has ended")
        return redirect("people:detail", person.pk)
    form = StepDownForm(
        request.POST if request.method == "POST" else None,
        initial={"version": involvement.version},
    )
    if form.is_bound and form.is_valid():
        try:
            opened = services.step_down(
                actor=worker,
                involvement_id=involvement.pk,
                closure_reason=form.cleaned_data["closure_reason"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Stepped down to early help: the hub will find a lead")
            return redirect("early_help:episode", opened.involvement_id)
    return render(
        request,
        "early_help/form.html",
        {
            "form": form,
            "person": person,
            "involvement": involvement,
            "heading": "Step down to early help",
            "action": "early_help:step-down",
        },
    )
