"""Values every page needs: the service name, demo mode, and who is signed in with their team."""

from django.conf import settings


def kinfold(request):
    worker = getattr(request, "user", None)
    from kinfold.access.guards import is_administrator

    team = None
    admin = False
    if worker is not None and worker.is_authenticated:
        team = worker.current_team()
        admin = is_administrator(worker)
    return {
        "service_name": "Kinfold",
        "la_name": settings.LA_NAME,
        "demo_mode": settings.DEMO_MODE,
        "current_team": team,
        "is_administrator": admin,
    }
