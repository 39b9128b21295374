"""Contacts at the front door: the list, one contact with its children, screening, the MASH
link, the decision and its sign-off, and the forms on it (take, match a child a partner
described, screen, decide, sign off or return, respond to a contact passed to you).

Who may see a contact: every matched child on it must be visible to the viewer
(access.visibility.check_person); a contact with children a partner described but nobody has
matched yet is seen by the front door's roles, team managers and administrators. Every view is
audited on each child's record. Writes are POST only and go through front_door.services.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from kinfold.access import audit
from kinfold.access.guards import record_managers
from kinfold.access.models import AuditAction
from kinfold.access.permissions import can_record
from kinfold.access.visibility import Access, check_person
from kinfold.journey.models import Event
from kinfold.people.matching import likely_duplicates
from kinfold.people.models import Person
from kinfold.people.search_results import access_for, build_results
from kinfold.people.validators import normalise_nhs_number
from kinfold.workforce.models import Role, Worker

from .. import services
from ..codes import REFERRAL_OUTCOMES, ContactStatus, Outcome
from ..forms import (
    ContactFilterForm,
    DecideForm,
    RespondForm,
    ScreenForm,
    SignOffForm,
    VersionForm,
)
from ..models import Contact, ContactChild, MashEnquiry
from . import contact_new

CONTACTS_PER_PAGE = 25
ROUTED_MESSAGE = (
    "Every child on this contact is open to a team: it was passed to their allocated worker"
)
# Who sees contacts whose children are not yet matched to a record (partner contacts).
FRONT_DOOR_ROLES = frozenset(
    {Role.CONTACT_OFFICER, Role.MASH_PRACTITIONER, Role.TEAM_MANAGER, Role.ADMINISTRATOR}
)


def refused(request, message: str, heading: str = "You cannot do this"):
    return render(request, "error.html", {"heading": heading, "message": message}, status=403)


def read_only(request):
    return refused(
        request,
        "Your role can read contacts but not record or change them.",
        heading="You cannot change contacts",
    )


def sees_unmatched(worker: Worker) -> bool:
    return bool(worker.is_superuser or worker.role in FRONT_DOOR_ROLES)


def _kept(person: Person) -> Person:
    """The record a merged record was merged into (following a chain), else itself."""
    seen: set[int] = set()
    while person.merged_into_id and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def _guard(request, contact: Contact, links: list[ContactChild]):
    """The refusal page when the worker may not see this contact, else None (and the view is
    audited on each child's record)."""
    worker = request.user
    seen: list[tuple[Person, bool]] = []
    for link in links:
        if link.person is None:
            continue
        person = _kept(link.person)
        decision = check_person(worker, person)
        if not decision.allowed:
            audit.record(
                worker=worker,
                action=AuditAction.DENIED,
                obj=person,
                detail={"access": decision.access.value, "path": request.path},
            )
            return render(
                request,
                "access/no_access.html",
                {
                    "person": person,
                    "restricted": decision.access is Access.RESTRICTED,
                    "managers": record_managers(person),
                },
                status=403,
            )
        seen.append((person, decision.via_break_glass))
    if any(link.person is None for link in links) and not sees_unmatched(worker):
        return refused(
            request,
            "A child on this contact has not yet been matched to a record: only the front "
            "door, team managers and administrators can see it.",
            heading="You cannot see this contact",
        )
    if request.method == "GET":
        for person, break_glass in seen:
            audit.record(
                worker=worker,
                action=AuditAction.VIEW,
                obj=person,
                detail={"path": request.path, "contact": contact.pk, "break_glass": break_glass},
            )
        if not seen:
            audit.record(
                worker=worker, action=AuditAction.VIEW, obj=contact, detail={"path": request.path}
            )
    return None


def _links(contact: Contact) -> list[ContactChild]:
    return list(
        contact.children.select_related(
            "person", "previous_referral", "routed_to", "open_involvement"
        ).order_by("id")
    )


def contact_view(*, writes: bool = False):
    """Decorate a view taking (request, contact, links, ...): the contact by `pk`, refused to
    those who may not see it, and (for `writes`) to those who may not record."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, pk: int, **kwargs):
            contact = get_object_or_404(Contact, pk=pk)
            links = _links(contact)
            refusal = _guard(request, contact, links)
            if refusal is not None:
                return refusal
            if writes and not can_record(request.user):
                return read_only(request)
            return view(request, contact, links, **kwargs)

        return wrapper

    return decorate


def link_view(view):
    """Decorate a view taking (request, contact, link): a child on a contact, by `child_pk`."""

    @functools.wraps(view)
    def wrapper(request, child_pk: int):
        link = get_object_or_404(ContactChild.objects.select_related("contact"), pk=child_pk)
        contact = link.contact
        refusal = _guard(request, contact, _links(contact))
        if refusal is not None:
            return refusal
        if not can_record(request.user):
            return read_only(request)
        link = ContactChild.objects.select_related("person", "routed_to").get(pk=link.pk)
        return view(request, contact, link)

    return wrapper


def _to_contact(request, contact: Contact, message: str = ""):
    if message:
        messages.info(request, message)
    return redirect("front_door:contact", contact.pk)


def _stale(request, contact: Contact, error: ValidationError):
    messages.info(request, " ".join(error.messages))
    return redirect("front_door:contact", contact.pk)


# ---- the list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChildShown:
    name: str
    person_id: int | None = None
    hidden: bool = False


def _children_shown(worker: Worker, contacts: list[Contact]) -> dict[int, list[ChildShown]]:
    persons = [link.person for c in contacts for link in c.children.all() if link.person]
    allowed = access_for(worker, persons)
    unmatched_ok = sees_unmatched(worker)
    shown: dict[int, list[ChildShown]] = {}
    for c in contacts:
        rows = []
        for link in c.children.all():
            if link.person is None:
                given, family = link.supplied.get("given_name"), link.supplied.get("family_name")
                name = " ".join(filter(None, [given, family]))
                rows.append(
                    ChildShown(f"{name} (not yet matched)")
                    if unmatched_ok
                    else ChildShown("A child not yet matched", hidden=True)
                )
            elif allowed.get(link.person_id) is Access.FULL:
                rows.append(ChildShown(link.person.full_name, link.person_id))
            else:
                rows.append(ChildShown("A child whose record you cannot see", hidden=True))
        shown[c.pk] = rows
    return shown


def contact_list(request):
    worker = request.user
    form = ContactFilterForm(request.GET or None)
    contacts = Contact.objects.select_related("partner", "handler")
    undecided = Q(decided_at__isnull=True) & ~Q(status=ContactStatus.ROUTED)
    if form.is_bound and form.is_valid():
        state, whose = form.cleaned_data["state"], form.cleaned_data["whose"]
        if state == "open":
            contacts = contacts.filter(undecided)
        elif state:
            contacts = contacts.filter(status=state)
        if whose == "mine":
            contacts = contacts.filter(handler=worker)
        elif whose == "unassigned":
            contacts = contacts.filter(undecided, handler__isnull=True)
    contacts = contacts.prefetch_related(
        Prefetch("children", queryset=ContactChild.objects.select_related("person"))
    ).order_by("-received_at", "-id")
    page = Paginator(contacts, CONTACTS_PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    shown = _children_shown(worker, rows)
    return render(
        request,
        "front_door/contacts.html",
        {
            "form": form,
            "page": page,
            "rows": [(c, shown[c.pk]) for c in rows],
            "today": timezone.localdate(),
            "query": urlencode(query),
            "waiting_partner": Contact.objects.filter(
                undecided, handler__isnull=True, partner__isnull=False
            ).count(),
            "can_record": can_record(worker),
        },
    )


# ---- one contact ---------------------------------------------------------------------------


def _is_manager(worker: Worker) -> bool:
    return bool(worker.is_superuser or services._is_manager(worker))


@contact_view()
def contact_detail(request, contact, links):
    worker = request.user
    records = can_record(worker)
    open_ = contact.decided_at is None and contact.status != ContactStatus.ROUTED
    enquiry = MashEnquiry.objects.filter(contact=contact).select_related("owner").first()
    events = (
        Event.objects.filter(
            subject_type=ContentType.objects.get_for_model(Contact), subject_id=contact.pk
        )
        .select_related("person", "recorded_by")
        .order_by("occurred_at", "id")
    )
    return render(
        request,
        "front_door/contact.html",
        {
            "contact": contact,
            "links": links,
            "enquiry": enquiry,
            "events": events,
            "referrals": contact.referrals.select_related("person", "team"),
            "today": timezone.localdate(),
            "overdue": open_
            and contact.decision_due_on is not None
            and contact.decision_due_on < timezone.localdate(),
            "can_record": records,
            "can_take": records and open_ and contact.handler_id != worker.pk,
            "can_screen": records
            and contact.status == ContactStatus.NEW
            and open_
            and all(link.person_id for link in links),
            "can_match": records and open_ and sees_unmatched(worker),
            "can_decide": records and contact.status == ContactStatus.MASH and open_,
            "can_sign_off": contact.status == ContactStatus.AWAITING_SIGN_OFF
            and _is_manager(worker)
            and contact.decided_by_id != worker.pk,
            "unmatched": any(link.person_id is None for link in links),
            "take_form": VersionForm(initial={"version": contact.version}),
        },
    )


@require_POST
@contact_view(writes=True)
def take_contact(request, contact, links):
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.take_contact(actor=request.user, contact_id=contact.pk, version=version)
    except ValidationError as error:
        return _stale(request, contact, error)
    except PermissionDenied as error:
        return refused(request, str(error))
    messages.success(request, f"You took contact {contact.reference}")
    return redirect("front_door:contact", contact.pk)


# ---- matching a child a partner described ---------------------------------------------------


_SUPPLIED = {"nhs_number": "NHS number", "upn": "UPN"}


def _supplied_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@link_view
def match_child(request, contact, link):
    worker = request.user
    if not sees_unmatched(worker):
        return refused(request, "Only the front door matches the children partners describe.")
    if link.person_id is not None:
        return _to_contact(request, contact, f"This child is already matched to {link.person}")
    supplied = link.supplied
    found = likely_duplicates(
        given_name=supplied.get("given_name", ""),
        family_name=supplied.get("family_name", ""),
        date_of_birth=_supplied_date(supplied.get("date_of_birth", "")),
        nhs_number=normalise_nhs_number(supplied.get("nhs_number", "")),
        postcode=supplied.get("postcode", ""),
        sex=supplied.get("sex", ""),
        limit=10,
    )
    candidate_ids = [c.person.pk for c in found]
    reasons = {c.person.pk: c.reasons for c in found}
    # A person just added through people:create comes back as ?person=<pk>.
    added = request.GET.get("person") or request.POST.get("person")
    if added and added.isdigit() and int(added) not in candidate_ids:
        candidate_ids.append(int(added))
    results = build_results(
        worker=worker,
        found=[(pk, 1.0, True) for pk in candidate_ids],
        today=timezone.localdate(),
    )
    choices = [r for r in results if r.access is Access.FULL]
    error = ""
    if request.method == "POST":
        chosen = request.POST.get("person", "")
        person = Person.objects.filter(pk=int(chosen)).first() if chosen.isdigit() else None
        if person is None or int(chosen) not in {r.person_id for r in choices}:
            error = "Choose the record that is this child, or add a new person"
        else:
            form = VersionForm(request.POST)
            version = form.cleaned_data["version"] if form.is_valid() else None
            try:
                services.match_child(
                    actor=worker, contact_child_id=link.pk, person=person, version=version
                )
            except services.StaleContact as stale:
                return _stale(request, contact, stale)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            except PermissionDenied as problem:
                error = str(problem)
            else:
                messages.success(request, f"The child was matched to {person.full_name}")
                return redirect("front_door:contact", contact.pk)
    back = reverse("front_door:match-child", args=[link.pk])
    return render(
        request,
        "front_door/contact_match.html",
        {
            "contact": contact,
            "link": link,
            "supplied": [
                (_SUPPLIED.get(k, k.replace("_", " ").capitalize()), v) for k, v in supplied.items()
            ],
            "choices": choices,
            "reasons": reasons,
            "added": int(added) if added and added.isdigit() else None,
            "error": error,
            "create_url": f"{reverse('people:create')}?{urlencode({'next': back})}",
            "version": contact.version,
        },
        status=200,
    )


# ---- screening, the decision, the sign-off ---------------------------------------------------


def _mash_practitioners() -> list[Worker]:
    return list(
        Worker.objects.filter(is_active=True, role=Role.MASH_PRACTITIONER).order_by(
            "last_name", "first_name"
        )
    )


@contact_view(writes=True)
def screen(request, contact, links):
    if contact.status == ContactStatus.ROUTED:
        return _to_contact(request, contact, ROUTED_MESSAGE)
    if contact.status != ContactStatus.NEW or contact.decided_at is not None:
        return _to_contact(request, contact, "This contact has already been screened")
    if any(link.person_id is None for link in links):
        return _to_contact(request, contact, "Match each child the partner described first")
    options = {
        "managers": services.sign_off_candidates(),
        "mash_practitioners": _mash_practitioners(),
    }
    if request.method != "POST":
        form = ScreenForm(initial={"version": contact.version}, **options)
    else:
        form = ScreenForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                contact = services.screen_contact(
                    actor=request.user,
                    contact_id=contact.pk,
                    version=data["version"],
                    threshold_level=data["threshold_level"],
                    outcome=data["outcome"],
                    rationale=data["rationale"],
                    primary_need=data["primary_need"],
                    rag=data["rag"],
                    rag_reason=data["rag_reason"],
                    mash_owner=data["mash_owner"],
                    sign_off_by=data["sign_off_by"],
                )
            except services.StaleContact as error:
                return _stale(request, contact, error)
            except ValidationError as error:
                form.add_service_errors(error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                if contact.status == ContactStatus.MASH:
                    messages.success(request, "The contact was screened: a MASH enquiry started")
                else:
                    messages.success(
                        request, "The contact was screened: the decision awaits sign-off"
                    )
                return redirect("front_door:contact", contact.pk)
    return render(
        request,
        "front_door/contact_screen.html",
        {"contact": contact, "links": links, "form": form},
    )


@contact_view(writes=True)
def decide(request, contact, links):
    if contact.status != ContactStatus.MASH or contact.decided_at is not None:
        message = {
            ContactStatus.NEW: "Screen the contact first",
            ContactStatus.ROUTED: ROUTED_MESSAGE,
        }.get(contact.status, "This contact has no MASH enquiry awaiting a decision")
        return _to_contact(request, contact, message)
    options = {"managers": services.sign_off_candidates()}
    if request.method != "POST":
        form = DecideForm(initial={"version": contact.version}, **options)
    else:
        form = DecideForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decide(
                    actor=request.user,
                    contact_id=contact.pk,
                    version=data["version"],
                    outcome=data["outcome"],
                    rationale=data["rationale"],
                    primary_need=data["primary_need"],
                    sign_off_by=data["sign_off_by"],
                )
            except services.StaleContact as error:
                return _stale(request, contact, error)
            except ValidationError as error:
                form.add_service_errors(error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "The decision was saved: it awaits sign-off")
                return redirect("front_door:contact", contact.pk)
    return render(
        request,
        "front_door/contact_decide.html",
        {"contact": contact, "links": links, "form": form},
    )


@contact_view()
def sign_off(request, contact, links):
    worker = request.user
    if not can_record(worker) or not _is_manager(worker):
        return refused(
            request, "Only a team manager or consultant social worker signs decisions off."
        )
    if contact.status != ContactStatus.AWAITING_SIGN_OFF:
        return _to_contact(request, contact, "This contact has no decision awaiting sign-off")
    if contact.decided_by_id == worker.pk:
        return refused(request, "A decision is signed off by someone other than who made it.")
    unplaced = []
    if contact.decision in REFERRAL_OUTCOMES:
        unplaced = [
            link.person
            for link in links
            if link.person and not link.routed and services.district_team(link.person) is None
        ]
    if request.method != "POST":
        form = SignOffForm(initial={"version": contact.version}, unplaced=unplaced)
    else:
        form = SignOffForm(request.POST, unplaced=unplaced)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if "return" in request.POST:
                    services.return_decision(
                        actor=worker,
                        contact_id=contact.pk,
                        version=data["version"],
                        comment=data["comment"],
                    )
                else:
                    referrals = services.sign_off(
                        actor=worker,
                        contact_id=contact.pk,
                        version=data["version"],
                        comment=data["comment"],
                        teams=form.teams(),
                    )
            except services.StaleContact as error:
                return _stale(request, contact, error)
            except ValidationError as error:
                form.add_service_errors(error)
            except PermissionDenied as error:
                form.add_error(None, str(error))
            else:
                if "return" in request.POST:
                    messages.success(request, "The decision was returned with your comment")
                else:
                    made = f": {len(referrals)} referral{'s' if len(referrals) != 1 else ''}"
                    messages.success(
                        request, "The decision was signed off" + (made if referrals else "")
                    )
                return redirect("front_door:contact", contact.pk)
    return render(
        request,
        "front_door/contact_sign_off.html",
        {
            "contact": contact,
            "links": links,
            "form": form,
            "is_referral": contact.decision in REFERRAL_OUTCOMES,
            "outcome": Outcome(contact.decision).label if contact.decision else "",
        },
    )


# ---- the allocated worker's response -------------------------------------------------------


@link_view
def respond(request, contact, link):
    if not link.routed or link.person is None:
        return _to_contact(request, contact, "This contact was not passed to an allocated worker")
    if link.responded_at is not None:
        return _to_contact(request, contact, "A response to this contact is already recorded")
    form = RespondForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.respond_to_routed(
                actor=request.user, contact_child_id=link.pk, response=form.cleaned_data["response"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your response was saved")
            return redirect("front_door:contact", contact.pk)
    return render(
        request,
        "front_door/contact_respond.html",
        {"contact": contact, "link": link, "form": form},
    )


urlpatterns = [
    path("contacts/", contact_list, name="contacts"),
    path("contacts/new/", contact_new.new_contact, name="new-contact"),
    path("contacts/new/children/", contact_new.new_contact_children, name="new-contact-children"),
    path("contacts/<int:pk>/", contact_detail, name="contact"),
    path("contacts/<int:pk>/take/", take_contact, name="take-contact"),
    path("contacts/<int:pk>/screen/", screen, name="screen"),
    path("contacts/<int:pk>/decide/", decide, name="decide"),
    path("contacts/<int:pk>/sign-off/", sign_off, name="sign-off"),
    path("contacts/children/<int:child_pk>/match/", match_child, name="match-child"),
    path("contacts/children/<int:child_pk>/respond/", respond, name="respond"),
]
