from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kinfold.plans"
    label = "plans"
    verbose_name = "Plans: child protection and child in need"
