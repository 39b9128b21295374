"""Forms of child protection: the strategy discussion, the section 47 enquiry, the initial and
review conferences, the core group, and police protection or an emergency protection order.
They check what was typed; the services check the facts (police and health took part; the
conference is not before the strategy discussion; a plan has its category; an emergency
protection order names its court…) and their messages are placed beside the fields."""

from __future__ import annotations

import datetime as dt
import re

from crispy_forms_gds.layout import HTML, Field, Fieldset, Size, Submit
from django import forms
from django.utils import timezone

from kinfold.forms import (
    GovukDateField,
    ServiceErrorsMixin,
    date_field,
    govuk_helper,
    text_area,
    text_field,
)
from kinfold.front_door.models import PartnerOrganisation
from kinfold.plans.models import CPCategory, PlanAction
from kinfold.workforce.models import Role, UnitFunction, Worker
from kinfold.workforce.selectors import current_memberships

from .codes import (
    REQUIRED_AGENCIES,
    ActionProgress,
    Agency,
    Attendance,
    DiscussionType,
    IcpcDecision,
    ProtectionKind,
    ReviewDecision,
    S47Outcome,
)
from .models import StrategyDiscussion
from .services import Attendee, Participant, Progress

PARTICIPANT_ROWS = 8
ATTENDEE_ROWS = 10
# The agencies offered first: children's social care, police and health take part in every
# strategy discussion.
FIRST_AGENCIES = (Agency.SOCIAL_CARE, Agency.POLICE, Agency.HEALTH)
YES_NO = [("yes", "Yes"), ("no", "No")]
TIME = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")


_text, _area = text_field, text_area


def _choice(label: str, choices, message: str, *, radios: bool = True, required: bool = True):
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": message, "invalid_choice": message},
    )


def _date(what: str, label: str) -> GovukDateField:
    return GovukDateField(what=what, label=label, help_text="For example, 27 3 2026", required=True)


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


def chairs():
    """Independent reviewing officers of the safeguarding and reviewing unit."""
    members = current_memberships().filter(unit__function=UnitFunction.SAFEGUARDING_REVIEWING)
    return Worker.objects.filter(role=Role.IRO, pk__in=members.values("worker_id")).order_by(
        "last_name", "first_name", "pk"
    )


class ChairChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Worker) -> str:
        return obj.get_full_name() or obj.username


def _chair_field() -> ChairChoice:
    return ChairChoice(
        queryset=Worker.objects.none(),
        label="Chair",
        empty_label="Choose the chair",
        required=False,
        error_messages={"invalid_choice": "Choose the chair from the list"},
    )


class RowsMixin:
    """Numbered rows of fields (participants, attendees): the service numbers the rows the
    worker filled in, so its messages are mapped back to the rows they came from."""

    row_prefix = ""
    service_fields: dict[str, str]

    def _map_rows(self, used: list[int]) -> None:
        mapped = {}
        for n, row in enumerate(used, start=1):
            for part in ("agency", "name", "attendance", "role"):
                mapped[f"{self.row_prefix}_{n}_{part}"] = f"{self.row_prefix}_{row}_{part}"
        self.service_fields = {**type(self).service_fields, **mapped}


# ---- strategy discussion ---------------------------------------------------------------------


class StrategyDiscussionForm(RowsMixin, ServiceErrorsMixin, forms.Form):
    row_prefix = "participant"
    service_fields = {"held_at": "held_on"}

    held_on = _date("date of the strategy discussion", "Date")
    held_time = _text(
        "Time",
        5,
        "Enter the time of the strategy discussion",
        help_text="Use the 24-hour clock, for example 14:30",
    )
    type = _choice(
        "Was it a discussion or a meeting?",
        DiscussionType.choices,
        "Choose whether it was a discussion or a meeting",
    )
    information = _area(
        "Information shared",
        50000,
        "Enter the information shared",
        help_text="What each agency knows of the child and family, and the concerns",
    )
    s47_decided = _choice(
        "Is a section 47 enquiry to start?", YES_NO, "Say whether a section 47 enquiry is to start"
    )
    reasons = _area("Reasons for the decision", 20000, "Enter the reasons for the decision")
    other_actions = _area(
        "Other actions agreed",
        20000,
        help_text="For example, a police investigation, a child protection medical, "
        "immediate safety plan",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rows = []
        organisations = PartnerOrganisation.objects.filter(active=True)
        for i in range(1, PARTICIPANT_ROWS + 1):
            first = FIRST_AGENCIES[i - 1] if i <= len(FIRST_AGENCIES) else ""
            self.fields[f"participant_{i}_agency"] = _choice(
                "Agency",
                [("", "Choose the agency"), *Agency.choices],
                f"Choose the agency of participant {i}",
                radios=False,
                required=False,
            )
            self.fields[f"participant_{i}_agency"].initial = first
            self.fields[f"participant_{i}_organisation"] = forms.ModelChoiceField(
                queryset=organisations,
                required=False,
                label="Partner agency on Kinfold",
                empty_label="Not listed",
                error_messages={"invalid_choice": "Choose a partner agency from the list"},
            )
            self.fields[f"participant_{i}_name"] = _text("Name", 150)
            self.fields[f"participant_{i}_role"] = _text(
                "Role", 150, help_text="For example, detective constable, named nurse"
            )
            rows.append(
                Fieldset(
                    Field.select(f"participant_{i}_agency"),
                    Field.select(f"participant_{i}_organisation"),
                    Field.text(f"participant_{i}_name", field_width="two-thirds"),
                    Field.text(f"participant_{i}_role", field_width="two-thirds"),
                    legend=f"Participant {i}",
                    legend_size=Size.SMALL,
                )
            )
        self.fields["held_time"].widget.attrs.update({"inputmode": "numeric"})
        self.helper = govuk_helper(
            date_field("held_on"),
            Field.text("held_time", field_width=5),
            Field.radios("type", legend_size=Size.SMALL),
            Fieldset(
                HTML(
                    '<p class="govuk-hint">Children\'s social care, the police and health '
                    "take part in every strategy discussion. Leave the rows you do not need "
                    "empty.</p>"
                ),
                *rows,
                legend="Who took part",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("information", rows=6),
            Field.radios("s47_decided", legend_size=Size.SMALL, inline=True),
            Field.textarea("reasons", rows=4),
            Field.textarea("other_actions", rows=3),
            Submit("save", "Save the strategy discussion"),
        )

    def clean_held_time(self):
        value = self.cleaned_data["held_time"].strip()
        match = TIME.match(value)
        if not match:
            raise forms.ValidationError("Enter the time as hours and minutes, like 14:30")
        return dt.time(int(match.group(1)), int(match.group(2)))

    def clean(self):
        data = super().clean()
        for i in range(1, PARTICIPANT_ROWS + 1):
            filled = data.get(f"participant_{i}_name", "").strip() or data.get(
                f"participant_{i}_organisation"
            )
            if filled and not data.get(f"participant_{i}_agency"):
                self.add_error(f"participant_{i}_agency", f"Choose the agency of participant {i}")
            elif filled and not data.get(f"participant_{i}_name", "").strip():
                self.add_error(f"participant_{i}_name", f"Enter the name of participant {i}")
        return data

    def held_at(self) -> dt.datetime | None:
        day, time = self.cleaned_data.get("held_on"), self.cleaned_data.get("held_time")
        if day is None or time is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, time))

    def participants(self) -> list[Participant]:
        data = self.cleaned_data
        found, used = [], []
        for i in range(1, PARTICIPANT_ROWS + 1):
            name = data.get(f"participant_{i}_name", "")
            organisation = data.get(f"participant_{i}_organisation")
            if not (name.strip() or organisation):
                continue
            used.append(i)
            found.append(
                Participant(
                    agency=data.get(f"participant_{i}_agency", ""),
                    name=name,
                    role=data.get(f"participant_{i}_role", ""),
                    organisation=organisation,
                )
            )
        self._map_rows(used)
        self._place_missing_agencies(used)
        return found

    def _place_missing_agencies(self, used: list[int]) -> None:
        """The service's message that the police or health did not take part goes beside
        the name of the row left empty for that agency (or the first row left empty)."""
        data = self.cleaned_data
        present = {data.get(f"participant_{i}_agency") for i in used}
        empty = [i for i in range(1, PARTICIPANT_ROWS + 1) if i not in used]
        if not empty:
            return
        row = next(
            (
                i
                for i in empty
                if data.get(f"participant_{i}_agency") in REQUIRED_AGENCIES
                and data.get(f"participant_{i}_agency") not in present
            ),
            empty[0],
        )
        self.service_fields = {**self.service_fields, "participants": f"participant_{row}_name"}


# ---- section 47 enquiry ----------------------------------------------------------------------


class StartS47Form(ServiceErrorsMixin, forms.Form):
    started_on = _date("start date of the enquiry", "Date the enquiry started")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            date_field("started_on"), Submit("save", "Start the section 47 enquiry")
        )


class CompleteS47Form(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    completed_on = _date("date the enquiry was completed", "Date the enquiry was completed")
    outcome = _choice(
        "What was the outcome?", S47Outcome.choices, "Choose the outcome of the section 47 enquiry"
    )
    icpc_needed = _choice(
        "Is an initial child protection conference needed?",
        YES_NO,
        "Say whether an initial child protection conference is needed",
    )
    findings = _area(
        "What the enquiry found",
        50000,
        "Enter what the enquiry found",
        help_text="Including what the child said, and the parents' views",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(
            "version",
            date_field("completed_on"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.radios("icpc_needed", legend_size=Size.SMALL, inline=True),
            Field.textarea("findings", rows=6),
            Submit("save", "Record the outcome"),
        )

    def icpc_needed_value(self) -> bool | None:
        return _yes_no(self.cleaned_data.get("icpc_needed"))


# ---- conferences ----------------------------------------------------------------------------


class AttendeesMixin(RowsMixin):
    row_prefix = "attendee"

    def add_attendee_rows(self) -> Fieldset:
        rows = []
        for i in range(1, ATTENDEE_ROWS + 1):
            self.fields[f"attendee_{i}_name"] = _text("Name", 150)  # type: ignore[attr-defined]
            self.fields[f"attendee_{i}_agency"] = _choice(  # type: ignore[attr-defined]
                "Agency",
                [("", "Choose the agency"), *Agency.choices],
                f"Choose the agency of attendee {i}",
                radios=False,
                required=False,
            )
            self.fields[f"attendee_{i}_role"] = _text("Role", 150)  # type: ignore[attr-defined]
            self.fields[f"attendee_{i}_attendance"] = _choice(  # type: ignore[attr-defined]
                "Attendance",
                [("", "Choose"), *Attendance.choices],
                f"Say whether attendee {i} attended",
                radios=False,
                required=False,
            )
            rows.append(
                Fieldset(
                    Field.text(f"attendee_{i}_name", field_width="two-thirds"),
                    Field.select(f"attendee_{i}_agency"),
                    Field.text(f"attendee_{i}_role", field_width="two-thirds"),
                    Field.select(f"attendee_{i}_attendance"),
                    legend=f"Invited {i}",
                    legend_size=Size.SMALL,
                )
            )
        return Fieldset(
            HTML(
                '<p class="govuk-hint">Everyone invited — the family, the child if they '
                "came, and each agency — and whether they attended. Leave the rows you do "
                "not need empty.</p>"
            ),
            *rows,
            legend="Invited and attendance",
            legend_size=Size.MEDIUM,
        )

    def check_attendee_rows(self) -> None:
        data = self.cleaned_data  # type: ignore[attr-defined]
        for i in range(1, ATTENDEE_ROWS + 1):
            parts = {k: data.get(f"attendee_{i}_{k}", "") for k in ("name", "agency", "attendance")}
            if not any(v.strip() for v in parts.values()):
                continue
            messages = {
                "name": f"Enter the name of attendee {i}",
                "agency": f"Choose the agency of attendee {i}",
                "attendance": f"Say whether attendee {i} attended",
            }
            for key, value in parts.items():
                if not value.strip():
                    self.add_error(f"attendee_{i}_{key}", messages[key])  # type: ignore[attr-defined]

    def clean(self):
        data = super().clean()  # type: ignore[misc]
        self.check_attendee_rows()
        return data

    def attendees(self) -> list[Attendee]:
        data = self.cleaned_data  # type: ignore[attr-defined]
        found, used = [], []
        for i in range(1, ATTENDEE_ROWS + 1):
            name = data.get(f"attendee_{i}_name", "")
            agency = data.get(f"attendee_{i}_agency", "")
            attendance = data.get(f"attendee_{i}_attendance", "")
            if not (name.strip() or agency or attendance):
                continue
            used.append(i)
            found.append(
                Attendee(
                    name=name,
                    agency=agency,
                    attendance=attendance,
                    role=data.get(f"attendee_{i}_role", ""),
                )
            )
        self._map_rows(used)
        return found


class IcpcForm(AttendeesMixin, ServiceErrorsMixin, forms.Form):
    service_fields = {"attendees": "attendee_1_name"}

    held_on = _date("date of the conference", "Date of the conference")
    decision = _choice(
        "What did the conference decide?",
        IcpcDecision.choices,
        "Choose whether the child is to have a child protection plan",
    )
    category = _choice(
        "Category of the plan",
        [("", "Choose the category"), *CPCategory.choices],
        "Choose the category of the child protection plan",
        radios=False,
        required=False,
    )
    chair = _chair_field()
    reasons = _area("Reasons for the decision", 20000, "Enter the reasons for the decision")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs()
        attendance = self.add_attendee_rows()
        self.helper = govuk_helper(
            date_field("held_on"),
            Field.select("chair"),
            attendance,
            Field.radios("decision", legend_size=Size.SMALL),
            Field.select("category"),
            Field.textarea("reasons", rows=5),
            Submit("save", "Record the conference"),
        )


class ReviewConferenceForm(AttendeesMixin, ServiceErrorsMixin, forms.Form):
    service_fields = {"attendees": "attendee_1_name"}

    held_on = _date("date of the review conference", "Date of the review conference")
    decision = _choice(
        "What did the conference decide?",
        ReviewDecision.choices,
        "Choose what the conference decided",
    )
    end_reason = _text(
        "Why is the plan ending?",
        300,
        help_text="For example, no longer at risk of significant harm",
    )
    category = _choice(
        "Category of the plan from now",
        [("", "No change"), *CPCategory.choices],
        "Choose the category of the child protection plan",
        radios=False,
        required=False,
    )
    chair = _chair_field()
    summary = _area(
        "Summary of the conference",
        50000,
        "Enter a summary of the conference",
        help_text="Progress on the plan, the child's views and the parents' views",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = chairs()
        attendance = self.add_attendee_rows()
        self.helper = govuk_helper(
            date_field("held_on"),
            Field.select("chair"),
            attendance,
            Field.textarea("summary", rows=6),
            Field.radios("decision", legend_size=Size.SMALL),
            Field.text("end_reason"),
            Field.select("category"),
            Submit("save", "Record the review conference"),
        )


# ---- core group -----------------------------------------------------------------------------


class CoreGroupForm(ServiceErrorsMixin, forms.Form):
    held_on = _date("date of the core group", "Date of the core group")
    attendees = _area(
        "Who attended",
        5000,
        "Enter who attended the core group",
        help_text="One person on each line, with their agency",
    )
    minutes = _area("Minutes", 50000, "Enter the minutes of the core group")

    def __init__(self, *args, actions: list[PlanAction], **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = actions
        rows = []
        for action in actions:
            progress, status = f"action_{action.pk}_progress", f"action_{action.pk}_status"
            self.fields[progress] = _area("Progress", 5000)
            self.fields[status] = _choice(
                "Is it on track?",
                ActionProgress.choices,
                f"Say whether '{action.what[:60]}' is on track",
                required=False,
            )
            rows.append(
                Fieldset(
                    Field.textarea(progress, rows=2),
                    Field.radios(status, legend_size=Size.SMALL, inline=True),
                    legend=action.what[:200],
                    legend_size=Size.SMALL,
                )
            )
        progress_part = (
            [
                Fieldset(
                    HTML('<p class="govuk-hint">Progress against each action of the plan.</p>'),
                    *rows,
                    legend="Progress on the plan's actions",
                    legend_size=Size.MEDIUM,
                )
            ]
            if rows
            else [HTML('<p class="govuk-body">The plan has no live actions.</p>')]
        )
        self.helper = govuk_helper(
            date_field("held_on"),
            Field.textarea("attendees", rows=4),
            Field.textarea("minutes", rows=8),
            *progress_part,
            Submit("save", "Record the core group"),
        )

    def progress(self) -> list[Progress]:
        data = self.cleaned_data
        return [
            Progress(
                action_id=a.pk,
                progress=data.get(f"action_{a.pk}_progress", ""),
                status=data.get(f"action_{a.pk}_status", ""),
            )
            for a in self.actions
        ]


# ---- police protection and emergency protection orders -------------------------------------


class DiscussionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: StrategyDiscussion) -> str:
        return f"{obj.get_type_display()}, {timezone.localtime(obj.held_at):%-d %B %Y}"


class EmergencyProtectionForm(ServiceErrorsMixin, forms.Form):
    kind = _choice(
        "Which was it?",
        ProtectionKind.choices,
        "Choose police protection or an emergency protection order",
    )
    started_on = _date("date it started", "Date it started")
    ended_on = GovukDateField(
        what="date it ended",
        label="Date it ended",
        help_text="Police protection lasts at most 72 hours; an emergency protection order at "
        "most 8 days, extended once by up to 7. Leave it empty if it has not ended.",
    )
    court = _text(
        "Court that made the order",
        150,
        help_text="For an emergency protection order only",
    )
    circumstances = _area(
        "What happened and why",
        50000,
        "Enter what happened and why",
        help_text="Who acted, where the child was taken or stayed, and the risk of harm",
    )
    discussion = DiscussionChoice(
        queryset=StrategyDiscussion.objects.none(),
        required=False,
        label="Strategy discussion it followed or led to (optional)",
        empty_label="None",
        error_messages={"invalid_choice": "Choose one of this child's strategy discussions"},
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        choice = self.fields["discussion"]
        assert isinstance(choice, DiscussionChoice)
        choice.queryset = StrategyDiscussion.objects.filter(person=person).order_by(
            "-held_at", "-pk"
        )
        self.helper = govuk_helper(
            Field.radios("kind", legend_size=Size.SMALL),
            date_field("started_on"),
            date_field("ended_on"),
            Field.text("court", field_width="two-thirds"),
            Field.textarea("circumstances", rows=6),
            Field.select("discussion"),
            Submit("save", "Save"),
        )
