"""What a partner organisation may read through the API: its own contacts (with their progress
in words, nothing about the children) and the information requests sent to it (with the
names and dates of birth it needs to search its own systems)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from kinfold.front_door.codes import ContactStatus, Outcome, RequestStatus
from kinfold.front_door.models import (
    Contact,
    ContactChild,
    InformationRequest,
    PartnerOrganisation,
)

REFERENCE = re.compile(r"^C(\d{7,12})$")

RECEIVED = "received"
BEING_SCREENED = "being screened"
WITH_THE_MASH = "with the MASH"
ROUTED = "passed to the child's allocated worker"
DECIDED = "decided: "
# Every status a partner can be told, in the order a contact moves through them.
STATUS_WORDS = (
    RECEIVED,
    BEING_SCREENED,
    WITH_THE_MASH,
    ROUTED,
    *(DECIDED + Outcome(o).label.lower() for o in Outcome.values if o != Outcome.MASH),
)


def status_words(contact: Contact) -> str:
    """A contact's progress as the partner who made it is told it. A decision shows only once
    a manager has signed it off (until then it may still change)."""
    if contact.status == ContactStatus.DONE:
        return DECIDED + contact.get_decision_display().lower()
    if contact.status == ContactStatus.ROUTED:
        return ROUTED
    if contact.status == ContactStatus.MASH or (
        contact.status == ContactStatus.AWAITING_SIGN_OFF and _has_mash(contact)
    ):
        return WITH_THE_MASH
    if contact.status == ContactStatus.AWAITING_SIGN_OFF or contact.handler_id is not None:
        return BEING_SCREENED
    return RECEIVED


def _has_mash(contact: Contact) -> bool:
    try:
        return contact.mash is not None
    except Contact.mash.RelatedObjectDoesNotExist:  # type: ignore[attr-defined]
        return False


def partner_contacts(partner: PartnerOrganisation) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(partner=partner)
        .select_related("mash")
        .order_by("-received_at", "-id")
    )


def partner_contact(partner: PartnerOrganisation, reference: str) -> Contact | None:
    """The partner's own contact with this reference (None for anyone else's, or none)."""
    match = REFERENCE.match(reference or "")
    if match is None:
        return None
    return partner_contacts(partner).filter(pk=int(match.group(1))).first()


@dataclass(frozen=True)
class RequestedChild:
    given_name: str
    family_name: str
    date_of_birth: str | None
    expected_date_of_birth: str | None


def partner_requests(
    partner: PartnerOrganisation, status: str | None = None
) -> QuerySet[InformationRequest]:
    """The information requests sent to the partner (all, or those with `status`), soonest
    due first, with the children the enquiry is about."""
    children = ContactChild.objects.filter(
        person__isnull=False, routed_to__isnull=True
    ).select_related("person")
    requests = InformationRequest.objects.filter(partner=partner)
    if status:
        requests = requests.filter(status=status)
    return (
        requests.select_related("enquiry__contact")
        .prefetch_related(Prefetch("enquiry__contact__children", queryset=children))
        .order_by("due_at", "id")
    )


def requested_children(request: InformationRequest) -> list[RequestedChild]:
    """Who the partner is asked about: names and dates of birth, nothing else."""
    found = []
    for link in request.enquiry.contact.children.all():
        person = link.person
        if person is None or link.routed_to_id is not None:
            continue
        found.append(
            RequestedChild(
                given_name=person.given_name,
                family_name=person.family_name,
                date_of_birth=person.date_of_birth.isoformat() if person.date_of_birth else None,
                expected_date_of_birth=(
                    person.expected_date_of_birth.isoformat()
                    if person.expected_date_of_birth
                    else None
                ),
            )
        )
    return found


REQUEST_STATUSES = tuple(RequestStatus.values)
