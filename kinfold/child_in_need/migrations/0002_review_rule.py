"""The default review timescale of a child in need plan. An LA edits it (timescales pages);
this data never changes."""

import datetime as dt

from django.db import migrations


def seed(apps, schema_editor):
    Rule = apps.get_model("timescales", "Rule")
    Rule.objects.create(
        code="cin.review",
        trigger="cin_plan.started",
        item="Review of the child in need plan",
        amount=3,
        unit="months",
        repeats=True,
        repeat_amount=3,
        repeat_unit="months",
        source="Local practice",
        source_reference="Child in need reviews (seed 000)",
        note="First within 3 months of the plan's start; then every 3 months while it lasts. "
        "Working Together 2023 leaves the interval to the LA.",
        effective_from=dt.date(1970, 1, 1),
    )


def unseed(apps, schema_editor):
    apps.get_model("timescales", "Rule").objects.filter(
        code="cin.review", changed_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("child_in_need", "0001_initial"), ("timescales", "0002_default_rules")]

    operations = [migrations.RunPython(seed, unseed)]
