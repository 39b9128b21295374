from django.apps import AppConfig


class ChildProtectionConfig(AppConfig):
    name = "kinfold.child_protection"
    label = "child_protection"
    verbose_name = "Child protection"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kinfold.journey.notes import CaseNote

        from . import registrations  # noqa: F401 - event types, transitions, due dates
        from .visits import note_saved

        # A visit note moves the visit due date of a child on a child protection plan.
        post_save.connect(note_saved, sender=CaseNote, dispatch_uid="child_protection.visits")
