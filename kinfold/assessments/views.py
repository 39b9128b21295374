"""Single assessment pages: a child's assessments, starting one from the open CIN episode, the
assessment with each part and when it was recorded, the forms of the parts, completing and
authorising.

Every page is a page of the child's record (access check and audit through `person_view` /
`record_of_person`); writing is refused to read-only roles, and authorising to all but team
managers, consultant social workers and administrators. Views call the services only.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render

from kinfold.access.guards import person_view
from kinfold.access.permissions import can_record
from kinfold.journey.models import Involvement
from kinfold.journey.views.common import read_only, record_of_person, refused
from kinfold.workforce.models import Worker
from kinfold.workforce.selectors import current_team_ids, current_workers

from . import selectors, services
from .codes import Part
from .forms import PART_FORMS, AuthoriseForm, CompleteForm, SeenForm, StartForm
from .models import Assessment

ASSESSMENTS = Assessment.objects.select_related(
    "person",
    "referral",
    "team",
    "social_worker",
    "completed_by",
    "authorised_by",
    "seen_note",
    "involvement",
)
EPISODES = Involvement.objects.filter(stage__in=services.EPISODE_STAGES).select_related(
    "person", "team"
)
# Where a missing part's message from `complete_assessment` belongs on the assessment page.
PART_OF_FIELD = {
    "factors": Part.FACTORS,
    "child_seen_on": Part.SEEN,
    "child_views": Part.VIEWS,
    "analysis": Part.ANALYSIS,
    "outcome": Part.OUTCOME,
}


def _assessors(involvement: Involvement, actor: Worker):
    """Who may carry the assessment out: the practitioners of the referral's, the episode's
    and the actor's teams, and the actor."""
    units = current_team_ids(worker=actor)
    if involvement.team_id:
        units.add(involvement.team_id)
    referral = services.episode_referral(involvement)
    if referral is not None:
        units.add(referral.team_id)
    members = current_workers(unit_ids=units).values("pk")
    return Worker.objects.filter(
        Q(pk__in=members) | Q(pk=actor.pk), role__in=services.ASSESSING_ROLES, is_active=True
    ).order_by("last_name", "first_name", "pk")


@person_view()
def for_child(request, person):
    episode = selectors.open_episode(person_id=person.pk)
    assessments = list(selectors.assessments_for_person(person_id=person.pk))
    has_open = any(a.is_open for a in assessments)
    return render(
        request,
        "assessments/for_child.html",
        {
            "person": person,
            "assessments": assessments,
            "episode": episode,
            "can_start": can_record(request.user) and episode is not None and not has_open,
        },
    )


@record_of_person(EPISODES, "inv_pk", "involvement")
def start(request, person, involvement):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not involvement.is_open:
        messages.info(request, "This episode has ended: start an assessment in an open one")
        return redirect("assessments:for-child", person.pk)
    workers = _assessors(involvement, worker)
    initial = {"social_worker": worker.pk if workers.filter(pk=worker.pk).exists() else None}
    form = StartForm(
        request.POST if request.method == "POST" else None, initial=initial, workers=workers
    )
    if form.is_bound and form.is_valid():
        try:
            assessment = services.start_assessment(
                actor=worker,
                involvement_id=involvement.pk,
                started_on=form.cleaned_data["started_on"],
                social_worker=form.cleaned_data["social_worker"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"The assessment is due on {assessment.due_on:%-d %B %Y}")
            return redirect("assessments:assessment", assessment.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "person": person,
            "heading": "Start a single assessment",
            "action_url": request.path,
            "referral": services.episode_referral(involvement),
            "back_url": "assessments:for-child",
            "back_pk": person.pk,
        },
    )


def _page(request, person, assessment, *, part_errors=None, complete_form=None, status=200):
    worker = request.user
    writable = can_record(worker) and assessment.is_open
    return render(
        request,
        "assessments/assessment.html",
        {
            "person": person,
            "assessment": assessment,
            "factors": list(assessment.factors.all()),
            "parts": [
                (p, (part_errors or {}).get(p.part, [])) for p in selectors.part_records(assessment)
            ],
            "timeliness": selectors.timeliness(assessment),
            "can_record": writable,
            "can_authorise": can_record(worker)
            and not assessment.is_open
            and assessment.authorised_on is None
            and services.can_authorise(worker)
            and worker.pk not in (assessment.social_worker_id, assessment.completed_by_id),
            "complete_form": complete_form
            or (CompleteForm(initial={"version": assessment.version}) if writable else None),
        },
        status=status,
    )


@record_of_person(ASSESSMENTS, "pk", "assessment")
def assessment(request, person, assessment):
    return _page(request, person, assessment)


@record_of_person(ASSESSMENTS, "pk", "assessment")
def part(request, person, assessment, part):
    worker = request.user
    if part not in Part.values:
        raise Http404("No such part of an assessment")
    if not can_record(worker):
        return read_only(request)
    if not assessment.is_open:
        messages.info(request, "This assessment is completed: it can no longer be changed")
        return redirect("assessments:assessment", assessment.pk)
    form_class = PART_FORMS[part]
    extra = {"visits": selectors.seen_visits(assessment)} if form_class is SeenForm else {}
    if request.method == "POST":
        form = form_class(request.POST, **extra)
    else:
        form = form_class(initial=form_class.initial_for(assessment), **extra)  # type: ignore[attr-defined]
    if form.is_bound and form.is_valid():
        try:
            services.record_part(
                actor=worker,
                assessment_id=assessment.pk,
                part=part,
                data=form.part_data(),  # type: ignore[attr-defined]
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{Part(part).label} saved")
            return redirect("assessments:assessment", assessment.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "person": person,
            "assessment": assessment,
            "heading": Part(part).label,
            "action_url": request.path,
            "back_url": "assessments:assessment",
            "back_pk": assessment.pk,
        },
    )


@record_of_person(ASSESSMENTS, "pk", "assessment")
def complete(request, person, assessment):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if request.method != "POST" or not assessment.is_open:
        return redirect("assessments:assessment", assessment.pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.complete_assessment(
                actor=worker,
                assessment_id=assessment.pk,
                completed_on=form.cleaned_data["completed_on"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
            part_errors = {
                PART_OF_FIELD[f]: m
                for f, m in getattr(error, "message_dict", {}).items()
                if f in PART_OF_FIELD
            }
            return _page(request, person, assessment, part_errors=part_errors, complete_form=form)
        messages.success(request, "The assessment was completed")
        return redirect("assessments:assessment", assessment.pk)
    return _page(request, person, assessment, complete_form=form)


@record_of_person(ASSESSMENTS, "pk", "assessment")
def authorise(request, person, assessment):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not services.can_authorise(worker):
        return refused(
            request,
            "Team managers, consultant social workers and administrators authorise assessments.",
        )
    if assessment.authorised_on is not None or assessment.is_open:
        messages.info(
            request,
            "This assessment is already authorised"
            if assessment.authorised_on
            else "Complete the assessment before it is authorised",
        )
        return redirect("assessments:assessment", assessment.pk)
    form = AuthoriseForm(
        request.POST if request.method == "POST" else None,
        initial={"version": assessment.version},
    )
    if form.is_bound and form.is_valid():
        try:
            services.authorise_assessment(
                actor=worker,
                assessment_id=assessment.pk,
                authorised_on=form.cleaned_data["authorised_on"],
                comment=form.cleaned_data["comment"],
                version=form.cleaned_data["version"],
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The assessment was authorised")
            return redirect("assessments:assessment", assessment.pk)
    return render(
        request,
        "assessments/form.html",
        {
            "form": form,
            "person": person,
            "assessment": assessment,
            "heading": "Authorise the assessment",
            "action_url": request.path,
            "back_url": "assessments:assessment",
            "back_pk": assessment.pk,
        },
    )
