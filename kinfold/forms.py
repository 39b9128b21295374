"""Form parts shared by every app: the form helper, the GOV.UK date input with messages that
name the date, and the placing of a service's errors."""

from __future__ import annotations

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator


def govuk_helper(*layout) -> FormHelper:
    """A GOV.UK form's helper: small labels, the given layout (crispy's default when none), and
    no <form> tag: the template writes it, with its action."""
    helper = FormHelper()
    helper.form_tag = False
    helper.label_size = Size.SMALL
    if layout:
        helper.layout = Layout(*layout)
    return helper


def date_field(name: str) -> Field:
    """A GOV.UK date input in a layout, its legend the size of the form's labels."""
    return Field(name, context={"legend_size": Size.for_legend(Size.SMALL)})


class GovukDateField(DateInputField):
    """A GOV.UK date input (`<name>_0` day, `<name>_1` month, `<name>_2` year) whose
    messages name the date: "Enter the day, month and year of the date of birth"."""

    def __init__(self, *, what: str, **kwargs):
        kwargs.setdefault("required", False)  # most dates on a record are optional
        super().__init__(require_all_fields=False, **kwargs)
        self.what = what
        self.error_messages.update(
            {
                "required": f"Enter the {what}",
                "incomplete": f"Enter the day, month and year of the {what}",
            }
        )
        for part, sub in zip(("day", "month", "year"), self.fields, strict=True):
            sub.error_messages["incomplete"] = f"The {what} must include a {part}"
            sub.validators = [RegexValidator(r"^[0-9]+$", f"The {what} must be a real date")]

    def compress(self, data_list):
        day, month, year = data_list
        if not (day and month and year):
            return None
        if len(year) != 4:
            raise ValidationError(f"The year of the {self.what} must include 4 numbers")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError as error:
            raise ValidationError(f"The {self.what} must be a real date") from error


class ServiceErrorsMixin:
    """For a form whose data a service checks again: put the service's ValidationError beside
    the fields it names (or in the summary when it names none). `service_fields` maps a
    service's field name to the form's, where they differ."""

    service_fields: dict[str, str] = {}

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)  # type: ignore[attr-defined]
            return
        for name, messages in error.message_dict.items():
            name = self.service_fields.get(name, name)
            self.add_error(name if name in self.fields else None, messages)  # type: ignore[attr-defined]


def text_field(
    label: str, max_length: int, required_message: str = "", **kwargs
) -> forms.CharField:
    """A text field whose messages say what to do: `required_message` when it is left empty
    (no message: optional), and the limit when it is too long."""
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=bool(required_message),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
        **kwargs,
    )


def text_area(label: str, max_length: int, required_message: str = "", **kwargs) -> forms.CharField:
    """`text_field` written in a textarea."""
    return text_field(label, max_length, required_message, widget=forms.Textarea, **kwargs)
