"""What the journey's pages share: the person check for pages of a record that belongs to a
child (a note, an event), and the refusal page for those who may not record."""

from __future__ import annotations

import functools

from django.shortcuts import get_object_or_404, render

from kinfold.access.guards import person_view
from kinfold.people.models import Person


def refused(request, message: str, heading: str = "You cannot do this"):
    return render(request, "error.html", {"heading": heading, "message": message}, status=403)


def read_only(request):
    return refused(
        request,
        "Your role can read records but not add or change them. "
        "Ask a practitioner in the child's team.",
        heading="You cannot change records",
    )


def _kept(person: Person) -> int:
    """The record a merged record was merged into (following a chain), else itself."""
    seen: set[int] = set()
    while person.merged_into_id and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.get(pk=person.merged_into_id)
    return person.pk


def record_of_person(queryset, kwarg: str, name: str):
    """Decorate a view taking (request, person, obj): `obj` is looked up by `kwarg`, and the
    page goes through person_view (access check and audit) for the child it belongs to."""

    def decorate(view):
        as_person_page = person_view()(view)

        @functools.wraps(view)
        def wrapper(request, **kwargs):
            obj = get_object_or_404(queryset, pk=kwargs.pop(kwarg))
            return as_person_page(request, pk=_kept(obj.person), **{name: obj}, **kwargs)

        return wrapper

    return decorate
