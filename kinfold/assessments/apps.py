from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "kinfold.assessments"
    label = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from . import registrations  # noqa: F401 - event types, the assessment's due date
