from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "kinfold.api"
    label = "api"
    verbose_name = "Partner API"
