"""Allocating a child and ending an allocation: what a team manager fills in."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Submit
from django import forms

from kinfold.forms import GovukDateField, ServiceErrorsMixin, date_field, govuk_helper

from .models import AllocationRole, Worker
from .selectors import current_team_ids, current_workers


def _reason(label: str, required_message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": required_message,
            "max_length": "The reason must be 200 characters or fewer",
        },
    )


class WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        team = obj.current_team()
        return f"{obj.get_full_name() or obj.username}, {obj.get_role_display().lower()}" + (
            f" ({team.name})" if team else ""
        )


def workers_for(actor: Worker, *, everyone: bool):
    """The workers an allocator may choose: those of their own current teams, or everyone
    current for an administrator."""
    return current_workers(unit_ids=None if everyone else current_team_ids(worker=actor))


class AllocateForm(ServiceErrorsMixin, forms.Form):
    worker = WorkerChoice(
        queryset=Worker.objects.none(),
        label="Who is to be allocated?",
        error_messages={
            "required": "Choose the worker",
            "invalid_choice": "Choose a worker from the list",
        },
    )
    role = forms.ChoiceField(
        label="As",
        choices=AllocationRole.choices,
        initial=AllocationRole.SOCIAL_WORKER,
        error_messages={"invalid_choice": "Choose a role from the list"},
    )
    start_date = GovukDateField(
        what="date the allocation starts",
        label="Allocated from",
        help_text="Today or earlier, for example 27 3 2026. An allocation in the same role "
        "ends the day before.",
        required=True,
    )
    reason = _reason(
        "Why this allocation (or change of worker)?", "Enter the reason for the allocation"
    )

    def __init__(self, *args, actor: Worker, everyone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers_for(actor, everyone=everyone)
        self.helper = govuk_helper(
            Field.select("worker"),
            Field.select("role"),
            date_field("start_date"),
            Field.textarea("reason", rows=2),
            Submit("save", "Allocate"),
        )


class EndAllocationForm(ServiceErrorsMixin, forms.Form):
    end_date = GovukDateField(
        what="date the allocation ends",
        label="Last day of the allocation",
        help_text="Today or earlier, for example 27 3 2026",
        required=True,
    )
    reason = _reason("Why is it ending?", "Enter why the allocation is ending")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            date_field("end_date"),
            Field.textarea("reason", rows=2),
            Submit("save", "End allocation"),
        )
