"""The front door's configuration, for system administrators: partner agencies and their API
tokens, the threshold document's levels, and which district serves each postcode district."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.cache import never_cache

from kinfold.access.guards import administrators_only
from kinfold.api import services as api_tokens
from kinfold.api.models import PartnerToken

from .. import configuration_services as services
from ..configuration_forms import DistrictAreaForm, PartnerForm, ThresholdForm, TokenForm
from ..models import DistrictArea, PartnerOrganisation, ThresholdLevel

# ---- partner agencies -----------------------------------------------------------------------


@administrators_only
def partners(request):
    return render(
        request,
        "front_door/config_partners.html",
        {"partners": PartnerOrganisation.objects.order_by("name")},
    )


@administrators_only
def partner_new(request):
    form = PartnerForm(request.POST or None, button="Add the partner")
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.save_partner(actor=request.user, data=form.data_for_service())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{partner} added")
            return redirect("front_door:partner", partner.pk)
    return render(request, "front_door/config_partner_new.html", {"form": form})


def _tokens(partner: PartnerOrganisation):
    return PartnerToken.objects.filter(partner=partner).select_related("created_by", "revoked_by")


@administrators_only
def partner(request, pk):
    organisation = get_object_or_404(PartnerOrganisation, pk=pk)
    initial = {
        "name": organisation.name,
        "kind": organisation.kind,
        "referral_source": organisation.referral_source,
        "email": organisation.email,
        "active": organisation.active,
    }
    form = PartnerForm(request.POST or None, initial=initial, button="Save changes")
    if request.method == "POST" and form.is_valid():
        try:
            services.save_partner(
                actor=request.user, data=form.data_for_service(), partner_id=organisation.pk
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Changes saved")
            return redirect("front_door:partner", organisation.pk)
    return render(
        request,
        "front_door/config_partner.html",
        {"partner": organisation, "form": form, "tokens": _tokens(organisation)},
    )


@never_cache
@administrators_only
def partner_token_new(request, pk):
    """Issue a token: the next page shows it, once (it is not stored, only its hash)."""
    organisation = get_object_or_404(PartnerOrganisation, pk=pk)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = api_tokens.issue_token(
                actor=request.user, partner=organisation, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return render(
                request,
                "front_door/config_token_issued.html",
                {"partner": organisation, "issued": issued},
            )
    return render(
        request, "front_door/config_token_new.html", {"partner": organisation, "form": form}
    )


@administrators_only
def partner_token_revoke(request, pk, token_pk):
    token = get_object_or_404(
        PartnerToken.objects.select_related("partner"), pk=token_pk, partner=pk
    )
    error = None
    if request.method == "POST":
        try:
            api_tokens.revoke_token(actor=request.user, token_id=token.pk)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(request, f"The token '{token.name}' was revoked: it no longer works")
            return redirect("front_door:partner", token.partner_id)
    return render(
        request,
        "front_door/config_token_revoke.html",
        {"token": token, "partner": token.partner, "error": error},
    )


# ---- the threshold document -----------------------------------------------------------------


@administrators_only
def thresholds(request):
    return render(
        request,
        "front_door/config_thresholds.html",
        {"levels": ThresholdLevel.objects.order_by("level")},
    )


@administrators_only
def threshold(request, pk):
    level = get_object_or_404(ThresholdLevel, pk=pk)
    initial = {
        "title": level.title,
        "description": level.description,
        "usual_outcome": level.usual_outcome,
        "active": level.active,
    }
    form = ThresholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_threshold(actor=request.user, level_id=level.pk, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Level {level.level} saved")
            return redirect("front_door:thresholds")
    return render(request, "front_door/config_threshold.html", {"level": level, "form": form})


# ---- postcode districts ---------------------------------------------------------------------


@administrators_only
def areas(request):
    form = DistrictAreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.add_district_area(
                actor=request.user,
                postcode_district=form.cleaned_data["postcode_district"],
                district=form.cleaned_data["district"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"{area.postcode_district} is served by {area.district}")
            return redirect("front_door:areas")
    return render(
        request,
        "front_door/config_areas.html",
        {"form": form, "areas": DistrictArea.objects.select_related("district")},
    )


urlpatterns = [
    path("configuration/partners/", partners, name="partners"),
    path("configuration/partners/new/", partner_new, name="partner-new"),
    path("configuration/partners/<int:pk>/", partner, name="partner"),
    path("configuration/partners/<int:pk>/tokens/new/", partner_token_new, name="partner-token"),
    path(
        "configuration/partners/<int:pk>/tokens/<int:token_pk>/revoke/",
        partner_token_revoke,
        name="partner-token-revoke",
    ),
    path("configuration/thresholds/", thresholds, name="thresholds"),
    path("configuration/thresholds/<int:pk>/", threshold, name="threshold"),
    path("configuration/areas/", areas, name="areas"),
]
