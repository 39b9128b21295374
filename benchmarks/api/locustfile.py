"""Partner contacts through the API: each simulated partner system POSTs contacts, some of them
retried with the same idempotency key (as a system does after a timeout), and checks the status
of one it made. Run by bench_api.py; the token comes from KINFOLD_API_TOKEN."""

from __future__ import annotations

import datetime as dt
import os
import random
import uuid

from locust import HttpUser, between, task

TOKEN = os.environ["KINFOLD_API_TOKEN"]
SOURCES = ["6", "2A", "3B", "3E", "7"]


def _contact(key: str) -> dict:
    born = dt.date(2010, 1, 1) + dt.timedelta(days=random.randrange(5000))
    return {
        "idempotency_key": key,
        "received_at": (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat(),
        "source": random.choice(SOURCES),
        "concerns": "Officers attended a report of shouting; the child was upset.",
        "consent": random.choice(["given", "not_sought"]),
        "children": [
            {
                "given_name": random.choice(["Ada", "Bo", "Cai", "Dee", "Eli"]),
                "family_name": random.choice(["Marsh", "Fenwick", "Drover", "Reed"]),
                "date_of_birth": born.isoformat(),
                "postcode": "FN1 4AB",
            }
        ],
    }


class PartnerSystem(HttpUser):
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        self.client.headers["Authorization"] = f"Bearer {TOKEN}"
        # As the TLS-terminating proxy in front of gunicorn would say (production settings
        # redirect plain HTTP to HTTPS).
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.made: list[str] = []

    @task(8)
    def submit(self) -> None:
        key = uuid.uuid4().hex
        with self.client.post(
            "/api/v1/contacts", json=_contact(key), name="POST /contacts", catch_response=True
        ) as response:
            if response.status_code != 201:
                response.failure(f"{response.status_code}: {response.text[:200]}")
            else:
                self.made.append(response.json()["reference"])

    @task(1)
    def retry(self) -> None:
        key = uuid.uuid4().hex
        body = _contact(key)
        self.client.post("/api/v1/contacts", json=body, name="POST /contacts")
        with self.client.post(
            "/api/v1/contacts", json=body, name="POST /contacts (retry)", catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"a retry answered {response.status_code}, not 200")

    @task(2)
    def status(self) -> None:
        if self.made:
            self.client.get(
                f"/api/v1/contacts/{random.choice(self.made)}", name="GET /contacts/{reference}"
            )
