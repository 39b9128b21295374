"""The default review timescale of an early help plan. An LA edits it (timescales pages); this
data never changes."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    Rule = apps.get_model("timescales", "Rule")
    Rule.objects.create(
        code="early_help.review",
        trigger="early_help.set_up",
        item="Review of the early help plan",
        amount=3,
        unit="months",
        repeats=True,
        repeat_amount=3,
        repeat_unit="months",
        source="Local practice",
        source_reference="Early help reviews (seed 004: the Early Help Hub)",
        note="The family's plan is reviewed with them and the team around the family every "
        "3 months until the episode ends.",
        effective_from=dt.date(1970, 1, 1),
    )


def unseed(apps, schema_editor):
    apps.get_model("timescales", "Rule").objects.filter(
        code="early_help.review", changed_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("early_help", "0001_initial"), ("timescales", "0002_default_rules")]

    operations = [migrations.RunPython(seed, unseed)]
