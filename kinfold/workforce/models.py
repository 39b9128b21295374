"""Organisation units, workers, their team history, and who is allocated to which child.

The unit tree follows the county's model (seed 004): an Integrated Front Door (contact centre,
MASH, early help hub), district assessment, children's and adolescent teams, and county-wide
children in care, leaving care, fostering, disabled children, safeguarding and reviewing, LADO
and performance and quality services.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone


class UnitKind(models.TextChoices):
    AUTHORITY = "authority", "Local authority"
    SERVICE = "service", "Service"
    TEAM = "team", "Team"


class UnitFunction(models.TextChoices):
    DIRECTORATE = "directorate", "Children's services"
    FRONT_DOOR = "front_door", "Integrated Front Door"
    CONTACT_CENTRE = "contact_centre", "Contact centre"
    MASH = "mash", "Multi-Agency Safeguarding Hub"
    EARLY_HELP_HUB = "early_help_hub", "Early Help Hub"
    DISTRICT = "district", "District"
    ASSESSMENT = "assessment", "Assessment team"
    CHILDRENS = "childrens", "Children's team"
    ADOLESCENT = "adolescent", "Adolescent team"
    EARLY_HELP = "early_help", "District early help team"
    CHILDREN_IN_CARE = "children_in_care", "Children in care"
    LEAVING_CARE = "leaving_care", "Leaving care"
    FOSTERING = "fostering", "Fostering"
    DISABLED_CHILDREN = "disabled_children", "Disabled children"
    SAFEGUARDING_REVIEWING = "safeguarding_reviewing", "Safeguarding and reviewing unit"
    LADO = "lado", "LADO"
    PERFORMANCE_QUALITY = "performance_quality", "Performance and quality"


class OrgUnit(models.Model):
    """A node of the organisation: the authority, a service (group of teams) or a team."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=UnitKind.choices)
    function = models.CharField(max_length=30, choices=UnitFunction.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    district = models.CharField(max_length=60, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="unit_name_unique_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[OrgUnit]:
        chain: list[OrgUnit] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain

    def service(self) -> OrgUnit:
        """The nearest unit of kind service above (or this one), else the top of the tree."""
        node: OrgUnit = self
        while node.kind != UnitKind.SERVICE and node.parent is not None:
            node = node.parent
        return node

    def subtree_ids(self) -> set[int]:
        """Ids of this unit and every unit below it (the tree is a few hundred rows)."""
        edges = list(OrgUnit.objects.values_list("id", "parent_id"))
        below: dict[int | None, list[int]] = {}
        for uid, pid in edges:
            below.setdefault(pid, []).append(uid)
        found, stack = {self.pk}, [self.pk]
        while stack:
            for child in below.get(stack.pop(), []):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found


class Role(models.TextChoices):
    CONTACT_OFFICER = "contact_officer", "Contact officer"
    MASH_PRACTITIONER = "mash_practitioner", "MASH practitioner"
    FAMILY_WORKER = "family_worker", "Family worker"
    SOCIAL_WORKER = "social_worker", "Social worker"
    CONSULTANT_SOCIAL_WORKER = "consultant_social_worker", "Consultant social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    IRO = "iro", "Independent reviewing officer / CP chair"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    LADO = "lado", "LADO"
    PERFORMANCE_OFFICER = "performance_officer", "Performance officer"
    ADMINISTRATOR = "administrator", "System administrator"


# Roles that must be registered with Social Work England.
QUALIFIED_ROLES = {
    Role.SOCIAL_WORKER,
    Role.CONSULTANT_SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.IRO,
    Role.LADO,
}

SWE_NUMBER = re.compile(r"^SW\d{1,7}$")


def validate_swe_registration(value: str) -> None:
    if not SWE_NUMBER.match(value):
        raise ValidationError(
            "Enter a Social Work England registration number, like SW123456",
            code="invalid_swe",
        )


class Employment(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    AGENCY = "agency", "Agency"


class WorkerManager(UserManager):
    pass


class Worker(AbstractUser):
    """Someone who works in children's services and signs in to Kinfold."""

    role = models.CharField(max_length=30, choices=Role.choices, default=Role.SOCIAL_WORKER)
    job_title = models.CharField(max_length=120, blank=True)
    swe_registration = models.CharField(
        "Social Work England registration number",
        max_length=9,
        blank=True,
        validators=[validate_swe_registration],
    )
    employment = models.CharField(
        max_length=20, choices=Employment.choices, default=Employment.PERMANENT
    )
    fte = models.DecimalField("FTE", max_digits=3, decimal_places=2, default=1)
    start_date = models.DateField(null=True, blank=True)
    leaving_date = models.DateField(null=True, blank=True)

    objects: ClassVar[WorkerManager] = WorkerManager()  # type: ignore[assignment]
    _current_team: OrgUnit | None

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.role in QUALIFIED_ROLES and not self.swe_registration:
            raise ValidationError(
                {"swe_registration": "Enter the Social Work England registration number"}
            )
        if self.fte is not None and not (0 < self.fte <= 1):
            raise ValidationError({"fte": "FTE must be more than 0 and no more than 1"})
        if self.start_date and self.leaving_date and self.leaving_date < self.start_date:
            raise ValidationError({"leaving_date": "Leaving date must be after the start date"})

    def current_team(self, on: dt.date | None = None) -> OrgUnit | None:
        if on is None and hasattr(self, "_current_team"):
            cached: OrgUnit | None = self._current_team
            return cached
        on = on or timezone.localdate()
        membership = (
            self.memberships.filter(
                Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on
            )
            .select_related("unit", "unit__parent")
            .order_by("-start_date")
            .first()
        )
        team = membership.unit if membership else None
        if on == timezone.localdate():
            self._current_team = team
        return team


class TeamMembership(models.Model):
    """A worker's time in a team: their team history."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["unit", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} in {self.unit} from {self.start_date}"


class AllocationRole(models.TextChoices):
    SOCIAL_WORKER = "social_worker", "Allocated social worker"
    CONSULTANT = "consultant", "Consultant social worker"
    TEAM_MANAGER = "team_manager", "Team manager"
    IRO = "iro", "Independent reviewing officer"
    PERSONAL_ADVISER = "personal_adviser", "Personal adviser"
    FAMILY_WORKER = "family_worker", "Family worker"


class Allocation(models.Model):
    """A worker responsible for a child, in a team, for a period.

    The journey spine links allocations to involvements; access uses them for the ladder
    (allocated → team → service → authority).
    """

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="allocations"
    )
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(
        max_length=20, choices=AllocationRole.choices, default=AllocationRole.SOCIAL_WORKER
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_date"]
        indexes = [
            models.Index(fields=["person", "end_date"]),
            models.Index(fields=["worker", "end_date"]),
            models.Index(fields=["team", "end_date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="allocation_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} → {self.person_id} ({self.get_role_display()})"
