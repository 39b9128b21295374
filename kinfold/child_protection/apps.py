from django.apps import AppConfig


class ChildProtectionConfig(AppConfig):
    name = "kinfold.child_protection"
    label = "child_protection"
    verbose_name = "Child protection"
