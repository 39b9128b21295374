"""Recording a contact, without JavaScript: the children it is about are kept in a draft in
the session while the worker finds them (the people search, only persons they may see) or
adds a new one through people:create (which checks for duplicates and brings the new person
back here through its `next`); the details typed so far are kept in the draft while they do.
Saving calls services.record_contact; nothing is saved until then."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from kinfold.access.permissions import can_record
from kinfold.access.visibility import Access, visible_persons
from kinfold.people.models import Person
from kinfold.people.search import search_persons
from kinfold.people.views.search import SEARCH_FIELDS, PersonSearchForm

from .. import services
from ..forms import ContactForm

DRAFT = "front_door.contact_draft"
RESULTS_SHOWN = 25


def _read_only(request):
    return render(
        request,
        "error.html",
        {
            "heading": "You cannot record contacts",
            "message": "Your role can read contacts but not record them.",
        },
        status=403,
    )


def _draft(request) -> dict[str, Any]:
    draft = request.session.get(DRAFT) or {}
    return {"children": list(draft.get("children", [])), "details": draft.get("details", {})}


def _save_draft(request, draft: dict[str, Any]) -> None:
    request.session[DRAFT] = draft


def draft_children(request) -> list[Person]:
    """The draft's children the worker may see, in the order added."""
    ids = _draft(request)["children"]
    found = visible_persons(request.user, Person.objects.filter(pk__in=ids)).in_bulk()
    return [found[pk] for pk in ids if pk in found]


def _add_child(request, person_id: int) -> Person | None:
    person = visible_persons(request.user, Person.objects.filter(pk=person_id)).first()
    if person is None:
        return None
    draft = _draft(request)
    if person.pk not in draft["children"]:
        draft["children"].append(person.pk)
        _save_draft(request, draft)
    return person


def _initial(raw: dict[str, str]) -> dict[str, Any]:
    """The form's initial values from the details typed before (kept as they were typed)."""
    initial: dict[str, Any] = {
        name: raw[name] for name in ContactForm.base_fields if name in raw and raw[name] != ""
    }
    if any(raw.get(f"received_on_{i}") for i in range(3)):
        initial["received_on"] = [raw.get(f"received_on_{i}", "") for i in range(3)]
    return initial


def new_contact(request):
    worker = request.user
    if not can_record(worker):
        return _read_only(request)
    children = draft_children(request)
    children_errors: list[str] = []
    if request.method != "POST":
        raw = _draft(request)["details"]
        form = ContactForm(initial={**ContactForm.defaults(), **_initial(raw)})
    elif "change_children" in request.POST:
        draft = _draft(request)
        draft["details"] = {
            k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken",)
        }
        _save_draft(request, draft)
        return redirect("front_door:new-contact-children")
    else:
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                contact = services.record_contact(
                    actor=worker,
                    details=form.details(),
                    children=children,
                    partner=form.cleaned_data["partner"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "children" in error.error_dict:
                    children_errors = error.message_dict["children"]
                    for message in children_errors:
                        form.add_error(None, message)
                    rest = {k: v for k, v in error.message_dict.items() if k != "children"}
                    if rest:
                        form.add_service_errors(ValidationError(rest))
                else:
                    form.add_service_errors(error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                request.session.pop(DRAFT, None)
                messages.success(request, f"Contact {contact.reference} was recorded")
                return redirect("front_door:contact", contact.pk)
    return render(
        request,
        "front_door/contact_new.html",
        {
            "form": form,
            "children": [(c, services.check_child(c)) for c in children],
            "children_errors": children_errors,
        },
    )


def new_contact_children(request):
    """Find the children the contact is about and add them to the draft (or remove them)."""
    worker = request.user
    if not can_record(worker):
        return _read_only(request)
    here = reverse("front_door:new-contact-children")
    if request.method == "POST":
        back = request.POST.get("query", "")
        if request.POST.get("add", "").isdigit():
            person = _add_child(request, int(request.POST["add"]))
            if person is None:
                messages.info(request, "That person cannot be added: you cannot see their record")
            else:
                messages.success(request, f"{person.full_name} was added to the contact")
        elif request.POST.get("remove", "").isdigit():
            draft, gone = _draft(request), int(request.POST["remove"])
            draft["children"] = [pk for pk in draft["children"] if pk != gone]
            _save_draft(request, draft)
            messages.success(request, "The child was removed from the contact")
        return redirect(f"{here}?{back}" if back else here)
    # Back from people:create with the person just added.
    if request.GET.get("person", "").isdigit():
        person = _add_child(request, int(request.GET["person"]))
        if person is not None:
            messages.success(request, f"{person.full_name} was added to the contact")
        return redirect(here)
    submitted = any(name in request.GET for name in SEARCH_FIELDS)
    form = PersonSearchForm(request.GET if submitted else None)
    results = None
    children = draft_children(request)
    if submitted and form.is_valid():
        found = search_persons(worker=worker, **form.cleaned_data, limit=RESULTS_SHOWN)
        results = [r for r in found if r.access is Access.FULL]
    return render(
        request,
        "front_door/contact_children.html",
        {
            "form": form,
            "results": results,
            "children": children,
            "on_contact": {c.pk for c in children},
            "query": request.GET.urlencode(),
            "create_url": f"{reverse('people:create')}?{urlencode({'next': here})}",
        },
    )
