"""The Integrated Front Door (seed 004): contacts, screening against the threshold of need,
MASH enquiries with partner information requests, the decision on what response a contact
needs and its manager sign-off, and the referrals that open a child's CIN episode.

Every due date is stored on its row (timescales registry, in apps.py), so the worklists and
the front-door view are indexed queries.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .codes import (
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


class PartnerOrganisation(models.Model):
    """An agency that contacts the front door, is asked for information, or leads early help."""

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    # What a contact from this agency is counted as in the CIN census.
    referral_source = models.CharField(
        max_length=3, choices=ReferralSource.choices, default=ReferralSource.OTHER
    )
    email = models.EmailField(blank=True, help_text="Where information requests are sent")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ThresholdLevel(models.Model):
    """A level of need from the LA's threshold document, which screening decisions cite."""

    level = models.PositiveSmallIntegerField(unique=True)
    title = models.CharField(max_length=100)
    description = models.TextField()
    # The response the threshold document points to (the decision may differ, with reasons).
    usual_outcome = models.CharField(max_length=20, choices=Outcome.choices)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["level"]

    def __str__(self) -> str:
        return f"Level {self.level}: {self.title}"


class DistrictArea(models.Model):
    """Which district serves a postcode district ('FN3'): referrals go to its assessment team."""

    postcode_district = models.CharField(max_length=4, unique=True)
    district = models.ForeignKey(
        "workforce.OrgUnit", on_delete=models.PROTECT, related_name="postcode_districts"
    )

    class Meta:
        ordering = ["postcode_district"]

    def __str__(self) -> str:
        return f"{self.postcode_district} → {self.district}"


class Contact(models.Model):
    """One enquiry to the front door, about one or more children."""

    received_at = models.DateTimeField(help_text="When the contact was made")
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    partner = models.ForeignKey(
        PartnerOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
    )
    contactor_name = models.CharField(max_length=150, blank=True)
    contactor_role = models.CharField(
        max_length=150, blank=True, help_text="Their role, or relationship to the child"
    )
    contactor_details = models.CharField(max_length=200, blank=True, help_text="Phone or email")
    concerns = models.TextField(help_text="The concerns, in the contact's own words")
    immediate_risk = models.BooleanField(default=False)
    immediate_risk_detail = models.TextField(blank=True)
    consent = models.CharField(max_length=20, choices=Consent.choices)
    consent_override_reason = models.TextField(blank=True)
    consent_override_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    status = models.CharField(
        max_length=10, choices=ContactStatus.choices, default=ContactStatus.NEW
    )
    # Who holds it now: the contact officer, then the MASH practitioner.
    handler = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Screening against the threshold document.
    threshold_level = models.ForeignKey(
        ThresholdLevel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screening_outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    screening_rationale = models.TextField(blank=True)
    screened_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    screened_at = models.DateTimeField(null=True, blank=True)
    # The decision on what response the contact needs: due 1 working day from receipt.
    decision = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    decision_rationale = models.TextField(blank=True)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices, blank=True)
    decided_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_due_on = models.DateField(null=True, blank=True)
    # The manager's sign-off of the decision.
    sign_off_by = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The manager asked to sign the decision off",
    )
    sign_off_due_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_comment = models.TextField(blank=True)

    # A partner's own reference for a contact made through the API: a retry makes no second one.
    idempotency_key = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["received_at"]),
            models.Index(fields=["status", "received_at"]),
            models.Index(
                fields=["handler", "decision_due_on"],
                condition=Q(decided_at__isnull=True),
                name="contact_undecided_by_handler",
            ),
            models.Index(
                fields=["decision_due_on"],
                condition=Q(decided_at__isnull=True),
                name="contact_undecided_by_due",
            ),
            models.Index(
                fields=["sign_off_by", "sign_off_due_on"],
                condition=Q(signed_off_at__isnull=True, decided_at__isnull=False),
                name="contact_unsigned_by_manager",
            ),
            models.Index(fields=["decided_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="contact_partner_idempotency_key",
            ),
            models.CheckConstraint(
                condition=~Q(consent=Consent.OVERRIDDEN) | ~Q(consent_override_reason=""),
                name="contact_consent_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | ~Q(decision_rationale=""),
                name="contact_decision_has_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"Contact {self.pk} received {self.received_at:%d %b %Y %H:%M}"

    @property
    def reference(self) -> str:
        return f"C{self.pk:07d}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class ContactChild(models.Model):
    """A child a contact is about. A child already open to a team is passed to their allocated
    worker instead of being screened again; the worker records the response."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="children")
    # None until a contact officer matches what a partner supplied to a person (or adds one).
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts"
    )
    # The child as a partner described them through the API: names, dates, NHS number, address.
    supplied = models.JSONField(default=dict, blank=True)
    received_on = models.DateField(help_text="The contact's date, for the timescale")
    # The child's period at the front door (joined when another contact is already open).
    involvement = models.ForeignKey(
        "journey.Involvement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Within 12 months of a previous referral: likely a re-referral.
    previous_referral = models.ForeignKey(
        "Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # An open child: whose the contact is now, and their response.
    routed_to = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    open_involvement = models.ForeignKey(
        "journey.Involvement", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    response_due_on = models.DateField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "person"], name="contact_child_once")
        ]
        indexes = [
            models.Index(fields=["person", "received_on"]),
            models.Index(
                fields=["routed_to", "response_due_on"],
                condition=Q(routed_to__isnull=False, responded_at__isnull=True),
                name="contact_child_routed_open",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on contact {self.contact_id}"

    @property
    def likely_rereferral(self) -> bool:
        return self.previous_referral_id is not None

    @property
    def routed(self) -> bool:
        return self.routed_to_id is not None


class MashEnquiry(models.Model):
    """Information gathering in the MASH under a deadline set by its RAG rating."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="mash")
    rag = models.CharField(max_length=5, choices=Rag.choices)
    rag_reason = models.TextField()
    rated_at = models.DateTimeField()
    rated_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    owner = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The MASH practitioner gathering the information",
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name_plural = "MASH enquiries"
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(completed_at__isnull=True),
                name="mash_open_by_due",
            ),
            models.Index(
                fields=["owner", "due_at"],
                condition=Q(completed_at__isnull=True),
                name="mash_open_by_owner",
            ),
            models.Index(fields=["completed_at"]),
        ]

    def __str__(self) -> str:
        return f"MASH enquiry {self.pk} ({self.get_rag_display()})"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None


class InformationRequest(models.Model):
    """A MASH question to a named partner agency, with its own deadline and the answer."""

    enquiry = models.ForeignKey(MashEnquiry, on_delete=models.PROTECT, related_name="requests")
    partner = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="information_requests"
    )
    question = models.TextField()
    requested_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    holds_information = models.BooleanField(null=True)
    response = models.TextField(blank=True)
    sharing_basis = models.CharField(max_length=20, choices=SharingBasis.choices, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responder_name = models.CharField(max_length=150, blank=True)
    # Recorded by a MASH worker (from a phone call), or None when the partner answered by API.
    recorded_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["partner", "status", "due_at"]),
            models.Index(
                fields=["due_at"],
                condition=Q(status=RequestStatus.OPEN),
                name="info_request_open_by_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=RequestStatus.ANSWERED)
                | (Q(responded_at__isnull=False) & ~Q(sharing_basis="")),
                name="info_request_answer_complete",
            )
        ]

    def __str__(self) -> str:
        return f"Request to {self.partner} on enquiry {self.enquiry_id}"


class Referral(models.Model):
    """A contact accepted as a referral to children's social care: it starts (or joins) the
    child's CIN episode with the facts the CIN census reads."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    involvement = models.ForeignKey(
        "journey.Involvement", on_delete=models.PROTECT, related_name="referrals"
    )
    referral_date = models.DateField()
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    primary_need = models.CharField(max_length=2, choices=PrimaryNeed.choices)
    # Straight to a strategy discussion when the risk is immediate, otherwise to assessment.
    route = models.CharField(
        max_length=20,
        choices=[(Outcome.REFERRAL, "Assessment"), (Outcome.STRATEGY, "Strategy discussion")],
    )
    team = models.ForeignKey(
        "workforce.OrgUnit", on_delete=models.PROTECT, related_name="referrals"
    )
    previous_referral = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referral_date", "-id"]
        indexes = [
            models.Index(fields=["person", "referral_date"]),
            models.Index(fields=["referral_date"]),
            models.Index(fields=["team", "referral_date"]),
        ]

    def __str__(self) -> str:
        return f"Referral of {self.person} on {self.referral_date:%d %b %Y}"

    @property
    def is_rereferral(self) -> bool:
        return self.previous_referral_id is not None
