from django.urls import path

from .views import merge, records, search

app_name = "people"

urlpatterns = [
    path("", search.search, name="search"),
    path("new/", records.create, name="create"),
    path("<int:pk>/", records.detail, name="detail"),
    path("<int:pk>/edit/", records.edit, name="edit"),
    path("<int:pk>/history/", records.history, name="history"),
    path("<int:pk>/names/add/", records.add_name, name="add-name"),
    path("<int:pk>/addresses/add/", records.add_address, name="add-address"),
    path("<int:pk>/relationships/", records.relationships, name="relationships"),
    path("<int:pk>/relationships/add/", records.add_relationship, name="add-relationship"),
    path(
        "<int:pk>/relationships/<int:rel_pk>/end/",
        records.end_relationship,
        name="end-relationship",
    ),
    path("duplicates/", merge.duplicates, name="duplicates"),
    path("<int:pk>/merge/<int:other_pk>/", merge.merge, name="merge"),
    path("merges/<int:merge_pk>/", merge.merge_detail, name="merge-detail"),
]
