"""The partner API's world: the front door (tests/front_door/conftest.py), a token each for
the police and health partners, and an API client that sends a token."""

import json

import pytest
from django.core.cache import cache
from django.test import Client

from kinfold.api import services
from tests.front_door.conftest import *  # noqa: F403 - front_door, siblings, details


@pytest.fixture(autouse=True)
def _fresh_rate_windows():
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    """Calls the API with a bearer token (or none), JSON in and out."""

    def __init__(self, token: str | None):
        self.client = Client(enforce_csrf_checks=True)
        self.token = token

    def _headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self._headers())

    def post(self, path: str, body):
        return self.client.post(
            path, json.dumps(body), content_type="application/json", headers=self._headers()
        )


@pytest.fixture
def tokens(front_door, personas):
    admin = personas["admin"]
    return {
        "police": services.issue_token(actor=admin, partner=front_door["police"], name="Niche"),
        "health": services.issue_token(actor=admin, partner=front_door["health"], name="SystmOne"),
    }


@pytest.fixture
def police_api(tokens):
    return ApiClient(tokens["police"].token)


@pytest.fixture
def health_api(tokens):
    return ApiClient(tokens["health"].token)
