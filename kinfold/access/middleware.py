"""No page but sign-in is reachable signed out; outside demo mode, not before the second factor."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import resolve, reverse
from django.utils.http import urlencode

# The partner API: each call is authenticated by its partner token (kinfold.api), not sign-in.
API_PREFIX = "/api/"
# URL names reachable without a completed sign-in.
OPEN_URL_NAMES = {"access:sign-in"}
# URL names reachable after the password but before the second factor.
SECOND_FACTOR_URL_NAMES = {
    "access:otp-verify",
    "access:otp-setup",
    "access:otp-qr",
    "access:sign-out",
}


class SignInRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(settings.STATIC_URL) or path.startswith(API_PREFIX):
            return self.get_response(request)
        try:
            name = resolve(path).view_name
        except Exception:
            name = ""
        user = request.user
        if name in OPEN_URL_NAMES:
            return self.get_response(request)
        if not user.is_authenticated:
            return redirect(
                f"{reverse('access:sign-in')}?{urlencode({'next': request.get_full_path()})}"
            )
        if (
            not settings.DEMO_MODE
            and not user.is_verified()
            and name not in SECOND_FACTOR_URL_NAMES
        ):
            return redirect("access:otp-verify")
        return self.get_response(request)
