from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "kinfold.workforce"
    label = "workforce"
    verbose_name = "Workforce"
