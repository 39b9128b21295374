from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kinfold.assessments"
    label = "assessments"
    verbose_name = "Assessments"
