"""A person's record: add a person (after checking for duplicates), see, edit and trace it,
add names, addresses and relationships. Every page of a person goes through person_view
(access check and audit); every write goes through people.services."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.http import url_has_allowed_host_and_scheme

from kinfold.access.guards import is_administrator, person_view
from kinfold.access.services import can_manage_restriction
from kinfold.people import codes, selectors, services
from kinfold.people.forms import (
    AddressForm,
    EndRelationshipForm,
    FindRelativeForm,
    NameForm,
    PersonCreateForm,
    PersonEditForm,
    RelationshipForm,
    carried_fields,
)

FIND_FIELDS = ("la_child_id", "name", "dob_0", "dob_1", "dob_2")


def _read_only(request):
    return render(
        request,
        "error.html",
        {
            "heading": "You cannot change records",
            "message": "Your role can read records but not add or change them. "
            "Ask a practitioner in the child's team.",
        },
        status=403,
    )


def _place_errors(form, error: services.RecordError) -> None:
    if not error.field_errors:
        form.add_error(None, str(error))
    for name, messages_ in error.field_errors.items():
        form.add_error(name if name in form.fields else None, messages_)


# ---- adding a person -----------------------------------------------------------------------


def _next_url(request) -> str:
    """Where to go with the person added (a page that asked for one), when it is safe."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def create(request):
    """Add a person: the details, then the likely duplicates (if any) to check, then save.
    A page that sends `next` gets the person back as `?person=<pk>`."""
    worker = request.user
    if not services.can_record(worker):
        return _read_only(request)
    next_url = _next_url(request)
    if request.method != "POST":
        return render(
            request, "people/create.html", {"form": PersonCreateForm(), "next_url": next_url}
        )
    form = PersonCreateForm(request.POST)
    if "change" in request.POST or not form.is_valid():
        return render(request, "people/create.html", {"form": form, "next_url": next_url})
    details = form.person_details()
    address = form.address()
    confirmed = "confirm_new" in request.POST
    candidates = selectors.duplicate_candidates(
        worker=worker,
        details=details,
        postcode=address.postcode if address else "",
        record=not confirmed,
    )
    if candidates and not confirmed:
        return render(
            request,
            "people/confirm_create.html",
            {
                "form": form,
                "candidates": candidates,
                "carried": carried_fields(form),
                "next_url": next_url,
            },
        )
    try:
        person = services.create_person(
            worker=worker,
            details=details,
            disabilities=form.cleaned_data["disabilities"],
            address=address,
            duplicates_checked=[c.person for c in candidates],
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return render(request, "people/create.html", {"form": form, "next_url": next_url})
    messages.success(request, f"{person.full_name} was added (LA child ID {person.la_child_id})")
    if next_url:
        return redirect(f"{next_url}{'&' if '?' in next_url else '?'}person={person.pk}")
    return redirect("people:detail", person.pk)


# ---- the record ----------------------------------------------------------------------------


@person_view()
def detail(request, person):
    worker = request.user
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "record": selectors.person_record(person),
            "can_record": services.can_record(worker),
            "can_see_audit": is_administrator(worker),
            "can_manage_restriction": can_manage_restriction(worker=worker, person=person),
            "break_glass": request.access_decision.via_break_glass,
            "today": timezone.localdate(),
        },
    )


def _stale_message(change) -> str:
    entry = selectors.describe(change)
    when = timezone.localtime(change.changed_at)
    return (
        f"This record was changed by {entry.who} at {format_date(when, 'H:i')} on "
        f"{format_date(when, 'j F Y')} since you opened it"
    )


@person_view()
def edit(request, person):
    worker = request.user
    if not services.can_record(worker):
        return _read_only(request)
    stale = None
    if request.method != "POST":
        form = PersonEditForm(initial=PersonEditForm.initial_for(person))
    else:
        form = PersonEditForm(request.POST)
        if form.is_valid():
            data = {**form.person_details(), "disabilities": form.cleaned_data["disabilities"]}
            try:
                change = services.update_person(
                    person=person,
                    worker=worker,
                    data=data,
                    version=form.cleaned_data["version"],
                    reason=form.cleaned_data["reason"],
                )
            except services.StaleEdit as error:
                # Keep what the worker typed, at the version now saved, so a second save is a
                # deliberate choice over the changes listed.
                resubmit = request.POST.copy()
                resubmit["version"] = str(error.current_version)
                form = PersonEditForm(resubmit)
                form.is_valid()
                for change in error.changes:
                    form.add_error(None, _stale_message(change))
                stale = [selectors.describe(c) for c in error.changes]
            except ValidationError as error:
                form.add_service_errors(error)
            except services.RecordError as error:
                _place_errors(form, error)
            else:
                if change is None:
                    messages.info(request, "You did not change anything, so nothing was saved")
                else:
                    messages.success(request, "The changes were saved")
                return redirect("people:detail", person.pk)
    return render(request, "people/edit.html", {"form": form, "person": person, "stale": stale})


@person_view()
def history(request, person):
    return render(
        request,
        "people/history.html",
        {"person": person, "entries": selectors.history(person)},
    )


@person_view()
def add_name(request, person):
    worker = request.user
    if not services.can_record(worker):
        return _read_only(request)
    form = NameForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            name = services.add_name(
                worker=worker,
                person=person,
                kind=data["kind"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                from_date=data["from_date"],
                to_date=data["to_date"],
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        except services.RecordError as error:
            _place_errors(form, error)
        else:
            messages.success(request, f"The name {name} was added")
            return redirect("people:detail", person.pk)
    return render(request, "people/add_name.html", {"form": form, "person": person})


@person_view()
def add_address(request, person):
    worker = request.user
    if not services.can_record(worker):
        return _read_only(request)
    form = AddressForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            address, ended = services.add_address(
                worker=worker, person=person, address=form.details()
            )
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        except services.RecordError as error:
            _place_errors(form, error)
        else:
            text = f"The address {address} was added"
            if ended:
                text += f"; the previous address was ended on {ended[0].to_date:%-d %B %Y}"
            messages.success(request, text)
            return redirect("people:detail", person.pk)
    return render(request, "people/add_address.html", {"form": form, "person": person})


# ---- relationships -------------------------------------------------------------------------


@person_view()
def relationships(request, person):
    current, past = selectors.relationship_rows(person)
    return render(
        request,
        "people/relationships.html",
        {
            "person": person,
            "current": current,
            "past": past,
            "can_record": services.can_record(request.user),
        },
    )


@person_view()
def add_relationship(request, person):
    """Find the other person (GET), then choose them and the relationship (POST to the same
    address, so the people found are found again)."""
    worker = request.user
    if not services.can_record(worker):
        return _read_only(request)
    searched = any(request.GET.get(name) for name in FIND_FIELDS)
    find_form = FindRelativeForm(request.GET if searched else None)
    candidates = None
    if searched and find_form.is_valid():
        found = find_form.cleaned_data
        candidates = selectors.find_relatives(
            worker=worker,
            person=person,
            la_child_id=found["la_child_id"],
            name=found["name"],
            date_of_birth=found["dob"],
        )
    form = None
    if candidates:
        form = RelationshipForm(
            request.POST if request.method == "POST" else None,
            person=person,
            candidates=candidates,
        )
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            other = form.other_person()
            try:
                services.add_relationship(
                    worker=worker,
                    person=person,
                    other=other,
                    other_is=data["type"],
                    start_date=data["start_date"],
                    lives_with=data["lives_with"],
                    parental_responsibility=data["parental_responsibility"],
                )
            except services.RecordError as error:
                _place_errors(form, error)
            else:
                messages.success(
                    request,
                    f"{other.full_name} was recorded as "
                    f"{codes.RelationshipType(data['type']).label.lower()} "
                    f"of {person.full_name}",
                )
                return redirect("people:relationships", person.pk)
    return render(
        request,
        "people/add_relationship.html",
        {
            "person": person,
            "find_form": find_form,
            "form": form,
            "searched": searched,
            "candidates": candidates,
            "query": request.GET.urlencode(),
        },
    )


@person_view()
def end_relationship(request, person, rel_pk):
    worker = request.user
    if not services.can_record(worker):
        return _read_only(request)
    relationship = selectors.relationship_of(person, rel_pk)
    if relationship is None:
        return render(
            request,
            "error.html",
            {
                "heading": "Relationship not found",
                "message": "This relationship is not on this person's record.",
            },
            status=404,
        )
    if not relationship.is_current:
        messages.info(request, "This relationship has already ended")
        return redirect("people:relationships", person.pk)
    form = EndRelationshipForm(
        request.POST if request.method == "POST" else None,
        initial={"end_date": timezone.localdate()},
    )
    if form.is_bound and form.is_valid():
        try:
            services.end_relationship(
                worker=worker,
                relationship=relationship,
                end_date=form.cleaned_data["end_date"],
                reason=form.cleaned_data["reason"],
            )
        except services.RecordError as error:
            _place_errors(form, error)
        else:
            messages.success(
                request,
                f"The relationship with {relationship.other.full_name} was ended on both records",
            )
            return redirect("people:relationships", person.pk)
    return render(
        request,
        "people/end_relationship.html",
        {
            "person": person,
            "relationship": relationship,
            "role": selectors.role_label(relationship.type),
            "form": form,
        },
    )
