"""The API against its own OpenAPI document (schemathesis, through the WSGI application):
every operation, with a valid partner token, never answers 5xx, and its answers conform to the
document (status codes, content type, response bodies). Bounded: 25 examples an operation.

Run alone: KINFOLD_TESTING=1 .venv/bin/pytest tests/api/test_schemathesis.py -q
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kinfold.api.openapi import openapi_text
from kinfold.wsgi import application

pytestmark = pytest.mark.django_db

SECRET_WORDS = ("Lindqvist", "Tobias", "Freya")


@pytest.fixture(autouse=True)
def api_world(db, settings, tokens, front_door, siblings, personas, details):
    # Enough calls for every example; the rate limit is tested on its own.
    settings.KINFOLD_API_RATE_PER_MINUTE = 1_000_000
    # Requests run in this test's transaction: keep Django from closing the connection at the
    # end of each request (as django.test.Client does).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


# No 5xx; every status, content type, header and body as documented; data that breaks the
# document refused. Not `positive_data_acceptance`: data the document allows may still be
# refused by the service (a future date, a missing override reason) with a documented 422.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]

# The document as the API serves it (test_api checks the committed copy is the same).
schema = schemathesis.openapi.from_dict(json.loads(openapi_text()))


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_keeps_to_the_document(case, tokens):
    response = case.call_and_validate(
        headers={"Authorization": f"Bearer {tokens['police'].token}"},
        app=application,
        base_url="http://localhost",
        checks=CHECKS,
    )
    assert response.status_code < 500
