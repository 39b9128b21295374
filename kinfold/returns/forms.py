"""The forms that ask for a build: Annex A (the as-at date and the lists) and the CIN census
(the census year)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Size, Submit
from django import forms

from kinfold.forms import GovukDateField, ServiceErrorsMixin, date_field, govuk_helper

from .annex_a import LISTS


def _list_label(number: int) -> str:
    module = LISTS[number]
    return f"List {number}: {module.TITLE.lower()} (the {module.MONTHS} months to the date)"


class AnnexAForm(ServiceErrorsMixin, forms.Form):
    as_at = GovukDateField(
        what="as-at date",
        required=True,
        label="As at",
        help_text="Usually the day before the inspection is announced. For example, 31 3 2025",
    )
    lists = forms.TypedMultipleChoiceField(
        label="Lists",
        choices=[(n, _list_label(n)) for n in sorted(LISTS)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one list"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"lists": sorted(LISTS)})
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            date_field("as_at"),
            Field("lists", context={"legend_size": Size.for_legend(Size.SMALL)}),
            Submit("build", "Build the lists"),
        )

    def clean_as_at(self) -> dt.date:
        value = self.cleaned_data["as_at"]
        if value is None:
            raise forms.ValidationError("Enter the as-at date")
        return value

    def parameters(self) -> dict[str, Any]:
        return {"as_at": self.cleaned_data["as_at"], "lists": self.cleaned_data["lists"]}


class CINCensusForm(ServiceErrorsMixin, forms.Form):
    year = forms.IntegerField(
        label="Census year",
        help_text="The year the census ends: 2025 is 1 April 2024 to 31 March 2025",
        error_messages={
            "required": "Enter the census year, like 2025",
            "invalid": "Enter the census year as 4 digits, like 2025",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.text("year", field_width=Fluid.ONE_QUARTER),
            Submit("build_cin_census", "Build the census"),
        )

    def parameters(self) -> dict[str, Any]:
        return {"year": self.cleaned_data["year"]}
