from django.urls import path

from . import views

app_name = "workforce"

urlpatterns = [
    path("", views.units, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("workers/<int:pk>/", views.worker_detail, name="worker"),
]
