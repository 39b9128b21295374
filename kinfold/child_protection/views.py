"""Child protection pages: a child's child protection overview, and the forms that record a
strategy discussion, start a section 47 enquiry and record its outcome, record the initial
conference, core groups and review conferences, and record police protection or an emergency
protection order.

Every page is a page of the child's record (access check and audit through person_view /
`record_of_person`); writing is refused to read-only roles. Views call the services; they
never write models.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from kinfold.access.guards import person_view
from kinfold.access.permissions import can_record
from kinfold.journey.models import Involvement
from kinfold.journey.views.common import read_only, record_of_person, refused
from kinfold.plans.models import Plan, PlanKind

from . import selectors, services
from .forms import (
    CompleteS47Form,
    CoreGroupForm,
    EmergencyProtectionForm,
    IcpcForm,
    ReviewConferenceForm,
    StartS47Form,
    StrategyDiscussionForm,
)
from .models import Section47Enquiry, StrategyDiscussion

DISCUSSIONS = StrategyDiscussion.objects.select_related("person", "involvement")
ENQUIRIES = Section47Enquiry.objects.select_related(
    "person", "discussion", "social_worker", "completed_by"
)
CP_PLANS = Plan.objects.filter(kind=PlanKind.CHILD_PROTECTION).select_related(
    "person", "cp_schedule", "cp_schedule__conference", "owner"
)


def _form_page(request, person, form, heading: str, action: str, **context):
    return render(
        request,
        "child_protection/form.html",
        {"form": form, "person": person, "heading": heading, "action": action, **context},
    )


def _episode(person) -> Involvement | None:
    return (
        Involvement.objects.filter(
            person=person, stage__in=(services.CIN, services.CP), ended_on__isnull=True
        )
        .order_by("-started_on", "-pk")
        .first()
    )


@person_view()
def overview(request, person):
    record = selectors.record_of(person)
    today = timezone.localdate()
    return render(
        request,
        "child_protection/overview.html",
        {
            "person": person,
            "record": record,
            "episode": _episode(person),
            "today": today,
            "can_record": can_record(request.user),
        },
    )


@person_view()
def new_strategy_discussion(request, person):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    episode = _episode(person)
    if episode is None:
        messages.info(
            request,
            f"{person.full_name} has no open child in need episode: a strategy discussion "
            "follows a referral to children's social care",
        )
        return redirect("child_protection:overview", person.pk)
    form = StrategyDiscussionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.record_strategy_discussion(
                actor=worker,
                involvement_id=episode.pk,
                held_at=form.held_at(),
                type=form.cleaned_data["type"],
                participants=form.participants(),
                information=form.cleaned_data["information"],
                s47_decided=form.cleaned_data["s47_decided"] == "yes",
                reasons=form.cleaned_data["reasons"],
                other_actions=form.cleaned_data["other_actions"],
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The strategy discussion was recorded")
            return redirect("child_protection:overview", person.pk)
    return _form_page(
        request,
        person,
        form,
        "Record a strategy discussion",
        "child_protection:strategy-discussion-new",
        action_pk=person.pk,
    )


@person_view()
def new_emergency_protection(request, person):
    """Record police protection (s46) or an emergency protection order (s44): a child need not
    have an open episode (police protection often comes first, and leads to the referral)."""
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    form = EmergencyProtectionForm(
        request.POST if request.method == "POST" else None, person=person
    )
    if form.is_bound and form.is_valid():
        discussion = form.cleaned_data["discussion"]
        try:
            protection = services.record_emergency_protection(
                worker,
                person.pk,
                kind=form.cleaned_data["kind"],
                started_on=form.cleaned_data["started_on"],
                ended_on=form.cleaned_data["ended_on"],
                court=form.cleaned_data["court"],
                circumstances=form.cleaned_data["circumstances"],
                discussion_id=discussion.pk if discussion else None,
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{protection.get_kind_display()} was recorded")
            return redirect("child_protection:overview", person.pk)
    return _form_page(
        request,
        person,
        form,
        "Record police protection or an emergency protection order",
        "child_protection:emergency-protection-new",
        action_pk=person.pk,
    )


@record_of_person(DISCUSSIONS, "discussion_pk", "discussion")
def start_s47(request, person, discussion):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not discussion.s47_decided or discussion.enquiries.exists():
        messages.info(
            request,
            "A section 47 enquiry has already started from this strategy discussion"
            if discussion.s47_decided
            else "This strategy discussion decided that no section 47 enquiry is needed",
        )
        return redirect("child_protection:overview", person.pk)
    form = StartS47Form(
        request.POST if request.method == "POST" else None,
        initial={"started_on": discussion.held_on},
    )
    if form.is_bound and form.is_valid():
        try:
            enquiry = services.start_s47(
                actor=worker,
                discussion_id=discussion.pk,
                started_on=form.cleaned_data["started_on"],
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                "The section 47 enquiry started: the initial conference is due by "
                f"{enquiry.icpc_due_on:%-d %B %Y}",
            )
            return redirect("child_protection:s47", enquiry.pk)
    return _form_page(
        request,
        person,
        form,
        "Start a section 47 enquiry",
        "child_protection:s47-start",
        action_pk=discussion.pk,
        discussion=discussion,
    )


@record_of_person(ENQUIRIES, "s47_pk", "enquiry")
def s47(request, person, enquiry):
    """The enquiry; while it is open, the form that records its outcome."""
    worker = request.user
    form = None
    if enquiry.is_open and can_record(worker):
        form = CompleteS47Form(
            request.POST if request.method == "POST" else None,
            initial={"version": enquiry.version},
        )
        if form.is_bound and form.is_valid():
            try:
                services.complete_s47(
                    actor=worker,
                    enquiry_id=enquiry.pk,
                    completed_on=form.cleaned_data["completed_on"],
                    outcome=form.cleaned_data["outcome"],
                    icpc_needed=form.icpc_needed_value(),
                    findings=form.cleaned_data["findings"],
                    version=form.cleaned_data["version"],
                )
            except PermissionDenied as error:
                return refused(request, str(error))
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, "The outcome of the enquiry was recorded")
                return redirect("child_protection:s47", enquiry.pk)
    elif request.method == "POST":
        return read_only(request) if not can_record(worker) else redirect(request.path)
    return render(
        request,
        "child_protection/s47.html",
        {
            "person": person,
            "enquiry": enquiry,
            "form": form,
            "conference": getattr(enquiry, "conference", None),
            "can_record": can_record(worker),
        },
    )


@record_of_person(ENQUIRIES, "s47_pk", "enquiry")
def new_icpc(request, person, enquiry):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if getattr(enquiry, "conference", None) is not None:
        messages.info(request, "The initial conference of this enquiry is already recorded")
        return redirect("child_protection:overview", person.pk)
    if enquiry.is_open or not enquiry.icpc_needed:
        messages.info(
            request,
            "Record the outcome of the section 47 enquiry first: it says whether a "
            "conference is needed"
            if enquiry.is_open
            else "The enquiry's outcome was that no conference is needed",
        )
        return redirect("child_protection:s47", enquiry.pk)
    form = IcpcForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            conference = services.record_icpc(
                actor=worker,
                enquiry_id=enquiry.pk,
                held_on=form.cleaned_data["held_on"],
                attendees=form.attendees(),
                decision=form.cleaned_data["decision"],
                category=form.cleaned_data["category"],
                chair=form.cleaned_data["chair"],
                reasons=form.cleaned_data["reasons"],
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                "The conference was recorded"
                + (": the child protection plan started" if conference.plan_id else ""),
            )
            return redirect("child_protection:overview", person.pk)
    return _form_page(
        request,
        person,
        form,
        "Record the initial child protection conference",
        "child_protection:icpc-new",
        action_pk=enquiry.pk,
        due_on=enquiry.icpc_due_on,
        discussion_on=enquiry.discussion_on,
    )


def _plan_closed(request, plan):
    messages.info(request, "This child protection plan has ended")
    return redirect("child_protection:overview", plan.person_id)


@record_of_person(CP_PLANS, "plan_pk", "plan")
def new_core_group(request, person, plan):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not plan.is_open:
        return _plan_closed(request, plan)
    actions = services.live_actions(plan)
    form = CoreGroupForm(request.POST if request.method == "POST" else None, actions=actions)
    if form.is_bound and form.is_valid():
        try:
            services.record_core_group(
                actor=worker,
                plan_id=plan.pk,
                held_on=form.cleaned_data["held_on"],
                attendees=form.cleaned_data["attendees"],
                minutes=form.cleaned_data["minutes"],
                progress=form.progress(),
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The core group was recorded")
            return redirect("child_protection:overview", person.pk)
    schedule = getattr(plan, "cp_schedule", None)
    return _form_page(
        request,
        person,
        form,
        "Record a core group meeting",
        "child_protection:core-group-new",
        action_pk=plan.pk,
        due_on=schedule.core_group_due_on if schedule else None,
    )


@record_of_person(CP_PLANS, "plan_pk", "plan")
def new_review(request, person, plan):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if not plan.is_open:
        return _plan_closed(request, plan)
    form = ReviewConferenceForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            review = services.record_review_conference(
                actor=worker,
                plan_id=plan.pk,
                held_on=form.cleaned_data["held_on"],
                attendees=form.attendees(),
                decision=form.cleaned_data["decision"],
                chair=form.cleaned_data["chair"],
                summary=form.cleaned_data["summary"],
                end_reason=form.cleaned_data["end_reason"],
                category=form.cleaned_data["category"],
            )
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"The review conference was recorded: {review.get_decision_display()}"
            )
            return redirect("child_protection:overview", person.pk)
    schedule = getattr(plan, "cp_schedule", None)
    return _form_page(
        request,
        person,
        form,
        "Record a review child protection conference",
        "child_protection:review-new",
        action_pk=plan.pk,
        due_on=schedule.review_due_on if schedule else None,
    )
