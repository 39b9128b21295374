"""Likely duplicates, comparing two records and merging them, and explaining a merge after."""

from __future__ import annotations

from crispy_forms_gds.layout import Field, Size, Submit
from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from kinfold.access import audit
from kinfold.access.guards import record_managers
from kinfold.access.models import AuditAction
from kinfold.access.visibility import Access, Reach, check_person, reach_of, visible_persons
from kinfold.forms import govuk_helper
from kinfold.people.matching import find_duplicate_pairs
from kinfold.people.merging import (
    KEPT,
    MERGEABLE_FIELDS,
    RETIRED,
    MergeError,
    can_merge,
    differing_fields,
    merge_persons,
)
from kinfold.people.models import Person, PersonMerge
from kinfold.people.search_results import access_for

from .merge_display import comparison_rows, display_value, field_label, merge_summary

PAIRS_PER_PAGE = 25
DUPLICATE_THRESHOLD = 0.8


def _in_sentence(label: str) -> str:
    """A field label inside a sentence: "Date of birth" → "date of birth", "NHS number" stays."""
    first = label.split(" ", 1)[0]
    if first.isupper() and len(first) > 1:
        return label
    return label[:1].lower() + label[1:]


def _refuse(request, message: str, status: int = 403):
    return render(
        request,
        "error.html",
        {"heading": "You cannot merge these records", "message": message},
        status=status,
    )


def duplicates(request):
    """Likely duplicate pairs among the records the worker may see in full."""
    worker = request.user
    if not can_merge(worker):
        return render(
            request,
            "error.html",
            {
                "heading": "You cannot see this page",
                "message": "Only team managers and system administrators review likely duplicates.",
            },
            status=403,
        )
    ids = None
    if reach_of(worker) < Reach.AUTHORITY:
        ids = list(visible_persons(worker).values_list("pk", flat=True))
    pairs = find_duplicate_pairs(person_ids=ids, threshold=DUPLICATE_THRESHOLD)
    involved = {pk for p in pairs for pk in (p.first_id, p.second_id)}
    persons = Person.objects.in_bulk(involved)
    allowed = access_for(worker, list(persons.values()))
    pairs = [
        p
        for p in pairs
        if allowed.get(p.first_id) is Access.FULL and allowed.get(p.second_id) is Access.FULL
    ]
    page = Paginator(pairs, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [(p, persons[p.first_id], persons[p.second_id]) for p in page]
    audit.record(
        worker=worker,
        action=AuditAction.VIEW,
        object_type="people.duplicates",
        detail={
            "pairs": len(pairs),
            "page": page.number,
            "ids": sorted({pk for p, _a, _b in rows for pk in (p.first_id, p.second_id)}),
        },
    )
    return render(request, "people/duplicates.html", {"page": page, "rows": rows})


class MergeForm(forms.Form):
    """A radio for each field that differs, the reason, and the versions compared."""

    reason = forms.CharField(
        label="Why are these records the same person?",
        help_text="For example: same NHS number and date of birth; the mother confirmed the "
        "child's previous name. Your reason is kept with the merge.",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why these records are the same person",
            "max_length": "The reason must be 300 characters or fewer",
        },
    )
    kept_version = forms.IntegerField(widget=forms.HiddenInput)
    retired_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, kept: Person, retired: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.differing = differing_fields(kept, retired)
        layout = []
        for name in self.differing:
            label = field_label(name)
            self.fields[name] = forms.ChoiceField(
                label=f"Which {_in_sentence(label)} is right?",
                choices=[
                    (KEPT, f"{display_value(kept, name)} (from {kept.la_child_id})"),
                    (RETIRED, f"{display_value(retired, name)} (from {retired.la_child_id})"),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose which {_in_sentence(label)} to keep"},
            )
            layout.append(Field.radios(name, legend_size=Size.SMALL, inline=False))
        self.initial.update({"kept_version": kept.version, "retired_version": retired.version})
        self.helper = govuk_helper(
            *layout,
            Field.textarea("reason", label_size=Size.SMALL, rows=3),
            "kept_version",
            "retired_version",
            Submit("merge", "Merge these records", css_class="govuk-button--warning"),
        )

    def choices(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in self.differing}


def merge(request, pk, other_pk):
    worker = request.user
    if not can_merge(worker):
        return _refuse(request, "Only team managers and system administrators can merge records.")
    kept = get_object_or_404(Person, pk=pk)
    retired = get_object_or_404(Person, pk=other_pk)
    if kept.pk == retired.pk:
        return _refuse(request, "A record cannot be merged into itself.", status=400)
    for person in (kept, retired):
        if person.merged_into_id:
            return _refuse(
                request,
                f"The record {person.la_child_id} has already been merged into "
                f"{person.merged_into.la_child_id}. Compare with that record instead.",
                status=409,
            )
        decision = check_person(worker, person)
        if not decision.allowed:
            audit.record(
                worker=worker,
                action=AuditAction.DENIED,
                obj=person,
                detail={"access": decision.access.value, "path": request.path},
            )
            return render(
                request,
                "access/no_access.html",
                {
                    "person": person,
                    "restricted": decision.access is Access.RESTRICTED,
                    "managers": record_managers(person),
                },
                status=403,
            )
    form = MergeForm(request.POST or None, kept=kept, retired=retired)
    if request.method == "POST" and form.is_valid():
        try:
            done = merge_persons(
                worker=worker,
                kept_id=kept.pk,
                retired_id=retired.pk,
                reason=form.cleaned_data["reason"],
                choices=form.choices(),
                kept_version=form.cleaned_data["kept_version"],
                retired_version=form.cleaned_data["retired_version"],
            )
        except MergeError as error:
            fields = [f for f in error.field_errors if f in form.fields]
            form.add_error(fields[0] if fields else None, str(error))
        else:
            messages.success(request, f"{retired.la_child_id} is merged into {kept.la_child_id}")
            return redirect("people:merge-detail", done.pk)
    if request.method == "GET":
        for person in (kept, retired):
            audit.record(
                worker=worker,
                action=AuditAction.VIEW,
                obj=person,
                detail={
                    "path": request.path,
                    "compare_with": (retired if person is kept else kept).pk,
                },
            )
    return render(
        request,
        "people/merge.html",
        {
            "form": form,
            "kept": kept,
            "retired": retired,
            "rows": comparison_rows(kept, retired),
            "fields": MERGEABLE_FIELDS,
        },
    )


def merge_detail(request, merge_pk):
    """What a merge did: who, when, why, the values chosen, and what moved."""
    done = get_object_or_404(
        PersonMerge.objects.select_related("kept", "retired", "merged_by"), pk=merge_pk
    )
    decision = check_person(request.user, done.kept)
    if not decision.allowed:
        audit.record(
            worker=request.user,
            action=AuditAction.DENIED,
            obj=done.kept,
            detail={"access": decision.access.value, "path": request.path},
        )
        return render(
            request,
            "access/no_access.html",
            {
                "person": done.kept,
                "restricted": decision.access is Access.RESTRICTED,
                "managers": record_managers(done.kept),
            },
            status=403,
        )
    audit.record(
        worker=request.user,
        action=AuditAction.VIEW,
        obj=done.kept,
        detail={"path": request.path, "merge": done.pk},
    )
    return render(request, "people/merge_detail.html", {"merge": done, **merge_summary(done)})
