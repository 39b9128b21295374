"""Reads of returns: the builds, newest first, and a build with its problems."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ReturnBuild, ReturnProblem


def recent_builds(*, limit: int = 20) -> QuerySet[ReturnBuild]:
    return ReturnBuild.objects.select_related("requested_by").order_by("-requested_at", "-id")[
        :limit
    ]


def build(*, build_id: int) -> ReturnBuild:
    return ReturnBuild.objects.select_related("requested_by").get(pk=build_id)


def problems(*, build_id: int) -> QuerySet[ReturnProblem]:
    return ReturnProblem.objects.filter(build_id=build_id).order_by("part", "id")
