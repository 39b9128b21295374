"""The partner API at /api/v1/, every call audited (the partner, the method and path, the
answer's status: never what was sent)."""

from __future__ import annotations

import functools

from django.urls import URLPattern, path

from kinfold.access import audit
from kinfold.access.models import AuditAction

from .api import api

ACTIONS = {"POST": AuditAction.CREATE, "PUT": AuditAction.EDIT, "PATCH": AuditAction.EDIT}
# A POST that changes something already there (an answer), not a new thing.
EDITS = {"information-request-response"}


def audited(view, name: str):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        token = getattr(request, "api_token", None)
        if token is not None:
            action = ACTIONS.get(request.method, AuditAction.VIEW)
            if name in EDITS and action == AuditAction.CREATE:
                action = AuditAction.EDIT
            audit.record(
                worker=None,
                action=action,
                object_type=f"api.{name}",
                object_id=str(getattr(request, "api_object_id", "") or ""),
                detail={
                    "partner": token.partner_id,
                    "token": token.pk,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                },
            )
        return response

    return wrapper


def _audited_patterns(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLPattern) and pattern.name not in (
            "openapi-json",
            "openapi-view",
            "api-root",
        ):
            yield URLPattern(
                pattern.pattern,
                audited(pattern.callback, pattern.name),
                pattern.default_args,
                pattern.name,
            )
        else:
            yield pattern


_patterns, _app, _namespace = api.urls
urlpatterns = [path("v1/", (list(_audited_patterns(_patterns)), _app, _namespace))]
