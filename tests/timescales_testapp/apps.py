from django.apps import AppConfig
from django.db.models import Q


class TimescalesTestAppConfig(AppConfig):
    """Installed only when KINFOLD_TESTING=1: a stand-in for a stage that stores due dates,
    registered exactly as a real stage registers its items."""

    name = "tests.timescales_testapp"
    label = "timescales_testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from kinfold.timescales.registry import register

        from .models import TimedItem

        register(
            TimedItem,
            rule_code="assessment.single",
            trigger_field="trigger_date",
            due_field="due_date",
            open_q=Q(completed_at__isnull=True, rule_code="assessment.single"),
            owner_field="owner",
            person_field="person",
        )
        register(
            TimedItem,
            rule_code="cp.review_conference",
            trigger_field="trigger_date",
            due_field="due_date",
            open_q=Q(completed_at__isnull=True, rule_code="cp.review_conference"),
            repeat_q=Q(is_repeat=True),
        )
        register(
            TimedItem,
            rule_code="mash.rag.amber",
            trigger_field="trigger_at",
            due_field="due_at",
            open_q=Q(completed_at__isnull=True, rule_code="mash.rag.amber"),
            owner_field="owner",
            person_field="person",
            title="MASH information gathering (amber)",
        )
