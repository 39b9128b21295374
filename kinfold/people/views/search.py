"""Find a person: a GET form (the header search box sends `q`) and the results table."""

from __future__ import annotations

import re

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.layout import Field, Submit
from django import forms
from django.shortcuts import render

from kinfold.forms import date_field, govuk_helper
from kinfold.people.search import has_something_to_search, search_persons
from kinfold.people.validators import is_valid_postcode, normalise_nhs_number

RESULTS_SHOWN = 50
SEARCH_FIELDS = ("q", "nhs_number", "upn", "postcode", "date_of_birth_0")


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label="Name",
        help_text="Any name they have or had: given name, family name or both",
        required=False,
        max_length=200,
    )
    date_of_birth = DateInputField(
        label="Date of birth",
        help_text="For example, 27 3 2015",
        required=False,
        require_all_fields=False,
    )
    nhs_number = forms.CharField(
        label="NHS number", help_text="10 digits, like 943 476 5919", required=False
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        help_text="Current or former, 13 characters",
        required=False,
    )
    postcode = forms.CharField(
        label="Postcode", help_text="Where they live or have lived", required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_of_birth"].error_messages.update(
            {"incomplete": "Enter the day, month and year of the date of birth"}
        )
        for name in ("nhs_number", "upn", "postcode"):
            self.fields[name].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.fields["q"].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.fields["nhs_number"].widget.attrs["inputmode"] = "numeric"
        self.helper = govuk_helper(
            Field.text("q", field_width="two-thirds"),
            date_field("date_of_birth"),
            Field.text("nhs_number", field_width=10),
            Field.text("upn", field_width=20),
            Field.text("postcode", field_width=10),
            Submit("search", "Search"),
        )

    def clean_nhs_number(self):
        value = normalise_nhs_number(self.cleaned_data["nhs_number"])
        if value and not re.fullmatch(r"\d{10}", value):
            raise forms.ValidationError("An NHS number is 10 digits, like 943 476 5919")
        return value

    def clean_upn(self):
        value = self.cleaned_data["upn"].strip().upper().replace(" ", "")
        if value and len(value) != 13:
            raise forms.ValidationError("A UPN is 13 characters: a letter, then 12 more")
        return value

    def clean_postcode(self):
        value = self.cleaned_data["postcode"].strip()
        if value and not is_valid_postcode(value):
            raise forms.ValidationError("Enter a full postcode, like CB3 0AP")
        return value

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not has_something_to_search(**data):
            if data.get("q", "").strip():
                self.add_error("q", "Enter at least 2 letters of a name")
            else:
                self.add_error(
                    "q", "Enter a name, date of birth, NHS number, UPN or postcode to search for"
                )
        return data


def search(request):
    submitted = any(name in request.GET for name in SEARCH_FIELDS)
    form = PersonSearchForm(request.GET if submitted else None)
    results = None
    if submitted and form.is_valid():
        results = search_persons(worker=request.user, **form.cleaned_data, limit=RESULTS_SHOWN)
    return render(
        request,
        "people/search.html",
        {
            "form": form,
            "results": results,
            "cut": results is not None and len(results) >= RESULTS_SHOWN,
            "shown": RESULTS_SHOWN,
        },
    )
