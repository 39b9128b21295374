from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "kinfold.journey"
    label = "journey"
    verbose_name = "Journey: involvements and events"
