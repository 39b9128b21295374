from __future__ import annotations

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms

from kinfold.forms import ServiceErrorsMixin, govuk_helper

from .models import CheckRule, Severity


class RuleForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    active = forms.TypedChoiceField(
        label="Does the check run?",
        choices=[("yes", "Yes"), ("no", "No, switch it off")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the check runs"},
    )
    severity = forms.ChoiceField(
        label="How serious is a finding?",
        choices=Severity.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how serious a finding is"},
    )
    parameter = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=365,
        error_messages={
            "invalid": "Enter a whole number",
            "min_value": "Enter a number from 0 to 365",
            "max_value": "Enter a number from 0 to 365",
        },
    )
    reason = forms.CharField(
        label="Why is the check changing?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the check is changing",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )

    def __init__(self, *args, rule: CheckRule, **kwargs):
        super().__init__(*args, **kwargs)
        layout: list = [
            "version",
            Field.radios("active", legend_size=Size.SMALL, inline=True),
            Field.radios("severity", legend_size=Size.SMALL),
        ]
        if rule.parameter_label:
            self.fields["parameter"].label = rule.parameter_label
            layout.append(Field.text("parameter", field_width=4))
        else:
            del self.fields["parameter"]
        layout += [Field.textarea("reason"), Submit("submit", "Save the check")]
        self.helper = govuk_helper(*layout)
