from django.urls import path

from . import allocation_views, views

app_name = "workforce"

urlpatterns = [
    path("", views.units, name="units"),
    path("units/<int:pk>/", views.unit_detail, name="unit"),
    path("workers/<int:pk>/", views.worker_detail, name="worker"),
    path("allocate/<int:pk>/", allocation_views.allocate, name="allocate"),
    path(
        "allocations/<int:allocation_pk>/end/",
        allocation_views.end_allocation,
        name="end-allocation",
    ),
]
