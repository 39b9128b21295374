"""The plan-quality checks: the list, and changing one (system administrators only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from kinfold.access.guards import administrators_only

from . import services
from .forms import RuleForm
from .models import CheckRule


@administrators_only
def rules(request):
    return render(request, "quality/rules.html", {"rules": CheckRule.objects.all()})


@administrators_only
def rule(request, code):
    found = get_object_or_404(CheckRule, code=code)
    initial = {
        "version": found.version,
        "active": "yes" if found.active else "no",
        "severity": found.severity,
        "parameter": found.parameter,
    }
    form = RuleForm(request.POST if request.method == "POST" else None, initial=initial, rule=found)
    if form.is_bound and form.is_valid():
        try:
            services.update_rule(
                actor=request.user,
                code=found.code,
                active=form.cleaned_data["active"],
                severity=form.cleaned_data["severity"],
                parameter=form.cleaned_data.get("parameter"),
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"The check '{found.title}' was saved")
            return redirect("quality:rules")
    return render(request, "quality/rule.html", {"rule": found, "form": form})
