"""The home page and error pages."""

from django.shortcuts import render
from django.utils import timezone

from kinfold.access.visibility import Access
from kinfold.people.search_results import access_for
from kinfold.workforce.selectors import my_allocated_children


def home(request):
    """The worker's own children. A restricted record they are not named on is shown as the
    search shows it: that it exists, its LA child ID, and no name."""
    allocations = list(my_allocated_children(worker=request.user))
    access = access_for(request.user, [a.person for a in allocations])
    for a in allocations:
        a.restricted_to_me = access[a.person_id] is not Access.FULL
    return render(
        request,
        "home.html",
        {"allocations": allocations, "today": timezone.localdate()},
    )


def forbidden(request, exception=None):
    return render(
        request,
        "error.html",
        {"heading": "You cannot see this page", "message": "Your role does not give access to it."},
        status=403,
    )


def not_found(request, exception=None):
    return render(
        request,
        "error.html",
        {
            "heading": "Page not found",
            "message": "Check the address, or find the person by search.",
        },
        status=404,
    )
