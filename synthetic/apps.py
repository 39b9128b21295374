from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "synthetic"
    label = "synthetic"
    verbose_name = "Synthetic county generator"
