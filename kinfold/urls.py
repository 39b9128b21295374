"""Kinfold's URLs: one include per app."""

from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("kinfold.access.urls")),
    path("people/", include("kinfold.people.urls")),
    path("workforce/", include("kinfold.workforce.urls")),
    path("journey/", include("kinfold.journey.urls")),
    path("timescales/", include("kinfold.timescales.urls")),
    path("front-door/", include("kinfold.front_door.urls")),
    path("early-help/", include("kinfold.early_help.urls")),
    path("plans/", include("kinfold.plans.urls")),
    path("quality/", include("kinfold.quality.urls")),
    path("assessments/", include("kinfold.assessments.urls")),
    path("child-protection/", include("kinfold.child_protection.urls")),
    path("children-in-need/", include("kinfold.child_in_need.urls")),
    path("api/", include("kinfold.api.urls")),
    path("returns/", include("kinfold.returns.urls")),
]

handler403 = "kinfold.views.forbidden"
handler404 = "kinfold.views.not_found"
