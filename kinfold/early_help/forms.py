"""Forms of an early help episode: setting it up, the plan, a review, the end, stepping up and
stepping down. They check what was typed; the services check the facts, and their messages
are placed beside the fields (`add_service_errors`)."""

from __future__ import annotations

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size, Submit
from django import forms

from kinfold.forms import (
    GovukDateField,
    ServiceErrorsMixin,
    date_field,
    govuk_helper,
    text_area,
    text_field,
)
from kinfold.front_door.codes import PrimaryNeed
from kinfold.front_door.models import PartnerOrganisation
from kinfold.people.models import Relationship
from kinfold.workforce.models import OrgUnit, UnitFunction, Worker

from .codes import ENDED_BY_FORM, CinClosureReason, FamilyRole
from .models import EarlyHelpPlan
from .selectors import SUGGESTED_ROLE, lead_candidates
from .services import ActionLine, Lead

ACTION_ROWS = 6
NOT_INVOLVED = ""


_text, _area = text_field, text_area


class LeadWorkerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        team = obj.current_team()
        return f"{obj.get_full_name() or obj.username}, {obj.get_role_display().lower()}" + (
            f" ({team.name})" if team else ""
        )


class VersionMixin(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SetUpForm(ServiceErrorsMixin, VersionMixin):
    started_on = GovukDateField(
        what="start date",
        label="Start date",
        help_text="When early help started with the family, for example 27 3 2026",
        required=True,
    )
    lead_worker = LeadWorkerChoice(
        queryset=Worker.objects.none(),
        required=False,
        label="Kinfold worker",
        empty_label="Not a Kinfold worker",
        error_messages={"invalid_choice": "Choose a worker from the list"},
    )
    lead_organisation = forms.ModelChoiceField(
        queryset=PartnerOrganisation.objects.filter(active=True),
        required=False,
        label="Partner agency",
        empty_label="Not a partner agency",
        error_messages={"invalid_choice": "Choose a partner agency from the list"},
    )
    lead_name = _text("Name of the practitioner", 150)
    lead_role = _text("Their role", 150, help_text="For example, school family support worker")
    reason = _area(
        "Why does the family need early help?",
        5000,
        "Enter why the family needs early help",
    )

    service_fields = {"lead": "lead_worker"}

    def __init__(self, *args, relatives: list[Relationship], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_worker"].queryset = lead_candidates()
        self.relatives = relatives
        members = []
        for rel in relatives:
            name = f"member_{rel.person_id}"
            self.fields[name] = forms.ChoiceField(
                label=f"{rel.person.full_name} ({rel.get_type_display().lower()})",
                choices=[(NOT_INVOLVED, "Not involved in the plan"), *FamilyRole.choices],
                required=False,
                initial=SUGGESTED_ROLE.get(rel.type, NOT_INVOLVED),
                error_messages={"invalid_choice": "Choose their part in the plan"},
            )
            members.append(Field.select(name))
        family = (
            [
                Fieldset(
                    HTML(
                        '<p class="govuk-hint">The family members taking part in the plan, '
                        "and their part in it.</p>"
                    ),
                    *members,
                    legend="Family members",
                    legend_size=Size.MEDIUM,
                )
            ]
            if members
            else [
                HTML(
                    '<p class="govuk-body">No relatives are recorded for the child: add them '
                    "on the child's record to include them in the plan.</p>"
                )
            ]
        )
        self.helper = govuk_helper(
            "version",
            date_field("started_on"),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">Choose a Kinfold worker, or name the practitioner '
                    "at a partner agency.</p>"
                ),
                Field.select("lead_worker"),
                Field.select("lead_organisation"),
                Field.text("lead_name", field_width="two-thirds"),
                Field.text("lead_role", field_width="two-thirds"),
                legend="Lead practitioner",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("reason", rows=4),
            *family,
            Submit("save", "Set up early help"),
        )

    def lead(self) -> Lead:
        data = self.cleaned_data
        return Lead(
            worker=data.get("lead_worker"),
            organisation=data.get("lead_organisation"),
            name=data.get("lead_name", ""),
            role=data.get("lead_role", ""),
        )

    def family(self) -> list:
        chosen = []
        for rel in self.relatives:
            role = self.cleaned_data.get(f"member_{rel.person_id}")
            if role:
                chosen.append((rel.person, role))
        return chosen


class PlanForm(ServiceErrorsMixin, VersionMixin):
    agreed_on = GovukDateField(
        what="date the plan was agreed",
        label="Date the plan was agreed with the family",
        help_text="For example, 27 3 2026",
        required=True,
    )
    outcomes = _area(
        "Outcomes the family wants to reach",
        5000,
        "Enter at least one outcome the family wants to reach",
        help_text="One outcome on each line",
    )
    change_reason = _area("Why is the plan changing?", 300, help_text="The earlier plan is kept")

    def __init__(self, *args, revising: bool, **kwargs):
        super().__init__(*args, **kwargs)
        rows = []
        for i in range(1, ACTION_ROWS + 1):
            self.fields[f"action_{i}_what"] = _text("What", 300)
            self.fields[f"action_{i}_who"] = _text(
                "Who", 150, help_text="For example, mum, school nurse"
            )
            self.fields[f"action_{i}_due_on"] = GovukDateField(
                what=f"date action {i} is due", label="By when"
            )
            rows.append(
                Fieldset(
                    Field.text(f"action_{i}_what"),
                    Field.text(f"action_{i}_who", field_width="two-thirds"),
                    date_field(f"action_{i}_due_on"),
                    legend=f"Action {i}",
                    legend_size=Size.SMALL,
                )
            )
        if not revising:
            del self.fields["change_reason"]
        self.helper = govuk_helper(
            "version",
            date_field("agreed_on"),
            Field.textarea("outcomes", rows=4),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">What will be done, who will do it and by when. '
                    "Leave the rows you do not need empty.</p>"
                ),
                *rows,
                legend="Actions",
                legend_size=Size.MEDIUM,
            ),
            *([Field.textarea("change_reason", rows=2)] if revising else []),
            Submit("save", "Save the plan"),
        )

    @staticmethod
    def initial_for(plan: EarlyHelpPlan | None, version: int) -> dict:
        initial: dict = {"version": version}
        if plan is None:
            return initial
        initial["outcomes"] = "\n".join(plan.outcomes)
        for i, action in enumerate(plan.actions.all()[:ACTION_ROWS], start=1):
            initial[f"action_{i}_what"] = action.what
            initial[f"action_{i}_who"] = action.who
            initial[f"action_{i}_due_on"] = action.due_on
        return initial

    def outcomes_list(self) -> list[str]:
        return self.cleaned_data["outcomes"].splitlines()

    def actions(self) -> list[ActionLine]:
        data = self.cleaned_data
        return [
            ActionLine(
                what=data.get(f"action_{i}_what", ""),
                who=data.get(f"action_{i}_who", ""),
                due_on=data.get(f"action_{i}_due_on"),
            )
            for i in range(1, ACTION_ROWS + 1)
        ]


class ReviewForm(ServiceErrorsMixin, VersionMixin):
    held_on = GovukDateField(
        what="review date",
        label="Date of the review",
        help_text="For example, 27 3 2026",
        required=True,
    )
    progress = _area(
        "Progress against the plan",
        20000,
        "Enter the progress made against the plan",
        help_text="What has changed for the child and family, and what the family said",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            date_field("held_on"),
            Field.textarea("progress", rows=6),
            Submit("save", "Record the review"),
        )


class EndForm(ServiceErrorsMixin, VersionMixin):
    ended_on = GovukDateField(
        what="end date",
        label="Date early help ended",
        help_text="For example, 27 3 2026",
        required=True,
    )
    reason = forms.ChoiceField(
        label="Why is early help ending?",
        choices=[(c.value, c.label) for c in ENDED_BY_FORM],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why early help is ending",
            "invalid_choice": "Choose why early help is ending",
        },
    )
    detail = _area("More detail", 2000, help_text="Needed when the reason is 'Other'")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            date_field("ended_on"),
            Field.radios("reason", legend_size=Size.SMALL),
            Field.textarea("detail", rows=3),
            Submit("save", "End early help", css_class="govuk-button--warning"),
        )


class StepUpForm(ServiceErrorsMixin, VersionMixin):
    primary_need = forms.ChoiceField(
        label="The child's primary need",
        choices=[("", "Choose the primary need"), *PrimaryNeed.choices],
        error_messages={
            "required": "Choose the child's primary need",
            "invalid_choice": "Choose the child's primary need",
        },
    )
    route = forms.ChoiceField(
        label="What does the child need now?",
        choices=[
            ("referral", "A social work assessment"),
            ("strategy", "A strategy discussion (risk of significant harm)"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose assessment or strategy discussion",
            "invalid_choice": "Choose assessment or strategy discussion",
        },
    )
    team = forms.ModelChoiceField(
        queryset=OrgUnit.objects.filter(function=UnitFunction.ASSESSMENT, active=True),
        required=False,
        label="Team",
        empty_label="The district assessment team for the child's address",
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
    reason = _area(
        "Why does the child need children's social care?",
        300,
        "Enter why the child needs children's social care",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            Field.select("primary_need"),
            Field.radios("route", legend_size=Size.SMALL),
            Field.select("team"),
            Field.textarea("reason", rows=4),
            Submit("save", "Step up to children's social care"),
        )


class StepDownForm(ServiceErrorsMixin, VersionMixin):
    closure_reason = forms.ChoiceField(
        label="Why does the child in need episode close?",
        choices=[(c.value, f"{c.value}: {c.label}") for c in CinClosureReason],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose why the child in need episode closes",
            "invalid_choice": "Choose why the child in need episode closes",
        },
    )
    reason = _area(
        "Why is the child stepping down to early help?",
        250,
        "Enter why the child is stepping down to early help",
        help_text="What early help is to do for the family",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            Field.radios("closure_reason", legend_size=Size.SMALL),
            Field.textarea("reason", rows=4),
            Submit("save", "Step down to early help"),
        )
