"""Coded values of a child in need episode: the CIN census reasons for closure, and what a
review of a child in need plan decides."""

from django.db import models


class ReasonForClosure(models.TextChoices):
    """The CIN census ReasonForClosure codes (DfE CIN census specification)."""

    RC1 = "RC1", "Adopted"
    RC2 = "RC2", "Died"
    RC3 = "RC3", "Child arrangements order"
    RC4 = "RC4", "Special guardianship order"
    RC5 = "RC5", "Transferred to services of another local authority"
    RC6 = "RC6", "Transferred to adult social care services"
    RC7 = "RC7", "Services ceased for any other reason, including child no longer in need"
    RC8 = "RC8", "Case closed after assessment, no further action"
    RC9 = "RC9", "Case closed after assessment, referred to early help"


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", "Continue the plan as it is"
    CHANGE = "change", "Continue the plan, with the changes agreed"
    STRATEGY = "strategy", "Refer for a strategy discussion: concerns of significant harm"
    END = "end", "End the plan: the child no longer needs it"


# Decisions that end the plan on the day of the review.
ENDING = {ReviewDecision.END}
