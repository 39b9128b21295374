from django.urls import path

from . import views

app_name = "quality"

urlpatterns = [
    path("checks/", views.rules, name="rules"),
    path("checks/<str:code>/", views.rule, name="rule"),
]
