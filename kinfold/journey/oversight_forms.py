"""The supervision form: the session, then a fixed number of case discussion blocks, each with
up to three actions. Without JavaScript the blocks are all on the page; blocks and action rows
left wholly empty are ignored."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms

from kinfold.forms import GovukDateField, date_field, govuk_helper
from kinfold.people.models import Person
from kinfold.workforce.models import Worker

from .forms import ServiceErrorsMixin, _textarea
from .oversight_services import ActionPlan, Discussion

DISCUSSION_BLOCKS = 3
ACTIONS_PER_DISCUSSION = 3


class SupervisionForm(ServiceErrorsMixin, forms.Form):
    held_on = GovukDateField(
        what="date of the supervision",
        label="Date of the supervision",
        help_text="For example, 27 3 2026",
        required=True,
    )
    notes = _textarea(
        "Notes about the worker",
        20000,
        help_text="Wellbeing, workload, learning. These are not shown on children's records.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(date_field("held_on"), Field.textarea("notes", rows=4))


class DiscussionForm(forms.Form):
    """One child discussed: what was discussed, the decision, and the actions agreed."""

    person = forms.ChoiceField(
        label="Child",
        required=False,
        error_messages={"invalid_choice": "Choose a child from the list"},
    )
    discussion = _textarea("What was discussed", 20000, rows=3)
    decision = _textarea("Decision", 20000, help_text="And the reasons for it", rows=3)

    def __init__(
        self,
        *args,
        number: int,
        children: list[Person],
        owners: list[Worker],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.number = number
        self.children = {str(p.pk): p for p in children}
        self.owners = {str(w.pk): w for w in owners}
        self.fields["person"].choices = [
            ("", "Choose a child"),
            *((key, f"{p.full_name} ({p.la_child_id})") for key, p in self.children.items()),
        ]
        rows = []
        for j in range(ACTIONS_PER_DISCUSSION):
            self.fields[f"action_{j}_description"] = forms.CharField(
                label=f"Action {j + 1}: what is to be done",
                max_length=500,
                required=False,
                error_messages={"max_length": "What is to be done must be 500 characters or fewer"},
            )
            self.fields[f"action_{j}_owner"] = forms.ChoiceField(
                label=f"Action {j + 1}: who will do it",
                required=False,
                choices=[("", "Choose who"), *((k, str(w)) for k, w in self.owners.items())],
                error_messages={"invalid_choice": "Choose who will do it from the list"},
            )
            self.fields[f"action_{j}_due_date"] = GovukDateField(
                what="date it is due by", label=f"Action {j + 1}: by when"
            )
            rows += [
                Field.text(f"action_{j}_description"),
                Field.select(f"action_{j}_owner"),
                date_field(f"action_{j}_due_date"),
            ]
        self.helper = govuk_helper(
            Fieldset(
                Field.select("person"),
                Field.textarea("discussion", rows=3),
                Field.textarea("decision", rows=3),
                *rows,
                legend=f"Child discussed {number}",
                legend_size=Size.MEDIUM,
            )
        )
        self.helper.disable_csrf = True  # the page's first form carries the token

    def _typed(self, *names: str) -> bool:
        """Whether anything was typed in these fields (a date's three boxes included)."""
        for name in names:
            field = self.fields[name]
            key = self.add_prefix(name)
            if isinstance(field.widget, forms.MultiWidget):
                if any(self.data.get(f"{key}{s}", "").strip() for s in field.widget.widgets_names):
                    return True
            elif str(self.data.get(key, "")).strip():
                return True
        return False

    def _action_fields(self, j: int) -> tuple[str, str, str]:
        return (f"action_{j}_description", f"action_{j}_owner", f"action_{j}_due_date")

    @property
    def is_empty(self) -> bool:
        names = ["person", "discussion", "decision"]
        for j in range(ACTIONS_PER_DISCUSSION):
            names += self._action_fields(j)
        return not self._typed(*names)

    def clean(self):
        data = super().clean()
        if self.is_empty:
            return data
        if not data.get("person") and "person" not in self.errors:
            self.add_error("person", "Choose the child discussed")
        for j in range(ACTIONS_PER_DISCUSSION):
            what, who, when = self._action_fields(j)
            if not self._typed(what, who, when):
                continue
            if not data.get(what) and what not in self.errors:
                self.add_error(what, "Enter what is to be done")
            if not data.get(who) and who not in self.errors:
                self.add_error(who, "Choose who will do it")
            if not data.get(when) and when not in self.errors:
                self.add_error(when, "Enter the date it is due by")
        return data

    def action_index(self) -> list[int]:
        """The action rows filled in, in order (the service numbers them from 0)."""
        return [j for j in range(ACTIONS_PER_DISCUSSION) if self._typed(*self._action_fields(j))]

    def as_discussion(self) -> Discussion:
        data = self.cleaned_data
        actions = [
            ActionPlan(
                description=data[f"action_{j}_description"],
                owner=self.owners[data[f"action_{j}_owner"]],
                due_date=data[f"action_{j}_due_date"],
            )
            for j in self.action_index()
        ]
        return Discussion(
            person=self.children[data["person"]],
            discussion=data["discussion"],
            decision=data["decision"],
            actions=actions,
        )

    def place_service_error(self, key: str, messages: list[str]) -> bool:
        """Place a service message keyed like 'discussion' or 'actions-1-due_date' (the
        service numbers the filled-in rows); False when it is not about this block."""
        parts = key.split("-")
        if len(parts) == 1 and parts[0] in self.fields:
            self.add_error(parts[0], messages)
            return True
        if len(parts) == 3 and parts[0] == "actions":
            filled = self.action_index()
            index = int(parts[1])
            if index < len(filled):
                name = f"action_{filled[index]}_{parts[2]}"
                if name in self.fields:
                    self.add_error(name, messages)
                    return True
        return False


def form_errors(*forms_: forms.Form) -> list[tuple[str, str]]:
    """(anchor, message) for one error summary over several forms on one page."""
    found: list[tuple[str, str]] = []
    for form in forms_:
        for error in form.non_field_errors():
            found.append((form.visible_fields()[0].auto_id, error))
        for bound in form.visible_fields():
            anchor = bound.auto_id
            if isinstance(bound.field.widget, forms.MultiWidget):
                anchor = f"{anchor}_0"
            for error in bound.errors:
                found.append((anchor, error))
    return found
