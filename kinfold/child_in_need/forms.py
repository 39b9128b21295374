"""Forms of a child in need episode: start the plan, record a review, close the episode.
GOV.UK layout; the services check the facts and their messages go beside the fields."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms

from kinfold.forms import GovukDateField, ServiceErrorsMixin, date_field, govuk_helper

from .codes import ReasonForClosure, ReviewDecision


def _text(label: str, *, help_text: str = "", rows: int = 4, required_message: str = ""):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message or f"Enter {label.lower()}",
            "max_length": f"{label} must be 20,000 characters or fewer",
        },
    )


class StartPlanForm(ServiceErrorsMixin, forms.Form):
    started_on = GovukDateField(
        what="date the plan starts", label="Date the plan starts", required=True
    )
    owner = forms.ModelChoiceField(
        label="Social worker who holds the plan",
        queryset=None,
        error_messages={
            "required": "Choose the social worker who holds the plan",
            "invalid_choice": "Choose a social worker from the list",
        },
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = workers
        self.fields["owner"].label_from_instance = lambda w: w.get_full_name() or w.username
        self.helper = govuk_helper(
            date_field("started_on"), Field.select("owner"), Submit("submit", "Start the plan")
        )


class ReviewForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    held_on = GovukDateField(what="date of the review", label="Date of the review", required=True)
    attendees = _text(
        "Who was there",
        help_text="Their names, and their role or agency",
        rows=3,
        required_message="Enter who was at the review",
    )
    child_views = _text(
        "The child's views",
        help_text="In their words where you can; if they could not give them, say why",
        required_message="Enter the child's views, or why they could not be given",
    )
    family_views = _text(
        "The parents' and family's views",
        required_message="Enter the parents' and family's views, or why they were not given",
    )
    progress = _text(
        "Progress against the plan",
        help_text="Outcome by outcome: what has changed, what has not",
        rows=6,
        required_message="Enter the progress against the plan",
    )
    decision = forms.ChoiceField(
        label="What did the review decide?",
        choices=ReviewDecision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the review decided"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            date_field("held_on"),
            Field.textarea("attendees"),
            Field.textarea("child_views"),
            Field.textarea("family_views"),
            Field.textarea("progress"),
            Field.radios("decision", legend_size=Size.SMALL),
            Submit("submit", "Record the review"),
        )


class CloseForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = GovukDateField(
        what="date the episode closes", label="Date the episode closes", required=True
    )
    reason = forms.ChoiceField(
        label="Why does the episode close?",
        choices=ReasonForClosure.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason the episode closes"},
    )
    note = forms.CharField(
        label="What happens for the child now (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "This must be 5,000 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (c.value, f"{c.value}: {c.label}") for c in ReasonForClosure
        ]
        self.helper = govuk_helper(
            "version",
            date_field("closed_on"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("note"),
            Submit("submit", "Close the episode"),
        )
