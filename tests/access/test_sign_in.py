"""Signing in: password, then a TOTP second factor outside demo mode; lockout; idle timeout."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinfold.access.models import AuditAction, AuditEvent


@pytest.fixture
def production_like(settings):
    settings.DEMO_MODE = False


def sign_in(client, worker, password):
    return client.post(
        reverse("access:sign-in"), {"username": worker.username, "password": password}
    )


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_signed_out_every_page_but_sign_in_redirects(db):
    client = Client()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("access:sign-in"))
    assert client.get(reverse("access:sign-in")).status_code == 200


def test_wrong_password_gives_a_clear_error(personas):
    response = sign_in(Client(), personas["allocated_worker"], "not-the-password")
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()


def test_second_factor_is_set_up_then_required(production_like, personas, password):
    worker = personas["allocated_worker"]
    client = Client()
    response = sign_in(client, worker, password)
    assert response.url == reverse("access:otp-setup")
    # Password alone reaches nothing else.
    assert client.get(reverse("home")).url == reverse("access:otp-verify")
    assert client.get(reverse("access:otp-setup")).status_code == 200
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    bad = client.post(
        reverse("access:otp-setup"),
        {"token": "000000" if code_for(device) != "000000" else "111111"},
    )
    assert "The security code is not right" in bad.content.decode()
    # django-otp throttles after a wrong code (1 s, doubling): the worker tries again later.
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=5)):
        device.refresh_from_db()
        response = client.post(reverse("access:otp-setup"), {"token": code_for(device)})
        assert response.status_code == 302
        assert client.get(reverse("home")).status_code == 200

    client.get(reverse("access:sign-out"))
    second = Client()
    assert sign_in(second, worker, password).url == reverse("access:otp-verify")
    assert second.get(reverse("home")).status_code == 302
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=90)):
        device.refresh_from_db()
        response = second.post(reverse("access:otp-verify"), {"token": code_for(device)})
        assert response.status_code == 302
        assert second.get(reverse("home")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, worker=worker).count() == 2


def test_demo_mode_needs_no_second_factor(personas, password):
    client = Client()
    response = sign_in(client, personas["allocated_worker"], password)
    assert response.url == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_the_account_locks_after_repeated_failures(settings, personas, password):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    worker = personas["allocated_worker"]
    for _ in range(3):
        sign_in(Client(), worker, "wrong-password-again")
    response = sign_in(Client(), worker, password)
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()


def test_an_idle_session_ends(personas, password, settings):
    client = Client()
    start = dt.datetime(2026, 5, 5, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        sign_in(client, personas["allocated_worker"], password)
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + dt.timedelta(minutes=29), tick=False):
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
    idle = dt.timedelta(seconds=settings.SESSION_IDLE_TIMEOUT + 60)
    with time_machine.travel(start + dt.timedelta(minutes=29) + idle, tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("access:sign-in"))


def test_pages_carry_a_nonce_based_content_security_policy(personas, client_for):
    response = client_for(personas["allocated_worker"]).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in response.content.decode()
