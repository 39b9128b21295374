from django.urls import path

from . import views

app_name = "child_in_need"

urlpatterns = [
    # A child in need (or child protection) involvement: the CIN episode.
    path("<int:inv_pk>/", views.episode, name="episode"),
    path("<int:inv_pk>/plan/start/", views.start_plan, name="start-plan"),
    path("<int:inv_pk>/close/", views.close, name="close"),
    # A child in need plan's reviews.
    path("plans/<int:plan_pk>/review/", views.review, name="review"),
]
