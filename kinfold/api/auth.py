"""Bearer-token authentication of a partner's system, and the per-token rate limit (a fixed
window counted in the Django cache)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from . import services
from .models import PartnerToken

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__(f"Too many requests: try again in {retry_after} seconds")
        self.retry_after = retry_after


def rate_per_minute() -> int:
    return int(getattr(settings, "KINFOLD_API_RATE_PER_MINUTE", 120))


def check_rate(token: PartnerToken) -> None:
    """Count the call in this minute's window; RateLimited once the token is over its rate."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"kinfold:api-rate:{token.pk}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    if count > rate_per_minute():
        raise RateLimited(max(1, int((window + 1) * WINDOW_SECONDS - now) + 1))


class PartnerTokenAuth(HttpBearer):
    """`Authorization: Bearer kf_…`: the active token of an active partner organisation."""

    openapi_description = "A token issued to your organisation by the local authority"

    def authenticate(self, request: HttpRequest, token: str) -> PartnerToken | None:
        record = services.authenticate(token)
        if record is None:
            return None
        # For the audit of the call, even when it is refused for its rate.
        request.api_token = record  # type: ignore[attr-defined]
        check_rate(record)
        return record
