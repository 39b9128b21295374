"""The coded values of child protection records: who took part in a strategy discussion or a
conference, what a section 47 enquiry found, and what a conference decided."""

from __future__ import annotations

from django.db import models


class DiscussionType(models.TextChoices):
    DISCUSSION = "discussion", "Strategy discussion (for example by phone or video)"
    MEETING = "meeting", "Strategy meeting"


class Agency(models.TextChoices):
    """The agency a participant speaks for (Working Together 2023: a strategy discussion
    involves at least children's social care, the police and health)."""

    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    EARLY_HELP = "early_help", "Early help"
    VOLUNTARY = "voluntary", "Voluntary sector"
    FAMILY = "family", "Family member"
    OTHER = "other", "Other"


# The agencies without whom a strategy discussion is not held.
REQUIRED_AGENCIES = (Agency.POLICE, Agency.HEALTH)


class S47Outcome(models.TextChoices):
    """What the section 47 enquiry found (the CIN census records whether an ICPC follows)."""

    SUBSTANTIATED = (
        "substantiated",
        "Concerns substantiated: the child is at risk of significant harm",
    )
    SUBSTANTIATED_NOT_AT_RISK = (
        "substantiated_not_at_risk",
        "Concerns substantiated, but the child is not judged at continuing risk",
    )
    NOT_SUBSTANTIATED = "not_substantiated", "Concerns not substantiated"
    NOT_COMPLETED = "not_completed", "Enquiry could not be completed (for example, family moved)"


class Attendance(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Apologies"
    REPORT_SENT = "report_sent", "Apologies, report sent"


class IcpcDecision(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no_plan", "No child protection plan"


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the child protection plan"
    STEP_DOWN = "step_down", "End the plan and step down to a child in need plan"
    END = "end", "End the plan (no child in need plan)"


class ActionProgress(models.TextChoices):
    ON_TRACK = "on_track", "On track"
    NOT_ON_TRACK = "not_on_track", "Not on track"
    DONE = "done", "Done"


class ProtectionKind(models.TextChoices):
    """Emergency protection of a child (Children Act 1989): police protection (s46), for up to
    72 hours, or an emergency protection order (s44), made by a court for up to 8 days and
    extendable once by up to 7 (s45)."""

    POLICE = "police", "Police protection (section 46)"
    EPO = "epo", "Emergency protection order (section 44)"


# The longest each can last, counted from its first day to its last: police protection 72
# hours (3 days); an emergency protection order 8 days and one extension of up to 7.
MAX_PROTECTION_DAYS = {ProtectionKind.POLICE: 3, ProtectionKind.EPO: 8 + 7}
