"""Supervision and actions: a manager records a worker's supervision with a case discussion
for each child discussed; every action agreed lands on its owner's list, soonest first, and is
marked as done there."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.models import AuditAction
from kinfold.journey import oversight_services, selectors
from kinfold.journey.oversight import Action, CaseDiscussion, Supervision
from kinfold.journey.oversight_forms import (
    DISCUSSION_BLOCKS,
    DiscussionForm,
    SupervisionForm,
    form_errors,
)
from kinfold.workforce.models import Worker

from .common import refused


def _forms(data, *, manager: Worker, supervisee: Worker):
    children = selectors.children_to_discuss(manager=manager, supervisee=supervisee)
    owners = selectors.team_members(worker=supervisee)
    if manager not in owners:
        owners.append(manager)
    main = SupervisionForm(data, initial={"held_on": timezone.localdate()})
    blocks = [
        DiscussionForm(
            data, prefix=f"discussions-{i}", number=i + 1, children=children, owners=owners
        )
        for i in range(DISCUSSION_BLOCKS)
    ]
    return main, blocks, children


def _place(error: ValidationError, main: SupervisionForm, filled: list[DiscussionForm]) -> None:
    if not hasattr(error, "error_dict"):
        main.add_error(None, error.messages)
        return
    for key, texts in error.message_dict.items():
        parts = key.split("-", 2)
        about_block = parts[0] == "discussions" and len(parts) == 3 and int(parts[1]) < len(filled)
        if about_block and filled[int(parts[1])].place_service_error(parts[2], texts):
            continue
        main.add_error(key if key in main.fields else None, texts)


def supervision_new(request, worker_pk):
    manager = request.user
    supervisee = get_object_or_404(Worker, pk=worker_pk)
    if not selectors.may_supervise(manager=manager, supervisee=supervisee):
        return refused(
            request,
            "Only a team manager or consultant in the worker's team records their supervision.",
        )
    data = request.POST if request.method == "POST" else None
    main, blocks, children = _forms(data, manager=manager, supervisee=supervisee)
    if data is not None:
        # Every block is checked, so that every error shows at once.
        checked = [main.is_valid(), *(b.is_valid() for b in blocks)]
        valid = all(checked)
        filled = [b for b in blocks if not b.is_empty]
        if valid:
            try:
                supervision = oversight_services.record_supervision(
                    actor=manager,
                    supervisee=supervisee,
                    held_on=main.cleaned_data["held_on"],
                    notes=main.cleaned_data["notes"],
                    discussions=[b.as_discussion() for b in filled],
                )
            except PermissionDenied as error:
                return refused(request, str(error))
            except ValidationError as error:
                _place(error, main, filled)
            else:
                messages.success(
                    request,
                    f"The supervision of {supervisee} was saved"
                    + (f" with {len(filled)} case discussions" if filled else ""),
                )
                return redirect("journey:supervision", supervision.pk)
    return render(
        request,
        "journey/supervision_new.html",
        {
            "supervisee": supervisee,
            "main": main,
            "blocks": blocks,
            "children": children,
            "errors": form_errors(main, *blocks),
        },
    )


def supervision(request, supervision_pk):
    worker = request.user
    record = get_object_or_404(
        Supervision.objects.select_related("supervisee", "supervisor"), pk=supervision_pk
    )
    if not selectors.may_see_supervision(worker=worker, supervision=record):
        return refused(
            request,
            "A supervision record is seen by the worker supervised, their supervisor, the "
            "managers of their team and administrators.",
            heading="You cannot see this page",
        )
    discussions = list(record.discussions.select_related("person", "manager").order_by("pk"))
    visible = selectors.fully_visible(worker, [d.person for d in discussions])
    actions: dict[int, list[Action]] = {}
    for action in Action.objects.filter(
        source_type=ContentType.objects.get_for_model(CaseDiscussion),
        source_id__in=[d.pk for d in discussions],
    ).select_related("owner", "completed_by"):
        actions.setdefault(action.source_id, []).append(action)
    shown = [(d, d.person_id in visible, actions.get(d.pk, [])) for d in discussions]
    if visible:
        audit.record(
            worker=worker,
            action=AuditAction.VIEW,
            obj=record,
            detail={"path": request.path, "ids": sorted(visible)},
        )
    return render(
        request,
        "journey/supervision.html",
        {"supervision": record, "discussions": shown, "today": timezone.localdate()},
    )


def my_actions(request):
    worker = request.user
    if request.method == "POST":
        try:
            action = oversight_services.complete_action(
                actor=worker,
                action_id=int(request.POST.get("action", "0") or 0),
                note=request.POST.get("note", "")[:500],
            )
        except (Action.DoesNotExist, ValueError):
            messages.info(request, "That action was not found")
        except PermissionDenied as error:
            return refused(request, str(error))
        except ValidationError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, f"'{action.description}' was marked as done")
        return redirect("journey:my-actions")
    actions = list(selectors.open_actions(owner=worker))
    visible = selectors.fully_visible(worker, [a.person for a in actions if a.person])
    today = timezone.localdate()
    rows = [(a, a.person_id in visible, a.is_overdue(today)) for a in actions]
    if visible:
        audit.record(
            worker=worker,
            action=AuditAction.VIEW,
            object_type="journey.actions",
            object_id=worker.pk,
            detail={"path": request.path, "ids": sorted(visible)},
        )
    return render(request, "journey/my_actions.html", {"rows": rows, "today": today})
