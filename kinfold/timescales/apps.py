from django.apps import AppConfig


class TimescalesConfig(AppConfig):
    name = "kinfold.timescales"
    label = "timescales"
    verbose_name = "Timescales"

    def ready(self) -> None:
        from . import calendar  # noqa: F401 - connects the closure-day cache invalidation
