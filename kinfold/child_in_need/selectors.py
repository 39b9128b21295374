"""Reading a child in need episode: its plans and their reviews, its closure."""

from __future__ import annotations

from django.db.models import QuerySet

from kinfold.journey.models import Involvement
from kinfold.plans.models import Plan

from .models import CINClosure, CINPlanReview
from .services import episode_involvements, episode_referral


def plans_of(involvement: Involvement) -> QuerySet[Plan]:
    ids = [i.pk for i in episode_involvements(involvement)]
    return Plan.objects.filter(involvement_id__in=ids).select_related("owner")


def reviews_of(plan_ids: list[int]) -> QuerySet[CINPlanReview]:
    return CINPlanReview.objects.filter(plan_id__in=plan_ids).select_related("recorded_by")


def closure_of(involvement: Involvement) -> CINClosure | None:
    referral = episode_referral(involvement)
    if referral is None:
        return None
    return CINClosure.objects.filter(referral=referral).select_related("recorded_by").first()
