from django.urls import path, re_path

from . import views

app_name = "assessments"

urlpatterns = [
    # A child's assessments, and starting one from their open CIN episode.
    path("child/<int:pk>/", views.for_child, name="for-child"),
    path("start/<int:inv_pk>/", views.start, name="start"),
    # One assessment: its page, a part's form, completing and authorising it.
    path("<int:pk>/", views.assessment, name="assessment"),
    path("<int:pk>/complete/", views.complete, name="complete"),
    path("<int:pk>/authorise/", views.authorise, name="authorise"),
    re_path(
        r"^(?P<pk>[0-9]+)/(?P<part>factors|seen|views|analysis|outcome)/$",
        views.part,
        name="part",
    ),
]
