"""Forms of a child's journey: case notes, the chronology's filters and entries, and marking
an entry as entered in error. GOV.UK layout (crispy-forms-gds), each error beside its field.

The forms check what was typed (real dates and times, lengths); the services check the facts
(a visit says whether the child was seen; seen alone only if seen; nothing in the future) and
their messages are placed beside the fields by `add_service_errors`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kinfold.forms import GovukDateField, date_field, govuk_helper
from kinfold.forms import ServiceErrorsMixin as SharedServiceErrors

from .events import CATEGORIES
from .notes import CONTENT_FIELDS, CaseNote, NoteType
from .selectors import ChronologyFilter

YES_NO = [("yes", "Yes"), ("no", "No")]
TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
# Where a service's message about a fact goes on the form.
SERVICE_FIELDS = {"occurred_at": "occurred_on"}


def _textarea(label: str, max_length: int, *, help_text: str = "", rows: int = 4):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


def _yes_no(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=YES_NO,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose yes or no"},
    )


def _as_bool(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _as_choice(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"


class ServiceErrorsMixin(SharedServiceErrors):
    service_fields = SERVICE_FIELDS


class CaseNoteForm(ServiceErrorsMixin, forms.Form):
    type = forms.ChoiceField(
        label="What kind of note is this?",
        choices=NoteType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the type of note",
            "invalid_choice": "Choose the type of note from the list",
        },
    )
    occurred_on = GovukDateField(
        what="date it happened",
        label="Date it happened",
        help_text="For example, 27 3 2026",
        required=True,
    )
    occurred_time = forms.CharField(
        label="Time it happened",
        help_text="Use the 24-hour clock, for example 14:30",
        max_length=5,
        error_messages={
            "required": "Enter the time it happened",
            "max_length": "Enter the time as hours and minutes, like 14:30",
        },
    )
    title = forms.CharField(
        label="Title",
        help_text="A few words, for example 'Statutory visit'",
        max_length=200,
        error_messages={
            "required": "Enter a short title",
            "max_length": "The title must be 200 characters or fewer",
        },
    )
    child_seen = _yes_no("Was the child seen?")
    seen_alone = _yes_no("Was the child seen alone?")
    child_views = _textarea(
        "The child's views and wishes",
        20000,
        help_text="What the child said or showed, in their words where you can",
    )
    purpose = _textarea("Purpose", 20000, help_text="Why the visit or contact happened", rows=3)
    observation = _textarea("What was observed", 50000, rows=6)
    analysis = _textarea(
        "What it means",
        20000,
        help_text="Your analysis: what this tells you about the child's safety and wellbeing",
    )
    actions = _textarea("Actions agreed", 20000, help_text="Who will do what, and by when", rows=3)

    submit_label = "Save note"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_time"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        )
        self.helper = govuk_helper(*self.layout_items())

    def note_layout(self) -> list:
        return [
            Field.radios("type", legend_size=Size.SMALL),
            date_field("occurred_on"),
            Field.text("occurred_time", field_width=5),
            Field.text("title", field_width="two-thirds"),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">Answer these for a home, office or school visit, '
                    "or direct work with the child.</p>"
                ),
                Field.radios("child_seen", legend_size=Size.SMALL, inline=True),
                Field.radios("seen_alone", legend_size=Size.SMALL, inline=True),
                Field.textarea("child_views", rows=4),
                legend="Visits and direct work",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("purpose", rows=3),
                Field.textarea("observation", rows=6),
                Field.textarea("analysis", rows=4),
                Field.textarea("actions", rows=3),
                legend="What happened and what it means",
                legend_size=Size.MEDIUM,
            ),
        ]

    def layout_items(self) -> list:
        return [*self.note_layout(), Submit("save", self.submit_label)]

    def clean_occurred_time(self) -> dt.time:
        match = TIME.match(self.cleaned_data["occurred_time"].strip())
        if not match:
            raise ValidationError("Enter the time as hours and minutes, like 14:30")
        return dt.time(int(match.group(1)), int(match.group(2)))

    def clean_child_seen(self):
        return _as_bool(self.cleaned_data["child_seen"])

    def clean_seen_alone(self):
        return _as_bool(self.cleaned_data["seen_alone"])

    def clean(self):
        data = super().clean()
        day, time = data.get("occurred_on"), data.get("occurred_time")
        if day and time:
            data["occurred_at"] = timezone.make_aware(dt.datetime.combine(day, time))
        return data

    def note_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in CONTENT_FIELDS}

    @staticmethod
    def initial_for(note: CaseNote) -> dict[str, Any]:
        when = timezone.localtime(note.occurred_at)
        initial: dict[str, Any] = {name: getattr(note, name) for name in CONTENT_FIELDS}
        initial.update(
            occurred_on=when.date(),
            occurred_time=when.strftime("%H:%M"),
            child_seen=_as_choice(note.child_seen),
            seen_alone=_as_choice(note.seen_alone),
            version=note.version,
        )
        return initial


class CaseNoteEditForm(CaseNoteForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why are you changing this note?",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )

    submit_label = "Save changes"

    def __init__(self, *args, locked: bool, locks_at: dt.datetime, is_author: bool, **kwargs):
        self.locked = locked
        super().__init__(*args, **kwargs)
        when = timezone.localtime(locks_at)
        stamp = f"{when:%H:%M} on {when:%-d %B %Y}"
        if locked and is_author:
            help_text = f"Required: this note locked at {stamp}."
        elif locked:
            help_text = "Required: you are changing a note another worker wrote."
        else:
            help_text = f"Optional until the note locks at {stamp}; required after that."
        self.fields["reason"].help_text = help_text + " The earlier version is kept."
        if locked:
            self.fields["reason"].label = "Why are you changing this note? (required)"

    def layout_items(self) -> list:
        return [
            *self.note_layout(),
            Field.textarea("reason", rows=2),
            "version",
            Submit("save", self.submit_label),
        ]


class ChronologyFilterForm(forms.Form):
    """The chronology's filters: a GET form, so a filtered chronology has an address."""

    category = forms.MultipleChoiceField(
        label="Categories",
        help_text="Choose none to see every category",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose categories from the list"},
    )
    from_date = GovukDateField(what="start of the period", label="From")
    to_date = GovukDateField(what="end of the period", label="To")
    significant = forms.BooleanField(label="Significant events only", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(CATEGORIES.items())
        self.helper = govuk_helper(
            Field.checkboxes("category", legend_size=Size.SMALL, small=True),
            date_field("from_date"),
            date_field("to_date"),
            Field.checkbox("significant", small=True),
            Submit("filter", "Apply filters", css_class="govuk-button--secondary"),
        )
        self.helper.disable_csrf = True

    def clean(self):
        data = super().clean()
        start, end = data.get("from_date"), data.get("to_date")
        if start and end and end < start:
            self.add_error("to_date", "The end of the period must be on or after its start")
        return data

    def filters(self) -> ChronologyFilter:
        if not self.is_bound or not self.is_valid():
            return ChronologyFilter()
        data = self.cleaned_data
        return ChronologyFilter(
            categories=frozenset(data["category"]),
            from_date=data["from_date"],
            to_date=data["to_date"],
            significant_only=data["significant"],
        )


class ChronologyEntryForm(ServiceErrorsMixin, forms.Form):
    occurred_on = GovukDateField(
        what="date it happened",
        label="Date it happened",
        help_text="For example, 27 3 2026",
        required=True,
    )
    summary = forms.CharField(
        label="What happened",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter what happened",
            "max_length": "What happened must be 500 characters or fewer",
        },
    )
    source = forms.CharField(
        label="Source",
        help_text="Where the information came from, for example 'Police notification'",
        max_length=200,
        error_messages={
            "required": "Enter where the information came from",
            "max_length": "The source must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            date_field("occurred_on"),
            Field.textarea("summary", rows=3),
            Field.text("source", field_width="two-thirds"),
            Submit("save", "Add to chronology"),
        )


class RetractForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label="Why is this entry wrong?",
        help_text="For example: recorded on the wrong child's record. The entry stays, "
        "struck through, with your reason.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Enter why this entry is wrong",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.textarea("reason", rows=2),
            Submit("save", "Mark as entered in error", css_class="govuk-button--warning"),
        )
