"""An administrator's configuration of the front door: partner agencies, the threshold
document's levels, and which district serves each postcode district. Each change audited."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kinfold.access import audit
from kinfold.access.guards import is_administrator
from kinfold.access.models import AuditAction
from kinfold.workforce.models import OrgUnit, UnitFunction, Worker

from .codes import AgencyKind, Outcome, ReferralSource
from .models import DistrictArea, PartnerOrganisation, ThresholdLevel

# A UK postcode's outward code (the district): "FN1", "SW1A", "B33", "GIR" (the validators in
# kinfold.people.validators check whole postcodes).
OUTWARD_CODE = re.compile(
    r"^(GIR|[A-PR-UWYZ](\d{1,2}|[A-HK-Y]\d{1,2}|\d[A-HJKPSTUW]|[A-HK-Y]\d[ABEHMNPRV-Y]))$",
    re.ASCII,
)


def _require_administrator(actor: Worker) -> None:
    if not is_administrator(actor):
        raise PermissionDenied("Only system administrators configure the front door")


# ---- partner agencies -----------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerData:
    name: str
    kind: str
    referral_source: str
    email: str = ""
    active: bool = True


def _partner_problems(data: PartnerData, partner: PartnerOrganisation | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "Enter the organisation's name"
    elif len(name) > 150:
        errors["name"] = "The name must be 150 characters or fewer"
    else:
        same = PartnerOrganisation.objects.filter(name__iexact=name)
        if partner is not None:
            same = same.exclude(pk=partner.pk)
        if same.exists():
            errors["name"] = f"There is already a partner organisation called {name}"
    if data.kind not in AgencyKind.values:
        errors["kind"] = "Choose the kind of agency"
    if data.referral_source not in ReferralSource.values:
        errors["referral_source"] = "Choose what its contacts count as in the CIN census"
    return errors


@transaction.atomic
def save_partner(
    *, actor: Worker, data: PartnerData, partner_id: int | None = None
) -> PartnerOrganisation:
    """Add a partner organisation (`partner_id` None) or change one."""
    _require_administrator(actor)
    partner = (
        PartnerOrganisation.objects.select_for_update().get(pk=partner_id)
        if partner_id is not None
        else None
    )
    errors = _partner_problems(data, partner)
    if errors:
        raise ValidationError(errors)
    values = {**asdict(data), "name": data.name.strip(), "email": data.email.strip()}
    before = {k: getattr(partner, k) for k in values} if partner is not None else {}
    try:
        with transaction.atomic():
            if partner is None:
                partner = PartnerOrganisation.objects.create(**values)
            else:
                for field, value in values.items():
                    setattr(partner, field, value)
                partner.save(update_fields=list(values))
    except IntegrityError as error:  # the same name saved twice at once
        raise ValidationError(
            {"name": f"There is already a partner organisation called {values['name']}"}
        ) from error
    changed = {k: [before.get(k), v] for k, v in values.items() if before.get(k) != v}
    audit.record(
        worker=actor,
        action=AuditAction.EDIT if before else AuditAction.CREATE,
        obj=partner,
        detail={"changed": changed},
    )
    return partner


# ---- the threshold document -----------------------------------------------------------------


@transaction.atomic
def update_threshold(
    *,
    actor: Worker,
    level_id: int,
    title: str,
    description: str,
    usual_outcome: str,
    active: bool,
) -> ThresholdLevel:
    """Change a level of need's wording, usual response or whether screening offers it. A
    level stays on the contacts screened at it."""
    _require_administrator(actor)
    level = ThresholdLevel.objects.select_for_update().get(pk=level_id)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the level's title"
    elif len(title.strip()) > 100:
        errors["title"] = "The title must be 100 characters or fewer"
    if not description.strip():
        errors["description"] = "Enter what the threshold document says about this level"
    if usual_outcome not in Outcome.values:
        errors["usual_outcome"] = "Choose the response the threshold document points to"
    if errors:
        raise ValidationError(errors)
    values = {
        "title": title.strip(),
        "description": description.strip(),
        "usual_outcome": usual_outcome,
        "active": active,
    }
    changed = {k: [getattr(level, k), v] for k, v in values.items() if getattr(level, k) != v}
    if not changed:
        return level
    for field, value in values.items():
        setattr(level, field, value)
    level.save(update_fields=list(values))
    audit.record(
        worker=actor,
        action=AuditAction.EDIT,
        obj=level,
        detail={"level": level.level, "changed": changed},
    )
    return level


# ---- postcode districts ---------------------------------------------------------------------


def normalise_outward_code(value: str) -> str:
    return re.sub(r"\s+", "", (value or "").upper())


@transaction.atomic
def add_district_area(
    *, actor: Worker, postcode_district: str, district: OrgUnit | None
) -> DistrictArea:
    """Say which district serves a postcode district: its referrals go to that district's
    assessment team."""
    _require_administrator(actor)
    code = normalise_outward_code(postcode_district)
    errors: dict[str, str] = {}
    if not code:
        errors["postcode_district"] = "Enter the postcode district, like FN3"
    elif not OUTWARD_CODE.match(code):
        errors["postcode_district"] = (
            "Enter the first part of a postcode (the postcode district), like FN3 or SW1A"
        )
    elif DistrictArea.objects.filter(postcode_district=code).exists():
        served = DistrictArea.objects.select_related("district").get(postcode_district=code)
        errors["postcode_district"] = f"{code} is already served by {served.district}"
    if district is None or district.function != UnitFunction.DISTRICT or not district.active:
        errors["district"] = "Choose the district that serves it"
    if errors:
        raise ValidationError(errors)
    assert district is not None
    try:
        with transaction.atomic():
            area = DistrictArea.objects.create(postcode_district=code, district=district)
    except IntegrityError as error:  # added twice at once
        raise ValidationError(
            {"postcode_district": f"{code} is already served by a district"}
        ) from error
    audit.record(
        worker=actor,
        action=AuditAction.CREATE,
        obj=area,
        detail={"postcode_district": code, "district": district.pk},
    )
    return area
