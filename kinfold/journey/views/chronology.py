"""A child's chronology: built from their journey's events, filtered by category, dates and
significance; printable, exportable as PDF (audited), added to by a worker, and corrected by
marking an entry as entered in error (it stays, struck through, with the reason)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from kinfold.access import audit
from kinfold.access.guards import person_view
from kinfold.access.models import AuditAction
from kinfold.access.permissions import can_record
from kinfold.journey import chronology_pdf, selectors, services
from kinfold.journey.chronology_pdf import ChronologyRow
from kinfold.journey.chronology_services import add_chronology_entry
from kinfold.journey.events import CATEGORIES, EVENT_TYPES
from kinfold.journey.forms import ChronologyEntryForm, ChronologyFilterForm, RetractForm
from kinfold.journey.models import Event

from .common import read_only, record_of_person, refused

FILTER_KEYS = (
    "category",
    *(f"{d}_{i}" for d in ("from_date", "to_date") for i in range(3)),
    "significant",
)


def _worker_name(worker) -> str:
    return (worker.get_full_name() or worker.username) if worker else "Kinfold"


def _when(event: Event) -> str:
    at = timezone.localtime(event.occurred_at)
    return format_date(at, "j F Y" if event.date_only else "j F Y, H:i")


def rows_for(events, worker) -> list[ChronologyRow]:
    """The chronology's lines, as the page and the PDF show them."""
    may_record = can_record(worker)
    rows = []
    for event in events:
        event_type = EVENT_TYPES.get(event.type)
        retraction = getattr(event, "retraction", None) if event.entered_in_error else None
        recorded_at = timezone.localtime(event.recorded_at)
        rows.append(
            ChronologyRow(
                when=_when(event),
                what=event_type.label if event_type else event.type,
                summary=event.summary,
                source=str(event.detail.get("source", "")) if event.detail else "",
                recorded=f"{_worker_name(event.recorded_by)}, "
                f"{format_date(recorded_at, 'j M Y H:i')}",
                in_error=retraction.reason if retraction else "",
                in_error_by=(
                    f"{_worker_name(retraction.retracted_by)}, "
                    f"{format_date(timezone.localtime(retraction.retracted_at), 'j M Y H:i')}"
                    if retraction
                    else ""
                ),
                category=CATEGORIES.get(event_type.category, "") if event_type else "",
                significant=event.significant,
                event_id=event.pk,
                can_retract=(
                    may_record
                    and retraction is None
                    and event.type != "event.entered_in_error"
                    and services.can_retract(worker, event)
                ),
            )
        )
    return rows


def _filter_form(request) -> ChronologyFilterForm:
    filtered = any(key in request.GET for key in FILTER_KEYS) or "filter" in request.GET
    return ChronologyFilterForm(request.GET if filtered else None)


@person_view()
def chronology(request, person):
    worker = request.user
    form = _filter_form(request)
    filters = form.filters()
    events = selectors.chronology(worker=worker, person_id=person.pk, filters=filters)
    return render(
        request,
        "journey/chronology.html",
        {
            "person": person,
            "form": form,
            "filters": filters,
            "rows": rows_for(events, worker),
            "query": request.GET.urlencode(),
            "can_record": can_record(worker),
        },
    )


@person_view()
def chronology_pdf_export(request, person):
    worker = request.user
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        back = reverse("journey:chronology", args=[person.pk])
        return redirect(f"{back}?{request.GET.urlencode()}")
    filters = form.filters()
    rows = rows_for(
        selectors.chronology(worker=worker, person_id=person.pk, filters=filters), worker
    )
    now = timezone.localtime()
    pdf = chronology_pdf.render(
        person=person,
        rows=rows,
        filters=filters.describe(),
        generated_by=_worker_name(worker),
        generated_at=now,
        la_name=getattr(settings, "LA_NAME", ""),
    )
    audit.record(
        worker=worker,
        action=AuditAction.EXPORT,
        obj=person,
        detail={
            "what": "chronology",
            "format": "pdf",
            "filters": filters.describe(),
            "rows": len(rows),
            "path": request.get_full_path(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="chronology-{person.la_child_id}-{now:%Y%m%d}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response


@person_view()
def add_entry(request, person):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    form = ChronologyEntryForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            add_chronology_entry(
                actor=worker,
                person=person,
                occurred_on=data["occurred_on"],
                summary=data["summary"],
                source=data["source"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The entry was added to the chronology")
            return redirect("journey:chronology", person.pk)
    return render(request, "journey/add_entry.html", {"form": form, "person": person})


@record_of_person(
    Event.objects.select_related("person", "recorded_by", "retraction"), "event_pk", "event"
)
def retract(request, person, event):
    worker = request.user
    if not can_record(worker):
        return read_only(request)
    if event.entered_in_error:
        messages.info(request, "This entry is already marked as entered in error")
        return redirect("journey:chronology", person.pk)
    if not services.can_retract(worker, event):
        return refused(
            request,
            "Only the worker who recorded this entry, a team manager or an administrator can "
            "mark it as entered in error.",
        )
    form = RetractForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.mark_entered_in_error(
                actor=worker, event_id=event.pk, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The entry was marked as entered in error")
            return redirect("journey:chronology", person.pk)
    (row,) = rows_for([event], worker)
    return render(request, "journey/retract.html", {"form": form, "person": person, "event": row})
