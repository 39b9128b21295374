"""The front door's configuration pages (administrators only): partner agencies and their API
tokens, the threshold document's levels, postcode districts. Each change audited."""

import pytest
from django.urls import reverse

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.api import services as api_tokens
from kinfold.api.models import PartnerToken
from kinfold.front_door.models import DistrictArea, PartnerOrganisation, ThresholdLevel

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client_for, personas):
    return client_for(personas["admin"])


PAGES = [
    ("front_door:partners", lambda fd: {}),
    ("front_door:partner-new", lambda fd: {}),
    ("front_door:partner", lambda fd: {"pk": fd["police"].pk}),
    ("front_door:partner-token", lambda fd: {"pk": fd["police"].pk}),
    ("front_door:thresholds", lambda fd: {}),
    ("front_door:threshold", lambda fd: {"pk": fd["levels"][1].pk}),
    ("front_door:areas", lambda fd: {}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_only_administrators_reach_the_pages(name, kwargs, front_door, client_for, personas):
    url = reverse(name, kwargs=kwargs(front_door))
    assert client_for(personas["admin"]).get(url).status_code == 200
    for persona in ("team_manager", "contact_officer", "performance_officer"):
        assert client_for(personas[persona]).get(url).status_code == 403, persona
        assert client_for(personas[persona]).post(url, {"name": "X"}).status_code == 403


def test_a_non_administrator_changes_nothing_by_posting(front_door, client_for, personas):
    client = client_for(front_door["manager"])
    client.post(
        reverse("front_door:partner-token", kwargs={"pk": front_door["police"].pk}),
        {"name": "Sneaky"},
    )
    client.post(reverse("front_door:areas"), {"postcode_district": "FN9"})
    assert not PartnerToken.objects.exists()
    assert not DistrictArea.objects.filter(postcode_district="FN9").exists()


# ---- partners -------------------------------------------------------------------------------


def test_an_administrator_adds_and_changes_a_partner(admin_client, front_door, personas):
    response = admin_client.post(
        reverse("front_door:partner-new"),
        {"name": "Fenshire Probation", "kind": "probation", "referral_source": "7", "active": "on"},
    )
    partner = PartnerOrganisation.objects.get(name="Fenshire Probation")
    assert response.status_code == 302
    assert response["Location"] == reverse("front_door:partner", kwargs={"pk": partner.pk})
    assert partner.active and partner.referral_source == "7"
    listed = admin_client.get(reverse("front_door:partners")).content.decode()
    assert "Fenshire Probation" in listed

    admin_client.post(
        reverse("front_door:partner", kwargs={"pk": partner.pk}),
        {"name": "Fenshire Probation Service", "kind": "probation", "referral_source": "7"},
    )
    partner.refresh_from_db()
    assert partner.name == "Fenshire Probation Service"
    assert partner.active is False  # the box was not ticked
    edits = AuditEvent.objects.filter(
        object_type="front_door.partnerorganisation", object_id=str(partner.pk)
    ).order_by("seq")
    assert [e.action for e in edits] == [AuditAction.CREATE, AuditAction.EDIT]
    assert edits[1].worker == personas["admin"]
    assert set(edits[1].detail["changed"]) == {"name", "active"}


def test_a_partner_needs_a_name_of_its_own(admin_client, front_door):
    response = admin_client.post(
        reverse("front_door:partner-new"),
        {"name": "fenshire police", "kind": "police", "referral_source": "6"},
    )
    assert response.status_code == 200
    assert "There is already a partner organisation called fenshire police" in (
        response.content.decode()
    )
    response = admin_client.post(reverse("front_door:partner-new"), {"kind": "nonsense"})
    page = response.content.decode()
    assert "Enter the organisation&#x27;s name" in page or "Enter the organisation's name" in page
    assert "govuk-error-summary" in page
    assert PartnerOrganisation.objects.count() == 2


# ---- tokens ---------------------------------------------------------------------------------


def test_a_token_is_shown_once_and_works(admin_client, front_door, personas):
    police = front_door["police"]
    response = admin_client.post(
        reverse("front_door:partner-token", kwargs={"pk": police.pk}), {"name": "Niche RMS"}
    )
    assert response.status_code == 200
    record = PartnerToken.objects.get(partner=police)
    token = response.context["issued"].token
    page = response.content.decode()
    assert token in page
    assert "no-store" in response["Cache-Control"]
    assert api_tokens.authenticate(token) == record
    assert record.created_by == personas["admin"]
    # Never again: not on the partner's page, not stored.
    partner_page = admin_client.get(reverse("front_door:partner", kwargs={"pk": police.pk}))
    assert token not in partner_page.content.decode()
    assert record.prefix in partner_page.content.decode()
    assert record.token_hash != token


def test_a_token_needs_a_name_not_already_in_use(admin_client, front_door, personas):
    police = front_door["police"]
    api_tokens.issue_token(actor=personas["admin"], partner=police, name="Niche RMS")
    url = reverse("front_door:partner-token", kwargs={"pk": police.pk})
    response = admin_client.post(url, {"name": "Niche RMS"})
    assert "already has an active token called" in response.content.decode()
    response = admin_client.post(url, {"name": ""})
    assert "Enter what the token is for" in response.content.decode()
    assert PartnerToken.objects.count() == 1


def test_an_administrator_revokes_a_token(admin_client, front_door, personas):
    issued = api_tokens.issue_token(
        actor=personas["admin"], partner=front_door["police"], name="Niche RMS"
    )
    url = reverse(
        "front_door:partner-token-revoke",
        kwargs={"pk": front_door["police"].pk, "token_pk": issued.record.pk},
    )
    assert "Revoke the token" in admin_client.get(url).content.decode()
    assert api_tokens.authenticate(issued.token) is not None
    response = admin_client.post(url)
    assert response.status_code == 302
    assert api_tokens.authenticate(issued.token) is None
    issued.record.refresh_from_db()
    assert issued.record.revoked_by == personas["admin"]
    again = admin_client.post(url)
    assert "already revoked" in again.content.decode()
    # A token is revoked through its own partner's page only.
    other = reverse(
        "front_door:partner-token-revoke",
        kwargs={"pk": front_door["health"].pk, "token_pk": issued.record.pk},
    )
    assert admin_client.get(other).status_code == 404


def test_the_command_prints_a_working_token_once(front_door, capsys):
    from django.core.management import call_command

    call_command("issue_api_token", "--partner", "Fenshire Police", "--name", "Niche")
    out, err = capsys.readouterr()
    token = out.strip()
    assert api_tokens.authenticate(token).partner == front_door["police"]
    assert token not in err


# ---- thresholds -----------------------------------------------------------------------------


def test_an_administrator_changes_a_level_audited(admin_client, front_door, personas):
    level = front_door["levels"][2]
    url = reverse("front_door:threshold", kwargs={"pk": level.pk})
    response = admin_client.post(
        url,
        {
            "title": "Additional needs",
            "description": "Needs met by a targeted early help offer.",
            "usual_outcome": "early_help",
        },
    )
    assert response.status_code == 302
    level.refresh_from_db()
    assert (level.title, level.usual_outcome, level.active) == (
        "Additional needs",
        "early_help",
        False,
    )
    event = AuditEvent.objects.get(object_type="front_door.thresholdlevel", object_id=str(level.pk))
    assert event.action == AuditAction.EDIT and event.worker == personas["admin"]
    assert "title" in event.detail["changed"] and "active" in event.detail["changed"]
    listed = admin_client.get(reverse("front_door:thresholds")).content.decode()
    assert "Additional needs" in listed


def test_a_level_needs_its_words(admin_client, front_door):
    level = front_door["levels"][1]
    before = (level.title, level.description)
    response = admin_client.post(
        reverse("front_door:threshold", kwargs={"pk": level.pk}),
        {"title": " ", "description": "", "usual_outcome": "sideways"},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "description", "usual_outcome"}
    level.refresh_from_db()
    assert (level.title, level.description) == before
    assert not AuditEvent.objects.filter(object_type="front_door.thresholdlevel").exists()


# ---- postcode districts ---------------------------------------------------------------------


def test_an_administrator_adds_a_postcode_district(admin_client, front_door, org):
    response = admin_client.post(
        reverse("front_door:areas"), {"postcode_district": " fn3 ", "district": org["south"].pk}
    )
    assert response.status_code == 302
    area = DistrictArea.objects.get(postcode_district="FN3")
    assert area.district == org["south"]
    assert AuditEvent.objects.filter(
        object_type="front_door.districtarea", object_id=str(area.pk), action=AuditAction.CREATE
    ).exists()
    assert "FN3" in admin_client.get(reverse("front_door:areas")).content.decode()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("FN1", "FN1 is already served by North district"),
        ("FN1 4AB", "the first part of a postcode"),
        ("123", "the first part of a postcode"),
        ("QQ1", "the first part of a postcode"),
        ("", "Enter the postcode district"),
    ],
)
def test_a_malformed_or_duplicate_district_is_refused(admin_client, front_door, org, code, message):
    response = admin_client.post(
        reverse("front_door:areas"), {"postcode_district": code, "district": org["south"].pk}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert DistrictArea.objects.count() == 1


def test_only_a_district_serves_a_postcode_district(admin_client, front_door, org):
    response = admin_client.post(
        reverse("front_door:areas"),
        {"postcode_district": "FN7", "district": org["north_childrens"].pk},
    )
    assert response.status_code == 200
    assert "Choose the district that serves it" in response.content.decode()
    assert not DistrictArea.objects.filter(postcode_district="FN7").exists()


def test_levels_exist_for_the_pages(front_door):
    assert ThresholdLevel.objects.exists()
