from django.urls import path

from . import views

app_name = "timescales"

urlpatterns = [
    path("", views.rules, name="rules"),
    path("rules/<str:code>/", views.rule, name="rule"),
    path("rules/<str:code>/change/", views.rule_change, name="rule-change"),
    path("closure-days/", views.closure_days, name="closure-days"),
]
