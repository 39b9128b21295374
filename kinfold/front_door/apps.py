from django.apps import AppConfig


class FrontDoorConfig(AppConfig):
    name = "kinfold.front_door"
    label = "front_door"
    verbose_name = "Integrated Front Door"

    def ready(self) -> None:
        from . import registrations  # noqa: F401 - event types, transitions, timed items
