"""The home page and error pages."""

from django.shortcuts import render
from django.utils import timezone

from kinfold.workforce.selectors import my_allocated_children


def home(request):
    allocations = my_allocated_children(worker=request.user)
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
