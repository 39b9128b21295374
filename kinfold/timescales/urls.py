from django.urls import path

from . import views, worklist_views

app_name = "timescales"

urlpatterns = [
    path("", views.rules, name="rules"),
    path("rules/<str:code>/", views.rule, name="rule"),
    path("rules/<str:code>/change/", views.rule_change, name="rule-change"),
    path("closure-days/", views.closure_days, name="closure-days"),
    # Worklists: my work, a team's work and a worker's list in it, the team's caseloads.
    path("my-work/", worklist_views.my_work, name="my-work"),
    path("team/", worklist_views.team, name="team"),
    path("team/workers/<int:worker_pk>/", worklist_views.team_worker, name="team-worker"),
    path("caseload/", worklist_views.caseload, name="caseload"),
]
