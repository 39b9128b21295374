from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "kinfold.quality"
    label = "quality"
    verbose_name = "Quality checks"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kinfold.plans.models import Plan

        post_save.connect(_check_new_plan, sender=Plan, dispatch_uid="quality.check_new_plan")


def _check_new_plan(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    """A new plan is checked at once (an empty plan has no outcomes and no contingency)."""
    if created and not raw:
        from kinfold.plans.services import recheck

        recheck(instance)
