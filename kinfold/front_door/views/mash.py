"""The MASH: the worklist of open enquiries (overdue first, then by working time left), an
enquiry with its partner information requests, and what a MASH worker does in it: take it,
rate it again, ask an agency, record an agency's answer given by phone.

Who: contact officers, MASH practitioners, team managers, administrators and performance
officers see these pages (`selectors.sees_front_door`); performance officers only read. An
enquiry is about its children: it is shown only to a worker who may open every child's record
(else the "no access" page for the first child they may not, with break glass), and each view
is recorded in the audit log against each child, as a page of their record is. The worklist
names a child only where the viewer may open their record.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_POST

from kinfold.access import audit
from kinfold.access.guards import record_managers
from kinfold.access.models import AuditAction
from kinfold.access.visibility import Access
from kinfold.people.search_results import access_for
from kinfold.timescales.calendar import working_calendar
from kinfold.timescales.worklists import children_shown

from .. import selectors, services
from ..codes import Rag, RequestStatus
from ..mash_forms import AnswerForm, RequestInformationForm, RerateForm
from ..models import InformationRequest, MashEnquiry

PAGE_SIZE = 50


def _refused(request, message: str, heading: str = "You cannot see this page"):
    return render(request, "error.html", {"heading": heading, "message": message}, status=403)


def _not_front_door(request):
    return _refused(
        request,
        "The MASH pages are for contact officers, MASH practitioners, team managers, "
        "administrators and performance officers.",
    )


def _read_only(request):
    return _refused(
        request,
        "Your role can read MASH enquiries but not work on them.",
        heading="You cannot change records",
    )


# ---- the worklist ---------------------------------------------------------------------------


def mash_list(request):
    worker = request.user
    if not selectors.sees_front_door(worker):
        return _not_front_door(request)
    show = request.GET.get("show", "all")
    show = show if show in dict(selectors.SHOW_CHOICES) else "all"
    rag = request.GET.get("rag", "")
    rag = rag if rag in Rag.values else ""
    page = Paginator(
        selectors.open_enquiries(worker=worker, show=show, rag=rag), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    enquiries = list(page.object_list)
    now, calendar = timezone.now(), working_calendar()
    children = selectors.children_of_contacts(e.contact_id for e in enquiries)
    shown = children_shown(worker, (c.person_id for cs in children.values() for c in cs))
    counts = selectors.request_counts(e.pk for e in enquiries)
    rows = [
        {
            "enquiry": e,
            "time_left": selectors.time_left(e.due_at, now, calendar),
            "children": [
                shown.get(c.person_id) if c.person_id else None for c in children[e.contact_id]
            ],
            "requests": counts.get(e.pk, selectors.RequestCounts()),
        }
        for e in enquiries
    ]
    named = sorted(pid for pid, child in shown.items() if child.name)
    if named:
        audit.record(
            worker=worker,
            action=AuditAction.VIEW,
            object_type="front_door.mash_list",
            object_id=worker.pk,
            detail={"path": request.path, "ids": named},
        )
    query = {"show": show, "rag": rag}
    return render(
        request,
        "front_door/mash_list.html",
        {
            "rows": rows,
            "page": page,
            "show": show,
            "rag": rag,
            "show_choices": selectors.SHOW_CHOICES,
            "rag_choices": Rag.choices,
            "query": "&".join(f"{k}={v}" for k, v in query.items() if v),
            "may_work": selectors.works_in_mash(worker),
        },
    )


# ---- one enquiry ----------------------------------------------------------------------------


def _enquiry_or_refusal(request, pk: int, *, write: bool):
    """The enquiry and its children, or the page refusing it (and None)."""
    worker = request.user
    if not selectors.sees_front_door(worker):
        return None, None, _not_front_door(request)
    if write and not selectors.works_in_mash(worker):
        return None, None, _read_only(request)
    try:
        enquiry = selectors.enquiry(pk)
    except MashEnquiry.DoesNotExist as missing:
        raise Http404("No such MASH enquiry") from missing
    links = selectors.enquiry_children(enquiry)
    persons = [link.person.merged_into or link.person for link in links if link.person]
    access = access_for(worker, persons)
    for person in persons:
        if access[person.pk] is not Access.FULL:
            audit.record(
                worker=worker,
                action=AuditAction.DENIED,
                obj=person,
                detail={"access": access[person.pk].value, "path": request.path},
            )
            return (
                None,
                None,
                render(
                    request,
                    "access/no_access.html",
                    {
                        "person": person,
                        "restricted": access[person.pk] is Access.RESTRICTED,
                        "managers": record_managers(person),
                    },
                    status=403,
                ),
            )
    if request.method == "GET":
        for person in persons:
            audit.record(
                worker=worker, action=AuditAction.VIEW, obj=person, detail={"path": request.path}
            )
    return enquiry, links, None


def mash(request, pk):
    enquiry, links, refusal = _enquiry_or_refusal(request, pk, write=False)
    if refusal is not None:
        return refusal
    now = timezone.now()
    return render(
        request,
        "front_door/mash.html",
        {
            "enquiry": enquiry,
            "contact": enquiry.contact,
            "links": links,
            "time_left": selectors.time_left(enquiry.due_at, now, working_calendar())
            if enquiry.is_open
            else None,
            "requests": selectors.enquiry_requests(enquiry, now),
            "may_work": selectors.works_in_mash(request.user) and enquiry.is_open,
            "is_owner": enquiry.owner_id == request.user.pk,
        },
    )


def _version(request) -> int | None:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None


@require_POST
def take_mash(request, pk):
    enquiry, _, refusal = _enquiry_or_refusal(request, pk, write=True)
    if refusal is not None:
        return refusal
    try:
        services.take_mash_enquiry(
            actor=request.user, enquiry_id=enquiry.pk, version=_version(request)
        )
    except PermissionDenied as error:
        return _refused(request, str(error), heading="You cannot do this")
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, f"You now hold MASH enquiry {enquiry.pk}")
    return redirect("front_door:mash", enquiry.pk)


def rerate_mash(request, pk):
    enquiry, _, refusal = _enquiry_or_refusal(request, pk, write=True)
    if refusal is not None:
        return refusal
    if not enquiry.is_open:
        messages.info(request, "This MASH enquiry is already completed")
        return redirect("front_door:mash", enquiry.pk)
    form = RerateForm(
        request.POST if request.method == "POST" else None, initial={"version": enquiry.version}
    )
    if form.is_bound and form.is_valid():
        try:
            services.rerate_mash_enquiry(
                actor=request.user,
                enquiry_id=enquiry.pk,
                rag=form.cleaned_data["rag"],
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except PermissionDenied as error:
            return _refused(request, str(error), heading="You cannot do this")
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, f"The enquiry is now rated {Rag(form.cleaned_data['rag']).label.lower()}"
            )
            return redirect("front_door:mash", enquiry.pk)
    return render(request, "front_door/mash_rerate.html", {"enquiry": enquiry, "form": form})


def request_information(request, pk):
    enquiry, _, refusal = _enquiry_or_refusal(request, pk, write=True)
    if refusal is not None:
        return refusal
    if not enquiry.is_open:
        messages.info(request, "This MASH enquiry is already completed")
        return redirect("front_door:mash", enquiry.pk)
    form = RequestInformationForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            made = services.request_information(
                actor=request.user,
                enquiry_id=enquiry.pk,
                partner=form.cleaned_data["partner"],
                question=form.cleaned_data["question"],
                due=form.due,
            )
        except PermissionDenied as error:
            return _refused(request, str(error), heading="You cannot do this")
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{made.partner} was asked")
            return redirect("front_door:mash", enquiry.pk)
    return render(request, "front_door/mash_request.html", {"enquiry": enquiry, "form": form})


def record_answer(request, request_pk):
    asked = get_object_or_404(InformationRequest.objects.select_related("partner"), pk=request_pk)
    enquiry, _, refusal = _enquiry_or_refusal(request, asked.enquiry_id, write=True)
    if refusal is not None:
        return refusal
    if asked.status != RequestStatus.OPEN:
        messages.info(request, f"This request is {asked.get_status_display().lower()}")
        return redirect("front_door:mash", enquiry.pk)
    form = AnswerForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.answer_information_request(
                request_id=asked.pk,
                holds_information=form.holds,
                response=form.cleaned_data["response"],
                sharing_basis=form.cleaned_data["sharing_basis"],
                responder_name=form.cleaned_data["responder_name"],
                recorded_by=request.user,
            )
        except PermissionDenied as error:
            return _refused(request, str(error), heading="You cannot do this")
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"The answer from {asked.partner} was recorded")
            return redirect("front_door:mash", enquiry.pk)
    return render(
        request,
        "front_door/mash_answer.html",
        {"enquiry": enquiry, "asked": asked, "form": form, "now": timezone.now()},
    )


urlpatterns = [
    path("mash/", mash_list, name="mash-list"),
    path("mash/<int:pk>/", mash, name="mash"),
    path("mash/<int:pk>/take/", take_mash, name="take-mash"),
    path("mash/<int:pk>/rating/", rerate_mash, name="rerate-mash"),
    path("mash/<int:pk>/ask/", request_information, name="request-information"),
    path("mash/requests/<int:request_pk>/answer/", record_answer, name="record-answer"),
]
