"""The default timescales, from the statutory guidance and the LA's local practice.

Each rule names the event type that starts its clock (the stages record these events) and
cites its source. Where the guidance gives a first interval and then a repeat ("≤3 months after
the ICPC; then ≤6 months"), the rule repeats; where it gives three different intervals, the
later ones are rules of their own, triggered by the earlier occurrence or a change of status.
The data is written out here, not imported from the app, so this migration never changes.
"""

import datetime as dt

from django.db import migrations

DEFAULTS_FROM = dt.date(1970, 1, 1)

WT = "Working Together to Safeguard Children 2023"
CPR = "Care Planning, Placement and Case Review (England) Regulations 2010"
LOCAL = "Local practice"

# code, trigger, item, amount, unit, repeat (amount, unit) or None, source, reference, note
DEFAULT_RULES = [
    (
        "referral.decision",
        "referral.received",
        "Decision on what response a referral needs",
        1, "working_days", None, WT, "chapter 3", "",
    ),
    (
        "mash.rag.red",
        "mash_enquiry.rated_red",
        "MASH information gathering, red rating",
        4, "working_hours", None, LOCAL, "MASH RAG rating (seed 004)", "",
    ),
    (
        "mash.rag.amber",
        "mash_enquiry.rated_amber",
        "MASH information gathering, amber rating",
        24, "working_hours", None, LOCAL, "MASH RAG rating (seed 004)", "",
    ),
    (
        "mash.rag.green",
        "mash_enquiry.rated_green",
        "MASH information gathering, green rating",
        72, "working_hours", None, LOCAL, "MASH RAG rating (seed 004)", "",
    ),
    (
        "assessment.single",
        "referral.received",
        "Single assessment completed",
        45, "working_days", None, WT, "chapter 3",
        "The maximum: the guidance expects many assessments to finish sooner.",
    ),
    (
        "s47.icpc",
        "strategy_discussion.held",
        "Initial child protection conference held",
        15, "working_days", None, WT, "chapter 3",
        "Counted from the strategy discussion that started the section 47 enquiry.",
    ),
    (
        "cp.core_group",
        "icpc.held",
        "Core group meeting",
        10, "working_days", (6, "weeks"), f"{WT} / local practice", "chapter 3",
        "First within 10 working days of the ICPC; then every 4 to 6 weeks by local practice "
        "(the outer limit, 6 weeks, is the deadline).",
    ),
    (
        "cp.review_conference",
        "icpc.held",
        "Review child protection conference",
        3, "months", (6, "months"), WT, "chapter 3",
        "First within 3 months of the ICPC; then at intervals of no more than 6 months.",
    ),
    (
        "cp.visit",
        "cp_plan.started",
        "Child protection visit, child seen",
        10, "working_days", (10, "working_days"), LOCAL, "",
        "Often 10 working days or 4 weeks locally.",
    ),
    (
        "cin.visit",
        "cin_plan.started",
        "Child in need visit",
        20, "working_days", (20, "working_days"), LOCAL, "",
        "",
    ),
    (
        "cla.care_plan",
        "placement.emergency_started",
        "Care plan for a child placed in an emergency",
        10, "working_days", None, CPR, "reg 4",
        "A care plan is due before a child is placed; only after an emergency placement may it "
        "follow, within 10 working days.",
    ),
    (
        "cla.review.first",
        "cla.started",
        "First looked-after child review",
        20, "working_days", None, CPR, "reg 33", "",
    ),
    (
        "cla.review.subsequent",
        "cla.review.first_held",
        "Second and later looked-after child reviews",
        3, "months", (6, "months"), CPR, "reg 33",
        "Second review within 3 months of the first; then at intervals of no more than 6 months.",
    ),
    (
        "cla.visit",
        "placement.started",
        "Visit to a child in care, first year of the placement",
        1, "weeks", (6, "weeks"), CPR, "reg 28",
        "Within 1 week of the placement; then at intervals of no more than 6 weeks in its "
        "first year.",
    ),
    (
        "cla.visit.after_first_year",
        "placement.first_year_ended",
        "Visit to a child in care, after the first year of the placement",
        6, "weeks", (6, "weeks"), CPR, "reg 28", "",
    ),
    (
        "cla.visit.long_term",
        "placement.long_term_agreed",
        "Visit to a child in care in an agreed long-term placement",
        3, "months", (3, "months"), CPR, "reg 28",
        "After the first year, when the placement is agreed to be long-term.",
    ),
    (
        "cla.health.initial",
        "cla.started",
        "Initial health assessment",
        20, "working_days", None,
        "Promoting the health and well-being of looked-after children (statutory guidance)", "",
        "",
    ),
    (
        "cla.health.review.under_5",
        "cla.health_assessment.completed",
        "Review health assessment, child under 5",
        6, "months", (6, "months"),
        "Promoting the health and well-being of looked-after children (statutory guidance)", "",
        "",
    ),
    (
        "cla.health.review.5_and_over",
        "cla.health_assessment.completed",
        "Review health assessment, child aged 5 or over",
        12, "months", (12, "months"),
        "Promoting the health and well-being of looked-after children (statutory guidance)", "",
        "",
    ),
    (
        "cla.pep.review",
        "cla.pep.reviewed",
        "Personal education plan reviewed",
        4, "months", (4, "months"),
        "Promoting the education of looked-after children (statutory guidance)", "",
        "The guidance asks for a review each school term. Until school term dates are held, "
        "a term is taken as 4 calendar months (three terms a year).",
    ),
    (
        "missing.return_home_interview",
        "missing.returned",
        "Return home interview",
        72, "hours", None,
        "Children who run away or go missing from home or care (statutory guidance)", "",
        "72 hours by the clock, nights and weekends included.",
    ),
    (
        "care_leaver.pathway_plan.review",
        "pathway_plan.agreed",
        "Pathway plan review",
        6, "months", (6, "months"), "Care Leavers (England) Regulations 2010", "",
        "",
    ),
    (
        "care_leaver.pa_contact",
        "personal_adviser.allocated",
        "Personal adviser contact",
        8, "weeks", (8, "weeks"), LOCAL, "",
        "",
    ),
    (
        "adoption.a1",
        "cla.started",
        "Placed for adoption (scorecard A1 threshold)",
        426, "calendar_days", None, "Adoption scorecard", "A1",
        "Days from entering care to moving in with the adoptive family.",
    ),
    (
        "adoption.a2",
        "placement_order.made",
        "Matched with adopters (scorecard A2 threshold)",
        121, "calendar_days", None, "Adoption scorecard", "A2",
        "Days from the placement order to the match with the adoptive family.",
    ),
    (
        "private_fostering.visit",
        "private_fostering.notified",
        "Private fostering visit, first year",
        7, "working_days", (6, "weeks"),
        "Children (Private Arrangements for Fostering) Regulations 2005", "",
        "First visit within 7 working days of the notification; then at intervals of no more "
        "than 6 weeks in the first year.",
    ),
    (
        "private_fostering.visit.after_first_year",
        "private_fostering.first_year_ended",
        "Private fostering visit, after the first year",
        12, "weeks", (12, "weeks"),
        "Children (Private Arrangements for Fostering) Regulations 2005", "",
        "",
    ),
    (
        "lado.initial_consideration",
        "lado.allegation_received",
        "LADO initial consideration of an allegation",
        1, "working_days", None, f"{WT} / local practice", "chapter 4", "",
    ),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("timescales", "Rule")
    Rule.objects.bulk_create(
        Rule(
            code=code,
            trigger=trigger,
            item=item,
            amount=amount,
            unit=unit,
            repeats=repeat is not None,
            repeat_amount=repeat[0] if repeat else None,
            repeat_unit=repeat[1] if repeat else "",
            source=source,
            source_reference=reference,
            note=note,
            effective_from=DEFAULTS_FROM,
        )
        for code, trigger, item, amount, unit, repeat, source, reference, note in DEFAULT_RULES
    )


def unseed(apps, schema_editor):
    Rule = apps.get_model("timescales", "Rule")
    Rule.objects.filter(changed_by__isnull=True, effective_from=DEFAULTS_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("timescales", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
