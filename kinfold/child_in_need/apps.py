from django.apps import AppConfig


class ChildInNeedConfig(AppConfig):
    name = "kinfold.child_in_need"
    label = "child_in_need"
    verbose_name = "Children in need"

    def ready(self) -> None:
        from . import registrations  # noqa: F401 - event types, transitions, due dates, receivers
