from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "kinfold.returns"
    label = "returns"
    verbose_name = "Statutory returns"

    def ready(self) -> None:
        from . import annex_a  # noqa: F401 - registers the Annex A return
