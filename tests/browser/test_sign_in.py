"""Signing in in a browser: password, then setting up and using a TOTP authenticator app
(outside demo mode), a wrong code, signing out and in again; lockout after failed passwords."""

import re
import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from .helpers import (
    assert_accessible,
    code_accepted_next,
    code_now,
    error_beside,
    error_summary,
    secret_key,
    sign_in_with_password,
    url,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def production_like(settings):
    settings.DEMO_MODE = False


def test_sign_in_sets_up_an_authenticator_then_asks_for_its_code(
    production_like, live_server, page, personas, password
):
    worker = personas["allocated_worker"]
    page.goto(url(live_server, "home"))
    expect(page).to_have_url(re.compile(r"/sign-in/\?next=%2F$"))
    expect(page.get_by_role("heading", name="Sign in to Kinfold")).to_be_visible()
    expect(page.get_by_text("Demo mode")).to_have_count(0)
    assert_accessible(page)

    sign_in_with_password(page, live_server, worker.username, password)
    expect(page.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    # The image loads after the page: wait for it (fails after the timeout if it never does).
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=qr.element_handle(), timeout=15_000
    )
    # The password alone opens nothing else.
    expect(page.locator("#header-search")).to_have_count(0)
    assert_accessible(page)

    page.get_by_text("I cannot scan the code").click()
    secret = page.get_by_test_id("totp-secret")
    expect(secret).to_be_visible()
    key = secret_key(secret.inner_text())
    device = TOTPDevice.objects.get(user=worker, confirmed=False)
    assert key == device.bin_key
    right = code_now(key, device)

    page.get_by_label("Security code").fill("000000" if right != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    expect(error_summary(page)).to_contain_text("The security code is not right")
    expect(error_beside(page, "id_token")).to_contain_text("The security code is not right")
    expect(page).to_have_title(re.compile(r"^Set up your authenticator app - Error"))
    assert_accessible(page)

    time.sleep(1.2)  # django-otp makes the worker wait a second after a wrong code
    page.get_by_label("Security code").fill(code_now(key, device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Your authenticator app is set up")).to_be_visible()
    expect(page.get_by_role("heading", name="Your children", level=1)).to_be_visible()
    expect(page.locator(".kf-header-worker")).to_contain_text(worker.get_full_name())
    expect(page.locator(".kf-header-worker")).to_contain_text("North children's team")
    assert_accessible(page)

    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
    page.goto(url(live_server, "home"))
    expect(page.get_by_role("heading", name="Sign in to Kinfold")).to_be_visible()

    sign_in_with_password(page, live_server, worker.username, password)
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    page.goto(url(live_server, "home"))  # not without the code
    expect(page.get_by_role("heading", name="Enter your security code")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Security code").fill(code_accepted_next(TOTPDevice.objects.get(user=worker)))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Your children", level=1)).to_be_visible()


def test_a_wrong_password_then_the_account_locks(live_server, page, settings, personas, password):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    worker = personas["allocated_worker"]

    sign_in_with_password(page, live_server, worker.username, "not-the-password")
    expect(error_summary(page)).to_contain_text("Enter a correct username and password")
    expect(page.locator("#id_username")).to_have_value(worker.username)
    assert_accessible(page)

    sign_in_with_password(page, live_server, worker.username, "")
    expect(error_beside(page, "id_password")).to_contain_text("Enter your password")

    for _ in range(2):
        sign_in_with_password(page, live_server, worker.username, "still-not-the-password")
    sign_in_with_password(page, live_server, worker.username, password)
    expect(page.get_by_role("heading", name="Your account is locked")).to_be_visible()
    assert_accessible(page)
