"""Forms of a person's record: GOV.UK layout (crispy-forms-gds), each error beside its field.

The forms check what the worker typed (lengths, codes, identifiers, real dates) and the facts
together through Person.clean(); services check again before anything is written.
"""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kinfold.forms import GovukDateField, ServiceErrorsMixin, date_field, govuk_helper

from . import codes
from .models import Address, Person, PersonName
from .services import PERSON_FIELDS, AddressDetails
from .validators import (
    normalise_nhs_number,
    normalise_postcode,
    validate_nhs_number,
    validate_postcode,
    validate_upn,
)

DATE_FIELDS = ("date_of_birth", "expected_date_of_birth", "date_of_death")


def _text(label: str, max_length: int, *, required: bool = False, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        error_messages={
            "max_length": f"{label} must be {max_length} characters or fewer",
            "required": f"Enter the {label[0].lower()}{label[1:]}",
        },
        **kwargs,
    )


def _choice(label: str, choices, *, widget=None, **kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=widget or forms.Select,
        error_messages={
            "required": f"Choose the {label.lower()}",
            "invalid_choice": f"Choose the {label.lower()} from the list",
        },
        **kwargs,
    )


def clean_postcode_text(value: str) -> str:
    value = value.strip()
    if not value.isascii():  # \d in the validator also takes other scripts' digits
        raise ValidationError("Enter a real postcode, like CB3 0AP")
    validate_postcode(value)
    return normalise_postcode(value)


def carried_fields(form: forms.Form) -> list[tuple[str, str]]:
    """The form's input as (name, value) pairs, to carry through a page as hidden inputs."""
    pairs: list[tuple[str, str]] = []
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        if isinstance(field.widget, forms.MultiWidget):
            pairs.extend(
                (f"{key}{suffix}", form.data.get(f"{key}{suffix}", ""))
                for suffix in field.widget.widgets_names
            )
        elif isinstance(field, forms.MultipleChoiceField):
            pairs.extend((key, value) for value in form.data.getlist(key))
        else:
            pairs.append((key, form.data.get(key, "")))
    return pairs


class PersonDetailsForm(ServiceErrorsMixin, forms.Form):
    """The person's own facts, as asked when recording and editing them."""

    given_name = _text("Given name", 100, help_text="First and middle names")
    family_name = _text("Family name", 100, help_text="Surname")
    preferred_name = _text("Preferred name", 100, help_text="What they like to be called")
    date_of_birth = GovukDateField(
        what="date of birth", label="Date of birth", help_text="For example, 27 3 2015"
    )
    expected_date_of_birth = GovukDateField(
        what="expected date of birth",
        label="Expected date of birth (unborn child)",
        help_text="Only for a child not yet born: leave the date of birth blank",
    )
    date_of_death = GovukDateField(
        what="date of death", label="Date of death", help_text="Only if they have died"
    )
    sex = _choice("Sex", codes.Sex.choices, widget=forms.RadioSelect, initial=codes.Sex.UNKNOWN)
    gender = _choice("Gender", codes.Gender.choices, initial=codes.Gender.NOT_KNOWN)
    ethnicity = _choice("Ethnicity", codes.Ethnicity.choices, initial=codes.Ethnicity.NOBT)
    first_language = _choice(
        "First language", codes.Language.choices, initial=codes.Language.NOT_KNOWN
    )
    religion = _choice("Religion", codes.Religion.choices, initial=codes.Religion.NOT_KNOWN)
    immigration_status = _choice(
        "Immigration status",
        codes.ImmigrationStatus.choices,
        initial=codes.ImmigrationStatus.NOT_KNOWN,
    )
    nhs_number = _text("NHS number", 20, help_text="10 digits, like 943 476 5919")
    upn = _text("Unique pupil number (UPN)", 20, help_text="13 characters, like H801200001001")
    former_upn = _text("Former UPN", 20, help_text="If they had a different UPN before")
    disabilities = forms.MultipleChoiceField(
        label="Disabilities",
        help_text="Select all that apply, or 'No disability'",
        choices=codes.Disability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose disabilities from the list"},
    )

    submit_label = "Continue"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("nhs_number", "upn", "former_upn"):
            self.fields[name].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.fields["nhs_number"].widget.attrs["inputmode"] = "numeric"
        for name in ("given_name", "family_name", "preferred_name"):
            self.fields[name].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.helper = govuk_helper(*self.layout_items())

    def person_layout(self) -> list:
        return [
            Fieldset(
                Field.text("given_name", field_width="two-thirds"),
                Field.text("family_name", field_width="two-thirds"),
                Field.text("preferred_name", field_width="two-thirds"),
                legend="Name",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                date_field("date_of_birth"),
                date_field("expected_date_of_birth"),
                date_field("date_of_death"),
                legend="Dates",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("sex", legend_size=Size.SMALL, inline=True),
                Field.select("gender"),
                Field.select("ethnicity"),
                Field.select("first_language"),
                Field.select("religion"),
                Field.select("immigration_status"),
                Field.checkboxes("disabilities", legend_size=Size.SMALL, small=True),
                legend="About them",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("nhs_number", field_width=10),
                Field.text("upn", field_width=20),
                Field.text("former_upn", field_width=20),
                legend="Identifiers",
                legend_size=Size.MEDIUM,
            ),
        ]

    def layout_items(self) -> list:
        return [*self.person_layout(), Submit("save", self.submit_label)]

    def clean_given_name(self):
        return self.cleaned_data["given_name"].strip()

    def clean_family_name(self):
        return self.cleaned_data["family_name"].strip()

    def clean_preferred_name(self):
        return self.cleaned_data["preferred_name"].strip()

    def clean_nhs_number(self):
        value = normalise_nhs_number(self.cleaned_data["nhs_number"].strip())
        if value and not value.isascii():  # \d in the validator also takes other scripts' digits
            raise ValidationError("An NHS number is 10 digits, like 943 476 5919")
        if value:
            validate_nhs_number(value)
        return value

    def _clean_upn(self, name: str) -> str:
        value = self.cleaned_data[name].replace(" ", "").strip().upper()
        if value and not value.isascii():
            raise ValidationError(
                "A UPN is 13 characters: a letter, 11 digits, then a digit or letter"
            )
        if value:
            validate_upn(value)
        return value

    def clean_upn(self):
        return self._clean_upn("upn")

    def clean_former_upn(self):
        return self._clean_upn("former_upn")

    def clean_disabilities(self):
        chosen = self.cleaned_data["disabilities"]
        if codes.Disability.NONE in chosen and len(chosen) > 1:
            raise ValidationError("Choose 'No disability' or the disabilities they have, not both")
        return chosen

    def clean(self):
        data = super().clean()
        names_ok = not ({"given_name", "family_name"} & set(self.errors))
        if names_ok and not (data.get("given_name") or data.get("family_name")):
            self.add_error("given_name", "Enter a given name or a family name")
        # The facts together (Person.clean), once each date reads as a real date.
        if not (set(DATE_FIELDS) & set(self.errors)):
            person = Person(**{k: data[k] for k in PERSON_FIELDS if k in data})
            try:
                person.clean()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    if name in self.fields and name not in self.errors:
                        self.add_error(name, messages)
        return data

    def person_details(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in PERSON_FIELDS}


class PersonCreateForm(PersonDetailsForm):
    address_line_1 = _text("Address line 1", 120)
    address_line_2 = _text("Address line 2", 120)
    address_town = _text("Town or city", 80)
    address_postcode = _text("Postcode", 10)
    address_from_date = GovukDateField(
        what="date they started living at this address",
        label="Living here since",
        help_text="If you do not know, leave it blank: today's date is recorded",
    )

    ADDRESS_FIELDS = (
        "address_line_1",
        "address_line_2",
        "address_town",
        "address_postcode",
        "address_from_date",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address_postcode"].widget.attrs.update(
            {"spellcheck": "false", "autocomplete": "off"}
        )

    def layout_items(self) -> list:
        return [
            *self.person_layout(),
            Fieldset(
                HTML('<p class="govuk-hint">Optional. Where they live now, if you know.</p>'),
                Field.text("address_line_1"),
                Field.text("address_line_2"),
                Field.text("address_town", field_width="two-thirds"),
                Field.text("address_postcode", field_width=10),
                date_field("address_from_date"),
                legend="Address",
                legend_size=Size.MEDIUM,
            ),
            Submit("save", self.submit_label),
        ]

    def clean_address_postcode(self):
        value = self.cleaned_data["address_postcode"].strip()
        return clean_postcode_text(value) if value else value

    def clean(self):
        data = super().clean()
        given = [n for n in self.ADDRESS_FIELDS if data.get(n) or n in self.errors]
        if given:
            for name, what in (
                ("address_line_1", "the first line of the address"),
                ("address_town", "the town or city"),
                ("address_postcode", "the postcode"),
            ):
                if name not in self.errors and not data.get(name):
                    self.add_error(name, f"Enter {what}, or leave the whole address blank")
        since = data.get("address_from_date")
        if since and since > timezone.localdate():
            self.add_error("address_from_date", "The date must be today or in the past")
        return data

    def address(self) -> AddressDetails | None:
        data = self.cleaned_data
        if not data.get("address_line_1"):
            return None
        return AddressDetails(
            line_1=data["address_line_1"],
            line_2=data.get("address_line_2", ""),
            town=data["address_town"],
            postcode=data["address_postcode"],
            from_date=data.get("address_from_date") or timezone.localdate(),
        )


class PersonEditForm(PersonDetailsForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Reason for the change (optional)",
        help_text="For example: birth certificate seen; mother gave the new NHS number",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )

    submit_label = "Save changes"

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(person, name) for name in PERSON_FIELDS}
        initial["disabilities"] = list(person.disabilities.values_list("code", flat=True))
        initial["version"] = person.version
        return initial

    def layout_items(self) -> list:
        return [
            *self.person_layout(),
            Field.textarea("reason", label_size=Size.SMALL, rows=2),
            "version",
            Submit("save", self.submit_label),
        ]


class NameForm(forms.Form):
    kind = _choice("Kind of name", codes.NameKind.choices, widget=forms.RadioSelect)
    given_name = _text("Given name", 100)
    family_name = _text("Family name", 100)
    from_date = GovukDateField(what="date they started using this name", label="Used from")
    to_date = GovukDateField(what="date they stopped using this name", label="Used until")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("given_name", field_width="two-thirds"),
            Field.text("family_name", field_width="two-thirds"),
            date_field("from_date"),
            date_field("to_date"),
            Submit("save", "Add name"),
        )

    def clean(self):
        data = super().clean()
        if {"given_name", "family_name"} & set(self.errors):
            return data
        name = PersonName(
            kind=data.get("kind", ""),
            given_name=data.get("given_name", "").strip(),
            family_name=data.get("family_name", "").strip(),
            from_date=data.get("from_date"),
            to_date=data.get("to_date"),
        )
        try:
            name.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field not in self.errors:
                    self.add_error(field, messages)
        today = timezone.localdate()
        for field in ("from_date", "to_date"):
            when = data.get(field)
            if when and when > today and field not in self.errors:
                self.add_error(field, "The date must be today or in the past")
        return data


class AddressForm(forms.Form):
    line_1 = _text("Address line 1", 120, required=True)
    line_2 = _text("Address line 2", 120)
    town = _text("Town or city", 80, required=True)
    postcode = _text("Postcode", 10, required=True)
    from_date = GovukDateField(
        what="date they started living at this address", label="Living here since", required=True
    )
    to_date = GovukDateField(
        what="date they stopped living at this address",
        label="Lived here until",
        help_text="Leave blank if they live here now: their previous address is then ended "
        "the day before",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line_1"].error_messages["required"] = "Enter the first line of the address"
        self.fields["town"].error_messages["required"] = "Enter the town or city"
        self.fields["postcode"].error_messages["required"] = "Enter the postcode"
        self.fields["postcode"].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.helper = govuk_helper(
            Field.text("line_1"),
            Field.text("line_2"),
            Field.text("town", field_width="two-thirds"),
            Field.text("postcode", field_width=10),
            date_field("from_date"),
            date_field("to_date"),
            Submit("save", "Add address"),
        )

    def clean_postcode(self):
        return clean_postcode_text(self.cleaned_data["postcode"])

    def clean(self):
        data = super().clean()
        if {"from_date", "to_date"} & set(self.errors) or not data.get("from_date"):
            return data
        try:
            Address(from_date=data["from_date"], to_date=data.get("to_date")).clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field, messages)
        to_date = data.get("to_date")
        if to_date and to_date > timezone.localdate() and "to_date" not in self.errors:
            self.add_error("to_date", "The end date must be today or in the past")
        return data

    def details(self) -> AddressDetails:
        data = self.cleaned_data
        return AddressDetails(
            line_1=data["line_1"],
            line_2=data.get("line_2", ""),
            town=data["town"],
            postcode=data["postcode"],
            from_date=data["from_date"],
            to_date=data.get("to_date"),
        )


class FindRelativeForm(forms.Form):
    """Find the other person: by LA child ID, or by name (and date of birth)."""

    la_child_id = _text("LA child ID", 20, help_text="For example, KF7Q2M4X9P3R")
    name = _text("Name", 200, help_text="Any name they have or had")
    dob = GovukDateField(what="date of birth", label="Date of birth", help_text="If you know it")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("la_child_id", "name"):
            self.fields[name].widget.attrs.update({"spellcheck": "false", "autocomplete": "off"})
        self.helper = govuk_helper(
            Field.text("la_child_id", field_width=20),
            Field.text("name", field_width="two-thirds"),
            date_field("dob"),
            Submit("find", "Find person", css_class="govuk-button--secondary"),
        )
        self.helper.disable_csrf = True  # a GET form: no token in the address

    def clean_la_child_id(self):
        return self.cleaned_data["la_child_id"].replace(" ", "").strip().upper()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        if not data.get("la_child_id") and len(data.get("name", "").strip()) < 2:
            self.add_error("la_child_id", "Enter an LA child ID, or a name of at least 2 letters")
        return data


class RelationshipForm(forms.Form):
    other = forms.ChoiceField(
        label="Who is the relationship with?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the person",
            "invalid_choice": "Choose one of the people found",
        },
    )
    type = _choice("Relationship", codes.RelationshipType.choices)
    start_date = GovukDateField(
        what="start date", label="Since", help_text="When the relationship began, if it matters"
    )
    lives_with = forms.BooleanField(label="They live in the same household", required=False)
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False
    )

    def __init__(self, *args, person: Person, candidates: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(p.pk): p for p in candidates}
        self.fields["other"].choices = [
            (
                str(p.pk),
                f"{p.full_name}, "
                + (f"born {p.date_of_birth:%-d %B %Y}" if p.date_of_birth else p.age_display())
                + f" (LA child ID {p.la_child_id})",
            )
            for p in candidates
        ]
        if len(candidates) == 1:
            self.fields["other"].initial = str(candidates[0].pk)
        self.fields["type"].label = f"What is this person to {person.full_name}?"
        self.fields["type"].choices = [
            ("", "Choose a relationship"),
            *codes.RelationshipType.choices,
        ]
        self.fields["type"].error_messages["required"] = "Choose the relationship"
        self.helper = govuk_helper(
            Field.radios("other", legend_size=Size.SMALL),
            Field.select("type"),
            date_field("start_date"),
            Field.checkbox("lives_with", small=True),
            Field.checkbox("parental_responsibility", small=True),
            Submit("save", "Add relationship"),
        )

    def clean_start_date(self):
        when = self.cleaned_data["start_date"]
        if when and when > timezone.localdate():
            raise ValidationError("The start date must be today or in the past")
        return when

    def other_person(self) -> Person:
        return self.candidates[self.cleaned_data["other"]]


class EndRelationshipForm(forms.Form):
    end_date = GovukDateField(what="end date", label="Date the relationship ended", required=True)
    reason = forms.CharField(
        label="Reason (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            date_field("end_date"),
            Field.textarea("reason", label_size=Size.SMALL, rows=2),
            Submit("save", "End relationship", css_class="govuk-button--warning"),
        )

    def clean_end_date(self):
        when = self.cleaned_data["end_date"]
        if when and when > timezone.localdate():
            raise ValidationError("The end date must be today or in the past")
        return when
