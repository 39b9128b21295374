"""Signing in and out, the second factor, breaking the glass, and the audit pages."""

from __future__ import annotations

import io

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfold.people.models import Person

from . import audit, services
from .forms import (
    BreakGlassForm,
    LiftRestrictionForm,
    NameWorkerForm,
    RestrictForm,
    SignInForm,
    TokenForm,
)
from .guards import administrators_only, record_managers
from .models import AuditAction, AuditEvent, BreakGlass, RestrictedAccess
from .visibility import Access, check_person


class SignInView(LoginView):
    template_name = "access/sign_in.html"
    form_class = SignInForm
    redirect_authenticated_user = False

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(worker=self.request.user, action=AuditAction.SIGN_IN)
        if settings.DEMO_MODE:
            return response
        nxt = self.get_redirect_url()
        has_device = TOTPDevice.objects.filter(user=self.request.user, confirmed=True).exists()
        target = reverse("access:otp-verify" if has_device else "access:otp-setup")
        return redirect(f"{target}?next={nxt}" if nxt else target)


def _safe_next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    nxt = request.GET.get("next") or request.POST.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse("home")


def otp_verify(request):
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("access:otp-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = django_otp.match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", "The security code is not right, or has expired: try the new code")
    return render(request, "access/otp_verify.html", {"form": form, "next": _safe_next(request)})


def otp_setup(request):
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("access:otp-verify")
    device = services.pending_totp_device(worker=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(
            worker=request.user, device=device, token=form.cleaned_data["token"]
        ):
            django_otp.login(request, device)
            messages.success(request, "Your authenticator app is set up")
            return redirect(_safe_next(request))
        form.add_error("token", "The security code is not right: check the app and try again")
    import base64

    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "access/otp_setup.html",
        {"form": form, "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))},
    )


def otp_qr(request):
    device = services.pending_totp_device(worker=request.user)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


def sign_out(request):
    if request.user.is_authenticated:
        audit.record(worker=request.user, action=AuditAction.SIGN_OUT)
    logout(request)
    messages.success(request, "You have signed out")
    return redirect("access:sign-in")


def break_glass(request, pk):
    person = get_object_or_404(Person, pk=pk, merged_into__isnull=True)
    decision = check_person(request.user, person)
    if decision.allowed:
        return redirect("people:detail", person.pk)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.break_glass(worker=request.user, person=person, reason=form.cleaned_data["reason"])
        return redirect("people:detail", person.pk)
    return render(
        request,
        "access/break_glass.html",
        {
            "form": form,
            "person": person,
            "restricted": decision.access is Access.RESTRICTED,
            "managers": record_managers(person),
        },
    )


def break_glass_reviews(request):
    """Break-glass views of the records I answer for, newest first."""
    events = [
        e
        for e in BreakGlass.objects.select_related("person", "worker", "reviewed_by")[:500]
        if request.user in record_managers(e.person)
    ]
    return render(request, "access/break_glass_reviews.html", {"events": events})


@require_POST
def break_glass_acknowledge(request, pk):
    event = get_object_or_404(BreakGlass.objects.select_related("person"), pk=pk)
    if request.user not in record_managers(event.person):
        return render(
            request,
            "error.html",
            {"heading": "You cannot do that", "message": "Only the record's manager can."},
            status=403,
        )
    services.acknowledge_break_glass(manager=request.user, event=event)
    messages.success(request, "Marked as reviewed")
    return redirect("access:break-glass-reviews")


@administrators_only
def audit_log(request):
    events = AuditEvent.objects.select_related("worker").order_by("-seq")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "access/audit_log.html",
        {"page": page, "actions": AuditAction.choices, "action": action},
    )


@administrators_only
def person_audit(request, pk):
    """Who has looked at this child."""
    person = get_object_or_404(Person, pk=pk)
    events = (
        AuditEvent.objects.filter(object_type="people.person", object_id=str(person.pk))
        .select_related("worker")
        .order_by("-seq")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    audit.record(
        worker=request.user,
        action=AuditAction.VIEW,
        object_type="audit.person",
        object_id=person.pk,
    )
    return render(
        request,
        "access/person_audit.html",
        {
            "person": person,
            "page": page,
            "now": timezone.now(),
            # Administrators answer for the log, not the child: a restricted record is named
            # only to those named on it.
            "show_name": check_person(request.user, person).allowed,
        },
    )


def restriction(request, pk):
    """Restrict a record, name who may see it, revoke them, or lift the restriction."""
    person = get_object_or_404(Person, pk=pk, merged_into__isnull=True)
    if not services.can_manage_restriction(worker=request.user, person=person):
        return render(
            request,
            "error.html",
            {
                "heading": "You cannot manage access to this record",
                "message": "Ask the record's restriction manager or a system administrator.",
            },
            status=403,
        )
    data = request.POST if request.method == "POST" else None
    restrict_form = RestrictForm(data if data and "submit" in data else None, prefix="restrict")
    name_form = NameWorkerForm(data if data and "name_worker" in data else None, prefix="name")
    lift_form = LiftRestrictionForm(data if data and "lift" in data else None, prefix="lift")
    try:
        if restrict_form.is_bound and restrict_form.is_valid():
            services.restrict_person(
                worker=request.user,
                person=person,
                reason=restrict_form.cleaned_data["reason"],
                manager=restrict_form.cleaned_data["manager"],
            )
            messages.success(request, "The record is restricted")
            return redirect("access:restriction", person.pk)
        if name_form.is_bound and name_form.is_valid():
            named = name_form.cleaned_data["username"]
            services.name_worker_on_restricted(worker=request.user, person=person, named=named)
            messages.success(request, f"{named.get_full_name()} can now see the record")
            return redirect("access:restriction", person.pk)
        if lift_form.is_bound and lift_form.is_valid():
            services.lift_restriction(
                worker=request.user, person=person, reason=lift_form.cleaned_data["reason"]
            )
            messages.success(request, "The restriction is lifted")
            return redirect("access:restriction", person.pk)
        if data and "revoke" in data:
            grant = get_object_or_404(
                RestrictedAccess, pk=data["revoke"], person=person, revoked_at__isnull=True
            )
            services.revoke_restricted_access(worker=request.user, grant=grant)
            messages.success(request, f"{grant.worker.get_full_name()} can no longer see it")
            return redirect("access:restriction", person.pk)
    except services.RestrictionError as error:
        target = name_form if name_form.is_bound else restrict_form
        field = "username" if target is name_form else "reason"
        target.add_error(field, str(error))
    grants = RestrictedAccess.objects.filter(person=person, revoked_at__isnull=True).select_related(
        "worker"
    )
    bound = [f for f in (restrict_form, name_form, lift_form) if f.is_bound and f.errors]
    return render(
        request,
        "access/restriction.html",
        {
            "person": person,
            "restrict_form": restrict_form,
            "name_form": name_form,
            "lift_form": lift_form,
            "grants": grants,
            "form": bound[0] if bound else None,
        },
    )
