"""The timescale pages, for system administrators: rules, their changes, closure days."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from kinfold.access.guards import administrators_only

from . import selectors, services
from .calendar import working_day_hours
from .forms import ClosureDayForm, RuleChangeForm, add_errors
from .models import Rule, rule_for
from .registry import registrations


def _rule_or_404(code: str) -> Rule:
    try:
        return rule_for(code)
    except Rule.DoesNotExist:
        raise Http404("No such timescale") from None


@administrators_only
def rules(request):
    begin, end = working_day_hours()
    return render(
        request,
        "timescales/rules.html",
        {
            "rules": selectors.rules_in_force(),
            "scheduled": selectors.scheduled_changes(),
            "working_day": (begin, end),
        },
    )


@administrators_only
def rule(request, code):
    current = _rule_or_404(code)
    return render(
        request,
        "timescales/rule.html",
        {
            "rule": current,
            "history": selectors.rule_history(code=code),
            "tracked": [r.label for r in registrations(code)],
            "today": timezone.localdate(),
        },
    )


def _moved_message(recomputed) -> str:
    n = recomputed.moved
    return f"{n:,} open item{'' if n == 1 else 's'} moved to a new due date"


def _carried(post) -> list[tuple[str, str]]:
    """The typed values, carried through the check page as hidden inputs."""
    buttons = {"csrfmiddlewaretoken", "preview", "confirm", "edit"}
    return [(k, v) for k, values in post.lists() if k not in buttons for v in values]


@administrators_only
def rule_change(request, code):
    """Change a timescale: the form, then a check page with how many open items move."""
    current = _rule_or_404(code)
    if request.method != "POST":
        initial = {
            "amount": current.amount,
            "unit": current.unit,
            "repeat_amount": current.repeat_amount,
            "repeat_unit": current.repeat_unit,
            "effective_from": timezone.localdate(),
        }
        form = RuleChangeForm(rule=current, initial=initial)
        return render(request, "timescales/rule_change.html", {"rule": current, "form": form})
    form = RuleChangeForm(request.POST, rule=current)
    if form.is_valid():
        change = form.change()
        try:
            if "confirm" in request.POST:
                result = services.change_rule(actor=request.user, **change)
                if result.scheduled:
                    messages.success(
                        request,
                        f"The change takes effect on {result.rule.effective_from:%-d %B %Y}: "
                        "open items move on that day",
                    )
                else:
                    messages.success(
                        request, f"Timescale changed. {_moved_message(result.recomputed)}"
                    )
                return redirect("timescales:rule", code)
            if "preview" in request.POST:
                new, previous = services.proposed_rule(actor=request.user, **change)
                preview = services.preview_rule_change(actor=request.user, **change)
                return render(
                    request,
                    "timescales/rule_confirm.html",
                    {
                        "rule": previous,
                        "new": new,
                        "preview": preview,
                        "form": form,
                        "in_force_today": new.effective_from <= timezone.localdate(),
                        "hidden": _carried(request.POST),
                    },
                )
        except ValidationError as error:
            add_errors(form, error)
    return render(request, "timescales/rule_change.html", {"rule": current, "form": form})


@administrators_only
def closure_days(request):
    form = ClosureDayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.add_closure_day(
                actor=request.user,
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"{result.closure.date:%A %-d %B %Y} added as a closure day. "
                f"{_moved_message(result)}",
            )
            return redirect("timescales:closure-days")
    return render(
        request,
        "timescales/closure_days.html",
        {"form": form, "closures": selectors.closure_day_list(), "today": timezone.localdate()},
    )
