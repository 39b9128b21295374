"""Changing a timescale and adding a closure day: GOV.UK forms, each error beside its field.

The forms only read what was typed; the services decide what is allowed and say why, and the
views put those messages beside the fields.
"""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from kinfold.forms import GovukDateField, date_field, govuk_helper

from .models import Rule, Unit
from .services import amount_problem


def _number(label: str, help_text: str, *, what: str, example: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {what}",
            "invalid": f"Enter the {what} as a whole number, like {example}",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )


def _unit(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Unit.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the unit the timescale is counted in",
            "invalid_choice": "Choose the unit the timescale is counted in",
        },
    )


class RuleChangeForm(forms.Form):
    amount = _number(
        "Number",
        "How many units after the trigger the item is due",
        what="number",
        example=45,
    )
    unit = _unit("Counted in")
    repeat_amount = _number(
        "Then every",
        "The interval between later occurrences",
        what="repeat interval",
        example=6,
    )
    repeat_unit = _unit("Repeat interval counted in")
    effective_from = GovukDateField(
        required=True,
        what="date the change takes effect",
        label="Takes effect from",
        help_text="Today or a later date, for example 1 4 2026",
    )
    reason = forms.CharField(
        label="Why is the LA changing this timescale?",
        help_text="For example the decision of the Children's Services leadership team",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the timescale is changing",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )

    def __init__(self, *args, rule: Rule, **kwargs):
        super().__init__(*args, **kwargs)
        self.rule = rule
        fields = [Field.text("amount", field_width=4), Field.radios("unit", small=True)]
        if rule.repeats:
            fields += [Field.text("repeat_amount", field_width=4), Field.radios("repeat_unit")]
        else:
            del self.fields["repeat_amount"], self.fields["repeat_unit"]
        self.helper = govuk_helper(
            Fieldset(*fields, legend="The timescale", legend_size=Size.MEDIUM),
            date_field("effective_from"),
            Field.textarea("reason", rows=3),
            Submit("preview", "Continue"),
        )

    def clean(self):
        # Check the numbers here too, so every problem is shown at once, with the service's
        # own messages (the service checks again before saving).
        data = super().clean()
        for amount, unit in (("amount", "unit"), ("repeat_amount", "repeat_unit")):
            if data.get(amount) is not None and data.get(unit):
                problem = amount_problem(data[amount], Unit(data[unit]).label)
                if problem:
                    self.add_error(amount, problem)
        return data

    def change(self) -> dict:
        """The cleaned values as the service's keyword arguments."""
        data = self.cleaned_data
        change = {
            "code": self.rule.code,
            "amount": data["amount"],
            "unit": data["unit"],
            "effective_from": data["effective_from"],
            "reason": data["reason"],
        }
        if self.rule.repeats:
            change["repeat_amount"] = data["repeat_amount"]
            change["repeat_unit"] = data["repeat_unit"]
        return change


class ClosureDayForm(forms.Form):
    date = GovukDateField(
        required=True,
        what="date of the closure day",
        label="Date the offices are closed",
        help_text="A weekday that is not a bank holiday, for example 24 12 2026",
    )
    reason = forms.CharField(
        label="Why are the offices closed?",
        help_text="For example: extra day at Christmas, or snow",
        max_length=200,
        error_messages={
            "required": "Enter why the offices are closed, for example: snow",
            "max_length": "The reason must be 200 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            date_field("date"),
            Field.text("reason", field_width="two-thirds"),
            Submit("add", "Add closure day"),
        )


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's messages beside the fields they are about."""
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)
