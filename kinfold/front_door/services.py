"""Practitioner actions at the front door, one transaction each, each writing its events.

The route (seed 004): a contact is recorded (by a contact officer, or by a partner through the
API); a child already open to a team is passed to their allocated worker instead; the others
are screened against the threshold document; some go to the MASH, which asks partner agencies
what they hold under a RAG deadline; a decision on what response the contact needs is made
within 1 working day of receipt and signed off by a manager; sign-off carries the decision out
(a referral opens the child's CIN episode with the district assessment team, early help opens
an early help involvement, the rest close the child's period at the front door).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from kinfold.access.permissions import can_record, require_write_access
from kinfold.journey.events import check_not_future, record_event
from kinfold.journey.models import Involvement
from kinfold.journey.services import open_involvement, run_transition
from kinfold.people.models import Person
from kinfold.timescales.calendar import add_months, due_at, due_on
from kinfold.timescales.models import rule_for
from kinfold.workforce.models import AllocationRole, OrgUnit, Role, UnitFunction, Worker
from kinfold.workforce.selectors import current_allocations

from .codes import (
    FINAL_OUTCOMES,
    RAG_RULES,
    REFERRAL_OUTCOMES,
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
from .models import (
    Contact,
    ContactChild,
    DistrictArea,
    InformationRequest,
    MashEnquiry,
    PartnerOrganisation,
    Referral,
    ThresholdLevel,
)

FRONT_DOOR = "front_door"
# The main-line stages of a CIN episode (a CP plan runs within the episode).
EPISODE_STAGES = ("child_in_need", "child_protection")
# Stages where a child is open to a team: a new contact goes to their allocated worker.
OPEN_STAGES = ("child_in_need", "child_protection", "child_in_care", "care_leaver", "early_help")
# Who may be asked to sign off a decision, and who may sign it off.
SIGN_OFF_ROLES = (Role.TEAM_MANAGER, Role.CONSULTANT_SOCIAL_WORKER)
# Routing prefers the allocated social worker, then the personal adviser or family worker.
ROUTING_ROLES = (
    AllocationRole.SOCIAL_WORKER,
    AllocationRole.PERSONAL_ADVISER,
    AllocationRole.FAMILY_WORKER,
)


class StaleContact(ValidationError):
    """The contact changed since the worker opened it."""


def _locked(contact_id: int, version: int | None) -> Contact:
    contact = Contact.objects.select_for_update().get(pk=contact_id)
    if version is not None and contact.version != version:
        raise StaleContact(
            f"Contact {contact.reference} was changed since you opened it: check it again"
        )
    return contact


def _bump(contact: Contact, *fields: str) -> None:
    contact.version += 1
    contact.save(update_fields=[*fields, "version"])


def _due_at(rule_code: str, trigger: dt.datetime) -> dt.datetime:
    due = due_at(rule_for(rule_code, on=timezone.localdate(trigger)), trigger)
    if isinstance(due, dt.datetime):
        return due
    return timezone.make_aware(dt.datetime.combine(due, dt.time(17, 0)))


def _contact_children(contact: Contact) -> list[ContactChild]:
    return list(contact.children.select_related("person").order_by("id"))


def _is_manager(worker: Worker) -> bool:
    return worker.role in SIGN_OFF_ROLES or worker.role == Role.ADMINISTRATOR


# ---- recording a contact --------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDetails:
    received_at: dt.datetime
    method: str
    source: str
    concerns: str
    consent: str
    consent_override_reason: str = ""
    immediate_risk: bool = False
    immediate_risk_detail: str = ""
    contactor_name: str = ""
    contactor_role: str = ""
    contactor_details: str = ""


def check_details(details: ContactDetails) -> dict[str, str]:
    """The problems with a contact's details, by field (empty: none)."""
    errors: dict[str, str] = {}
    if details.received_at is None:
        errors["received_at"] = "Enter when the contact was made"
    else:
        try:
            check_not_future(details.received_at, "received_at")
        except ValidationError:
            errors["received_at"] = "When the contact was made must be now or in the past"
    if details.method not in ContactMethod.values:
        errors["method"] = "Choose how the contact was made"
    if details.source not in ReferralSource.values:
        errors["source"] = "Choose who made the contact"
    if not (details.concerns or "").strip():
        errors["concerns"] = "Enter the concerns, in the contact's own words"
    if details.consent not in Consent.values:
        errors["consent"] = "Say whether the family consented to information being shared"
    elif details.consent == Consent.OVERRIDDEN and not details.consent_override_reason.strip():
        errors["consent_override_reason"] = (
            "Enter why information is being shared without the family's consent"
        )
    if details.immediate_risk and not details.immediate_risk_detail.strip():
        errors["immediate_risk_detail"] = "Describe the immediate risk"
    return errors


def check_child(person: Person) -> str | None:
    """Why a child cannot be on a contact (None: they can)."""
    if person.merged_into_id:
        return f"{person.full_name}'s record was merged: choose the record it was merged into"
    if person.date_of_birth is None and person.expected_date_of_birth is None:
        return (
            f"{person.full_name} has neither a date of birth nor an expected date of birth: "
            "add one to their record first"
        )
    return None


def _routing(person: Person, on: dt.date) -> tuple[Worker, Involvement] | None:
    """The allocated worker and open involvement of a child already open to a team."""
    involvement = (
        Involvement.objects.filter(person=person, stage__in=OPEN_STAGES, ended_on__isnull=True)
        .order_by("-started_on")
        .first()
    )
    if involvement is None:
        return None
    allocations = {
        a.role: a
        for a in current_allocations()
        .filter(person=person, role__in=ROUTING_ROLES, worker__is_active=True)
        .select_related("worker")
    }
    for role in ROUTING_ROLES:
        if role in allocations:
            return allocations[role].worker, involvement
    return None


def _previous_referral(person: Person, on: dt.date) -> Referral | None:
    """The latest referral of the child in the 12 months before `on` (re-referral measure)."""
    return (
        Referral.objects.filter(
            person=person, referral_date__gte=add_months(on, -12), referral_date__lte=on
        )
        .order_by("-referral_date", "-id")
        .first()
    )


def _place_child(contact: Contact, link: ContactChild, actor: Worker | None) -> None:
    """A matched child: pass to their allocated worker, or start (or join) their period at the
    front door. Writes the child's contact event."""
    person = link.person
    assert person is not None
    received = timezone.localtime(contact.received_at)
    link.previous_referral = _previous_referral(person, received.date())
    routing = _routing(person, received.date())
    summary = f"Contact {contact.reference} from {contact.get_source_display().lower()}"
    if routing is not None:
        worker, open_period = routing
        link.routed_to = worker
        link.open_involvement = open_period
        link.response_due_on = due_on("referral.decision", link.received_on)
        link.save()
        record_event(
            person_id=person.pk,
            type="contact.received",
            occurred=contact.received_at,
            summary=f"{summary}: passed to {worker.get_full_name() or worker.username}",
            recorded_by=actor,
            involvement=open_period,
            subject=contact,
            detail={"contact": contact.pk, "routed_to": worker.pk},
        )
        return
    involvement = Involvement.objects.filter(
        person=person, stage=FRONT_DOOR, ended_on__isnull=True
    ).first()
    if involvement is None:
        if actor is None:
            raise ValueError("A worker opens a child's period at the front door")
        involvement = open_involvement(
            actor=actor,
            person=person,
            stage=FRONT_DOOR,
            started_on=received.date(),
            summary=f"{summary}: at the front door",
        )
    link.involvement = involvement
    link.save()
    record_event(
        person_id=person.pk,
        type="contact.received",
        occurred=contact.received_at,
        summary=summary
        + (
            " (likely re-referral: referred in the last 12 months)"
            if link.previous_referral
            else ""
        ),
        recorded_by=actor,
        involvement=involvement,
        subject=contact,
        detail={"contact": contact.pk, "previous_referral": link.previous_referral_id},
    )


def _settle_status(contact: Contact) -> None:
    """A contact whose every child went to an allocated worker is theirs, not the front
    door's."""
    links = _contact_children(contact)
    if links and all(link.person_id and link.routed for link in links):
        contact.status = ContactStatus.ROUTED
        contact.handler = None
        _bump(contact, "status", "handler")


@transaction.atomic
def record_contact(
    *,
    actor: Worker,
    details: ContactDetails,
    children: Sequence[Person],
    partner: PartnerOrganisation | None = None,
) -> Contact:
    """A contact officer records a contact about one or more children (`partner`: the agency
    the contactor works for, when there is one)."""
    if not can_record(actor):
        raise PermissionDenied("Your role does not record contacts")
    errors = check_details(details)
    if partner is not None and not partner.active:
        errors["partner"] = f"{partner} is no longer an active partner agency"
    problems = [p for p in (check_child(c) for c in children) if p]
    if not children:
        errors["children"] = "Add the child or children the contact is about"
    elif problems:
        errors["children"] = " ".join(problems)
    elif len({c.pk for c in children}) != len(children):
        errors["children"] = "A child is on the contact twice"
    if errors:
        raise ValidationError(errors)
    for child in children:
        require_write_access(actor, child)
    contact = Contact.objects.create(
        **_detail_fields(details),
        consent_override_by=actor if details.consent == Consent.OVERRIDDEN else None,
        partner=partner,
        handler=actor,
        recorded_by=actor,
    )
    _schedule_decision(contact)
    for child in children:
        link = ContactChild.objects.create(
            contact=contact, person=child, received_on=timezone.localdate(contact.received_at)
        )
        _place_child(contact, link, actor)
    _settle_status(contact)
    return contact


def _detail_fields(details: ContactDetails) -> dict[str, Any]:
    return {
        "received_at": details.received_at,
        "method": details.method,
        "source": details.source,
        "concerns": details.concerns.strip(),
        "consent": details.consent,
        "consent_override_reason": details.consent_override_reason.strip()
        if details.consent == Consent.OVERRIDDEN
        else "",
        "immediate_risk": details.immediate_risk,
        "immediate_risk_detail": details.immediate_risk_detail.strip()
        if details.immediate_risk
        else "",
        "contactor_name": details.contactor_name.strip(),
        "contactor_role": details.contactor_role.strip(),
        "contactor_details": details.contactor_details.strip(),
    }


def _schedule_decision(contact: Contact) -> None:
    contact.decision_due_on = due_on("referral.decision", contact.received_at)
    contact.save(update_fields=["decision_due_on"])


class DuplicateSubmission(Exception):
    """The partner sent this idempotency key before: `contact` is the one it made."""

    def __init__(self, contact: Contact):
        super().__init__(f"Contact {contact.reference} was already made with this key")
        self.contact = contact


@transaction.atomic
def submit_partner_contact(
    *,
    partner: PartnerOrganisation,
    details: ContactDetails,
    children: Sequence[dict[str, Any]],
    idempotency_key: str,
) -> Contact:
    """A partner agency's contact through the API. The children are kept as the partner
    described them until a contact officer matches each to a record (`match_child`). The same
    idempotency key again returns the first contact (DuplicateSubmission), never a second."""
    existing = Contact.objects.filter(partner=partner, idempotency_key=idempotency_key).first()
    if existing is not None:
        raise DuplicateSubmission(existing)
    errors = check_details(details)
    if not children:
        errors["children"] = "Add the child or children the contact is about"
    for i, child in enumerate(children):
        if (
            not (child.get("given_name") or "").strip()
            or not (child.get("family_name") or "").strip()
        ):
            errors[f"children.{i}"] = "Give the child's given and family names"
        elif not child.get("date_of_birth") and not child.get("expected_date_of_birth"):
            errors[f"children.{i}"] = "Give the child's date of birth or expected date of birth"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            contact = Contact.objects.create(
                **_detail_fields(details), partner=partner, idempotency_key=idempotency_key
            )
    except IntegrityError as error:  # the same key, sent twice at once
        raise DuplicateSubmission(
            Contact.objects.get(partner=partner, idempotency_key=idempotency_key)
        ) from error
    _schedule_decision(contact)
    for child in children:
        ContactChild.objects.create(
            contact=contact,
            supplied={k: (str(v) if v is not None else "") for k, v in child.items()},
            received_on=timezone.localdate(contact.received_at),
        )
    return contact


@transaction.atomic
def take_contact(*, actor: Worker, contact_id: int, version: int | None = None) -> Contact:
    """A contact officer takes an unassigned contact (one a partner made through the API)."""
    contact = _locked(contact_id, version)
    if not can_record(actor):
        raise PermissionDenied("Your role does not record contacts")
    if contact.decided_at is not None or contact.status == ContactStatus.ROUTED:
        raise ValidationError("This contact is already decided")
    contact.handler = actor
    _bump(contact, "handler")
    return contact


@transaction.atomic
def match_child(
    *, actor: Worker, contact_child_id: int, person: Person, version: int | None = None
) -> ContactChild:
    """Say which person a child a partner described is (an existing record, or one the officer
    has just added after checking for duplicates), then route or place them."""
    link = ContactChild.objects.select_related("contact").get(pk=contact_child_id)
    contact = _locked(link.contact_id, version)
    if link.person_id is not None:
        raise ValidationError("This child is already matched to a record")
    problem = check_child(person)
    if problem:
        raise ValidationError({"person": problem})
    if contact.children.filter(person=person).exists():
        raise ValidationError({"person": f"{person.full_name} is already on this contact"})
    require_write_access(actor, person)
    if contact.handler_id is None:
        contact.handler = actor
    link.person = person
    link.save(update_fields=["person"])
    _place_child(contact, link, actor)
    _bump(contact, "handler")
    _settle_status(contact)
    return link


@transaction.atomic
def respond_to_routed(*, actor: Worker, contact_child_id: int, response: str) -> ContactChild:
    """The allocated worker records what they did with a new contact about their child."""
    link = (
        ContactChild.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=contact_child_id)
    )
    if not link.routed or link.person is None:
        raise ValidationError("This contact was not passed to an allocated worker")
    require_write_access(actor, link.person)
    if link.responded_at is not None:
        raise ValidationError("A response is already recorded")
    if not response.strip():
        raise ValidationError({"response": "Enter what you did in response to the contact"})
    link.response = response.strip()
    link.responded_at = timezone.now()
    link.save(update_fields=["response", "responded_at"])
    record_event(
        person_id=link.person.pk,
        type="contact.responded",
        occurred=link.responded_at,
        summary=f"Response to contact C{link.contact_id:07d}: {link.response[:200]}",
        recorded_by=actor,
        involvement=link.open_involvement,
        subject=link.contact,
        detail={"contact": link.contact_id},
    )
    return link


# ---- screening and MASH ---------------------------------------------------------------------


def _require_front_door_worker(actor: Worker) -> None:
    if not can_record(actor):
        raise PermissionDenied("Your role does not record front door decisions")


def _each_child(contact: Contact, type: str, summary: str, actor: Worker | None, **detail) -> None:
    for link in _contact_children(contact):
        if link.person_id and not link.routed:
            record_event(
                person_id=link.person_id,
                type=type,
                occurred=timezone.now(),
                summary=summary,
                recorded_by=actor,
                involvement=link.involvement,
                subject=contact,
                detail={"contact": contact.pk, **detail},
            )


def _unmatched(contact: Contact) -> bool:
    return contact.children.filter(person__isnull=True).exists()


def _open_for_decision(contact: Contact) -> None:
    if contact.status == ContactStatus.ROUTED:
        raise ValidationError("Every child on this contact is open to a team: no screening")
    if contact.decided_at is not None:
        raise ValidationError("This contact is already decided")
    if _unmatched(contact):
        raise ValidationError(
            {"children": "Match each child the partner described to a record first"}
        )


@transaction.atomic
def screen_contact(
    *,
    actor: Worker,
    contact_id: int,
    version: int | None,
    threshold_level: ThresholdLevel | None,
    outcome: str,
    rationale: str,
    primary_need: str = "",
    rag: str = "",
    rag_reason: str = "",
    mash_owner: Worker | None = None,
    sign_off_by: Worker | None = None,
) -> Contact:
    """Screen a contact against the threshold document: a final decision (then a manager signs
    it off), or a MASH enquiry under a RAG rating."""
    _require_front_door_worker(actor)
    contact = _locked(contact_id, version)
    _open_for_decision(contact)
    if contact.status != ContactStatus.NEW:
        raise ValidationError("This contact has already been screened")
    errors: dict[str, str] = {}
    if threshold_level is None:
        errors["threshold_level"] = "Choose the level of need from the threshold document"
    if outcome not in Outcome.values:
        errors["outcome"] = "Choose what the contact needs"
    if not rationale.strip():
        errors["rationale"] = "Enter the rationale for the decision, against the threshold"
    if outcome == Outcome.MASH:
        errors.update(_rag_problems(rag, rag_reason))
    if errors:
        raise ValidationError(errors)
    contact.threshold_level = threshold_level
    contact.screening_outcome = outcome
    contact.screening_rationale = rationale.strip()
    contact.screened_by = actor
    contact.screened_at = timezone.now()
    _bump(
        contact,
        "threshold_level",
        "screening_outcome",
        "screening_rationale",
        "screened_by",
        "screened_at",
    )
    _each_child(
        contact,
        "contact.screened",
        f"Screened at {threshold_level}: {Outcome(outcome).label.lower()}",
        actor,
        outcome=outcome,
    )
    if outcome == Outcome.MASH:
        start_mash_enquiry(
            actor=actor, contact=contact, rag=rag, rag_reason=rag_reason, owner=mash_owner
        )
        return contact
    return _decide(
        actor=actor,
        contact=contact,
        outcome=outcome,
        rationale=rationale,
        primary_need=primary_need,
        sign_off_by=sign_off_by,
    )


def _rag_problems(rag: str, reason: str) -> dict[str, str]:
    errors = {}
    if rag not in Rag.values:
        errors["rag"] = "Choose a RAG rating"
    if not (reason or "").strip():
        errors["rag_reason"] = "Enter why the enquiry has this rating"
    return errors


def start_mash_enquiry(
    *, actor: Worker, contact: Contact, rag: str, rag_reason: str, owner: Worker | None = None
) -> MashEnquiry:
    now = timezone.now()
    enquiry = MashEnquiry.objects.create(
        contact=contact,
        rag=rag,
        rag_reason=rag_reason.strip(),
        rated_at=now,
        rated_by=actor,
        due_at=_due_at(RAG_RULES[Rag(rag)], now),
        owner=owner,
        started_at=now,
    )
    contact.status = ContactStatus.MASH
    contact.handler = owner
    _bump(contact, "status", "handler")
    _each_child(
        contact,
        "mash.started",
        f"MASH enquiry started, rated {Rag(rag).label.lower()}: {rag_reason.strip()[:200]}",
        actor,
        rag=rag,
    )
    return enquiry


def _locked_enquiry(enquiry_id: int, version: int | None) -> MashEnquiry:
    enquiry = MashEnquiry.objects.select_for_update().select_related("contact").get(pk=enquiry_id)
    if version is not None and enquiry.version != version:
        raise StaleContact("This MASH enquiry was changed since you opened it: check it again")
    if enquiry.completed_at is not None:
        raise ValidationError("This MASH enquiry is already completed")
    return enquiry


@transaction.atomic
def take_mash_enquiry(*, actor: Worker, enquiry_id: int, version: int | None = None) -> MashEnquiry:
    """A MASH practitioner takes an enquiry from the queue (or from a colleague)."""
    _require_front_door_worker(actor)
    enquiry = _locked_enquiry(enquiry_id, version)
    enquiry.owner = actor
    enquiry.version += 1
    enquiry.save(update_fields=["owner", "version"])
    contact = Contact.objects.select_for_update().get(pk=enquiry.contact_id)
    contact.handler = actor
    _bump(contact, "handler")
    return enquiry


@transaction.atomic
def rerate_mash_enquiry(
    *, actor: Worker, enquiry_id: int, rag: str, reason: str, version: int | None = None
) -> MashEnquiry:
    """A new RAG rating restarts the deadline from now, by the new rating's rule."""
    _require_front_door_worker(actor)
    enquiry = _locked_enquiry(enquiry_id, version)
    errors = _rag_problems(rag, reason)
    if not errors and rag == enquiry.rag:
        errors["rag"] = f"The enquiry is already rated {enquiry.get_rag_display().lower()}"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    enquiry.rag, enquiry.rag_reason, enquiry.rated_at, enquiry.rated_by = (
        rag,
        reason.strip(),
        now,
        actor,
    )
    enquiry.due_at = _due_at(RAG_RULES[Rag(rag)], now)
    enquiry.version += 1
    enquiry.save(update_fields=["rag", "rag_reason", "rated_at", "rated_by", "due_at", "version"])
    _each_child(
        enquiry.contact,
        "mash.rated",
        f"MASH enquiry rated {Rag(rag).label.lower()}: {reason.strip()[:200]}",
        actor,
        rag=rag,
    )
    return enquiry


@transaction.atomic
def request_information(
    *,
    actor: Worker,
    enquiry_id: int,
    partner: PartnerOrganisation | None,
    question: str,
    due: dt.datetime | None = None,
) -> InformationRequest:
    """Ask a named partner agency what it holds, by a deadline (default: the enquiry's)."""
    _require_front_door_worker(actor)
    enquiry = _locked_enquiry(enquiry_id, None)
    errors: dict[str, str] = {}
    if partner is None or not partner.active:
        errors["partner"] = "Choose the agency to ask"
    elif enquiry.requests.filter(partner=partner, status=RequestStatus.OPEN).exists():
        errors["partner"] = f"{partner} has already been asked and has not yet answered"
    if not question.strip():
        errors["question"] = "Enter what you are asking the agency"
    now = timezone.now()
    due = due or enquiry.due_at
    if due <= now:
        errors["due"] = "The deadline must be in the future"
    if errors:
        raise ValidationError(errors)
    assert partner is not None
    request = InformationRequest.objects.create(
        enquiry=enquiry,
        partner=partner,
        question=question.strip(),
        requested_at=now,
        requested_by=actor,
        due_at=due,
    )
    _each_child(
        enquiry.contact,
        "mash.information_requested",
        f"Information requested from {partner}",
        actor,
        partner=partner.pk,
    )
    return request


@transaction.atomic
def answer_information_request(
    *,
    request_id: int,
    holds_information: bool | None,
    response: str,
    sharing_basis: str,
    responder_name: str,
    recorded_by: Worker | None = None,
    partner: PartnerOrganisation | None = None,
) -> InformationRequest:
    """The partner's answer: by the partner through the API (`partner`, checked to be the one
    asked), or recorded by a MASH worker from a call (`recorded_by`)."""
    request = (
        InformationRequest.objects.select_for_update()
        .select_related("enquiry__contact", "partner")
        .get(pk=request_id)
    )
    if partner is not None and request.partner_id != partner.pk:
        raise PermissionDenied("This request was not sent to your organisation")
    if recorded_by is not None:
        _require_front_door_worker(recorded_by)
    if request.status != RequestStatus.OPEN:
        raise ValidationError(f"This request is {request.get_status_display().lower()}")
    errors: dict[str, str] = {}
    if holds_information is None:
        errors["holds_information"] = "Say whether the agency holds information"
    if holds_information and not response.strip():
        errors["response"] = "Enter the information the agency holds"
    if sharing_basis not in SharingBasis.values:
        errors["sharing_basis"] = "Choose the basis on which the information is shared"
    if not responder_name.strip():
        errors["responder_name"] = "Enter who answered"
    if errors:
        raise ValidationError(errors)
    request.status = RequestStatus.ANSWERED
    request.holds_information = holds_information
    request.response = response.strip()
    request.sharing_basis = sharing_basis
    request.responder_name = responder_name.strip()
    request.responded_at = timezone.now()
    request.recorded_by = recorded_by
    request.version += 1
    request.save()
    late = " (after the deadline)" if request.responded_at > request.due_at else ""
    _each_child(
        request.enquiry.contact,
        "mash.information_received",
        f"{request.partner} answered{late}: "
        + ("holds information" if holds_information else "holds nothing"),
        recorded_by,
        partner=request.partner_id,
    )
    return request


# ---- the decision and its sign-off ----------------------------------------------------------


def sign_off_candidates() -> list[Worker]:
    return list(
        Worker.objects.filter(is_active=True, role__in=SIGN_OFF_ROLES).order_by(
            "last_name", "first_name"
        )
    )


def _decide(
    *,
    actor: Worker,
    contact: Contact,
    outcome: str,
    rationale: str,
    primary_need: str,
    sign_off_by: Worker | None,
) -> Contact:
    errors: dict[str, str] = {}
    if outcome not in FINAL_OUTCOMES:
        errors["outcome"] = "Choose the response the contact needs"
    if not rationale.strip():
        errors["rationale"] = "Enter the rationale for the decision"
    if outcome in REFERRAL_OUTCOMES and primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Choose the child's primary need for the referral"
    if sign_off_by is None or sign_off_by.role not in SIGN_OFF_ROLES or not sign_off_by.is_active:
        errors["sign_off_by"] = "Choose the manager who will sign the decision off"
    elif sign_off_by.pk == actor.pk:
        errors["sign_off_by"] = "A decision is signed off by someone other than who made it"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    contact.decision = outcome
    contact.decision_rationale = rationale.strip()
    contact.primary_need = primary_need if outcome in REFERRAL_OUTCOMES else ""
    contact.decided_by = actor
    contact.decided_at = now
    contact.sign_off_by = sign_off_by
    contact.sign_off_due_on = due_on("referral.decision.sign_off", now)
    contact.status = ContactStatus.AWAITING_SIGN_OFF
    _bump(
        contact,
        "decision",
        "decision_rationale",
        "primary_need",
        "decided_by",
        "decided_at",
        "sign_off_by",
        "sign_off_due_on",
        "status",
    )
    late = now.date() > contact.decision_due_on if contact.decision_due_on else False
    _each_child(
        contact,
        "contact.decided",
        f"Decision: {Outcome(outcome).label.lower()}"
        + (" (after the 1 working day timescale)" if late else ""),
        actor,
        outcome=outcome,
    )
    return contact


@transaction.atomic
def decide(
    *,
    actor: Worker,
    contact_id: int,
    version: int | None,
    outcome: str,
    rationale: str,
    primary_need: str = "",
    sign_off_by: Worker | None = None,
) -> Contact:
    """Decide what response a contact needs. From the MASH, this completes the enquiry and
    withdraws the requests still unanswered."""
    _require_front_door_worker(actor)
    contact = _locked(contact_id, version)
    _open_for_decision(contact)
    if contact.status == ContactStatus.NEW:
        raise ValidationError("Screen the contact first")
    contact = _decide(
        actor=actor,
        contact=contact,
        outcome=outcome,
        rationale=rationale,
        primary_need=primary_need,
        sign_off_by=sign_off_by,
    )
    enquiry = MashEnquiry.objects.select_for_update().filter(contact=contact).first()
    if enquiry is not None and enquiry.completed_at is None:
        enquiry.completed_at = contact.decided_at
        enquiry.outcome = outcome
        enquiry.rationale = contact.decision_rationale
        enquiry.decided_by = actor
        enquiry.version += 1
        enquiry.save()
        enquiry.requests.filter(status=RequestStatus.OPEN).update(status=RequestStatus.WITHDRAWN)
        late = (enquiry.completed_at or timezone.now()) > enquiry.due_at
        _each_child(
            contact,
            "mash.completed",
            f"MASH enquiry completed: {Outcome(outcome).label.lower()}"
            + (" (after its RAG deadline)" if late else ""),
            actor,
        )
    return contact


def _require_signer(actor: Worker, contact: Contact) -> None:
    if not _is_manager(actor):
        raise PermissionDenied("Only a team manager or consultant social worker signs off")
    if contact.decided_by_id == actor.pk:
        raise PermissionDenied("A decision is signed off by someone other than who made it")


@transaction.atomic
def return_decision(
    *, actor: Worker, contact_id: int, version: int | None, comment: str
) -> Contact:
    """The manager does not agree: the decision goes back to whoever made it, with why."""
    contact = _locked(contact_id, version)
    if contact.status != ContactStatus.AWAITING_SIGN_OFF:
        raise ValidationError("This contact has no decision awaiting sign-off")
    _require_signer(actor, contact)
    if not comment.strip():
        raise ValidationError({"comment": "Enter why the decision is being returned"})
    returned = contact.get_decision_display().lower()
    contact.status = ContactStatus.MASH if hasattr(contact, "mash") else ContactStatus.NEW
    if contact.status == ContactStatus.NEW:
        contact.screening_outcome = ""
        contact.threshold_level = None
    else:
        enquiry = MashEnquiry.objects.select_for_update().get(contact=contact)
        enquiry.completed_at = None
        enquiry.outcome = enquiry.rationale = ""
        enquiry.decided_by = None
        enquiry.version += 1
        enquiry.save()
    contact.handler = contact.decided_by
    contact.decision = contact.decision_rationale = contact.primary_need = ""
    contact.decided_at = contact.decided_by = contact.sign_off_by = contact.sign_off_due_on = None
    _bump(
        contact,
        "status",
        "screening_outcome",
        "threshold_level",
        "handler",
        "decision",
        "decision_rationale",
        "primary_need",
        "decided_at",
        "decided_by",
        "sign_off_by",
        "sign_off_due_on",
    )
    _each_child(
        contact,
        "contact.decision_returned",
        f"Decision ({returned}) returned by the manager: {comment.strip()[:200]}",
        actor,
    )
    return contact


def district_team(person: Person) -> OrgUnit | None:
    """The assessment team of the district that serves the child's current address."""
    address = person.addresses.filter(to_date__isnull=True).order_by("-from_date").first()
    if address is None:
        return None
    outward = address.postcode.split(" ")[0].upper()
    area = DistrictArea.objects.filter(postcode_district=outward).select_related("district").first()
    if area is None:
        return None
    ids = area.district.subtree_ids()
    return (
        OrgUnit.objects.filter(pk__in=ids, function=UnitFunction.ASSESSMENT, active=True)
        .order_by("name")
        .first()
    )


@transaction.atomic
def sign_off(
    *,
    actor: Worker,
    contact_id: int,
    version: int | None,
    comment: str = "",
    teams: dict[int, OrgUnit] | None = None,
) -> list[Referral]:
    """A manager signs the decision off, and it is carried out for each child at the front
    door: a referral opens (or joins) the CIN episode with the district assessment team (or
    the team chosen in `teams`, by person id), early help opens an early help involvement, the
    rest end the child's period at the front door. Returns the referrals made."""
    contact = _locked(contact_id, version)
    if contact.status != ContactStatus.AWAITING_SIGN_OFF:
        raise ValidationError("This contact has no decision awaiting sign-off")
    _require_signer(actor, contact)
    teams = teams or {}
    links = [link for link in _contact_children(contact) if not link.routed and link.person]
    referrals: list[Referral] = []
    if contact.decision in REFERRAL_OUTCOMES:
        missing = [
            person.full_name
            for person in (link.person for link in links)
            if person is not None and person.pk not in teams and district_team(person) is None
        ]
        if missing:
            raise ValidationError(
                {
                    "teams": "Choose the team for "
                    + ", ".join(missing)
                    + ": no district assessment team serves their address"
                }
            )
    now = timezone.now()
    contact.signed_off_by = actor
    contact.signed_off_at = now
    contact.sign_off_comment = comment.strip()
    contact.status = ContactStatus.DONE
    contact.handler = None
    _bump(contact, "signed_off_by", "signed_off_at", "sign_off_comment", "status", "handler")
    _each_child(
        contact,
        "contact.signed_off",
        f"Decision ({contact.get_decision_display().lower()}) signed off"
        + (f": {comment.strip()[:200]}" if comment.strip() else ""),
        actor,
    )
    for link in links:
        team = teams.get(link.person.pk) if link.person else None
        referral = _carry_out(actor, contact, link, team)
        if referral is not None:
            referrals.append(referral)
    return referrals


def _other_open_contacts(link: ContactChild) -> bool:
    return (
        ContactChild.objects.filter(involvement=link.involvement, contact__decided_at__isnull=True)
        .exclude(pk=link.pk)
        .exclude(contact__status=ContactStatus.ROUTED)
        .exists()
    )


def _carry_out(
    actor: Worker, contact: Contact, link: ContactChild, team: OrgUnit | None
) -> Referral | None:
    person = link.person
    assert person is not None
    today = timezone.localdate()
    front = link.involvement
    stays_open = front is None or not front.is_open or _other_open_contacts(link)
    reason = f"Contact {contact.reference}: {contact.get_decision_display().lower()}"
    if contact.decision in REFERRAL_OUTCOMES:
        return accept_referral(
            actor=actor,
            person=person,
            referral_date=timezone.localdate(contact.received_at),
            source=contact.source,
            primary_need=contact.primary_need,
            route=contact.decision,
            team=team or district_team(person),
            contact=contact,
            from_involvement=None if stays_open else front,
        )
    if contact.decision == Outcome.EARLY_HELP:
        existing = Involvement.objects.filter(
            person=person, stage="early_help", ended_on__isnull=True
        ).exists()
        if stays_open or existing:
            if not existing:
                open_involvement(
                    actor=actor,
                    person=person,
                    stage="early_help",
                    started_on=today,
                    summary=reason,
                )
        else:
            assert front is not None
            run_transition(
                actor=actor,
                involvement_id=front.pk,
                name="front_door.early_help",
                on=today,
                reason=reason,
                team=_early_help_hub(),
            )
        return None
    if not stays_open:
        assert front is not None
        run_transition(
            actor=actor, involvement_id=front.pk, name="front_door.close", on=today, reason=reason
        )
    return None


def _early_help_hub() -> OrgUnit | None:
    return OrgUnit.objects.filter(function=UnitFunction.EARLY_HELP_HUB, active=True).first()


@transaction.atomic
def accept_referral(
    *,
    actor: Worker,
    person: Person,
    referral_date: dt.date,
    source: str,
    primary_need: str,
    route: str,
    team: OrgUnit | None,
    contact: Contact | None = None,
    from_involvement: Involvement | None = None,
    reason: str = "",
) -> Referral:
    """A referral to children's social care: opens the child's CIN episode (or joins the open
    one: a child is in one episode at a time) with its team, and writes `referral.received`,
    which starts the assessment's clock. `from_involvement` (the child's front door period or
    early help episode) is ended by the named transition, so the history keeps the step."""
    require_write_access(actor, person)
    errors: dict[str, str] = {}
    if source not in ReferralSource.values:
        errors["source"] = "Choose the referral source"
    if primary_need not in PrimaryNeed.values:
        errors["primary_need"] = "Choose the child's primary need"
    if route not in REFERRAL_OUTCOMES:
        errors["route"] = "Choose assessment or strategy discussion"
    if team is None:
        errors["team"] = "Choose the team the referral goes to"
    if errors:
        raise ValidationError(errors)
    assert team is not None
    check_not_future(referral_date, "referral_date")
    # A child already in an episode (in need, or on a plan within it) is referred into it.
    episode = (
        Involvement.objects.filter(person=person, stage__in=EPISODE_STAGES, ended_on__isnull=True)
        .order_by("-started_on")
        .first()
    )
    if episode is None and from_involvement is not None:
        name = {"front_door": "front_door.referral", "early_help": "early_help.step_up"}[
            from_involvement.stage
        ]
        episode = run_transition(
            actor=actor,
            involvement_id=from_involvement.pk,
            name=name,
            on=max(referral_date, from_involvement.started_on),
            reason=reason or "Referred to children's social care",
            team=team,
        )
    elif episode is None:
        episode = open_involvement(
            actor=actor,
            person=person,
            stage="child_in_need",
            started_on=referral_date,
            team=team,
            summary="Referred to children's social care",
        )
    elif from_involvement is not None and from_involvement.is_open:
        run_transition(
            actor=actor,
            involvement_id=from_involvement.pk,
            name="front_door.close" if from_involvement.stage == FRONT_DOOR else "early_help.close",
            on=timezone.localdate(),
            reason=reason or "Referral joined the open child in need episode",
        )
    assert episode is not None
    previous = _previous_referral(person, referral_date)
    referral = Referral.objects.create(
        person=person,
        contact=contact,
        involvement=episode,
        referral_date=referral_date,
        source=source,
        primary_need=primary_need,
        route=route,
        team=team,
        previous_referral=previous,
        accepted_by=actor,
    )
    record_event(
        person_id=person.pk,
        type="referral.received",
        occurred=referral_date,
        summary=f"Referral to {team}: {Outcome(route).label.split(': ')[-1]}"
        + (" (re-referral within 12 months)" if previous else ""),
        recorded_by=actor,
        involvement=episode,
        subject=referral,
        detail={
            "referral": referral.pk,
            "source": source,
            "primary_need": primary_need,
            "route": route,
            "team": team.pk,
            "rereferral": previous is not None,
        },
    )
    return referral
