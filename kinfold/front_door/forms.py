"""Forms of the front door's contact pages. GOV.UK layout (crispy-forms-gds), each error beside
its field. The forms check what was typed; the services check the facts, and their messages are
placed beside the fields by `add_service_errors`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.html import format_html

from kinfold.forms import GovukDateField, ServiceErrorsMixin, date_field, govuk_helper
from kinfold.workforce.models import OrgUnit, UnitFunction, Worker

from .codes import (
    FINAL_OUTCOMES,
    Consent,
    ContactMethod,
    ContactStatus,
    Outcome,
    PrimaryNeed,
    Rag,
    ReferralSource,
)
from .models import PartnerOrganisation, ThresholdLevel
from .services import ContactDetails

TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
YES_NO = [("yes", "Yes"), ("no", "No")]


def _text(label: str, max_length: int, *, help_text: str = "", required: bool = False):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


def _textarea(label: str, max_length: int = 20000, *, help_text: str = "", rows: int = 4):
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


def _radios(label: str, choices, message: str, *, required: bool = False) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display()})"


def _manager_field(candidates: list[Worker]) -> WorkerChoiceField:
    return WorkerChoiceField(
        label="Manager to sign the decision off",
        queryset=Worker.objects.filter(pk__in=[w.pk for w in candidates]).order_by(
            "last_name", "first_name"
        ),
        required=False,
        empty_label="Choose a manager",
        error_messages={"invalid_choice": "Choose a manager from the list"},
    )


def _version() -> forms.IntegerField:
    return forms.IntegerField(widget=forms.HiddenInput, required=False)


# ---- the list ------------------------------------------------------------------------------


class ContactFilterForm(forms.Form):
    STATES = [("", "Any state"), ("open", "Not yet decided"), *ContactStatus.choices]
    WHOSE = [("", "Everyone's"), ("mine", "Assigned to me"), ("unassigned", "Unassigned")]

    state = forms.ChoiceField(label="State", choices=STATES, required=False)
    whose = forms.ChoiceField(label="Whose", choices=WHOSE, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.select("state"), Field.select("whose"), Submit("filter", "Filter")
        )


# ---- recording a contact -------------------------------------------------------------------


class ContactForm(ServiceErrorsMixin, forms.Form):
    service_fields = {"received_at": "received_on"}

    received_on = GovukDateField(
        what="date of the contact",
        label="Date of the contact",
        help_text="For example, 27 3 2026",
        required=True,
    )
    received_time = forms.CharField(
        label="Time of the contact",
        help_text="Use the 24-hour clock, for example 14:30",
        max_length=5,
        error_messages={
            "required": "Enter the time of the contact",
            "max_length": "Enter the time as hours and minutes, like 14:30",
        },
    )
    method = _radios(
        "How was the contact made?",
        ContactMethod.choices,
        "Choose how the contact was made",
        required=True,
    )
    source = forms.ChoiceField(
        label="Who made the contact?",
        help_text="As the children in need census counts it",
        choices=[("", "Choose who made the contact"), *ReferralSource.choices],
        error_messages={
            "required": "Choose who made the contact",
            "invalid_choice": "Choose who made the contact from the list",
        },
    )
    partner = forms.ModelChoiceField(
        label="Partner agency (optional)",
        help_text="When the person contacting works for a partner agency",
        queryset=PartnerOrganisation.objects.filter(active=True),
        required=False,
        empty_label="None",
        error_messages={"invalid_choice": "Choose the agency from the list"},
    )
    contactor_name = _text("Name of the person contacting", 150)
    contactor_role = _text("Their role, or relationship to the child", 150)
    contactor_details = _text("Their phone number or email", 200)
    concerns = _textarea(
        "The concerns, in their words", 50000, help_text="What they said, as they said it", rows=6
    )
    consent = _radios(
        "Has the family consented to information being shared with partner agencies?",
        Consent.choices,
        "Say whether the family consented to information being shared",
        required=True,
    )
    consent_override_reason = _textarea(
        "Why is information being shared without consent?",
        help_text="Needed when consent is overridden: the risk that justifies it",
        rows=3,
    )
    immediate_risk = _radios("Is a child at immediate risk?", YES_NO, "Choose yes or no")
    immediate_risk_detail = _textarea("Describe the immediate risk", rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_time"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        )
        self.helper = govuk_helper(
            Fieldset(
                date_field("received_on"),
                Field.text("received_time", field_width=5),
                Field.radios("method", legend_size=Size.SMALL),
                legend="The contact",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("source"),
                Field.select("partner"),
                Field.text("contactor_name", field_width="two-thirds"),
                Field.text("contactor_role", field_width="two-thirds"),
                Field.text("contactor_details", field_width="two-thirds"),
                legend="Who contacted us",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("concerns", rows=6),
            Fieldset(
                Field.radios("consent", legend_size=Size.SMALL),
                Field.textarea("consent_override_reason", rows=3),
                legend="Consent",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("immediate_risk", legend_size=Size.SMALL, inline=True),
                Field.textarea("immediate_risk_detail", rows=3),
                legend="Immediate risk",
                legend_size=Size.MEDIUM,
            ),
        )

    @staticmethod
    def defaults() -> dict[str, Any]:
        now = timezone.localtime()
        return {"received_on": now.date(), "received_time": now.strftime("%H:%M")}

    def clean_received_time(self) -> dt.time:
        match = TIME.match(self.cleaned_data["received_time"].strip())
        if not match:
            raise ValidationError("Enter the time as hours and minutes, like 14:30")
        return dt.time(int(match.group(1)), int(match.group(2)))

    def details(self) -> ContactDetails:
        data = self.cleaned_data
        day, time = data.get("received_on"), data.get("received_time")
        received = timezone.make_aware(dt.datetime.combine(day, time)) if day and time else None
        return ContactDetails(
            received_at=received,  # type: ignore[arg-type]
            method=data["method"],
            source=data["source"],
            concerns=data["concerns"],
            consent=data["consent"],
            consent_override_reason=data["consent_override_reason"],
            immediate_risk=data["immediate_risk"] == "yes",
            immediate_risk_detail=data["immediate_risk_detail"],
            contactor_name=data["contactor_name"],
            contactor_role=data["contactor_role"],
            contactor_details=data["contactor_details"],
        )


# ---- the contact's steps -------------------------------------------------------------------


class VersionForm(forms.Form):
    """A POST with only the version the worker saw (taking a contact, matching a child)."""

    version = _version()


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ThresholdLevel) -> str:
        return str(obj)


class _DecisionForm(ServiceErrorsMixin, forms.Form):
    outcome_choices: list = []

    version = _version()
    rationale = _textarea(
        "Rationale",
        help_text="Why this response, against the threshold document",
        rows=5,
    )
    primary_need = forms.ChoiceField(
        label="Primary need (for a referral)",
        help_text="As the children in need census records it",
        choices=[("", "Choose the primary need"), *PrimaryNeed.choices],
        required=False,
    )

    def __init__(self, *args, managers: list[Worker], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"] = _radios(
            "Outcome", self.outcome_choices, "Choose what the contact needs"
        )
        self.fields["sign_off_by"] = _manager_field(managers)


class ScreenForm(_DecisionForm):
    outcome_choices = Outcome.choices

    def __init__(self, *args, mash_practitioners: list[Worker], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["threshold_level"] = LevelChoiceField(
            label="Level of need",
            queryset=ThresholdLevel.objects.filter(active=True).order_by("level"),
            widget=forms.RadioSelect,
            required=False,
            empty_label=None,
            error_messages={"invalid_choice": "Choose a level from the list"},
        )
        self.fields["rag"] = _radios(
            "RAG rating (for a MASH enquiry)", Rag.choices, "Choose a RAG rating"
        )
        self.fields["rag_reason"] = _textarea("Why this rating", rows=3)
        self.fields["mash_owner"] = WorkerChoiceField(
            label="MASH practitioner (optional)",
            help_text="Leave empty to put the enquiry in the MASH queue",
            queryset=Worker.objects.filter(pk__in=[w.pk for w in mash_practitioners]),
            required=False,
            empty_label="The MASH queue",
        )
        levels = "".join(
            format_html(
                '<dt class="govuk-body govuk-!-font-weight-bold">{}</dt>'
                '<dd class="govuk-body govuk-!-margin-left-0">{} Usually: {}.</dd>',
                level,
                level.description,
                level.get_usual_outcome_display().lower(),
            )
            for level in self.fields["threshold_level"].queryset
        )
        self.helper = govuk_helper(
            HTML(f'<dl class="kf-threshold-levels">{levels}</dl>'),
            Field.radios("threshold_level", legend_size=Size.SMALL),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("rationale", rows=5),
            Field.select("primary_need"),
            Fieldset(
                Field.radios("rag", legend_size=Size.SMALL, inline=True),
                Field.textarea("rag_reason", rows=3),
                Field.select("mash_owner"),
                legend="For a MASH enquiry",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.select("sign_off_by"),
                legend="For any other outcome",
                legend_size=Size.MEDIUM,
            ),
            "version",
            Submit("screen", "Save the screening"),
        )


class DecideForm(_DecisionForm):
    outcome_choices = [(o.value, o.label) for o in FINAL_OUTCOMES]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("rationale", rows=5),
            Field.select("primary_need"),
            Field.select("sign_off_by"),
            "version",
            Submit("decide", "Save the decision"),
        )


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.name


class SignOffForm(ServiceErrorsMixin, forms.Form):
    """Sign the decision off (choosing a team for a child no district team serves), or return
    it with why: two buttons on one form."""

    version = _version()
    comment = _textarea(
        "Comment",
        help_text="Optional when you sign off; needed when you return the decision",
        rows=4,
    )

    def __init__(self, *args, unplaced: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.unplaced = unplaced
        teams = OrgUnit.objects.filter(function=UnitFunction.ASSESSMENT, active=True)
        items: list = []
        for person in unplaced:
            name = f"team_{person.pk}"
            self.fields[name] = TeamChoiceField(
                label=f"Team for {person.full_name}",
                help_text="No district assessment team serves their address",
                queryset=teams.order_by("name"),
                required=False,
                empty_label="Choose a team",
            )
            items.append(Field.select(name))
        self.helper = govuk_helper(
            *items,
            Field.textarea("comment", rows=4),
            "version",
        )

    def teams(self) -> dict[int, OrgUnit]:
        return {
            p.pk: self.cleaned_data[f"team_{p.pk}"]
            for p in self.unplaced
            if self.cleaned_data.get(f"team_{p.pk}")
        }

    def add_service_errors(self, error: ValidationError) -> None:
        if not (hasattr(error, "error_dict") and "teams" in error.error_dict):
            super().add_service_errors(error)
            return
        first_team = f"team_{self.unplaced[0].pk}" if self.unplaced else None
        for name, messages in error.message_dict.items():
            if name == "teams":
                self.add_error(first_team, messages)
            else:
                self.add_error(name if name in self.fields else None, messages)


class RespondForm(ServiceErrorsMixin, forms.Form):
    response = _textarea(
        "Your response",
        help_text="What you did about the new contact: a visit, a call, a review of the plan",
        rows=5,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            Field.textarea("response", rows=5), Submit("respond", "Save the response")
        )
