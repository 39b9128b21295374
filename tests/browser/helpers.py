"""What the browser tests share: the accessibility check, signing in, and TOTP codes."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

_axe = Axe()

# Violations in shared templates, reported for fixing, keyed by (axe rule, CSS target). They are
# left out by assert_accessible and checked by a strict xfail test (test_accessibility.py), which
# fails once the template is fixed, so that the entry is then removed from here.
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}


def _without_known(violations: list[dict]) -> list[dict]:
    left = []
    for v in violations:
        nodes = [
            n
            for n in v["nodes"]
            if (v["id"], ", ".join(map(str, n["target"]))) not in KNOWN_VIOLATIONS
        ]
        if nodes:
            left.append({**v, "nodes": nodes})
    return left


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    at {', '.join(map(str, node['target']))}")
            lines.append(f"      {node['html'][:200]}")
            if node.get("failureSummary"):
                summary = node["failureSummary"].replace("\n", "\n        ")
                lines.append(f"        {summary}")
    return "\n".join(lines)


def assert_accessible(page: Page, *, allow_known: bool = True) -> None:
    """axe-core (every rule it runs by default) finds nothing on the page as it is now.

    With JavaScript disabled axe cannot run in the page (it needs timers): the same address is
    then opened, with the same session, where axe runs but none of the page's own scripts do.
    """
    if not _page_scripts_ran(page):
        _assert_accessible_without_scripts(page, allow_known=allow_known)
        return
    violations = _axe.run(page).response["violations"]
    if allow_known:
        violations = _without_known(violations)
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {page.url}:\n"
        + describe_violations(violations)
    )


def _page_scripts_ran(page: Page) -> bool:
    # base.html's first script marks the body; it cannot have run with JavaScript disabled.
    return page.evaluate("document.body.classList.contains('govuk-frontend-supported')")


def _assert_accessible_without_scripts(page: Page, *, allow_known: bool) -> None:
    context = page.context.browser.new_context(
        storage_state=page.context.storage_state(), viewport=page.viewport_size
    )
    try:
        # The CSP allows no inline script, so blocking the script files blocks them all.
        context.route(re.compile(r"\.m?js(\?.*)?$"), lambda route: route.abort())
        context.route("**/favicon.ico", lambda route: route.fulfill(status=204))
        twin = context.new_page()
        twin.goto(page.url)
        assert not _page_scripts_ran(twin)
        violations = _axe.run(twin).response["violations"]
    finally:
        context.close()
    if allow_known:
        violations = _without_known(violations)
    assert not violations, (
        f"axe found {len(violations)} accessibility violation(s) on {page.url} "
        "(without JavaScript):\n" + describe_violations(violations)
    )


def url(live_server, name: str, *args) -> str:
    return live_server.url + reverse(name, args=args)


def sign_in_with_password(page: Page, live_server, username: str, password: str) -> None:
    page.goto(url(live_server, "access:sign-in"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in(page: Page, live_server, worker, password: str) -> None:
    """Demo mode: a password is enough, and the worker lands on their home page."""
    sign_in_with_password(page, live_server, worker.username, password)
    expect(page.get_by_role("heading", name="Your children", level=1)).to_be_visible()


def secret_key(shown: str) -> bytes:
    """The key a worker would type into an authenticator app, as bytes."""
    import base64

    return base64.b32decode(re.sub(r"\s", "", shown))


def code_now(key: bytes, device: TOTPDevice) -> str:
    """The code an authenticator app shows now, computed with django-otp's own TOTP."""
    totp = TOTP(key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{totp.token():0{device.digits}d}"


def code_accepted_next(device: TOTPDevice) -> str:
    """A code the device accepts now that is not one already used.

    django-otp accepts the steps around now (tolerance, shifted by the device's drift) that
    come after the last step used; a code from the latest of them is still accepted if the clock
    moves on a step before the server checks it.
    """
    device.refresh_from_db()
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.drift = device.drift + device.tolerance
    assert totp.t() > device.last_t, "no unused code is accepted yet"
    return f"{totp.token():0{device.digits}d}"


def error_beside(page: Page, field_id: str):
    """The error messages in the form group of the field with this id (GOV.UK pattern)."""
    return page.locator(f".govuk-form-group--error:has(#{field_id}) .govuk-error-message")


def error_summary(page: Page):
    return page.locator(".govuk-error-summary")


def summary_value(page: Page, key: str):
    """The value beside a key in a GOV.UK summary list."""
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(
            ".govuk-summary-list__key", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$")
        )
    )
    return row.locator(".govuk-summary-list__value")


def fill_date(scope, legend: str, day) -> None:
    """Type a date into the GOV.UK date input whose fieldset has this legend, within `scope`
    (a page or a part of it)."""
    group = scope.get_by_role("group", name=legend, exact=True)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def sign_out(page: Page) -> None:
    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_text("You have signed out")).to_be_visible()
