"""The plan's content as the worker writes it: a form per outcome, action and contingency (a
formset of each, with one blank row to add another), the version the worker opened, and why
the plan is changing. The forms check what was typed (real dates, lengths); the service checks
the facts and its messages are placed beside the fields they name ("actions-2-what").

`content_from` turns what is on the page, saved or not, into the quality checks' input, so the
checks run as the plan is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Size
from django import forms
from django.db.models import Q
from django.forms import formset_factory
from django.utils import timezone

from kinfold.forms import GovukDateField, ServiceErrorsMixin, date_field, govuk_helper
from kinfold.quality.checks import ActionItem, ContingencyItem, OutcomeItem, PlanContent

from .models import Plan


def _text(label: str, *, max_length: int = 5000, help_text: str = "", rows: int = 2):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": f"{label} must be {max_length:,} characters or fewer"},
    )


def _withdraw() -> forms.CharField:
    return forms.CharField(
        label="Withdraw it",
        help_text="If it is no longer needed, say why. It stays on the plan, marked withdrawn.",
        required=False,
        max_length=300,
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )


def owner_choices(plan: Plan) -> list[tuple[str, Any]]:
    """Who may own an action: the team's workers (and the plan's owner and the child's
    allocated workers), the child's family, and partner agencies; "w:", "p:", "a:" + pk."""
    from kinfold.front_door.models import PartnerOrganisation
    from kinfold.people.models import Relationship
    from kinfold.workforce.models import Worker
    from kinfold.workforce.selectors import current_allocations, current_workers

    team_ids = [plan.involvement.team_id] if plan.involvement.team_id else []
    allocated = current_allocations().filter(person_id=plan.person_id).values("worker_id")
    workers = (
        Worker.objects.filter(
            Q(pk__in=current_workers(unit_ids=team_ids).values("pk"))
            | Q(pk__in=allocated)
            | Q(pk=plan.owner_id or 0)
        )
        .order_by("last_name", "first_name", "pk")
        .distinct()
    )
    today = timezone.localdate()
    family = (
        Relationship.objects.filter(other_id=plan.person_id, person__merged_into__isnull=True)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    agencies = PartnerOrganisation.objects.filter(active=True).order_by("name")
    return [
        ("", "Choose who will do it"),
        ("The child", [(f"p:{plan.person_id}", plan.person.full_name)]),
        (
            "Family",
            [
                (f"p:{r.person_id}", f"{r.person.full_name} ({r.get_type_display()})")
                for r in family
            ],
        ),
        ("Workers", [(f"w:{w.pk}", w.get_full_name() or w.username) for w in workers]),
        ("Agencies", [(f"a:{a.pk}", a.name) for a in agencies]),
    ]


def owner_value(action: dict[str, Any]) -> str:
    for prefix, f in (("w", "owner_worker_id"), ("p", "owner_person_id"), ("a", "owner_agency_id")):
        if action.get(f):
            return f"{prefix}:{action[f]}"
    return ""


def owner_fields(value: str) -> dict[str, int | None]:
    found: dict[str, int | None] = dict.fromkeys(
        ("owner_worker_id", "owner_person_id", "owner_agency_id")
    )
    prefix, _, pk = (value or "").partition(":")
    f = {"w": "owner_worker_id", "p": "owner_person_id", "a": "owner_agency_id"}.get(prefix)
    if f and pk.isdigit():
        found[f] = int(pk)
    return found


class ItemForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    withdrawn_reason = _withdraw()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper(*self.layout_items())

    def layout_items(self) -> list:
        return []

    def value(self, name: str) -> Any:
        """The field's cleaned value, or None where what was typed is not valid (yet)."""
        data = getattr(self, "cleaned_data", {})
        return data.get(name)


class OutcomeForm(ItemForm):
    text = _text("What should change for the child", rows=2)
    indicator = _text(
        "How we will know it has been achieved",
        help_text="Something anyone could see or count, for example 'attends school 9 days in "
        "10 for a term'",
    )
    target_date = GovukDateField(what="target date", label="By when")

    def layout_items(self) -> list:
        return [
            "id",
            Field.textarea("text"),
            Field.textarea("indicator"),
            date_field("target_date"),
            Field.text("withdrawn_reason"),
        ]


class ActionForm(ItemForm):
    what = _text("What will be done", rows=2)
    outcome_id = forms.TypedChoiceField(
        label="For which outcome", required=False, coerce=int, empty_value=None
    )
    owner = forms.ChoiceField(label="Who will do it", required=False)
    owner_text = forms.CharField(
        label="Or, if they are not on the list, their role",
        help_text="For example 'GP' or 'school attendance officer'",
        required=False,
        max_length=150,
        error_messages={"max_length": "The role must be 150 characters or fewer"},
    )
    due_on = GovukDateField(what="date it is due", label="By when")
    measure = _text("How we will know it is done")
    done_on = GovukDateField(what="date it was done", label="Done on")
    done_note = _text("What was done", rows=2)

    def __init__(self, *args, owners=(), outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = list(owners)
        self.fields["outcome_id"].choices = [("", "Not linked to one outcome"), *outcomes]
        self.fields["owner"].error_messages["invalid_choice"] = "Choose someone from the list"

    def layout_items(self) -> list:
        return [
            "id",
            Field.textarea("what"),
            Field.select("outcome_id"),
            Field.select("owner"),
            Field.text("owner_text", field_width="two-thirds"),
            date_field("due_on"),
            Field.textarea("measure"),
            Fieldset(
                date_field("done_on"),
                Field.textarea("done_note"),
                legend="If it is done",
                legend_size=Size.SMALL,
            ),
            Field.text("withdrawn_reason"),
        ]


class ContingencyForm(ItemForm):
    trigger = _text("What would have to happen, or not happen")
    trigger_by = GovukDateField(what="date by when", label="By when")
    action = _text("What we will do then")

    def layout_items(self) -> list:
        return [
            "id",
            Field.textarea("trigger"),
            date_field("trigger_by"),
            Field.textarea("action"),
            Field.text("withdrawn_reason"),
        ]


OutcomeFormSet = formset_factory(OutcomeForm, extra=1)
ActionFormSet = formset_factory(ActionForm, extra=1)
ContingencyFormSet = formset_factory(ContingencyForm, extra=1)


class PlanChangeForm(ServiceErrorsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why is the plan changing? (optional)",
        help_text="For example 'agreed at the review on 3 March'",
        required=False,
        max_length=300,
        error_messages={"max_length": "The reason must be 300 characters or fewer"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = govuk_helper("version", Field.text("reason"))


class PlanPage:
    """The whole form: the plan's change form and its three formsets, bound or not."""

    def __init__(self, plan: Plan, data=None, *, items: dict[str, list[dict]] | None = None):
        self.plan = plan
        items = items or {"outcomes": [], "actions": [], "contingencies": []}
        live = {
            part: [i for i in rows if not i["withdrawn_reason"]] for part, rows in items.items()
        }
        outcomes = [(o["id"], o["text"][:80]) for o in live["outcomes"]]
        actions_initial = [{**a, "owner": owner_value(a)} for a in live["actions"]]
        self.change = PlanChangeForm(data, initial={"version": plan.version})
        self.outcomes = OutcomeFormSet(data, prefix="outcomes", initial=live["outcomes"])
        self.actions = ActionFormSet(
            data,
            prefix="actions",
            initial=actions_initial,
            form_kwargs={"owners": owner_choices(plan), "outcomes": outcomes},
        )
        self.contingencies = ContingencyFormSet(
            data, prefix="contingencies", initial=live["contingencies"]
        )

    @property
    def formsets(self):
        return {
            "outcomes": self.outcomes,
            "actions": self.actions,
            "contingencies": self.contingencies,
        }

    def is_valid(self) -> bool:
        results = [self.change.is_valid()] + [fs.is_valid() for fs in self.formsets.values()]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return bool(self.change.errors) or any(
            fs.non_form_errors() or any(f.errors for f in fs.forms) for fs in self.formsets.values()
        )

    def errors_for_summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary, in the page's order."""
        found = [(f"id_{name}", e) for name, errs in self.change.errors.items() for e in errs]
        for fs in self.formsets.values():
            for form in fs.forms:
                for name, errs in form.errors.items():
                    anchor = f"id_{form.prefix}-{name}" if name != "__all__" else form.prefix
                    if isinstance(form.fields.get(name), GovukDateField):
                        anchor += "_0"
                    found += [(anchor, e) for e in errs]
        return found

    def _rows(self, part: str) -> list[dict[str, Any]]:
        rows = []
        for form in self.formsets[part].forms:
            data = dict(form.cleaned_data)
            data.pop("DELETE", None)
            if part == "actions":
                data.update(owner_fields(data.pop("owner", "")))
            rows.append(data)
        return rows

    def service_input(self) -> dict[str, list[dict[str, Any]]]:
        return {part: self._rows(part) for part in self.formsets}

    def add_service_errors(self, error) -> None:
        """Put a service's messages beside the fields they name ("actions-2-what")."""
        if not hasattr(error, "error_dict"):
            self.change.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            part, _, rest = key.partition("-")
            index, _, name = rest.partition("-")
            fs = self.formsets.get(part)
            if fs is not None and index.isdigit() and int(index) < len(fs.forms):
                form = fs.forms[int(index)]
                name = {"owner_worker_id": "owner", "owner_person_id": "owner"}.get(name, name)
                form.add_error(name if name in form.fields else None, messages)
            else:
                self.change.add_error(key if key in self.change.fields else None, messages)

    def content(self) -> PlanContent:
        """What is on the page as the quality checks read it (partly typed rows included;
        a date not valid yet counts as no date). Item keys are the rows' prefixes."""
        for fs in self.formsets.values():
            for form in fs.forms:
                if form.is_bound and not hasattr(form, "cleaned_data"):
                    form.is_valid()
        outcomes, actions, contingencies = [], [], []
        for form in self.outcomes.forms:
            if _row_blank(form, ("text", "indicator", "target_date")):
                continue
            outcomes.append(
                OutcomeItem(
                    key=form.prefix,
                    text=_raw(form, "text"),
                    indicator=_raw(form, "indicator"),
                    target_date=_date(form, "target_date"),
                    withdrawn=bool(_raw(form, "withdrawn_reason")),
                )
            )
        for form in self.actions.forms:
            if _row_blank(form, ("what", "owner", "owner_text", "due_on", "measure")):
                continue
            actions.append(
                ActionItem(
                    key=form.prefix,
                    what=_raw(form, "what"),
                    has_owner=bool(_raw(form, "owner") or _raw(form, "owner_text")),
                    due_on=_date(form, "due_on"),
                    measure=_raw(form, "measure"),
                    done_on=_date(form, "done_on"),
                    withdrawn=bool(_raw(form, "withdrawn_reason")),
                )
            )
        for form in self.contingencies.forms:
            if _row_blank(form, ("trigger", "trigger_by", "action")):
                continue
            contingencies.append(
                ContingencyItem(
                    key=form.prefix,
                    trigger=_raw(form, "trigger"),
                    trigger_by=_date(form, "trigger_by"),
                    action=_raw(form, "action"),
                    withdrawn=bool(_raw(form, "withdrawn_reason")),
                )
            )
        return PlanContent(self.plan.kind, outcomes, actions, contingencies)


def _raw(form: forms.Form, name: str) -> str:
    if form.is_bound:
        return str(form.data.get(form.add_prefix(name), "") or "").strip()
    value = form.initial.get(name)
    return str(value).strip() if value not in (None, "") else ""


def _date(form: ItemForm, name: str) -> dt.date | None:
    if form.is_bound:
        value = getattr(form, "cleaned_data", {}).get(name)
        return value if isinstance(value, dt.date) else None
    value = form.initial.get(name)
    return value if isinstance(value, dt.date) else None


def _row_blank(form: forms.Form, names: tuple[str, ...]) -> bool:
    if not form.is_bound:
        return not any(form.initial.get(n) for n in names)
    for n in names:
        if isinstance(form.fields[n], GovukDateField):
            if any(form.data.get(f"{form.add_prefix(n)}_{i}") for i in range(3)):
                return False
        elif str(form.data.get(form.add_prefix(n), "") or "").strip():
            return False
    return True
