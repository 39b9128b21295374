from django.urls import path

from . import team_view, views

app_name = "quality"

urlpatterns = [
    path("checks/", views.rules, name="rules"),
    path("checks/<str:code>/", views.rule, name="rule"),
    *team_view.urlpatterns,
]
