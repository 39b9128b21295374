"""The default plan-quality checks, each with the inspection finding it answers (seed 000,
Cambridgeshire, 2012). An administrator changes the parameter, the severity and whether a check
runs (quality pages); the code of each check is in kinfold.quality.checks."""

from django.db import migrations

SEED = "Seed 000 (Ofsted, inspection of arrangements for the protection of children, 2012)"

RULES = [
    (
        "action.no_owner",
        "both",
        "Every action says who will do it",
        f"{SEED}, paragraph 55: actions 'were not summarised to make it clear who would do "
        "what'; paragraph 52: 'it is not always clear to families what they need to do'.",
        None,
        "",
        "high",
    ),
    (
        "action.no_date",
        "both",
        "Every action says by when",
        f"{SEED}, paragraph 55: 'Many of the actions agreed did not have set timescales'.",
        None,
        "",
        "high",
    ),
    (
        "action.no_measure",
        "both",
        "Every action says how we will know it is done",
        f"{SEED}, paragraph 52: plans are not reviewed by 'rigorous reviewing progress of the "
        "specific actions'; paragraph 30: plans 'not used effectively to monitor progress'.",
        None,
        "",
        "medium",
    ),
    (
        "action.overdue",
        "both",
        "Actions are done by their date",
        f"{SEED}, paragraph 16: 'actions agreed … were not clearly identified or tracked "
        "consistently'.",
        0,
        "Days after its date before an action that is not done is shown as overdue",
        "medium",
    ),
    (
        "plan.too_many_actions",
        "both",
        "The plan has no more actions than the LA's limit",
        f"{SEED}, paragraph 30: 'Child protection plans have too many actions which can reduce "
        "the focus on the identified risks and make the plans difficult to monitor'; "
        "paragraph 16: plans 'excessively lengthy'.",
        10,
        "The most actions still to do that a plan may have",
        "high",
    ),
    (
        "plan.no_outcomes",
        "both",
        "The plan says what should change for the child",
        f"{SEED}, paragraph 52: plans 'were unclear regarding outcomes'.",
        None,
        "",
        "high",
    ),
    (
        "outcome.not_measurable",
        "both",
        "Every outcome is measurable: how we will know, and by when",
        f"{SEED}, areas for improvement: 'review the format for child protection plans to "
        "ensure that the key issues and risks are clearly identified with measurable outcomes'.",
        None,
        "",
        "high",
    ),
    (
        "contingency.missing",
        "both",
        "The plan says what will happen if things do not change",
        f"{SEED}, paragraph 52: 'it is not always clear to families … what the consequences of "
        "failing to do so are'.",
        None,
        "",
        "high",
    ),
    (
        "contingency.vague",
        "both",
        "The contingency says what would trigger it, by when, and what we will do",
        f"{SEED}, paragraph 52: 'in some cases, contingencies are too general'.",
        None,
        "",
        "medium",
    ),
]


def seed(apps, schema_editor):
    CheckRule = apps.get_model("quality", "CheckRule")
    CheckRule.objects.bulk_create(
        CheckRule(
            code=code,
            applies_to=applies_to,
            title=title,
            reason=reason,
            parameter=parameter,
            parameter_label=label,
            severity=severity,
        )
        for code, applies_to, title, reason, parameter, label, severity in RULES
    )


def unseed(apps, schema_editor):
    apps.get_model("quality", "CheckRule").objects.filter(
        code__in=[r[0] for r in RULES], changed_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("quality", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
