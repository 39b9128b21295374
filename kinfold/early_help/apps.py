from django.apps import AppConfig


class EarlyHelpConfig(AppConfig):
    name = "kinfold.early_help"
    label = "early_help"
    verbose_name = "Early help"

    def ready(self) -> None:
        from . import registrations  # noqa: F401 - event types, transitions, review due dates
