"""Statutory returns' pages, for performance officers and administrators: start a build, watch
its progress (the page refreshes itself while it runs, without JavaScript), see its problems and
download its file."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache

from . import selectors, services
from .annex_a import CODE as ANNEX_A
from .cin_census import CODE as CIN_CENSUS
from .forms import AnnexAForm, CINCensusForm
from .models import ReturnBuild

# Seconds between refreshes of a build's page while it runs.
REFRESH_SECONDS = 3


def returns_roles_only(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.may_build_returns(request.user):
            return render(
                request,
                "error.html",
                {
                    "heading": "You cannot see this page",
                    "message": "Only performance officers and administrators build returns.",
                },
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapper


def _build_or_404(pk: int) -> ReturnBuild:
    try:
        return selectors.build(build_id=pk)
    except ReturnBuild.DoesNotExist:
        raise Http404("No such build") from None


@returns_roles_only
def index(request):
    # Two forms on the page; the button pressed says which was sent.
    census_sent = request.method == "POST" and "build_cin_census" in request.POST
    annex_sent = request.method == "POST" and not census_sent
    form = AnnexAForm(request.POST if annex_sent else None)
    census_form = CINCensusForm(request.POST if census_sent else None)
    sent = census_form if census_sent else form if annex_sent else None
    if sent is not None and sent.is_valid():
        kind, title = (CIN_CENSUS, "CIN census") if census_sent else (ANNEX_A, "Annex A")
        try:
            build = services.start_build(
                actor=request.user, kind=kind, parameters=sent.parameters()
            )
        except ValidationError as error:
            sent.add_service_errors(error)
        else:
            messages.success(request, f"{title} build started")
            return redirect("returns:build", build.pk)
    return render(
        request,
        "returns/index.html",
        {"form": form, "census_form": census_form, "builds": selectors.recent_builds()},
    )


@never_cache
@returns_roles_only
def build(request, pk):
    found = _build_or_404(pk)
    refresh = found.unfinished and not found.stalled
    return render(
        request,
        "returns/build.html",
        {
            "build": found,
            "problems": selectors.problems(build_id=found.pk),
            "refresh_seconds": REFRESH_SECONDS if refresh else None,
        },
    )


@never_cache
@returns_roles_only
def download(request, pk):
    _build_or_404(pk)
    try:
        found, content = services.download_build(actor=request.user, build_id=pk)
    except ValidationError:
        raise Http404("This build has no file") from None
    response = HttpResponse(content, content_type=found.content_type)
    response["Content-Disposition"] = f'attachment; filename="{found.file_name}"'
    return response


app_name = "returns"
urlpatterns = [
    path("", index, name="index"),
    path("builds/<int:pk>/", build, name="build"),
    path("builds/<int:pk>/download/", download, name="download"),
]
