"""The codes of a single assessment: the CIN census factors identified at assessment (the DfE
validator's list) and what the assessment concluded should happen next."""

from __future__ import annotations

from django.db import models


class Factor(models.TextChoices):
    """Factors identified at the end of assessment (CIN census), labelled as the DfE's census
    guide describes them. 18A and 19A are no longer used (the validator queries them):
    physical and sexual abuse say child on child (B) or adult on child (C). 21 is for an
    assessment with none of the others that ends in no further action (the episode closes
    RC8 or RC9)."""

    ALCOHOL_CHILD = "1A", "Alcohol misuse: concerns about the child"
    ALCOHOL_PARENT = "1B", "Alcohol misuse: concerns about the parent or carer"
    ALCOHOL_OTHER = "1C", "Alcohol misuse: concerns about another person in the family"
    DRUGS_CHILD = "2A", "Drug misuse: concerns about the child"
    DRUGS_PARENT = "2B", "Drug misuse: concerns about the parent or carer"
    DRUGS_OTHER = "2C", "Drug misuse: concerns about another person in the family"
    DOMESTIC_CHILD = "3A", "Domestic abuse: concerns about the child"
    DOMESTIC_PARENT = "3B", "Domestic abuse: concerns about the parent or carer"
    DOMESTIC_OTHER = "3C", "Domestic abuse: concerns about another person in the family"
    MENTAL_CHILD = "4A", "Mental health: concerns about the child"
    MENTAL_PARENT = "4B", "Mental health: concerns about the parent or carer"
    MENTAL_OTHER = "4C", "Mental health: concerns about another person in the family"
    LEARNING_CHILD = "5A", "Learning disability: concerns about the child"
    LEARNING_PARENT = "5B", "Learning disability: concerns about the parent or carer"
    LEARNING_OTHER = "5C", "Learning disability: concerns about another person in the family"
    PHYSICAL_CHILD = "6A", "Physical disability or illness: concerns about the child"
    PHYSICAL_PARENT = "6B", "Physical disability or illness: concerns about the parent or carer"
    PHYSICAL_OTHER = (
        "6C",
        "Physical disability or illness: concerns about another person in the family",
    )
    YOUNG_CARER = "7A", "Young carer"
    PF_OVERSEAS_RETURN = "8B", "Privately fostered: overseas child who intends to return"
    PF_OVERSEAS_STAY = "8C", "Privately fostered: overseas child who intends to stay"
    PF_UK_EDUCATION = "8D", "Privately fostered: UK child in an educational placement"
    PF_UK_FAMILY = "8E", "Privately fostered: UK child in an alternative family arrangement"
    PF_OTHER = "8F", "Privately fostered: other"
    UASC = "9A", "Unaccompanied asylum-seeking child"
    MISSING = "10A", "Going or being missing"
    CSE = "11A", "Child sexual exploitation"
    TRAFFICKING = "12A", "Trafficking"
    GANGS = "13A", "Gangs"
    BEHAVIOUR = "14A", "Socially unacceptable behaviour"
    SELF_HARM = "15A", "Self-harm"
    NEGLECT = "16A", "Abuse or neglect: neglect"
    EMOTIONAL = "17A", "Abuse or neglect: emotional abuse"
    PHYSICAL_CHILD_ON_CHILD = "18B", "Abuse or neglect: physical abuse, child on child"
    PHYSICAL_ADULT_ON_CHILD = "18C", "Abuse or neglect: physical abuse, adult on child"
    SEXUAL_CHILD_ON_CHILD = "19B", "Abuse or neglect: sexual abuse, child on child"
    SEXUAL_ADULT_ON_CHILD = "19C", "Abuse or neglect: sexual abuse, adult on child"
    OTHER = "20", "Other"
    NONE = "21", "No factors identified"
    FGM = "22A", "Female genital mutilation"
    FAITH = "23A", "Abuse linked to faith or belief"
    CRIMINAL_EXPLOITATION = "24A", "Child criminal exploitation"


class Outcome(models.TextChoices):
    """What the assessment concluded. Recorded here only: the next stage acts on it (the child
    protection app reads "strategy", the children in need app starts a CIN plan and closes
    episodes)."""

    NFA = "nfa", "No further action"
    EARLY_HELP = "early_help", "Step down to early help"
    CIN_PLAN = "cin_plan", "Child in need plan"
    STRATEGY = "strategy", "Strategy discussion (child protection)"
    CHILD_IN_CARE = "child_in_care", "Child to become looked after"
    EXISTING_PLAN = "existing_plan", "Continue with the existing plan"


class Part(models.TextChoices):
    """The parts of an assessment recorded one by one, each with the time it was recorded."""

    FACTORS = "factors", "Factors identified"
    SEEN = "seen", "The child seen"
    VIEWS = "views", "Views of the child and parents"
    ANALYSIS = "analysis", "Analysis"
    OUTCOME = "outcome", "Outcome"
