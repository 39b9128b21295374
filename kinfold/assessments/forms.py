"""Forms of a single assessment: starting it, each part, completing and authorising. They check
what was typed; the services check the facts, and their messages are placed beside the fields
(`add_service_errors`)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size, Submit
from django import forms
from django.utils import timezone

from kinfold.forms import GovukDateField, ServiceErrorsMixin, date_field, govuk_helper
from kinfold.journey.notes import CaseNote
from kinfold.workforce.models import Worker

from .codes import Factor, Outcome, Part
from .models import Assessment

SEEN_DATES = ("child_seen_on", "seen_alone_on")
VIEW_FIELDS = ("child_views", "child_views_reason", "parents_views", "parents_views_reason")


def _area(label: str, max_length: int, *, help_text: str = "", rows: int = 5):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


class VersionForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class WorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        return f"{obj.get_full_name() or obj.username}, {obj.get_role_display().lower()}"


class StartForm(VersionForm):
    started_on = GovukDateField(
        what="start date",
        label="Date the assessment started",
        help_text="On or after the referral date, for example 27 3 2026",
        required=True,
    )
    social_worker = WorkerChoice(
        queryset=Worker.objects.none(),
        label="Social worker carrying out the assessment",
        empty_label=None,
        error_messages={"invalid_choice": "Choose a social worker from the list"},
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["social_worker"].queryset = workers
        self.helper = govuk_helper(
            date_field("started_on"),
            Field.select("social_worker"),
            Submit("save", "Start the assessment"),
        )


class FactorsForm(VersionForm):
    factors = forms.MultipleChoiceField(
        label="Factors identified",
        choices=Factor.choices,
        help_text="The CIN census factors this assessment identified. Choose all that apply.",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose factors from the list"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            Field.checkboxes("factors", legend_size=Size.MEDIUM, small=True),
            Submit("save", "Save the factors"),
        )

    @staticmethod
    def initial_for(assessment: Assessment) -> dict[str, Any]:
        return {
            "version": assessment.version,
            "factors": list(assessment.factors.values_list("code", flat=True)),
        }

    def part_data(self) -> dict[str, Any]:
        return {"factors": self.cleaned_data["factors"]}


class VisitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: CaseNote) -> str:
        alone = "seen alone" if obj.seen_alone else "seen, not alone"
        when = timezone.localtime(obj.occurred_at)
        return f"{obj.get_type_display()}, {when:%-d %B %Y}: {obj.title} ({alone})"


class SeenForm(VersionForm):
    seen_note = VisitChoice(
        queryset=CaseNote.objects.none(),
        required=False,
        label="Visit when the child was seen",
        empty_label="No visit recorded: enter the dates",
        error_messages={"invalid_choice": "Choose a visit from the list"},
    )
    child_seen_on = GovukDateField(
        what="date the child was seen",
        label="Date the child was seen",
        help_text="Leave blank to use the visit's date, for example 27 3 2026",
    )
    seen_alone_on = GovukDateField(
        what="date the child was seen alone",
        label="Date the child was seen alone",
        help_text="Leave blank if the child was not seen alone",
    )
    not_seen_reason = _area(
        "Why was the child not seen?", 5000, help_text="Only if the child was not seen", rows=3
    )

    def __init__(self, *args, visits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_note"].queryset = visits
        self.helper = govuk_helper(
            "version",
            Field.select("seen_note"),
            date_field("child_seen_on"),
            date_field("seen_alone_on"),
            Field.textarea("not_seen_reason", rows=3),
            Submit("save", "Save"),
        )

    @staticmethod
    def initial_for(assessment: Assessment) -> dict[str, Any]:
        return {
            "version": assessment.version,
            "seen_note": assessment.seen_note_id,
            "child_seen_on": assessment.child_seen_on,
            "seen_alone_on": assessment.seen_alone_on,
            "not_seen_reason": assessment.not_seen_reason,
        }

    def part_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {f: data.get(f) for f in ("seen_note", *SEEN_DATES, "not_seen_reason")}


class ViewsForm(VersionForm):
    child_views = _area("The child's views and wishes", 20000, help_text="In their own words")
    child_views_reason = _area(
        "Why are the child's views not recorded?",
        5000,
        help_text="Only if they are not recorded, for example a baby",
        rows=3,
    )
    parents_views = _area("The views of the parents or carers", 20000)
    parents_views_reason = _area(
        "Why are the parents' or carers' views not recorded?", 5000, rows=3
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            Fieldset(
                Field.textarea("child_views", rows=6),
                Field.textarea("child_views_reason", rows=3),
                legend="The child",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("parents_views", rows=6),
                Field.textarea("parents_views_reason", rows=3),
                legend="Parents or carers",
                legend_size=Size.MEDIUM,
            ),
            Submit("save", "Save the views"),
        )

    @staticmethod
    def initial_for(assessment: Assessment) -> dict[str, Any]:
        return {
            "version": assessment.version,
            **{f: getattr(assessment, f) for f in VIEW_FIELDS},
        }

    def part_data(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f, "") for f in VIEW_FIELDS}


class AnalysisForm(VersionForm):
    analysis = _area(
        "Analysis",
        50000,
        help_text="What the information gathered means for the child's safety and needs",
        rows=12,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version", Field.textarea("analysis", rows=12), Submit("save", "Save the analysis")
        )

    @staticmethod
    def initial_for(assessment: Assessment) -> dict[str, Any]:
        return {"version": assessment.version, "analysis": assessment.analysis}

    def part_data(self) -> dict[str, Any]:
        return {"analysis": self.cleaned_data.get("analysis", "")}


class OutcomeForm(VersionForm):
    outcome = forms.ChoiceField(
        label="Outcome of the assessment",
        choices=Outcome.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose the outcome from the list"},
    )
    outcome_reason = _area("Why is this the right outcome?", 10000, rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("outcome_reason", rows=5),
            Submit("save", "Save the outcome"),
        )

    @staticmethod
    def initial_for(assessment: Assessment) -> dict[str, Any]:
        return {
            "version": assessment.version,
            "outcome": assessment.outcome,
            "outcome_reason": assessment.outcome_reason,
        }

    def part_data(self) -> dict[str, Any]:
        return {
            "outcome": self.cleaned_data.get("outcome", ""),
            "outcome_reason": self.cleaned_data.get("outcome_reason", ""),
        }


PART_FORMS: dict[str, type[VersionForm]] = {
    Part.FACTORS: FactorsForm,
    Part.SEEN: SeenForm,
    Part.VIEWS: ViewsForm,
    Part.ANALYSIS: AnalysisForm,
    Part.OUTCOME: OutcomeForm,
}


class CompleteForm(VersionForm):
    completed_on = GovukDateField(
        what="completion date",
        label="Date the assessment was completed",
        help_text="For example, 27 3 2026",
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version", date_field("completed_on"), Submit("save", "Complete the assessment")
        )


class AuthoriseForm(VersionForm):
    authorised_on = GovukDateField(
        what="date of authorisation",
        label="Date authorised",
        help_text="For example, 27 3 2026",
        required=True,
    )
    comment = _area("Manager's comment", 5000, rows=4)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            date_field("authorised_on"),
            Field.textarea("comment", rows=4),
            HTML(
                '<p class="govuk-body">You are authorising the assessment as its manager: '
                "you cannot authorise one you carried out.</p>"
            ),
            Submit("save", "Authorise the assessment"),
        )
