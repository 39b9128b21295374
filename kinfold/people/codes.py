"""Coded values from the DfE children in need census specification, kept at their official codes."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Gender(models.TextChoices):
    SAME_AS_SEX = "same", "Same as sex registered at birth"
    MAN = "man", "Man"
    WOMAN = "woman", "Woman"
    NON_BINARY = "non_binary", "Non-binary"
    OTHER = "other", "In another way"
    NOT_KNOWN = "not_known", "Not known"
    NOT_SAID = "not_said", "Prefers not to say"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WOTH = "WOTH", "Any other White background"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Black Caribbean"
    BAFR = "BAFR", "Black African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class Disability(models.TextChoices):
    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Diagnosed with autism or Asperger syndrome"
    DDA = "DDA", "Other DDA"


class Religion(models.TextChoices):
    NONE = "none", "No religion"
    BUDDHIST = "buddhist", "Buddhist"
    CHRISTIAN = "christian", "Christian"
    HINDU = "hindu", "Hindu"
    JEWISH = "jewish", "Jewish"
    MUSLIM = "muslim", "Muslim"
    SIKH = "sikh", "Sikh"
    OTHER = "other", "Any other religion"
    REFUSED = "refused", "Refused"
    NOT_KNOWN = "not_known", "Not known"


class Language(models.TextChoices):
    """First language, by ISO 639-3 code (the common languages of English LAs' children)."""

    ENG = "eng", "English"
    POL = "pol", "Polish"
    RON = "ron", "Romanian"
    URD = "urd", "Urdu"
    PAN = "pan", "Panjabi"
    BEN = "ben", "Bengali"
    GUJ = "guj", "Gujarati"
    ARA = "ara", "Arabic"
    POR = "por", "Portuguese"
    LIT = "lit", "Lithuanian"
    SOM = "som", "Somali"
    TIR = "tir", "Tigrinya"
    KUR = "kur", "Kurdish"
    PUS = "pus", "Pashto"
    FAS = "fas", "Persian/Farsi"
    SQI = "sqi", "Albanian"
    UKR = "ukr", "Ukrainian"
    SPA = "spa", "Spanish"
    FRA = "fra", "French"
    TUR = "tur", "Turkish"
    ZHO = "zho", "Chinese"
    BSL = "sgn", "British Sign Language"
    OTH = "oth", "Other"
    NOT_KNOWN = "unk", "Not known"


class ImmigrationStatus(models.TextChoices):
    BRITISH = "british", "British or Irish citizen"
    SETTLED = "settled", "Settled or pre-settled status"
    UASC = "uasc", "Unaccompanied asylum-seeking child"
    ASYLUM_SEEKER = "asylum_seeker", "Asylum seeker (with family)"
    REFUGEE = "refugee", "Refugee status"
    LIMITED_LEAVE = "limited_leave", "Limited leave to remain"
    NRPF = "nrpf", "No recourse to public funds"
    NOT_KNOWN = "not_known", "Not known"


class NameKind(models.TextChoices):
    ALIAS = "alias", "Also known as"
    PREVIOUS = "previous", "Previous name"
    BIRTH = "birth", "Name at birth"


class RelationshipType(models.TextChoices):
    """Typed relationships. Each has a reciprocal (see RECIPROCAL)."""

    PARENT = "parent", "Parent"
    CHILD = "child", "Child"
    STEP_PARENT = "step_parent", "Step-parent"
    STEP_CHILD = "step_child", "Step-child"
    SIBLING = "sibling", "Sibling"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    STEP_SIBLING = "step_sibling", "Step-sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    GRANDCHILD = "grandchild", "Grandchild"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    NIECE_NEPHEW = "niece_nephew", "Niece or nephew"
    OTHER_RELATIVE = "other_relative", "Other relative"
    CARER = "carer", "Carer"
    CARED_FOR = "cared_for", "Cared for by"
    PARTNER = "partner", "Partner"
    HOUSEHOLD_MEMBER = "household_member", "Household member"
    FRIEND = "friend", "Family friend"


RECIPROCAL: dict[str, str] = {
    RelationshipType.PARENT: RelationshipType.CHILD,
    RelationshipType.CHILD: RelationshipType.PARENT,
    RelationshipType.STEP_PARENT: RelationshipType.STEP_CHILD,
    RelationshipType.STEP_CHILD: RelationshipType.STEP_PARENT,
    RelationshipType.SIBLING: RelationshipType.SIBLING,
    RelationshipType.HALF_SIBLING: RelationshipType.HALF_SIBLING,
    RelationshipType.STEP_SIBLING: RelationshipType.STEP_SIBLING,
    RelationshipType.GRANDPARENT: RelationshipType.GRANDCHILD,
    RelationshipType.GRANDCHILD: RelationshipType.GRANDPARENT,
    RelationshipType.AUNT_UNCLE: RelationshipType.NIECE_NEPHEW,
    RelationshipType.NIECE_NEPHEW: RelationshipType.AUNT_UNCLE,
    RelationshipType.OTHER_RELATIVE: RelationshipType.OTHER_RELATIVE,
    RelationshipType.CARER: RelationshipType.CARED_FOR,
    RelationshipType.CARED_FOR: RelationshipType.CARER,
    RelationshipType.PARTNER: RelationshipType.PARTNER,
    RelationshipType.HOUSEHOLD_MEMBER: RelationshipType.HOUSEHOLD_MEMBER,
    RelationshipType.FRIEND: RelationshipType.FRIEND,
}
