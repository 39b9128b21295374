"""Coded values the front door records, at the DfE children in need census codes where the
census has them (referral source, primary need), so the returns read them as stored."""

from django.db import models


class ReferralSource(models.TextChoices):
    """Who contacted us: the CIN census ReferralSource codes."""

    FAMILY = "1A", "Individual: family member, relative or carer"
    ACQUAINTANCE = "1B", "Individual: acquaintance (including neighbours and childminders)"
    SELF = "1C", "Individual: self"
    INDIVIDUAL_OTHER = "1D", "Individual: other (including strangers, MPs)"
    SCHOOL = "2A", "Schools"
    EDUCATION = "2B", "Education services"
    GP = "3A", "Health services: GP"
    HEALTH_VISITOR = "3B", "Health services: health visitor"
    SCHOOL_NURSE = "3C", "Health services: school nurse"
    PRIMARY_HEALTH = "3D", "Health services: other primary health services"
    EMERGENCY = "3E", "Health services: A&E (emergency department)"
    SECONDARY_HEALTH = "3F", "Health services: other (secondary health care)"
    HOUSING = "4", "Housing"
    LA_SOCIAL_CARE = "5A", "LA services: social care (for example adult social care)"
    LA_INTERNAL = "5B", "LA services: other internal"
    LA_EXTERNAL = "5C", "LA services: external (for example from another LA)"
    EARLY_HELP = "5D", "Early help"
    POLICE = "6", "Police"
    LEGAL = "7", "Other legal agency (courts, probation, immigration, CAFCASS, prison)"
    OTHER = "8", "Other"
    ANONYMOUS = "9", "Anonymous"
    UNKNOWN = "10", "Unknown"


class PrimaryNeed(models.TextChoices):
    """The CIN census PrimaryNeedCode."""

    N0 = "N0", "Not stated"
    N1 = "N1", "Abuse or neglect"
    N2 = "N2", "Child's disability or illness"
    N3 = "N3", "Parental disability or illness"
    N4 = "N4", "Family in acute stress"
    N5 = "N5", "Family dysfunction"
    N6 = "N6", "Socially unacceptable behaviour"
    N7 = "N7", "Low income"
    N8 = "N8", "Absent parenting"
    N9 = "N9", "Cases other than children in need"


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Telephone"
    EMAIL = "email", "Email"
    ONLINE = "online", "Online form"
    PARTNER_API = "api", "Partner system (API)"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"


class Consent(models.TextChoices):
    """Consent to share information about the family with partner agencies."""

    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"
    OVERRIDDEN = "overridden", "Overridden (sharing without consent)"


class Outcome(models.TextChoices):
    """What the front door decides a contact needs."""

    NFA = "nfa", "No further action"
    ADVICE = "advice", "Advice and signposting"
    EARLY_HELP = "early_help", "Early help"
    MASH = "mash", "MASH enquiry"
    REFERRAL = "referral", "Referral to children's social care: assessment"
    STRATEGY = "strategy", "Referral to children's social care: strategy discussion"


# What may end a contact (a MASH enquiry is a step on the way, not an end).
FINAL_OUTCOMES = (
    Outcome.NFA,
    Outcome.ADVICE,
    Outcome.EARLY_HELP,
    Outcome.REFERRAL,
    Outcome.STRATEGY,
)
REFERRAL_OUTCOMES = (Outcome.REFERRAL, Outcome.STRATEGY)


class ContactStatus(models.TextChoices):
    NEW = "new", "Awaiting screening"
    MASH = "mash", "In MASH"
    AWAITING_SIGN_OFF = "sign_off", "Decided, awaiting manager sign-off"
    DONE = "done", "Decided and signed off"
    ROUTED = "routed", "Passed to the allocated worker"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


RAG_RULES = {Rag.RED: "mash.rag.red", Rag.AMBER: "mash.rag.amber", Rag.GREEN: "mash.rag.green"}


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    EARLY_HELP = "early_help", "Early help"
    VOLUNTARY = "voluntary", "Voluntary sector"
    OTHER = "other", "Other"


class SharingBasis(models.TextChoices):
    """The basis on which a partner shares what it holds (UK GDPR / Data Protection Act 2018)."""

    CONSENT = "consent", "Consent"
    SAFEGUARDING = "safeguarding", "Safeguarding of children (DPA 2018 sch. 8 para. 4)"
    PUBLIC_TASK = "public_task", "Public task (Children Act 1989 s17 / s47)"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation"
    VITAL_INTERESTS = "vital_interests", "Vital interests"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Awaiting a response"
    ANSWERED = "answered", "Answered"
    WITHDRAWN = "withdrawn", "Withdrawn"
