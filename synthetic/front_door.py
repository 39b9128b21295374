"""The front door stage: partner agencies, the postcode districts' district services, and
`--front-door-years` of contacts with their screening, MASH enquiries, partner information
requests, decisions, manager sign-off and referrals, as kinfold.front_door.services would have
written them (the same rows, fields and events: type, summary, detail, subject), with
`bulk_create`, month by month, nothing dated on or after `--today`.

Volume (seed 004, 3.8): "approximately 6,000 to 7,000 enquiries per month" for a county of
about 128,000 children: 6,500 a month per 128,000 children generated, lower in August and
December (school holidays), about ±4% from month to month.

The mix, per contact (rates chosen from these sources and checked by
tests/synthetic/test_front_door_stage.py):

- who contacts us: police 30%, schools and education 20%, health 15%, LA services 12%,
  individuals 9%, other 6%, legal agencies (probation, courts) 3%, housing 2.5%, anonymous 2%,
  unknown 0.5% (DfE "Characteristics of children in need" 2023-24, referrals by source:
  police 29%, schools 21%, health 14%, LA services 11%, individuals 7%; contacts lean the same
  way, police domestic abuse notifications being the largest single group);
- children: one in two thirds of contacts, two in a fifth, three or four in the rest (the
  eligible siblings of the household, under 18 on the day); consent given 55%, not sought
  30% (police notifications), refused 10%, overridden 5%; immediate risk 2%;
- screening against the threshold: no further action 26%, advice and signposting 40% (NFA
  or advice about two thirds), early help 5%, MASH 25%, referral for assessment 2.5%,
  strategy discussion 1.5%; a contact with immediate risk goes to a strategy discussion (60%)
  or a red MASH enquiry;
- MASH: rated red 8%, amber 62%, green 30% (deadlines from the mash.rag.* rules: 4, 24 and 72
  working hours); 1-4 partner information requests each (police nearly always), answered in
  time about 85%, late about 3% (only when the enquiry itself ran past its deadline), never
  (withdrawn at the decision) about 10%; outcomes referral 14%, strategy 4%, early help 16%,
  NFA or advice 66%. About one contact in ten becomes a referral to children's social care
  or a strategy discussion. The share is set by the caseload seed 000 describes, not by a
  conversion rate: with 6,500 contacts a month (seed 004) it gives about 2,600 children in
  need at a time for 128,000 children (seed 000: 2,594, 201 on child protection plans), the
  assessment teams holding the referrals still in assessment. (Until December 2026 the
  stage converted about 22%, the 20-25% English front doors report, and the county had
  half as many children in need again as seed 000.);
- decisions due 1 working day from receipt (referral.decision): about 9% after it; sign-off by
  a front door manager the same or the next working day, about 7% later;
- re-referrals: about a fifth of referrals within 12 months of the child's previous one (DfE
  2023-24: 22.4%; 18% over 4 years at 1,200 children, the first year having no history),
  with `previous_referral` set on the contact's child and on the referral;
- a contact about a child open to a case-holding team (an open involvement with an allocated
  worker) is passed to that worker (about 4% of contacts), who records a response, usually
  the same or the next working day;
- every child in need involvement the journey stage made starts with a referral (and its
  contact and front door period), so every CIN episode has its referral facts; a child
  protection involvement the journey began with no child in need one before it gets its
  referral (to a strategy discussion) 3-7 weeks before the conference that began the plan,
  and the child in need involvement from that referral, stepped up at the conference.

A referral opens a child in need episode with the district assessment team (by the child's
postcode district, `DistrictArea`) that closes after the assessment (10-45 working days) or is
still open at `--today`; early help opens an early help episode with the Early Help Hub that
ends after 2-7 months or is still open. The newest contacts are still open at `--today`:
awaiting screening, in the MASH, or awaiting sign-off; their children are at the front door
(one open front door involvement per child at most).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from kinfold.front_door.codes import (
    AgencyKind,
    Consent,
    ContactMethod,
    ContactStatus,
    Outcome,
    PrimaryNeed,
    Rag,
    ReferralSource,
    RequestStatus,
    SharingBasis,
)
from kinfold.front_door.models import (
    Contact,
    ContactChild,
    DistrictArea,
    InformationRequest,
    MashEnquiry,
    PartnerOrganisation,
    Referral,
    ThresholdLevel,
)
from kinfold.journey.events import EVENT_TYPES
from kinfold.journey.models import Event, Involvement
from kinfold.journey.stages import TRANSITIONS, stage_label
from kinfold.people.models import Address
from kinfold.timescales.calendar import WorkingCalendar, add_months, due_at
from kinfold.timescales.models import rule_for
from kinfold.workforce.models import (
    Allocation,
    AllocationRole,
    OrgUnit,
    Role,
    TeamMembership,
    UnitFunction,
    Worker,
)

from .journey import local_zone
from .models import PlantedDuplicate
from .names import pools
from .pipeline import Advance, Context, next_pk, reset_sequences
from .places import COUNTY_AREA, DISTRICTS

F = UnitFunction
CONTACTS_PER_MONTH = 6500
CHILDREN_FOR_THAT = 128_000
# School holidays (August, Christmas) are quieter; the mean is 1.
SEASON = {1: 1.02, 2: 1.03, 3: 1.08, 4: 0.95, 5: 1.05, 6: 1.06, 7: 1.0, 8: 0.78, 9: 1.0}
SEASON |= {10: 1.07, 11: 1.07, 12: 0.89}
ONE_DAY = dt.timedelta(days=1)
FRONT_DOOR, CIN, EH, CP = "front_door", "child_in_need", "early_help", "child_protection"
STEP_UP = "Stepped up to child protection"
OPEN_STAGES = ("child_in_need", "child_protection", "child_in_care", "care_leaver", "early_help")
ROUTING_ROLES = (
    AllocationRole.SOCIAL_WORKER,
    AllocationRole.PERSONAL_ADVISER,
    AllocationRole.FAMILY_WORKER,
)
S = ReferralSource
# (code, weight): who contacts the front door.
SOURCES: list[tuple[str, float]] = [
    (S.POLICE, 30),
    (S.SCHOOL, 18),
    (S.EDUCATION, 2),
    (S.GP, 2),
    (S.HEALTH_VISITOR, 3),
    (S.SCHOOL_NURSE, 1),
    (S.PRIMARY_HEALTH, 2),
    (S.EMERGENCY, 4),
    (S.SECONDARY_HEALTH, 3),
    (S.LA_SOCIAL_CARE, 3),
    (S.LA_INTERNAL, 4),
    (S.LA_EXTERNAL, 3),
    (S.EARLY_HELP, 2),
    (S.FAMILY, 5),
    (S.ACQUAINTANCE, 1.5),
    (S.SELF, 1),
    (S.INDIVIDUAL_OTHER, 1.5),
    (S.HOUSING, 2.5),
    (S.LEGAL, 3),
    (S.OTHER, 6),
    (S.ANONYMOUS, 2),
    (S.UNKNOWN, 0.5),
]
# Fictional partner agencies: (name, kind, referral source code, email domain).
PARTNERS: list[tuple[str, str, str, str]] = [
    ("Fenshire Constabulary", AgencyKind.POLICE, S.POLICE, "fenshire.police.example"),
    (
        "Fenshire Constabulary Public Protection Unit",
        AgencyKind.POLICE,
        S.POLICE,
        "ppu.fenshire.police.example",
    ),
    ("Fenshire GP Federation", AgencyKind.HEALTH, S.GP, "fenshiregps.nhs.example"),
    (
        "Fenshire Community Health NHS Trust (health visiting)",
        AgencyKind.HEALTH,
        S.HEALTH_VISITOR,
        "fch.nhs.example",
    ),
    (
        "Fenshire Community Health NHS Trust (school nursing)",
        AgencyKind.HEALTH,
        S.SCHOOL_NURSE,
        "schoolnursing.fch.nhs.example",
    ),
    ("Fenshire Sexual Health and Midwifery", AgencyKind.HEALTH, S.PRIMARY_HEALTH, "fshm.example"),
    (
        "Fenchester and Marshby Hospitals NHS Foundation Trust",
        AgencyKind.HEALTH,
        S.EMERGENCY,
        "fmh.nhs.example",
    ),
    (
        "Fenshire and Eastmere Mental Health NHS Trust",
        AgencyKind.HEALTH,
        S.SECONDARY_HEALTH,
        "femh.nhs.example",
    ),
    ("Fenchester Academy", AgencyKind.EDUCATION, S.SCHOOL, "fenchesteracademy.example"),
    ("Marshby Primary School", AgencyKind.EDUCATION, S.SCHOOL, "marshbyprimary.example"),
    ("Eastmere Community College", AgencyKind.EDUCATION, S.SCHOOL, "eastmerecc.example"),
    ("Huntsford Church of England Primary School", AgencyKind.EDUCATION, S.SCHOOL, "hcep.example"),
    ("Saxonbridge High School", AgencyKind.EDUCATION, S.SCHOOL, "saxonbridgehigh.example"),
    ("Wisbury Nursery and Pre-school", AgencyKind.EDUCATION, S.SCHOOL, "wisburynursery.example"),
    (
        "Fenshire Education Inclusion Service",
        AgencyKind.EDUCATION,
        S.EDUCATION,
        "inclusion.fenshire.example",
    ),
    ("Probation Service: Fenshire", AgencyKind.PROBATION, S.LEGAL, "probation.fenshire.example"),
    ("Fenshire Youth Justice Service", AgencyKind.OTHER, S.LEGAL, "yjs.fenshire.example"),
    ("Fenchester Homes", AgencyKind.HOUSING, S.HOUSING, "fenchesterhomes.example"),
    ("Fenshire Housing Options", AgencyKind.HOUSING, S.HOUSING, "housing.fenshire.example"),
    ("Fenshire Adult Social Care", AgencyKind.ADULT_SOCIAL_CARE, S.LA_SOCIAL_CARE, "asc.example"),
    (
        "Northmoor Borough Council Children's Services",
        AgencyKind.OTHER,
        S.LA_EXTERNAL,
        "northmoor.example",
    ),
    ("Fenshire Family Hubs", AgencyKind.EARLY_HELP, S.EARLY_HELP, "familyhubs.fenshire.example"),
    ("Fens Domestic Abuse Service", AgencyKind.VOLUNTARY, S.OTHER, "fensdas.example"),
    ("Fenland Young Carers", AgencyKind.VOLUNTARY, S.OTHER, "fenlandyoungcarers.example"),
]
# Agencies a MASH asks, by kind, with the chance each is asked.
ASKED = [(AgencyKind.POLICE, 0.92), (AgencyKind.HEALTH, 0.7), (AgencyKind.EDUCATION, 0.55)]
ASKED += [(AgencyKind.PROBATION, 0.12), (AgencyKind.HOUSING, 0.1)]
SCREENING = [
    (Outcome.NFA, 26),
    (Outcome.ADVICE, 40),
    (Outcome.EARLY_HELP, 5),
    (Outcome.MASH, 25),
    (Outcome.REFERRAL, 2.5),
    (Outcome.STRATEGY, 1.5),
]
AFTER_MASH = [
    (Outcome.REFERRAL, 14),
    (Outcome.STRATEGY, 4),
    (Outcome.EARLY_HELP, 16),
    (Outcome.NFA, 26),
    (Outcome.ADVICE, 40),
]
LEVEL_OF = {
    Outcome.NFA: 1,
    Outcome.ADVICE: 1,
    Outcome.EARLY_HELP: 2,
    Outcome.MASH: 3,
    Outcome.REFERRAL: 3,
    Outcome.STRATEGY: 4,
}
PRIMARY_NEEDS = [
    (PrimaryNeed.N1, 57),
    (PrimaryNeed.N5, 15),
    (PrimaryNeed.N4, 9),
    (PrimaryNeed.N2, 7),
    (PrimaryNeed.N3, 3),
    (PrimaryNeed.N8, 3),
    (PrimaryNeed.N9, 3),
    (PrimaryNeed.N6, 2),
    (PrimaryNeed.N7, 0.5),
    (PrimaryNeed.N0, 0.5),
]
CONSENT = [(Consent.GIVEN, 55), (Consent.NOT_SOUGHT, 30), (Consent.REFUSED, 10)]
CONSENT += [(Consent.OVERRIDDEN, 5)]
CHILDREN_ON_CONTACT = [(1, 68), (2, 20), (3, 8), (4, 4)]
# Of the contacts received in the last two working days before --today, those still in the
# queue (not yet screened); half the MASH enquiries started then are still open.
BACKLOG = 0.3
REREFERRAL_PICK = 0.22  # chance a contact is about a child referred in the last 12 months
ROUTED_SHARE = 0.04

CONCERNS = {
    "police": [
        "Police attended a domestic incident at the home overnight; {name} was present.",
        "Domestic abuse notification: verbal argument between the adults, {name} in the house.",
        "{name} was found by officers out late at night with older young people.",
        "Officers carried out a welfare check; the home conditions were poor and {name} hungry.",
        "{name} was reported missing and returned home the next morning.",
        "Adult in the household arrested for possession with intent to supply.",
    ],
    "education": [
        "{name} has come to school hungry and unkempt on several days this half term.",
        "{name} told a teacher that there is shouting at home and she is scared.",
        "Attendance has fallen to 71%; {name} says he looks after a younger sibling.",
        "{name} has an unexplained bruise to the upper arm and gave two accounts of it.",
        "{name}'s behaviour has changed: withdrawn, tearful, not eating at lunch.",
    ],
    "health": [
        "{name} attended the emergency department with an injury not consistent with the "
        "account given.",
        "Health visitor concerned about home conditions and the parent's low mood.",
        "{name} has missed three medical appointments for a long-term condition.",
        "Mother disclosed at antenatal appointment that her partner is controlling.",
        "{name} presented after self-harm; parent says there is no support at home.",
    ],
    "individual": [
        "A relative is worried the parents are drinking heavily and {name} is left alone.",
        "Neighbour hears frequent shouting and a child crying late at night.",
        "{name} rang to say things are difficult at home and wants someone to talk to.",
        "Grandparent concerned that {name} is not being fed properly.",
    ],
    "other": [
        "Housing officer found the property in very poor condition with children living there.",
        "Adult services worker concerned about the parent's mental health and the children.",
        "Probation: a person who poses a risk to children has moved into the household.",
        "Another local authority: the family has moved here while open to them as children "
        "in need.",
        "Voluntary sector worker concerned about domestic abuse and the children's safety.",
    ],
}
KIND_OF_SOURCE = {
    S.POLICE: "police",
    S.SCHOOL: "education",
    S.EDUCATION: "education",
    S.GP: "health",
    S.HEALTH_VISITOR: "health",
    S.SCHOOL_NURSE: "health",
    S.PRIMARY_HEALTH: "health",
    S.EMERGENCY: "health",
    S.SECONDARY_HEALTH: "health",
    S.FAMILY: "individual",
    S.ACQUAINTANCE: "individual",
    S.SELF: "individual",
    S.INDIVIDUAL_OTHER: "individual",
    S.ANONYMOUS: "individual",
    S.UNKNOWN: "individual",
}
ROLES_OF_KIND = {
    "police": ["PC, response team", "DC, public protection unit", "Police sergeant"],
    "education": ["Designated safeguarding lead", "Head teacher", "Class teacher"],
    "health": ["Health visitor", "Paediatric liaison nurse", "GP", "School nurse"],
    "individual": ["Maternal grandmother", "Neighbour", "Aunt", "Family friend"],
    "other": ["Housing officer", "Probation officer", "Social worker (adults)", "Support worker"],
}
METHODS = {
    "police": [
        (ContactMethod.PARTNER_API, 55),
        (ContactMethod.EMAIL, 35),
        (ContactMethod.PHONE, 10),
    ],
    "education": [(ContactMethod.ONLINE, 50), (ContactMethod.PHONE, 35), (ContactMethod.EMAIL, 15)],
    "health": [
        (ContactMethod.PARTNER_API, 30),
        (ContactMethod.PHONE, 40),
        (ContactMethod.EMAIL, 30),
    ],
    "individual": [
        (ContactMethod.PHONE, 75),
        (ContactMethod.ONLINE, 20),
        (ContactMethod.IN_PERSON, 5),
    ],
    "other": [(ContactMethod.EMAIL, 45), (ContactMethod.PHONE, 40), (ContactMethod.LETTER, 15)],
}
RATIONALE = {
    Outcome.NFA: "No role for children's services: the concern is met by the universal service.",
    Outcome.ADVICE: "Universal needs: advice given to the referrer and the family signposted.",
    Outcome.EARLY_HELP: "Emerging needs the family agrees to work on: early help offered.",
    Outcome.MASH: "Needs unclear: partner information needed before deciding the response.",
    Outcome.REFERRAL: "Complex needs likely to impair the child's development: s17 assessment.",
    Outcome.STRATEGY: "Reasonable cause to suspect significant harm: strategy discussion (s47).",
}
RAG_REASONS = {
    Rag.RED: "Possible immediate risk: information needed within hours.",
    Rag.AMBER: "Concerns about harm, not immediate: information needed today or tomorrow.",
    Rag.GREEN: "Low-level concerns: information to decide between advice and early help.",
}
QUESTIONS = {
    AgencyKind.POLICE: "Please share any incidents, call-outs or offences at this address.",
    AgencyKind.HEALTH: "Please share health involvement, missed appointments and concerns.",
    AgencyKind.EDUCATION: "Please share attendance, behaviour and any safeguarding concerns.",
    AgencyKind.PROBATION: "Is any adult in the household known to probation, and for what?",
    AgencyKind.HOUSING: "Please share tenancy issues, complaints or visits to the property.",
}
ANSWERS = [
    "Two domestic call-outs in the last year; no charges.",
    "Known to the service; attendance at appointments has been poor recently.",
    "Attendance 88%; the school has logged two low-level concerns this term.",
    "Known; no current concerns about the children.",
    "Rent arrears and a noise complaint; no visits since.",
]
ROUTED_RESPONSES = [
    "Discussed with the family at a visit; added to the child's plan.",
    "Spoke to the referrer and the parent; no new risk, recorded on the plan.",
    "Brought the next visit forward; the child was seen and is safe.",
    "Raised at the core group; the plan is updated.",
]
SIGN_OFF_COMMENTS = ["", "", "", "Agreed.", "Agreed: proportionate response.", "Agreed."]
CIN_ENDS = [
    "Assessment completed: no further action",
    "Assessment completed: stepped down to early help",
    "Assessment completed: needs met by universal services",
    "Family moved out of the county",
]
EH_ENDS = [
    "Early help plan completed: needs met",
    "Family withdrew consent to early help",
    "Early help plan completed: stepped down to universal services",
]


@dataclass(slots=True)
class Child:
    pk: int
    dob: dt.date
    given: str
    family: str
    household: int


@dataclass
class Staff:
    pk: int
    name: str
    start: dt.date | None
    leaving: dt.date | None

    def works_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (
            self.leaving is None or day < self.leaving
        )


@dataclass
class Team:
    pk: int
    name: str
    manager: int | None


@dataclass
class Routable:
    person: int
    involvement: int
    worker: int
    worker_name: str
    start: dt.date
    end: dt.date
    dob: dt.date | None


@dataclass
class World:
    """What the stage looks up once."""

    rng: random.Random
    zone: Any
    calendar: WorkingCalendar
    today: dt.date
    latest: dt.datetime
    children: list[Child]
    dobs: list[int]  # the children's dates of birth as ordinals, sorted
    households: list[list[int]]  # child indexes
    district_of_household: list[str]
    officers: list[Staff]
    mash_workers: list[Staff]
    managers: list[Staff]
    partners: dict[str, list[PartnerOrganisation]]  # by source code
    partners_by_kind: dict[str, list[PartnerOrganisation]]
    levels: dict[int, ThresholdLevel]
    assessment: dict[str, Team]
    hub: Team | None
    routable: list[Routable]
    rules: dict[str, Any]
    content: dict[str, ContentType]
    significant: dict[str, bool]
    names: Any
    team_names: dict[int, str]
    # The child (index) → the first day they are free of the front door and what followed it.
    busy_until: dict[int, dt.date] = field(default_factory=dict)
    # The child (pk) → their referrals, oldest first: (date, pk).
    referrals: dict[int, list[tuple[dt.date, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    recent: list[tuple[dt.date, int]] = field(default_factory=list)  # (referral date, child)
    pks: dict[str, int] = field(default_factory=dict)
    index_of: dict[int, int] = field(default_factory=dict)  # person pk → child index
    backlog_from: dt.date = dt.date.max

    def next(self, model: type) -> int:
        label = model._meta.label
        pk = self.pks[label]
        self.pks[label] = pk + 1
        return pk


# ---- setting up ------------------------------------------------------------------------------


def front_door_total(ctx: Context) -> int | None:
    return expected_per_month(ctx.options.children) * 12 * ctx.options.front_door_years


def expected_per_month(children: int) -> int:
    return max(1, round(CONTACTS_PER_MONTH * children / CHILDREN_FOR_THAT))


def postcode_districts() -> dict[str, str]:
    """'FN1' → 'Fenchester', in the order synthetic.places numbers them."""
    found: dict[str, str] = {}
    n = 0
    for district, (_share, towns) in DISTRICTS.items():
        for _town, count in towns:
            for _ in range(count):
                n += 1
                found[f"{COUNTY_AREA}{n}"] = district
    return found


def _partners() -> list[PartnerOrganisation]:
    existing = set(PartnerOrganisation.objects.values_list("name", flat=True))
    PartnerOrganisation.objects.bulk_create(
        PartnerOrganisation(name=name, kind=kind, referral_source=source, email=f"mash@{domain}")
        for name, kind, source, domain in PARTNERS
        if name not in existing
    )
    return list(PartnerOrganisation.objects.filter(active=True))


def _district_areas(ctx: Context) -> None:
    services = dict(
        OrgUnit.objects.filter(function=F.DISTRICT, active=True).values_list("district", "pk")
    )
    have = set(DistrictArea.objects.values_list("postcode_district", flat=True))
    rows = [
        DistrictArea(postcode_district=outward, district_id=services[district])
        for outward, district in postcode_districts().items()
        if district in services and outward not in have
    ]
    ctx.bulk(DistrictArea, rows)


def _staff(function: str, roles: set[str], names: dict[int, str]) -> list[Staff]:
    rows = (
        TeamMembership.objects.filter(unit__function=function, worker__role__in=roles)
        .values_list("worker_id", "worker__start_date", "worker__leaving_date")
        .order_by("worker_id")
        .distinct()
    )
    return [Staff(pk, names[pk], start, leaving) for pk, start, leaving in rows]


def _team_manager(unit: int) -> int | None:
    return (
        TeamMembership.objects.filter(
            unit_id=unit, worker__role=Role.TEAM_MANAGER, end_date__isnull=True
        )
        .order_by("start_date", "pk")
        .values_list("worker_id", flat=True)
        .first()
    )


def _pool(ctx: Context) -> tuple[list[Child], list[list[int]], list[str]]:
    """Children who were under 18 at some time in the window, living in the county, not known
    to a case-holding team (those are routed or referred from their own timeline), grouped into
    households by their current address."""
    today = ctx.today
    start = ctx.today - dt.timedelta(days=round(365.25 * ctx.options.front_door_years))
    oldest = start - dt.timedelta(days=round(365.25 * 18))
    known = set(Involvement.objects.values_list("person_id", flat=True))
    known |= set(PlantedDuplicate.objects.values_list("duplicate_id", flat=True))
    districts = postcode_districts()
    rows = (
        Address.objects.filter(
            to_date__isnull=True,
            person__date_of_birth__gt=oldest,
            person__date_of_birth__lt=today,
            person__merged_into__isnull=True,
            person__date_of_death__isnull=True,
            postcode__startswith=COUNTY_AREA,
        )
        .order_by("person_id", "-from_date")
        .values_list(
            "person_id",
            "person__date_of_birth",
            "person__given_name",
            "person__family_name",
            "line_1",
            "line_2",
            "postcode",
        )
    )
    homes: dict[tuple[str, str, str], int] = {}
    households: list[list[int]] = []
    district_of: list[str] = []
    children: list[Child] = []
    seen: set[int] = set()
    found = sorted((r for r in rows if r[0] not in known), key=lambda r: (r[1], r[0]))
    for pk, dob, given, family, line_1, line_2, postcode in found:
        if pk in seen:
            continue
        seen.add(pk)
        key = (line_1, line_2, postcode)
        home = homes.get(key)
        if home is None:
            home = homes[key] = len(households)
            households.append([])
            district_of.append(districts.get(postcode.split(" ")[0], ""))
        households[home].append(len(children))
        children.append(Child(pk, dob, given, family, home))
    return children, households, district_of


def _routable(today: dt.date, names: dict[int, str]) -> list[Routable]:
    """Children open to a case-holding team with an allocated worker, and for when."""
    open_inv = defaultdict(list)
    rows = Involvement.objects.filter(stage__in=OPEN_STAGES).order_by("pk")
    for pk, person, start, end in rows.values_list("pk", "person_id", "started_on", "ended_on"):
        open_inv[person].append((pk, start, end or today))
    found = []
    for person, worker, start, end, dob in (
        Allocation.objects.filter(role__in=ROUTING_ROLES, worker__is_active=True)
        .order_by("pk")
        .values_list("person_id", "worker_id", "start_date", "end_date", "person__date_of_birth")
    ):
        for inv, began, ended in open_inv.get(person, ()):
            lo, hi = max(start, began), min(end or today, ended)
            if lo < hi:
                found.append(Routable(person, inv, worker, names.get(worker, ""), lo, hi, dob))
    return found


def _world(ctx: Context) -> World:
    rng = ctx.rng("front_door")
    zone = local_zone()
    names = {
        pk: f"{first} {last}".strip()
        for pk, first, last in Worker.objects.values_list("pk", "first_name", "last_name")
    }
    partners = _partners()
    by_source: dict[str, list[PartnerOrganisation]] = defaultdict(list)
    by_kind: dict[str, list[PartnerOrganisation]] = defaultdict(list)
    for p in partners:
        by_source[p.referral_source].append(p)
        by_kind[p.kind].append(p)
    children, households, district_of = _pool(ctx)
    assessment = {}
    for pk, name, district in (
        OrgUnit.objects.filter(function=F.ASSESSMENT, active=True)
        .order_by("pk")
        .values_list("pk", "name", "district")
    ):
        assessment.setdefault(district, Team(pk, name, _team_manager(pk)))
    hub_row = OrgUnit.objects.filter(function=F.EARLY_HELP_HUB, active=True).order_by("pk").first()
    front = [F.CONTACT_CENTRE, F.MASH, F.FRONT_DOOR]
    managers = [
        s
        for function in front
        for s in _staff(function, {Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER}, names)
    ]
    content = {
        label: ContentType.objects.get_for_model(model)
        for label, model in (("contact", Contact), ("referral", Referral))
    }
    world = World(
        rng=rng,
        zone=zone,
        calendar=WorkingCalendar(),
        today=ctx.today,
        latest=dt.datetime.combine(ctx.today, dt.time.min, tzinfo=zone) - dt.timedelta(minutes=1),
        children=children,
        dobs=[c.dob.toordinal() for c in children],
        households=households,
        district_of_household=district_of,
        officers=_staff(F.CONTACT_CENTRE, {Role.CONTACT_OFFICER}, names),
        mash_workers=_staff(F.MASH, {Role.MASH_PRACTITIONER, Role.SOCIAL_WORKER}, names),
        managers=managers,
        partners=by_source,
        partners_by_kind=by_kind,
        levels={t.level: t for t in ThresholdLevel.objects.all()},
        assessment=assessment,
        hub=Team(hub_row.pk, hub_row.name, _team_manager(hub_row.pk)) if hub_row else None,
        routable=_routable(ctx.today, names),
        rules={
            code: rule_for(code, on=ctx.today)
            for code in (
                "referral.decision",
                "referral.decision.sign_off",
                "mash.rag.red",
                "mash.rag.amber",
                "mash.rag.green",
            )
        },
        content=content,
        significant={code: t.significant for code, t in EVENT_TYPES.items()},
        names=pools()["english"],
        team_names=dict(OrgUnit.objects.values_list("pk", "name")),
    )
    world.index_of = {c.pk: i for i, c in enumerate(children)}
    before = world.calendar.next_working_day(ctx.today - dt.timedelta(days=6))
    working = [before + dt.timedelta(days=i) for i in range((ctx.today - before).days)]
    working = [d for d in working if world.calendar.is_working_day(d)]
    world.backlog_from = working[-2] if len(working) >= 2 else ctx.today - ONE_DAY
    for model in (Contact, ContactChild, MashEnquiry, InformationRequest, Referral, Involvement):
        world.pks[model._meta.label] = next_pk(model)
    return world


# ---- one month's rows ------------------------------------------------------------------------


class Batch:
    def __init__(self, w: World) -> None:
        self.w = w
        self.contacts: list[Contact] = []
        self.links: list[ContactChild] = []
        self.enquiries: list[MashEnquiry] = []
        self.requests: list[InformationRequest] = []
        self.involvements: list[Involvement] = []
        self.referrals: list[Referral] = []
        self.events: list[Event] = []
        self.stepped: list[tuple[int, int]] = []  # (journey CIN involvement, front door one)

    def event(
        self,
        person: int,
        type: str,
        occurred: dt.datetime | dt.date,
        summary: str,
        by: int | None,
        at: dt.datetime,
        *,
        involvement: int | None,
        subject: tuple[str, int] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        date_only = not isinstance(occurred, dt.datetime)
        if date_only:
            occurred = dt.datetime.combine(occurred, dt.time.min, tzinfo=self.w.zone)
        self.events.append(
            Event(
                person_id=person,
                involvement_id=involvement,
                type=type,
                occurred_at=occurred,
                date_only=date_only,
                summary=summary[:500],
                detail=detail or {},
                significant=self.w.significant[type],
                subject_type=self.w.content[subject[0]] if subject else None,
                subject_id=subject[1] if subject else None,
                recorded_by_id=by,
                recorded_at=at,
            )
        )

    def write(self, ctx: Context) -> None:
        with transaction.atomic():
            ctx.bulk(Contact, self.contacts)
            ctx.bulk(Involvement, self.involvements)
            ctx.bulk(Referral, self.referrals)
            ctx.bulk(ContactChild, self.links)
            ctx.bulk(MashEnquiry, self.enquiries)
            ctx.bulk(InformationRequest, self.requests)
            ctx.bulk(Event, self.events)
            if self.stepped:
                rows = Involvement.objects.in_bulk([cin for cin, _ in self.stepped])
                for cin, front in self.stepped:
                    rows[cin].stepped_from_id = front
                Involvement.objects.bulk_update(list(rows.values()), ["stepped_from"])


def _pick(rng: random.Random, weighted: list[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _ in weighted], [p for _, p in weighted])[0]


def _staff_on(rng: random.Random, staff: list[Staff], day: dt.date, not_pk: int | None = None):
    fit = [s for s in staff if s.works_on(day) and s.pk != not_pk]
    fit = fit or [s for s in staff if s.pk != not_pk] or staff
    return rng.choice(fit) if fit else None


def _working_moment(w: World, after: dt.datetime, minutes: int) -> dt.datetime:
    """`minutes` into the working day after a moment (the same day when it is still open)."""
    local = after.astimezone(w.zone)
    day = local.date()
    if not w.calendar.is_working_day(day) or local.time() >= dt.time(16, 30):
        day = w.calendar.next_working_day(day)
        local = dt.datetime.combine(day, dt.time(9, 0), tzinfo=w.zone)
    elif local.time() < dt.time(9, 0):
        local = dt.datetime.combine(day, dt.time(9, 0), tzinfo=w.zone)
    return local + dt.timedelta(minutes=minutes)


def _late_day(w: World, due: dt.date, rng: random.Random) -> dt.datetime:
    day = w.calendar.add_working_days(due, rng.randint(1, 4))
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=w.zone) + dt.timedelta(
        minutes=rng.randint(0, 460)
    )


def _received(w: World, day: dt.date, rng: random.Random, police: bool) -> dt.datetime:
    if (police and rng.random() < 0.45) or not w.calendar.is_working_day(day):
        minutes = rng.randint(0, 24 * 60 - 1)
    else:
        minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), tzinfo=w.zone)


def _due_on(w: World, code: str, trigger: dt.datetime) -> dt.date:
    due = due_at(w.rules[code], trigger.astimezone(w.zone).date(), calendar=w.calendar)
    assert isinstance(due, dt.date)
    return due


def _due_at(w: World, code: str, trigger: dt.datetime) -> dt.datetime:
    due = due_at(w.rules[code], trigger, calendar=w.calendar)
    assert isinstance(due, dt.datetime)
    return due


def _previous(w: World, person: int, on: dt.date) -> int | None:
    since = add_months(on, -12)
    for day, pk in reversed(w.referrals.get(person, ())):
        if since <= day <= on:
            return pk
        if day < since:
            break
    return None


def _eligible(w: World, index: int, day: dt.date) -> bool:
    child = w.children[index]
    age = (day - child.dob).days
    return 0 <= age < 18 * 365 and w.busy_until.get(index, day) <= day


def _children_for(w: World, day: dt.date, rng: random.Random) -> list[int]:
    """The children a new contact on `day` is about: one eligible child, and some of their
    siblings."""
    lo = bisect.bisect_right(w.dobs, (day - dt.timedelta(days=18 * 365 - 1)).toordinal())
    hi = bisect.bisect_right(w.dobs, day.toordinal())
    if hi <= lo:
        return []
    first = None
    if w.recent and rng.random() < REREFERRAL_PICK:
        since = add_months(day, -12)
        start = bisect.bisect_left(w.recent, (since, -1))
        if start < len(w.recent):
            for _ in range(3):
                _, candidate = w.recent[rng.randrange(start, len(w.recent))]
                if _eligible(w, candidate, day):
                    first = candidate
                    break
    for _ in range(8):
        if first is not None:
            break
        candidate = rng.randrange(lo, hi)
        if _eligible(w, candidate, day):
            first = candidate
    if first is None:
        return []
    wanted = _pick(rng, CHILDREN_ON_CONTACT)
    others = [
        i for i in w.households[w.children[first].household] if i != first and _eligible(w, i, day)
    ]
    rng.shuffle(others)
    return [first, *others[: wanted - 1]]


@dataclass
class Plan:
    """One contact before its rows are made."""

    received: dt.datetime
    source: str
    kind: str
    children: list[int]  # child indexes (pool children) …
    persons: list[tuple[int, str, str, dt.date]]  # … or (pk, given, family, dob) directly
    outcome_hint: str | None = None  # the journey's referrals are referrals
    cin: tuple[int, int, dt.date, dt.date | None] | None = None  # (involvement, team, start, end)
    routed: Routable | None = None
    # The journey's child protection involvement that began with no child in need one: its
    # referral (a strategy discussion) opens the child in need involvement it steps up from.
    cp_from: dt.date | None = None


def _contact_rows(b: Batch, plan: Plan) -> None:
    w, rng = b.w, b.w.rng
    received = plan.received
    partner = None
    if plan.source in w.partners and rng.random() < 0.85:
        partner = rng.choice(w.partners[plan.source])
    method = _pick(rng, METHODS[plan.kind])
    if method == ContactMethod.PARTNER_API and (partner is None or plan.cin is not None):
        method = ContactMethod.EMAIL
    api = method == ContactMethod.PARTNER_API
    officer = _staff_on(rng, w.officers, received.date())
    officer_pk = officer.pk if officer else None
    pk = w.next(Contact)
    ref = f"C{pk:07d}"
    consent = _pick(rng, CONSENT)
    risk = plan.routed is None and plan.cin is None and rng.random() < 0.02
    first_name = w.names.given(rng, rng.choice("FM"))
    contactor = "" if plan.source == S.ANONYMOUS else f"{first_name} {w.names.family_name(rng)}"
    persons = plan.persons or [
        (c.pk, c.given, c.family, c.dob) for c in (w.children[i] for i in plan.children)
    ]
    lead = persons[0][1]
    concerns = rng.choice(CONCERNS[plan.kind]).format(name=lead)
    contact = Contact(
        pk=pk,
        received_at=received,
        method=method,
        source=plan.source,
        partner=partner,
        contactor_name=contactor,
        contactor_role=rng.choice(ROLES_OF_KIND[plan.kind]) if contactor else "",
        contactor_details=(
            f"mash.referrals@{partner.email.split('@')[1]}"
            if partner
            else f"07700 9{rng.randint(0, 99999):05d}"
            if contactor
            else ""
        ),
        concerns=concerns,
        immediate_risk=risk,
        immediate_risk_detail=(
            "The child is at home with the adult who hurt them tonight." if risk else ""
        ),
        consent=consent,
        consent_override_reason=(
            "Asking the family would put the child at greater risk."
            if consent == Consent.OVERRIDDEN
            else ""
        ),
        consent_override_by_id=officer_pk if consent == Consent.OVERRIDDEN else None,
        idempotency_key=f"synth-{pk}" if api else "",
        recorded_by_id=None if api else officer_pk,
        recorded_at=(
            received
            if api
            else min(received + dt.timedelta(minutes=rng.randint(5, 40)), max(received, w.latest))
        ),
        decision_due_on=_due_on(w, "referral.decision", received),
        handler_id=officer_pk,
    )
    b.contacts.append(contact)
    version = 1
    entered = contact.recorded_at
    if api:  # a contact officer takes it and matches each child
        entered = _working_moment(w, received, rng.randint(5, 90))
        version += 1 + len(persons)
    source_label = contact.get_source_display().lower()
    summary = f"Contact {ref} from {source_label}"
    received_on = received.astimezone(w.zone).date()
    subject = ("contact", pk)

    # -- a child open to a team: passed to their allocated worker ---------------------------
    if plan.routed is not None:
        r = plan.routed
        person = persons[0]
        responded = None
        when = _working_moment(w, entered, rng.randint(30, 600))
        if rng.random() < 0.15:
            when = _late_day(w, _due_on(w, "referral.decision", received), rng)
        if when <= w.latest:
            responded = when
        response = rng.choice(ROUTED_RESPONSES) if responded else ""
        b.links.append(
            ContactChild(
                pk=w.next(ContactChild),
                contact_id=pk,
                person_id=person[0],
                supplied=_supplied(person) if api else {},
                received_on=received_on,
                routed_to_id=r.worker,
                open_involvement_id=r.involvement,
                response_due_on=_due_on(w, "referral.decision", received),
                responded_at=responded,
                response=response,
                previous_referral_id=_previous(w, person[0], received_on),
            )
        )
        b.event(
            person[0],
            "contact.received",
            received,
            f"{summary}: passed to {r.worker_name}",
            officer_pk,
            entered,
            involvement=r.involvement,
            subject=subject,
            detail={"contact": pk, "routed_to": r.worker},
        )
        if responded:
            b.event(
                person[0],
                "contact.responded",
                responded,
                f"Response to contact {ref}: {response[:200]}",
                r.worker,
                responded,
                involvement=r.involvement,
                subject=subject,
                detail={"contact": pk},
            )
        contact.status = ContactStatus.ROUTED
        contact.handler_id = None
        contact.version = version + 1
        return

    # -- at the front door ------------------------------------------------------------------
    if api and entered > w.latest:  # not yet matched to records: the children as supplied
        for person in persons:
            b.links.append(
                ContactChild(
                    pk=w.next(ContactChild),
                    contact_id=pk,
                    supplied=_supplied(person),
                    received_on=received_on,
                )
            )
        contact.handler_id = None
        contact.recorded_by_id = None
        for i in plan.children:
            w.busy_until[i] = dt.date.max
        return
    fronts: list[tuple[tuple[int, str, str, dt.date], int, ContactChild, Involvement]] = []
    for person in persons:
        front = w.next(Involvement)
        front_row = Involvement(
            pk=front,
            person_id=person[0],
            stage=FRONT_DOOR,
            started_on=received_on,
            opened_by_id=officer_pk,
            recorded_at=entered,
        )
        b.involvements.append(front_row)
        previous = _previous(w, person[0], received_on)
        link = ContactChild(
            pk=w.next(ContactChild),
            contact_id=pk,
            person_id=person[0],
            supplied=_supplied(person) if api else {},
            received_on=received_on,
            involvement_id=front,
            previous_referral_id=previous,
        )
        b.links.append(link)
        fronts.append((person, front, link, front_row))
        b.event(
            person[0],
            "involvement.opened",
            received_on,
            f"{summary}: at the front door",
            officer_pk,
            entered,
            involvement=front,
            detail={"stage": FRONT_DOOR, "team": None},
        )
        b.event(
            person[0],
            "contact.received",
            received,
            summary + (" (likely re-referral: referred in the last 12 months)" if previous else ""),
            officer_pk,
            entered,
            involvement=front,
            subject=subject,
            detail={"contact": pk, "previous_referral": previous},
        )

    def each(type: str, text: str, by: int | None, at: dt.datetime, **detail: Any) -> None:
        for person, front, _, _ in fronts:
            b.event(
                person[0],
                type,
                at,
                text,
                by,
                at,
                involvement=front,
                subject=subject,
                detail={"contact": pk, **detail},
            )

    def still_open(status: str, handler: int | None) -> None:
        contact.status = status
        contact.handler_id = handler
        contact.version = version
        for person, _, _, _ in fronts:
            index = _index_of(w, person[0])
            if index is not None:
                w.busy_until[index] = dt.date.max

    # -- screening ----------------------------------------------------------------------------
    due = contact.decision_due_on
    if plan.outcome_hint:
        outcome = plan.outcome_hint
    elif risk:
        outcome = Outcome.STRATEGY if rng.random() < 0.6 else Outcome.MASH
    else:
        outcome = _pick(rng, SCREENING)
    screener = _staff_on(rng, w.officers if rng.random() < 0.6 else w.mash_workers, received.date())
    screener_pk = screener.pk if screener else officer_pk
    screened = _working_moment(w, entered, rng.randint(10, 240))
    late = plan.outcome_hint is None and outcome != Outcome.MASH and rng.random() < 0.06
    if late:
        screened = _late_day(w, due, rng)
    if plan.cin is not None:  # the journey's episode started: its referral was made in time
        screened = min(screened, w.latest - dt.timedelta(minutes=30))
    elif received_on >= w.backlog_from and rng.random() < BACKLOG:
        screened = w.latest + ONE_DAY  # the queue at --today: not yet screened
    if screened > w.latest:
        still_open(ContactStatus.NEW, None if api and rng.random() < 0.3 else officer_pk)
        return
    level = w.levels.get(LEVEL_OF[outcome] if not risk else 4)
    contact.threshold_level = level
    contact.screening_outcome = outcome
    contact.screening_rationale = RATIONALE[outcome]
    contact.screened_by_id = screener_pk
    contact.screened_at = screened
    version += 1
    each(
        "contact.screened",
        f"Screened at {level}: {Outcome(outcome).label.lower()}",
        screener_pk,
        screened,
        outcome=outcome,
    )

    decider = screener_pk
    decided = screened
    final = outcome
    if outcome == Outcome.MASH:
        rag = Rag.RED if risk else _pick(rng, [(Rag.RED, 8), (Rag.AMBER, 62), (Rag.GREEN, 30)])
        owner = _staff_on(rng, w.mash_workers, screened.date())
        owner_pk = owner.pk if owner else None
        rule = {Rag.RED: "mash.rag.red", Rag.AMBER: "mash.rag.amber", Rag.GREEN: "mash.rag.green"}
        mash_due = _due_at(w, rule[rag], screened)
        hours = {
            Rag.RED: rng.uniform(0.5, 4.5) if rng.random() < 0.9 else rng.uniform(4, 8),
            Rag.AMBER: rng.uniform(1, 7) if rng.random() < 0.88 else rng.uniform(7, 40),
            Rag.GREEN: rng.uniform(2, 7) if rng.random() < 0.8 else rng.uniform(7, 90),
        }[rag]
        completed = _add_hours(w, screened, hours)
        if screened.astimezone(w.zone).date() >= w.backlog_from and rng.random() < 0.5:
            completed = w.latest + ONE_DAY  # the MASH's queue at --today (seed 004, 3.8)
        enquiry = MashEnquiry(
            pk=w.next(MashEnquiry),
            contact_id=pk,
            rag=rag,
            rag_reason=RAG_REASONS[rag],
            rated_at=screened,
            rated_by_id=screener_pk,
            due_at=mash_due,
            owner_id=owner_pk,
            started_at=screened,
        )
        b.enquiries.append(enquiry)
        contact.handler_id = owner_pk
        version += 1
        each(
            "mash.started",
            f"MASH enquiry started, rated {Rag(rag).label.lower()}: {RAG_REASONS[rag][:200]}",
            screener_pk,
            screened,
            rag=rag,
        )
        asker = owner_pk or screener_pk
        stop = min(completed, w.latest)
        for kind, chance in ASKED:
            if not w.partners_by_kind.get(kind) or rng.random() >= chance:
                continue
            asked_partner = rng.choice(w.partners_by_kind[kind])
            asked = screened + dt.timedelta(minutes=rng.randint(5, 45))
            if asked > stop:
                continue
            request = InformationRequest(
                pk=w.next(InformationRequest),
                enquiry_id=enquiry.pk,
                partner_id=asked_partner.pk,
                question=QUESTIONS[kind],
                requested_at=asked,
                requested_by_id=asker,
                due_at=mash_due,
            )
            b.requests.append(request)
            each(
                "mash.information_requested",
                f"Information requested from {asked_partner}",
                asker,
                asked,
                partner=asked_partner.pk,
            )
            r = rng.random()
            if completed > mash_due and r < 0.45:  # the MASH waited for a late answer
                answer = mash_due + (completed - mash_due) * rng.uniform(0.1, 0.9)
            elif r < 0.9:
                answer = asked + (min(mash_due, completed) - asked) * rng.uniform(0.1, 0.95)
            else:
                answer = None
            if answer is None or answer <= asked or answer > stop:
                request.status = (
                    RequestStatus.WITHDRAWN if completed <= w.latest else RequestStatus.OPEN
                )
                continue
            holds = rng.random() < 0.7
            by_api = kind in (AgencyKind.POLICE, AgencyKind.HEALTH) and rng.random() < 0.4
            request.status = RequestStatus.ANSWERED
            request.holds_information = holds
            request.response = rng.choice(ANSWERS) if holds else ""
            request.sharing_basis = (
                SharingBasis.CONSENT
                if consent == Consent.GIVEN and rng.random() < 0.4
                else _pick(rng, [(SharingBasis.SAFEGUARDING, 6), (SharingBasis.PUBLIC_TASK, 4)])
            )
            request.responded_at = answer
            request.responder_name = f"{w.names.given(rng, 'F')} {w.names.family_name(rng)}"
            request.recorded_by_id = None if by_api else asker
            request.version = 2
            each(
                "mash.information_received",
                f"{asked_partner} answered"
                + (" (after the deadline)" if answer > mash_due else "")
                + ": "
                + ("holds information" if holds else "holds nothing"),
                request.recorded_by_id,
                answer,
                partner=asked_partner.pk,
            )
        if completed > w.latest:
            if rng.random() < 0.15:
                enquiry.owner_id = None  # in the queue, not yet taken
            still_open(ContactStatus.MASH, enquiry.owner_id)
            return
        final = _pick(rng, AFTER_MASH) if not plan.outcome_hint else plan.outcome_hint
        decider = owner_pk or screener_pk
        decided = completed
        enquiry.completed_at = completed
        enquiry.outcome = final
        enquiry.rationale = RATIONALE[final]
        enquiry.decided_by_id = decider
        enquiry.version = 2
        contact.status = ContactStatus.MASH
    # -- the decision -------------------------------------------------------------------------
    manager = _staff_on(rng, w.managers, decided.date(), not_pk=decider)
    contact.decision = final
    contact.decision_rationale = RATIONALE[final]
    contact.primary_need = (
        _pick(rng, PRIMARY_NEEDS) if final in (Outcome.REFERRAL, Outcome.STRATEGY) else ""
    )
    contact.decided_by_id = decider
    contact.decided_at = decided
    contact.sign_off_by_id = manager.pk if manager else None
    contact.sign_off_due_on = _due_on(w, "referral.decision.sign_off", decided)
    version += 1
    late_decision = decided.astimezone(w.zone).date() > due
    each(
        "contact.decided",
        f"Decision: {Outcome(final).label.lower()}"
        + (" (after the 1 working day timescale)" if late_decision else ""),
        decider,
        decided,
        outcome=final,
    )
    if outcome == Outcome.MASH:
        each(
            "mash.completed",
            f"MASH enquiry completed: {Outcome(final).label.lower()}"
            + (" (after its RAG deadline)" if decided > b.enquiries[-1].due_at else ""),
            decider,
            decided,
        )
    r = rng.random()
    if r < 0.7:
        signed = _working_moment(w, decided, rng.randint(20, 200))
    elif r < 0.93:
        day = w.calendar.next_working_day(decided.astimezone(w.zone).date())
        signed = dt.datetime.combine(day, dt.time(9, 0), tzinfo=w.zone) + dt.timedelta(
            minutes=rng.randint(0, 460)
        )
    else:
        signed = _late_day(w, contact.sign_off_due_on, rng)
    if plan.cin is not None:
        signed = max(decided, min(signed, w.latest))
    if signed > w.latest or manager is None:
        still_open(ContactStatus.AWAITING_SIGN_OFF, decider)
        return
    comment = rng.choice(SIGN_OFF_COMMENTS)
    contact.signed_off_by_id = manager.pk
    contact.signed_off_at = signed
    contact.sign_off_comment = comment
    contact.status = ContactStatus.DONE
    contact.handler_id = None
    contact.version = version + 1
    each(
        "contact.signed_off",
        f"Decision ({Outcome(final).label.lower()}) signed off"
        + (f": {comment}" if comment else ""),
        manager.pk,
        signed,
    )
    # -- carried out --------------------------------------------------------------------------
    signed_on = signed.astimezone(w.zone).date()
    reason = f"Contact {ref}: {Outcome(final).label.lower()}"
    for person, front, link, row in fronts:
        index = _index_of(w, person[0])
        if final in (Outcome.REFERRAL, Outcome.STRATEGY):
            _refer(b, plan, contact, person, row, link, manager.pk, signed, final)
        elif final == Outcome.EARLY_HELP and w.hub is not None:
            _close_front(row, signed_on, reason, manager.pk)
            eh = _open_after(
                b, row, EH, w.hub.pk, signed_on, manager.pk, signed, "front_door.early_help", reason
            )
            end = signed_on + dt.timedelta(days=rng.randint(60, 210))
            _maybe_close(b, eh, end, rng.choice(EH_ENDS), w.hub.manager)
            if index is not None:
                w.busy_until[index] = end if end < w.today else dt.date.max
        else:
            _close_front(row, signed_on, reason, manager.pk)
            b.event(
                person[0],
                "involvement.transition",
                signed_on,
                f"{TRANSITIONS['front_door.close'].label}: {reason}",
                manager.pk,
                signed,
                involvement=front,
                detail={"transition": "front_door.close", "from": front, "to": None},
            )
            if index is not None:
                w.busy_until[index] = signed_on + ONE_DAY


def _add_hours(w: World, start: dt.datetime, hours: float) -> dt.datetime:
    whole = int(hours)
    moment = w.calendar.add_working_hours(start, whole)
    return moment + dt.timedelta(minutes=round((hours - whole) * 60))


def _supplied(person: tuple[int, str, str, dt.date]) -> dict[str, str]:
    if not person[1]:
        return {}
    return {
        "given_name": person[1],
        "family_name": person[2],
        "date_of_birth": person[3].isoformat(),
    }


def _index_of(w: World, pk: int) -> int | None:
    return w.index_of.get(pk)


def _close_front(row: Involvement, on: dt.date, reason: str, by: int) -> None:
    row.ended_on = max(on, row.started_on)
    row.end_reason = reason[:300]
    row.closed_by_id = by
    row.version = 2


def _open_after(
    b: Batch,
    front: Involvement,
    stage: str,
    team: int,
    on: dt.date,
    by: int,
    at: dt.datetime,
    transition: str,
    reason: str,
) -> Involvement:
    """As run_transition writes it: the new involvement, its opening and the transition."""
    label = TRANSITIONS[transition].label
    row = Involvement(
        pk=b.w.next(Involvement),
        person_id=front.person_id,
        stage=stage,
        team_id=team,
        started_on=on,
        stepped_from_id=front.pk,
        opened_by_id=by,
        recorded_at=at,
    )
    b.involvements.append(row)
    b.event(
        front.person_id,
        "involvement.opened",
        on,
        f"{label}: {stage_label(stage)} started",
        by,
        at,
        involvement=row.pk,
        detail={"stage": stage, "team": team},
    )
    b.event(
        front.person_id,
        "involvement.transition",
        on,
        f"{label}: {reason}",
        by,
        at,
        involvement=row.pk,
        detail={"transition": transition, "from": front.pk, "to": row.pk},
    )
    return row


def _maybe_close(b: Batch, row: Involvement, end: dt.date, reason: str, by: int | None) -> None:
    """As close_involvement writes it, when the end is before --today."""
    if end >= b.w.today:
        return
    row.ended_on, row.end_reason, row.closed_by_id, row.version = end, reason, by, 2
    at = dt.datetime.combine(end, dt.time(10, 0), tzinfo=b.w.zone)
    b.event(
        row.person_id,
        "involvement.closed",
        end,
        f"{stage_label(row.stage)} ended: {reason}",
        by,
        min(at, b.w.latest),
        involvement=row.pk,
        detail={"stage": row.stage, "reason": reason},
    )


def _refer(
    b: Batch,
    plan: Plan,
    contact: Contact,
    person: tuple[int, str, str, dt.date],
    front: Involvement,
    link: ContactChild,
    by: int,
    signed: dt.datetime,
    route: str,
) -> None:
    """As accept_referral writes it from sign-off: the front door period becomes the child in
    need episode with the district assessment team, and the referral."""
    w, rng = b.w, b.w.rng
    referral_date = contact.received_at.astimezone(w.zone).date()
    reason = "Referred to children's social care"
    index = _index_of(w, person[0])
    if plan.cin is not None and plan.cp_from is not None:
        # As accept_referral and the ICPC's step up write it: the child in need involvement
        # from the referral to the conference, stepped up to the journey's child protection.
        protection, team, began, _end = plan.cin
        _close_front(front, referral_date, reason, by)
        row = _open_after(
            b, front, CIN, team, referral_date, by, signed, "front_door.referral", reason
        )
        episode = row.pk
        row.ended_on, row.end_reason, row.closed_by_id, row.version = began, STEP_UP, by, 2
        b.stepped.append((protection, episode))
    elif plan.cin is not None:  # the journey's episode, which the referral starts
        episode, team, _start, _end = plan.cin
        _close_front(front, referral_date, reason, by)
        b.stepped.append((episode, front.pk))
        b.event(
            person[0],
            "involvement.transition",
            referral_date,
            f"{TRANSITIONS['front_door.referral'].label}: {reason}",
            by,
            signed,
            involvement=episode,
            detail={"transition": "front_door.referral", "from": front.pk, "to": episode},
        )
    else:
        district = w.district_of_household[w.children[index].household] if index is not None else ""
        team_info = w.assessment.get(district) or next(iter(w.assessment.values()))
        team = team_info.pk
        _close_front(front, referral_date, reason, by)
        row = _open_after(
            b, front, CIN, team, referral_date, by, signed, "front_door.referral", reason
        )
        episode = row.pk
        end = w.calendar.add_working_days(referral_date, rng.randint(10, 45))
        _maybe_close(b, row, end, rng.choice(CIN_ENDS), team_info.manager)
        if index is not None:
            w.busy_until[index] = end if end < w.today else dt.date.max
    previous = _previous(w, person[0], referral_date)
    pk = w.next(Referral)
    team_name = w.team_names[team]
    b.referrals.append(
        Referral(
            pk=pk,
            person_id=person[0],
            contact_id=contact.pk,
            involvement_id=episode,
            referral_date=referral_date,
            source=contact.source,
            primary_need=contact.primary_need,
            route=route,
            team_id=team,
            previous_referral_id=previous,
            accepted_by_id=by,
            recorded_at=signed,
        )
    )
    b.event(
        person[0],
        "referral.received",
        referral_date,
        f"Referral to {team_name}: {Outcome(route).label.split(': ')[-1]}"
        + (" (re-referral within 12 months)" if previous else ""),
        by,
        signed,
        involvement=episode,
        subject=("referral", pk),
        detail={
            "referral": pk,
            "source": contact.source,
            "primary_need": contact.primary_need,
            "route": route,
            "team": team,
            "rereferral": previous is not None,
        },
    )
    w.referrals[person[0]].append((referral_date, pk))
    if index is not None:
        w.recent.append((referral_date, index))


# ---- the stage -------------------------------------------------------------------------------


def _journey_referrals(w: World) -> dict[tuple[int, int], list[Plan]]:
    """A referral contact for the start of every child in need episode the journey made, by
    (year, month) of the referral."""
    names = {
        pk: (given, family, dob or expected)
        for pk, given, family, dob, expected in Involvement.objects.filter(stage__in=(CIN, CP))
        .values_list(
            "person_id",
            "person__given_name",
            "person__family_name",
            "person__date_of_birth",
            "person__expected_date_of_birth",
        )
        .distinct()
    }
    plans: dict[tuple[int, int], list[Plan]] = defaultdict(list)
    rows = Involvement.objects.filter(
        Q(stage=CIN) | Q(stage=CP, stepped_from__isnull=True)
    ).exclude(pk__in=Referral.objects.values("involvement_id"))
    for pk, stage, person, team, began, ended in rows.values_list(
        "pk", "stage", "person_id", "team_id", "started_on", "ended_on"
    ).order_by("started_on", "pk"):
        given, family, dob = names[person]
        rng = w.rng
        cp_from = None
        if stage == CP:
            # Referred 15-35 working days before the conference that began the plan, so the
            # strategy discussion and the enquiry fall between the two.
            cp_from = began - dt.timedelta(days=rng.randint(21, 49))
            if dob is not None:
                cp_from = max(cp_from, dob)
            if cp_from >= began:
                continue
        day = cp_from or began
        if day >= w.today:  # (an unborn child's referral is a pre-birth referral)
            continue
        source = _pick(rng, SOURCES)
        strategy = cp_from is not None or rng.random() < 0.15
        plans[(day.year, day.month)].append(
            Plan(
                received=dt.datetime.combine(day, dt.time(9, 0), tzinfo=w.zone)
                + dt.timedelta(minutes=rng.randint(0, 420)),
                source=source,
                kind=KIND_OF_SOURCE.get(source, "other"),
                children=[],
                persons=[(person, given, family, dob or day)],
                outcome_hint=Outcome.STRATEGY if strategy else Outcome.REFERRAL,
                cin=(pk, team, began, ended),
                cp_from=cp_from,
            )
        )
    return plans


def _months(start: dt.date, today: dt.date):
    day = start.replace(day=1)
    while day < today:
        nxt = add_months(day, 1)
        yield day, min(nxt, today)
        day = nxt


def build_front_door(ctx: Context, advance: Advance) -> None:
    _district_areas(ctx)
    w = _world(ctx)
    rng = w.rng
    start = ctx.today - dt.timedelta(days=round(365.25 * ctx.options.front_door_years))
    journey = _journey_referrals(w)
    per_month = expected_per_month(ctx.options.children)
    made = 0
    first_month = min([start.replace(day=1), *(dt.date(y, m, 1) for y, m in journey)])
    for month, month_end in _months(first_month, ctx.today):
        b = Batch(w)
        plans = list(journey.pop((month.year, month.month), []))
        if month >= start.replace(day=1):
            days = [month + dt.timedelta(days=i) for i in range((month_end - month).days)]
            days = [d for d in days if d >= start]
            full = (add_months(month, 1) - month).days
            wanted = round(per_month * SEASON[month.month] * rng.uniform(0.96, 1.04))
            wanted = round(wanted * len(days) / full)
            weights = [1.0 if w.calendar.is_working_day(d) else 0.3 for d in days]
            for day in rng.choices(days, weights, k=max(0, wanted - len(plans))) if days else []:
                source = _pick(rng, SOURCES)
                kind = KIND_OF_SOURCE.get(source, "other")
                received = _received(w, day, rng, source == S.POLICE)
                if w.routable and rng.random() < ROUTED_SHARE:
                    r = _routable_on(w, day)
                    if r is not None:
                        child = (r.person, "", "", day)
                        plans.append(Plan(received, source, kind, [], [child], routed=r))
                        continue
                children = _children_for(w, day, rng)
                if children:
                    plans.append(Plan(received, source, kind, children, []))
        plans.sort(key=lambda p: p.received)
        for plan in plans:
            if plan.received > w.latest:
                continue
            if plan.children:  # still free on the day? (an earlier contact today may hold them)
                plan.children = [
                    i for i in plan.children if w.busy_until.get(i, _d(plan)) <= _d(plan)
                ]
                if not plan.children:
                    continue
                for i in plan.children:
                    w.busy_until[i] = dt.date.max  # until this contact's end says otherwise
            _contact_rows(b, plan)
        b.write(ctx)
        made += len(b.contacts)
        advance(len(b.contacts))
        w.recent = [r for r in w.recent if r[0] >= add_months(month_end, -12)]
        w.recent.sort()
    ctx.counts["front door contacts"] = made
    reset_sequences([Contact, ContactChild, MashEnquiry, InformationRequest, Referral, Involvement])


def _d(plan: Plan) -> dt.date:
    return plan.received.date()


def _routable_on(w: World, day: dt.date) -> Routable | None:
    for _ in range(20):
        r = w.rng.choice(w.routable)
        # A child on the day (a care leaver's contact is not the children's front door's).
        child = r.dob is not None and (day - r.dob).days < 18 * 365
        if child and r.start <= day < r.end:
            return r
    return None
