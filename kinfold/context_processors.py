"""Values every page needs: the service name, demo mode, and who is signed in with their team."""

from django.conf import settings


def kinfold(request):
    worker = getattr(request, "user", None)
    from kinfold.access.guards import is_administrator
    from kinfold.front_door.selectors import sees_front_door

    team = None
    admin = front_door = False
    if worker is not None and worker.is_authenticated:
        team = worker.current_team()
        admin = is_administrator(worker)
        front_door = sees_front_door(worker)
    return {
        "service_name": "Kinfold",
        "la_name": settings.LA_NAME,
        "demo_mode": settings.DEMO_MODE,
        "current_team": team,
        "is_administrator": admin,
        "sees_front_door": front_door,
    }
