"""Annex A list 1: contacts — every contact received in the six months before the as-at date,
one row for each child a contact is about (kinfold.front_door: Contact, ContactChild)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from kinfold.front_door.models import ContactChild
from kinfold.people.models import age_on

from ..periods import Period, months_to
from .common import CHILD_HEADERS, Sheet, child_cells, kept, source_cell

NUMBER = 1
SHEET = "List 1"
TITLE = "Contacts"
MONTHS = 6
HEADERS = (*CHILD_HEADERS, "Date of Contact", "Contact Source")


def period(as_at: dt.date) -> Period:
    return months_to(as_at, MONTHS)


def select(window: Period) -> list[ContactChild]:
    return list(
        ContactChild.objects.filter(received_on__gte=window.start, received_on__lte=window.end)
        .select_related("contact", "person", "person__merged_into")
        .order_by("received_on", "contact_id", "id")
    )


def _supplied_birth(link: ContactChild) -> dt.date | None:
    value = (link.supplied or {}).get("date_of_birth")
    try:
        return dt.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def row(sheet: Sheet, link: ContactChild) -> list[Any]:
    contact = link.contact
    person = kept(link.person)
    if person is None:
        # A partner's child not yet matched to a record: no Child Unique ID to give.
        sheet.problem(
            "The child on this contact has not been matched to a person's record, so the "
            "contact has no Child Unique ID, gender or ethnicity",
            reference=contact.reference,
            column="Child Unique ID",
        )
        born = _supplied_birth(link)
        age = age_on(born, link.received_on) if born and born <= link.received_on else None
        child = [None, None, None, born, age]
    else:
        child = child_cells(sheet, person, link.received_on)
    source = source_cell(sheet, contact.source, person, contact.reference, "Contact Source")
    return [*child, link.received_on, source]
