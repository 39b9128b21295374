"""The front door's pages: each view module keeps its own URL patterns."""

from .views import configuration, contacts, dashboard, mash

app_name = "front_door"

urlpatterns = [
    *dashboard.urlpatterns,
    *contacts.urlpatterns,
    *mash.urlpatterns,
    *configuration.urlpatterns,
]
