"""The browser set-up of tests/browser (Debian's Chromium, headless), for the browser tests of
the workforce pages."""

from tests.browser.conftest import (  # noqa: F401
    browser_context_args,
    browser_type_launch_args,
    page,
)
