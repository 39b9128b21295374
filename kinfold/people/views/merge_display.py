"""How two records and a merge are shown: field labels, values in words, and what moved."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.dateformat import format as format_date

from kinfold.people.merging import KEPT, MERGEABLE_FIELDS
from kinfold.people.models import Person, PersonMerge, PersonName
from kinfold.workforce.selectors import current_allocations

NOT_RECORDED = "Not recorded"


def field_label(name: str) -> str:
    label = str(Person._meta.get_field(name).verbose_name)
    return label[0].upper() + label[1:]


def display_value(person: Person, name: str) -> str:
    value = getattr(person, name)
    if value in (None, ""):
        return NOT_RECORDED
    if isinstance(value, dt.date):
        return format_date(value, "j F Y")
    if Person._meta.get_field(name).choices:
        return str(getattr(person, f"get_{name}_display")())
    return str(value)


def _raw_display(name: str, value: str) -> str:
    """A value as stored in the merge record (text), shown in words."""
    if value == "":
        return NOT_RECORDED
    field = Person._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField):
        try:
            return format_date(dt.date.fromisoformat(value), "j F Y")
        except ValueError:
            return value
    return value


def _facts(person: Person) -> dict[str, int]:
    today = timezone.localdate()
    current = Q(end_date__isnull=True) | Q(end_date__gte=today)
    return {
        "Other names": person.other_names.count(),
        "Addresses": person.addresses.count(),
        "Current relationships": person.relationships.filter(current).count(),
        "Current allocations": current_allocations().filter(person=person).count(),
        "Disabilities recorded": person.disabilities.count(),
    }


def comparison_rows(kept: Person, retired: Person) -> list[dict[str, Any]]:
    rows = [
        {
            "label": "LA child ID",
            "kept": kept.la_child_id,
            "retired": retired.la_child_id,
            "differs": False,
        },
    ]
    for name in MERGEABLE_FIELDS:
        a, b = display_value(kept, name), display_value(retired, name)
        rows.append({"label": field_label(name), "kept": a, "retired": b, "differs": a != b})
    facts_kept, facts_retired = _facts(kept), _facts(retired)
    for label, count in facts_kept.items():
        rows.append(
            {"label": label, "kept": count, "retired": facts_retired[label], "differs": False}
        )
    return rows


def _model_label(key: str) -> str:
    app_label, model_name, *field = key.split(".")
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return key
    label = str(model._meta.verbose_name_plural)
    label = label[0].upper() + label[1:]
    return f"{label} ({field[0].replace('_', ' ')})" if field else label


def merge_summary(done: PersonMerge) -> dict[str, Any]:
    moved = done.moved or {}
    choices = []
    for name, record in (moved.get("fields") or {}).items():
        if name not in MERGEABLE_FIELDS:
            continue
        chosen = record.get("chosen", KEPT)
        other = "retired" if chosen == KEPT else KEPT
        choices.append(
            {
                "label": field_label(name),
                "value": _raw_display(name, record.get(chosen, "")),
                "from": done.kept.la_child_id if chosen == KEPT else done.retired.la_child_id,
                "other": _raw_display(name, record.get(other, "")),
            }
        )
    facts = [
        {"label": _model_label(key), "count": len(ids)}
        for key, ids in moved.items()
        if "." in key and ids
    ]
    created = (moved.get("created") or {}).get("people.personname") or []
    ended = (moved.get("ended") or {}).get("people.relationship") or []
    left = [
        {"label": _model_label(key.split(" ")[0]), "count": len(ids)}
        for key, ids in (moved.get("left") or {}).items()
    ]
    return {
        "choices": choices,
        "facts": facts,
        "aliases": list(PersonName.objects.filter(pk__in=created)),
        "ended_count": len(ended),
        "left": left,
    }
