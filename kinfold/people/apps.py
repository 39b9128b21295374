from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "kinfold.people"
    label = "people"
    verbose_name = "People"
