"""The default threshold of need (four levels, as most LAs' threshold documents have them) and
the sign-off timescale for front door decisions. An LA edits both; this data never changes."""

import datetime as dt

from django.db import migrations

LEVELS = [
    (
        1,
        "Universal",
        "Needs met by universal services (schools, GPs, health visitors) with no extra help.",
        "advice",
    ),
    (
        2,
        "Early help",
        "Emerging needs that a single agency or a team around the family can meet with the "
        "family's agreement: early help.",
        "early_help",
    ),
    (
        3,
        "Complex needs: child in need",
        "Complex or several needs that without help are likely to impair the child's health "
        "or development (Children Act 1989 s17): a social work assessment.",
        "referral",
    ),
    (
        4,
        "Acute: child protection",
        "Reasonable cause to suspect the child is suffering, or likely to suffer, significant "
        "harm (Children Act 1989 s47): a strategy discussion.",
        "strategy",
    ),
]


def seed(apps, schema_editor):
    ThresholdLevel = apps.get_model("front_door", "ThresholdLevel")
    ThresholdLevel.objects.bulk_create(
        ThresholdLevel(level=level, title=title, description=text, usual_outcome=outcome)
        for level, title, text, outcome in LEVELS
    )
    Rule = apps.get_model("timescales", "Rule")
    Rule.objects.create(
        code="referral.decision.sign_off",
        trigger="contact.decided",
        item="Manager sign-off of a front door decision",
        amount=1,
        unit="working_days",
        source="Local practice",
        source_reference="Management oversight of front door decisions (seeds 000, 004)",
        note="A manager signs off each front door decision by the end of the next working day.",
        effective_from=dt.date(1970, 1, 1),
    )


def unseed(apps, schema_editor):
    apps.get_model("front_door", "ThresholdLevel").objects.all().delete()
    apps.get_model("timescales", "Rule").objects.filter(
        code="referral.decision.sign_off", changed_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("front_door", "0001_initial"), ("timescales", "0002_default_rules")]

    operations = [migrations.RunPython(seed, unseed)]
