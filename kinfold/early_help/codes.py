"""Coded values of an early help episode: why it ended, who the family members are in the plan,
and the CIN census closure reasons a step down from children's social care records."""

from django.db import models


class EndReason(models.TextChoices):
    OUTCOMES_MET = "outcomes_met", "Outcomes met"
    STEPPED_UP = "stepped_up", "Stepped up to children's social care"
    DECLINED = "declined", "Family declined or withdrew consent"
    MOVED_AWAY = "moved_away", "Moved away"
    TRANSFERRED = "transferred", "Transferred to another service"
    OTHER = "other", "Other"


# Ended through the "end the episode" form; a step up has its own form and records a referral.
ENDED_BY_FORM = [c for c in EndReason if c != EndReason.STEPPED_UP]


class FamilyRole(models.TextChoices):
    """A family member's part in the plan (the child is the involvement's person)."""

    PARENT_CARER = "parent_carer", "Parent or carer"
    SIBLING = "sibling", "Brother or sister"
    EXTENDED_FAMILY = "extended_family", "Grandparent or other relative"
    OTHER_ADULT = "other_adult", "Other adult in the household"
    OTHER = "other", "Other"


class CinClosureReason(models.TextChoices):
    """The CIN census ReasonForClosure codes a step down to early help records."""

    RC9 = "RC9", "Case closed after assessment, referred to early help"
    RC7 = "RC7", "Services ceased for any other reason, including child no longer in need"
