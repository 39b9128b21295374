from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "kinfold.quality"
    label = "quality"
    verbose_name = "Quality checks"
