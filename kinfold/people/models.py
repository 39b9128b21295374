"""People: children, their family and the adults around them.

Facts keep their dates; nothing is deleted. A merged record is kept, pointing at the record it
was merged into, so every fact can be traced to where it came from.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import codes
from .validators import (
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)

LA_CHILD_ID_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_la_child_id() -> str:
    """A stable, opaque LA child id: 'KF' and 10 unambiguous letters/digits (≤20, alphanumeric)."""
    return "KF" + "".join(secrets.choice(LA_CHILD_ID_ALPHABET) for _ in range(10))


def age_on(born: dt.date | None, on: dt.date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class Person(models.Model):
    la_child_id = models.CharField(
        "LA child ID", max_length=20, unique=True, default=new_la_child_id, editable=False
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=codes.Sex.choices, default=codes.Sex.UNKNOWN)
    gender = models.CharField(
        max_length=20, choices=codes.Gender.choices, default=codes.Gender.NOT_KNOWN
    )
    ethnicity = models.CharField(
        max_length=4, choices=codes.Ethnicity.choices, default=codes.Ethnicity.NOBT
    )
    first_language = models.CharField(
        max_length=3, choices=codes.Language.choices, default=codes.Language.NOT_KNOWN
    )
    religion = models.CharField(
        max_length=20, choices=codes.Religion.choices, default=codes.Religion.NOT_KNOWN
    )
    immigration_status = models.CharField(
        max_length=20,
        choices=codes.ImmigrationStatus.choices,
        default=codes.ImmigrationStatus.NOT_KNOWN,
    )
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, validators=[validate_nhs_number], db_index=True
    )
    upn = models.CharField(
        "Unique pupil number", max_length=13, blank=True, validators=[validate_upn], db_index=True
    )
    former_upn = models.CharField(
        "Former unique pupil number",
        max_length=13,
        blank=True,
        validators=[validate_upn],
        db_index=True,  # a UPN search looks in both
    )

    # Restricted records: only named workers see the content (see access.models.RestrictedAccess).
    restricted = models.BooleanField(default=False)
    restriction_reason = models.CharField(max_length=200, blank=True)
    restriction_manager = models.ForeignKey(
        "workforce.Worker",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restricted_records_managed",
        help_text="Who to ask for access, and who is told of every break-glass view",
    )

    # A merged record stays, pointing at the record that now holds its facts.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )

    # Optimistic concurrency: an edit carries the version it was made from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    # Search keys, kept in step with the names by people.search.refresh_search_keys.
    search_text = models.CharField(max_length=400, blank=True, editable=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [
            models.Index(fields=["date_of_birth"]),
            models.Index(fields=["family_name", "given_name"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_death__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(date_of_death__gte=models.F("date_of_birth")),
                name="death_not_before_birth",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age(self, on: dt.date | None = None) -> int | None:
        on = on or timezone.localdate()
        end = self.date_of_death if self.date_of_death and self.date_of_death < on else on
        return age_on(self.date_of_birth, end)

    def age_display(self, on: dt.date | None = None) -> str:
        on = on or timezone.localdate()
        if self.is_unborn:
            return f"Unborn (due {self.expected_date_of_birth:%-d %B %Y})"
        years = self.age(on)
        if years is None:
            return "Age not known"
        if years == 0 and self.date_of_birth:
            end = self.date_of_death if self.date_of_death and self.date_of_death < on else on
            months = (
                (end.year - self.date_of_birth.year) * 12 + end.month - self.date_of_birth.month
            )
            if end.day < self.date_of_birth.day:
                months -= 1
            return f"{months} month{'s' if months != 1 else ''}"
        return f"{years} year{'s' if years != 1 else ''}"

    def clean(self) -> None:
        """The person's own facts, checked together (the forms show each beside its field)."""
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.nhs_number:
            self.nhs_number = normalise_nhs_number(self.nhs_number)
        self.upn = (self.upn or "").strip().upper()
        self.former_upn = (self.former_upn or "").strip().upper()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = "Date of birth must be today or in the past"
        if self.date_of_birth is None and self.expected_date_of_birth is None:
            errors["date_of_birth"] = "Enter a date of birth, or an expected date of birth"
        if self.date_of_birth and self.expected_date_of_birth:
            errors["expected_date_of_birth"] = (
                "Remove the expected date of birth once the child is born"
            )
        elif (
            self.expected_date_of_birth
            and self.date_of_birth is None
            and self.expected_date_of_birth < today
        ):
            errors["expected_date_of_birth"] = (
                "Expected date of birth is in the past: enter the date of birth instead"
            )
        if self.date_of_death:
            if self.date_of_death > today:
                errors["date_of_death"] = "Date of death must be today or in the past"
            elif self.date_of_birth and self.date_of_death < self.date_of_birth:
                errors["date_of_death"] = "Date of death must be on or after the date of birth"
        if self.upn and self.former_upn and self.upn == self.former_upn:
            errors["former_upn"] = "The former UPN must differ from the current UPN"
        if errors:
            raise ValidationError(errors)


class PersonName(models.Model):
    """Another name a person has or had: an alias, a previous name, a name at birth."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="other_names")
    kind = models.CharField(max_length=10, choices=codes.NameKind.choices)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "-from_date"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def clean(self) -> None:
        if not (self.given_name or self.family_name):
            raise ValidationError({"given_name": "Enter a given name or a family name"})
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValidationError({"to_date": "The end date must be on or after the start date"})


class PersonDisability(models.Model):
    """A DfE census disability code held by a person (NONE when recorded as none)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="disabilities")
    code = models.CharField(max_length=4, choices=codes.Disability.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "code"], name="one_disability_code_each")
        ]

    def __str__(self) -> str:
        return self.get_code_display()


class Address(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="addresses")
    line_1 = models.CharField("Address line 1", max_length=120)
    line_2 = models.CharField("Address line 2", max_length=120, blank=True)
    town = models.CharField("Town or city", max_length=80)
    postcode = models.CharField(max_length=8, validators=[validate_postcode], db_index=True)
    from_date = models.DateField()
    to_date = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-from_date"]
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["person", "to_date"])]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.line_1, self.line_2, self.town, self.postcode) if p)

    @property
    def is_current(self) -> bool:
        return self.to_date is None or self.to_date >= timezone.localdate()

    def clean(self) -> None:
        self.postcode = normalise_postcode(self.postcode)
        if self.from_date and self.to_date and self.to_date < self.from_date:
            raise ValidationError({"to_date": "The end date must be on or after the start date"})
        if self.from_date and self.from_date > timezone.localdate():
            raise ValidationError({"from_date": "The start date must be today or in the past"})


class Relationship(models.Model):
    """`person` is `type` of `other` (e.g. person is parent of other). Stored in both directions:
    each row has a reciprocal row, created and ended together."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    other = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    type = models.CharField(max_length=20, choices=codes.RelationshipType.choices)
    reciprocal = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    lives_with = models.BooleanField("Lives in the same household", default=False)
    parental_responsibility = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        "workforce.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["type", "other__family_name"]
        indexes = [models.Index(fields=["person", "end_date"])]
        constraints = [
            models.CheckConstraint(condition=~Q(person=models.F("other")), name="not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.type} of {self.other_id}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None or self.end_date >= timezone.localdate()


class PersonChange(models.Model):
    """One saved edit of a person: who, when, why, and each field's old and new value."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="changes")
    changed_by = models.ForeignKey(
        "workforce.Worker", null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(help_text="The person's version after this change")
    what = models.CharField(max_length=40, default="edit")
    reason = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, help_text="{field: [old, new]}")

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id} v{self.version} by {self.changed_by_id}"


class PersonMerge(models.Model):
    """Two records found to be one person: `retired` was merged into `kept`.

    `moved` records which facts moved from where, so the merge can be explained afterwards.
    """

    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    retired = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="merge_retired")
    merged_by = models.ForeignKey("workforce.Worker", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=300)
    moved = models.JSONField(default=dict)

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.retired_id} merged into {self.kept_id}"


class PersonNameKey(models.Model):
    """One searchable name token of a person (from every name they have or had), with its
    normalised form and phonetic code. Kept in step by people.search.refresh_search_keys.

    Fuzzy matching runs over the distinct tokens (the people_nametoken table, trigram-indexed on
    PostgreSQL); these rows are then found by exact token.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="name_keys")
    token = models.CharField(max_length=60)
    phonetic = models.CharField(max_length=12)
    is_family = models.BooleanField(default=False)
    is_current = models.BooleanField(
        default=True, help_text="From the person's own names, not an alias or previous name"
    )

    class Meta:
        indexes = [
            models.Index(fields=["token", "person"], name="people_namekey_token"),
            models.Index(fields=["phonetic", "is_family"], name="people_namekey_phonetic"),
        ]

    def __str__(self) -> str:
        return self.token
