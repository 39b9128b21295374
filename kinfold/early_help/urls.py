from django.urls import path

from . import views

app_name = "early_help"

urlpatterns = [
    path("", views.hub, name="hub"),
    # An early help involvement's episode and what is recorded on it.
    path("<int:inv_pk>/", views.episode, name="episode"),
    path("<int:inv_pk>/set-up/", views.set_up, name="set-up"),
    path("<int:inv_pk>/plan/", views.plan, name="plan"),
    path("<int:inv_pk>/review/", views.review, name="review"),
    path("<int:inv_pk>/end/", views.end, name="end"),
    path("<int:inv_pk>/step-up/", views.step_up, name="step-up"),
    # From a child in need episode (the child's record links here).
    path("step-down/<int:inv_pk>/", views.step_down, name="step-down"),
]
