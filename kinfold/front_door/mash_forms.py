"""Forms of a MASH enquiry: a new RAG rating, a question to a partner agency, and a partner's
answer taken by phone. They check what was typed; the services check the facts and their
messages are placed beside the fields (`ServiceErrorsMixin`)."""

from __future__ import annotations

import datetime as dt
import re

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kinfold.forms import GovukDateField, ServiceErrorsMixin, date_field, govuk_helper

from .codes import Rag, SharingBasis
from .models import PartnerOrganisation

TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


class VersionMixin(forms.Form):
    """The enquiry's version when the page was opened: a change made meanwhile is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class RerateForm(ServiceErrorsMixin, VersionMixin):
    rag = forms.ChoiceField(
        label="New RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose a RAG rating",
            "invalid_choice": "Choose red, amber or green",
        },
    )
    reason = forms.CharField(
        label="Why the enquiry has this rating",
        help_text="The new deadline is counted from now, by the rating's timescale",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why the enquiry has this rating",
            "max_length": "The reason must be 5,000 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("rag", legend_size=Size.SMALL, inline=True),
            Field.textarea("reason", rows=4),
            Field("version"),
        )


class RequestInformationForm(ServiceErrorsMixin, forms.Form):
    service_fields = {"due": "due_on"}

    partner = forms.ModelChoiceField(
        label="Agency to ask",
        queryset=PartnerOrganisation.objects.none(),
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency to ask",
            "invalid_choice": "Choose an agency from the list",
        },
    )
    question = forms.CharField(
        label="What you are asking",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what you are asking the agency",
            "max_length": "The question must be 5,000 characters or fewer",
        },
    )
    due_on = GovukDateField(
        what="date of the deadline",
        label="Deadline date (optional)",
        help_text="Leave the deadline blank to use the enquiry's own. For example, 27 3 2026",
    )
    due_time = forms.CharField(
        label="Deadline time (optional)",
        help_text="Use the 24-hour clock, for example 14:30. Blank: 17:00",
        max_length=5,
        required=False,
        error_messages={"max_length": "Enter the time as hours and minutes, like 14:30"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = PartnerOrganisation.objects.filter(active=True)
        self.fields["due_time"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        )
        self.helper = govuk_helper(
            Field("partner"),
            Field.textarea("question", rows=4),
            date_field("due_on"),
            Field.text("due_time", field_width=5),
        )

    def clean_due_time(self) -> dt.time | None:
        typed = self.cleaned_data["due_time"].strip()
        if not typed:
            return None
        match = TIME.match(typed)
        if not match:
            raise ValidationError("Enter the time as hours and minutes, like 14:30")
        return dt.time(int(match.group(1)), int(match.group(2)))

    def clean(self):
        data = super().clean()
        day, time = data.get("due_on"), data.get("due_time")
        if time is not None and day is None and "due_on" not in self.errors:
            self.add_error("due_on", "Enter the date of the deadline, or leave the time blank")
        return data

    @property
    def due(self) -> dt.datetime | None:
        """The deadline typed, or None for the enquiry's own."""
        day = self.cleaned_data.get("due_on")
        if day is None:
            return None
        time = self.cleaned_data.get("due_time") or dt.time(17, 0)
        return timezone.make_aware(dt.datetime.combine(day, time))


YES_NO = [("yes", "Yes"), ("no", "No")]


class AnswerForm(ServiceErrorsMixin, forms.Form):
    holds_information = forms.ChoiceField(
        label="Does the agency hold information about the family?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether the agency holds information",
            "invalid_choice": "Choose yes or no",
        },
    )
    response = forms.CharField(
        label="What the agency told you",
        help_text="In their words, as far as you can",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": "The answer must be 20,000 characters or fewer"},
    )
    sharing_basis = forms.ChoiceField(
        label="On what basis did they share it?",
        choices=SharingBasis.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the basis on which the information is shared",
            "invalid_choice": "Choose a basis from the list",
        },
    )
    responder_name = forms.CharField(
        label="Who answered",
        help_text="Their name and role, for example 'PC Example, MASH police researcher'",
        max_length=150,
        error_messages={
            "required": "Enter who answered",
            "max_length": "Who answered must be 150 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("holds_information", legend_size=Size.SMALL, inline=True),
            Field.textarea("response", rows=6),
            Field.radios("sharing_basis", legend_size=Size.SMALL),
            Field.text("responder_name", field_width="two-thirds"),
        )

    def clean(self):
        data = super().clean()
        if data.get("holds_information") == "yes" and not data.get("response", "").strip():
            self.add_error("response", "Enter the information the agency holds")
        return data

    @property
    def holds(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("holds_information", ""))
