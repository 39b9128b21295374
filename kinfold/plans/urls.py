from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("<int:plan_pk>/", views.plan, name="plan"),
    path("<int:plan_pk>/change/", views.edit, name="edit"),
    # The quality checks on what is being typed (htmx, POST only).
    path("<int:plan_pk>/check/", views.check, name="check"),
]
