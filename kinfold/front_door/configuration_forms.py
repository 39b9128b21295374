"""Forms of the front door's configuration pages (administrators): partner agencies, their API
tokens, the threshold document's levels, and postcode districts. The services check again and
their messages are placed beside the fields."""

from __future__ import annotations

from crispy_forms_gds.layout import Submit
from django import forms

from kinfold.forms import ServiceErrorsMixin, govuk_helper
from kinfold.workforce.models import OrgUnit, UnitFunction

from .codes import AgencyKind, Outcome, ReferralSource
from .configuration_services import PartnerData


def _text(label: str, max_length: int, *, what: str = "", **kwargs) -> forms.CharField:
    what = what or f"the {label.lower()}"
    return forms.CharField(
        label=label,
        max_length=max_length,
        error_messages={
            "required": f"Enter {what}",
            "max_length": f"{what[0].upper()}{what[1:]} must be {max_length} characters or fewer",
        },
        **kwargs,
    )


class PartnerForm(ServiceErrorsMixin, forms.Form):
    name = _text("Name", 150, what="the organisation's name")
    kind = forms.ChoiceField(
        label="Kind of agency",
        choices=AgencyKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of agency"},
    )
    referral_source = forms.ChoiceField(
        label="Its contacts count in the CIN census as",
        choices=[("", "Choose a referral source"), *ReferralSource.choices],
        error_messages={"required": "Choose what its contacts count as in the CIN census"},
    )
    email = forms.EmailField(
        label="Email for information requests (optional)",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    active = forms.BooleanField(
        label="Active: it can make contacts and be asked for information",
        required=False,
        initial=True,
    )

    def __init__(self, *args, button: str = "Save", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper()
        self.helper.add_input(Submit("save", button))

    def data_for_service(self) -> PartnerData:
        d = self.cleaned_data
        return PartnerData(
            name=d["name"],
            kind=d["kind"],
            referral_source=d["referral_source"],
            email=d["email"] or "",
            active=bool(d["active"]),
        )


class TokenForm(ServiceErrorsMixin, forms.Form):
    name = _text(
        "What the token is for",
        100,
        what="what the token is for",
        help_text="For example, the name of the partner's case system",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper()
        self.helper.add_input(Submit("issue", "Issue the token"))


class ThresholdForm(ServiceErrorsMixin, forms.Form):
    title = _text("Title", 100)
    description = _text("Description", 5000, widget=forms.Textarea(attrs={"rows": 6}))
    usual_outcome = forms.ChoiceField(
        label="The response the threshold document points to",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the response the threshold document points to"},
    )
    active = forms.BooleanField(label="Active: screening can choose this level", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper()
        self.helper.add_input(Submit("save", "Save the level"))


class DistrictAreaForm(ServiceErrorsMixin, forms.Form):
    postcode_district = _text(
        "Postcode district",
        8,
        help_text="The first part of a postcode, like FN3",
    )
    district = forms.ModelChoiceField(
        label="District that serves it",
        queryset=OrgUnit.objects.none(),
        empty_label="Choose a district",
        error_messages={
            "required": "Choose the district that serves it",
            "invalid_choice": "Choose the district that serves it",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = OrgUnit.objects.filter(
            function=UnitFunction.DISTRICT, active=True
        ).order_by("name")
        self.helper = govuk_helper()
        self.helper.add_input(Submit("add", "Add the postcode district"))
