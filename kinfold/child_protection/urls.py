from django.urls import path

from . import views

app_name = "child_protection"

urlpatterns = [
    # A child's child protection record, and a strategy discussion on their episode.
    path("child/<int:pk>/", views.overview, name="overview"),
    path(
        "child/<int:pk>/strategy-discussion/",
        views.new_strategy_discussion,
        name="strategy-discussion-new",
    ),
    # Police protection (s46) or an emergency protection order (s44).
    path(
        "child/<int:pk>/emergency-protection/",
        views.new_emergency_protection,
        name="emergency-protection-new",
    ),
    path(
        "strategy-discussion/<int:discussion_pk>/section-47/",
        views.start_s47,
        name="s47-start",
    ),
    # A section 47 enquiry (with the form for its outcome while open) and its conference.
    path("section-47/<int:s47_pk>/", views.s47, name="s47"),
    path("section-47/<int:s47_pk>/conference/", views.new_icpc, name="icpc-new"),
    # A child protection plan's meetings.
    path("plan/<int:plan_pk>/core-group/", views.new_core_group, name="core-group-new"),
    path("plan/<int:plan_pk>/review/", views.new_review, name="review-new"),
]
