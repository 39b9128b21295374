"""What the front door adds to the spine and the timescales: its event types, its transitions
out of the front door, and its timed items (which then appear on My work and My team)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from kinfold.journey.events import EventType, register_category, register_event_type
from kinfold.journey.stages import Transition, register_transition
from kinfold.timescales.registry import register

from .codes import RAG_RULES, ContactStatus
from .models import Contact, ContactChild, MashEnquiry

register_category("front_door", "Contacts and the front door")

for _t in [
    EventType("contact.received", "Contact received", "front_door", significant=True),
    EventType("contact.routed", "Contact passed to the allocated worker", "front_door"),
    EventType("contact.responded", "Response to a contact recorded", "front_door"),
    EventType("contact.screened", "Contact screened", "front_door"),
    EventType("mash.started", "MASH enquiry started", "front_door", significant=True),
    EventType("mash.rated", "MASH RAG rating changed", "front_door"),
    EventType("mash.information_requested", "Information requested from a partner", "front_door"),
    EventType("mash.information_received", "Information received from a partner", "front_door"),
    EventType("mash.completed", "MASH enquiry completed", "front_door", significant=True),
    EventType("contact.decided", "Front door decision", "front_door", significant=True),
    EventType("contact.decision_returned", "Decision returned by the manager", "front_door"),
    EventType("contact.signed_off", "Front door decision signed off", "front_door"),
    EventType("referral.received", "Referral to children's social care", "journey", True),
]:
    register_event_type(_t)

register_transition(
    Transition(
        "front_door.referral", "Referred to children's social care", "front_door", "child_in_need"
    )
)
register_transition(
    Transition("front_door.early_help", "Offered early help", "front_door", "early_help")
)
register_transition(Transition("front_door.close", "Front door decision made", "front_door", None))


def _contact_url(item) -> str:
    return reverse("front_door:contact", args=[item.contact_id])


register(
    Contact,
    rule_code="referral.decision",
    trigger_field="received_at",
    due_field="decision_due_on",
    open_q=Q(decided_at__isnull=True) & ~Q(status=ContactStatus.ROUTED),
    owner_field="handler",
    title="Decide what response the contact needs",
    url="front_door:contact",
)
register(
    Contact,
    rule_code="referral.decision.sign_off",
    trigger_field="decided_at",
    due_field="sign_off_due_on",
    open_q=Q(decided_at__isnull=False, signed_off_at__isnull=True),
    owner_field="sign_off_by",
    title="Sign off a front door decision",
    url="front_door:contact",
)
register(
    ContactChild,
    rule_code="referral.decision",
    trigger_field="received_on",
    due_field="response_due_on",
    open_q=Q(routed_to__isnull=False, responded_at__isnull=True),
    owner_field="routed_to",
    person_field="person",
    title="Respond to a new contact about a child you hold",
    url=_contact_url,
)
for _rag, _code in RAG_RULES.items():
    register(
        MashEnquiry,
        rule_code=_code,
        trigger_field="rated_at",
        due_field="due_at",
        open_q=Q(completed_at__isnull=True, rag=_rag),
        owner_field="owner",
        title=f"MASH information gathering ({_rag.label.lower()})",
        url="front_door:mash",
    )
