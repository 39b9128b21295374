from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "kinfold.returns"
    label = "returns"
    verbose_name = "Statutory returns"

    def ready(self) -> None:
        # Each registers its return kind.
        from . import annex_a, cin_census  # noqa: F401
        from .census_checks import signals, worklist  # noqa: F401 - checks on save, My work
