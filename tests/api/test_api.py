"""The partner API: token authentication, contacts (idempotent), the partner's own contacts
only, information requests and their answers, validation errors, audit and rate limit."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from kinfold.access.models import AuditAction, AuditEvent
from kinfold.api import services as tokens_service
from kinfold.api.openapi import DOCUMENT, openapi_text
from kinfold.front_door import services
from kinfold.front_door.codes import Outcome, Rag, RequestStatus, SharingBasis
from kinfold.front_door.models import Contact, ContactChild, InformationRequest

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

CONTACTS = "/api/v1/contacts"
REQUESTS = "/api/v1/information-requests"


def contact_body(**overrides) -> dict:
    body = {
        "idempotency_key": "NICHE-2026-0001",
        "received_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
        "source": "6",
        "concerns": "Officers attended a domestic incident; two children were in the house.",
        "consent": "not_sought",
        "immediate_risk": False,
        "contactor_name": "PC Example",
        "children": [
            {
                "given_name": "Tobias",
                "family_name": "Lindqvist",
                "date_of_birth": "2015-03-02",
                "sex": "M",
                "postcode": "fn1 4ab",
                "address_line_1": "1 Example Road",
            },
            {"given_name": "Freya", "family_name": "Lindqvist", "date_of_birth": "2019-08-20"},
        ],
    }
    body.update(overrides)
    return body


# ---- tokens ---------------------------------------------------------------------------------


def test_a_call_without_a_valid_token_is_refused(tokens, personas):
    for token in (None, "kf_not-a-real-token", tokens["police"].token[:-1]):
        response = ApiClient(token).get(CONTACTS)
        assert response.status_code == 401, token
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert ApiClient(tokens["police"].token).get(CONTACTS).status_code == 200
    tokens_service.revoke_token(actor=personas["admin"], token_id=tokens["police"].record.pk)
    assert ApiClient(tokens["police"].token).get(CONTACTS).status_code == 401
    # The other partner's token still works.
    assert ApiClient(tokens["health"].token).get(CONTACTS).status_code == 200


def test_a_signed_in_worker_without_a_token_is_refused(client_for, personas, tokens):
    response = client_for(personas["admin"]).get(CONTACTS)
    assert response.status_code == 401


def test_an_inactive_partner_token_stops_working(tokens, front_door):
    front_door["police"].active = False
    front_door["police"].save()
    assert ApiClient(tokens["police"].token).get(CONTACTS).status_code == 401


def test_only_the_hash_of_a_token_is_stored(tokens):
    issued = tokens["police"]
    record = issued.record
    record.refresh_from_db()
    assert issued.token not in json.dumps(
        {f.name: str(getattr(record, f.attname)) for f in record._meta.fields}
    )
    assert record.token_hash == tokens_service.token_hash(issued.token)
    assert issued.token.startswith(record.prefix)
    assert len(record.prefix) < len(issued.token) // 3


def test_using_a_token_records_when_it_was_last_used(police_api, tokens):
    record = tokens["police"].record
    assert record.last_used_at is None
    police_api.get(CONTACTS)
    record.refresh_from_db()
    assert record.last_used_at is not None


# ---- making a contact -----------------------------------------------------------------------


def test_a_partner_makes_a_contact_once_per_idempotency_key(police_api, front_door):
    first = police_api.post(CONTACTS, contact_body())
    assert first.status_code == 201, first.content
    made = first.json()
    contact = Contact.objects.get()
    assert made["reference"] == contact.reference
    assert made["status"] == "received"
    assert contact.partner == front_door["police"]
    assert contact.method == "api"
    assert contact.source == "6"
    supplied = [link.supplied for link in contact.children.order_by("id")]
    assert [s["given_name"] for s in supplied] == ["Tobias", "Freya"]
    assert supplied[0]["postcode"] == "FN1 4AB"
    assert all(link.person_id is None for link in contact.children.all())

    again = police_api.post(CONTACTS, contact_body())
    assert again.status_code == 200, again.content
    assert again.json()["reference"] == made["reference"]
    assert Contact.objects.count() == 1
    assert ContactChild.objects.count() == 2


def test_the_same_key_from_another_partner_is_another_contact(police_api, health_api):
    assert police_api.post(CONTACTS, contact_body()).status_code == 201
    assert health_api.post(CONTACTS, contact_body()).status_code == 201
    assert Contact.objects.count() == 2


def test_the_source_defaults_to_the_partners_census_code(health_api):
    body = contact_body()
    del body["source"]
    assert health_api.post(CONTACTS, body).status_code == 201
    assert Contact.objects.get().source == "3B"


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"source": "99"}, ["body", "payload", "source"]),
        ({"consent": "maybe"}, ["body", "payload", "consent"]),
        ({"method": "pigeon"}, ["body", "payload", "method"]),
        ({"immediate_risk": "perhaps"}, ["body", "payload", "immediate_risk"]),
        ({"received_at": "2026-01-01T09:00:00"}, ["body", "payload", "received_at"]),
        ({"children": []}, ["body", "payload", "children"]),
        ({"concerns": ""}, ["body", "payload", "concerns"]),
    ],
)
def test_a_wrong_value_is_refused_with_where_and_why(police_api, change, where):
    response = police_api.post(CONTACTS, contact_body(**change))
    assert response.status_code == 422, response.content
    problems = response.json()["detail"]
    assert any(p["loc"][: len(where)] == where and p["msg"] for p in problems), problems
    assert not Contact.objects.exists()


def test_a_childs_bad_details_are_refused_with_the_childs_place(police_api):
    body = contact_body()
    body["children"][1] = {"given_name": "Freya", "family_name": "Lindqvist"}
    body["children"][0]["nhs_number"] = "1234567890"
    response = police_api.post(CONTACTS, body)
    assert response.status_code == 422
    places = {tuple(p["loc"][:4]) for p in response.json()["detail"]}
    assert ("body", "payload", "children", 1) in places
    assert any(p["loc"][-1] == "nhs_number" for p in response.json()["detail"])
    assert not Contact.objects.exists()


def test_the_services_errors_come_back_in_the_same_shape(police_api):
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = police_api.post(
        CONTACTS, contact_body(received_at=future, consent="overridden", immediate_risk=True)
    )
    assert response.status_code == 422
    by_place = {tuple(p["loc"]): p["msg"] for p in response.json()["detail"]}
    assert "now or in the past" in by_place[("body", "payload", "received_at")]
    assert (
        "without the family's consent" in by_place[("body", "payload", "consent_override_reason")]
    )
    assert "immediate risk" in by_place[("body", "payload", "immediate_risk_detail")]
    assert not Contact.objects.exists()


def test_the_api_needs_no_csrf_token(police_api):
    # ApiClient enforces CSRF checks as a browser would: a token-authenticated call passes.
    assert police_api.client.handler.enforce_csrf_checks
    assert police_api.post(CONTACTS, contact_body()).status_code == 201


# ---- the partner's contacts -----------------------------------------------------------------


def test_a_partner_sees_only_its_own_contacts(police_api, health_api):
    mine = police_api.post(CONTACTS, contact_body()).json()["reference"]
    theirs = health_api.post(CONTACTS, contact_body(idempotency_key="H-1")).json()["reference"]
    listed = police_api.get(CONTACTS).json()
    assert [c["reference"] for c in listed["items"]] == [mine]
    assert listed["count"] == 1
    assert police_api.get(f"{CONTACTS}/{mine}").status_code == 200
    assert police_api.get(f"{CONTACTS}/{theirs}").status_code == 404
    assert police_api.get(f"{CONTACTS}/C9999999").status_code == 404
    assert police_api.get(f"{CONTACTS}/nonsense").status_code == 404


def test_a_contacts_status_follows_it_to_the_signed_off_decision(
    police_api, front_door, siblings, personas
):
    reference = police_api.post(CONTACTS, contact_body()).json()["reference"]
    contact = Contact.objects.get()

    def status() -> str:
        response = police_api.get(f"{CONTACTS}/{reference}")
        body = response.content.decode()
        assert "Lindqvist" not in body and "Tobias" not in body
        return response.json()["status"]

    assert status() == "received"
    officer = personas["contact_officer"]
    services.take_contact(actor=officer, contact_id=contact.pk)
    assert status() == "being screened"
    for link, kid in zip(contact.children.order_by("id"), siblings, strict=True):
        services.match_child(actor=officer, contact_child_id=link.pk, person=kid)
    contact.refresh_from_db()
    services.screen_contact(
        actor=officer,
        contact_id=contact.pk,
        version=contact.version,
        threshold_level=front_door["levels"][1],
        outcome=Outcome.NFA,
        rationale="Single incident, children safe with their grandmother.",
        sign_off_by=front_door["manager"],
    )
    # Decided but not yet signed off: the partner is not told a decision that may change.
    assert status() == "being screened"
    contact.refresh_from_db()
    services.sign_off(actor=front_door["manager"], contact_id=contact.pk, version=contact.version)
    assert status() == "decided: no further action"


# ---- information requests -------------------------------------------------------------------


@pytest.fixture
def enquiry(front_door, siblings, personas, details):
    officer = personas["contact_officer"]
    contact = services.record_contact(actor=officer, details=details(), children=siblings)
    contact = services.screen_contact(
        actor=officer,
        contact_id=contact.pk,
        version=contact.version,
        threshold_level=front_door["levels"][3],
        outcome=Outcome.MASH,
        rationale="Unexplained bruising: need police and health information.",
        rag=Rag.AMBER,
        rag_reason="No disclosure; children in school today.",
        mash_owner=front_door["mash_worker"],
    )
    asks = {
        name: services.request_information(
            actor=front_door["mash_worker"],
            enquiry_id=contact.mash.pk,
            partner=front_door[name],
            question=f"What does {name} hold about the family?",
        )
        for name in ("police", "health")
    }
    return asks


def answer(**overrides) -> dict:
    body = {
        "holds_information": True,
        "response": "Two call-outs to the address in the last month.",
        "sharing_basis": "safeguarding",
        "responder_name": "MASH police researcher",
    }
    body.update(overrides)
    return body


def test_a_partner_sees_the_requests_sent_to_it(police_api, enquiry, siblings):
    listed = police_api.get(REQUESTS).json()
    assert [r["id"] for r in listed["items"]] == [enquiry["police"].pk]
    request = listed["items"][0]
    assert request["question"] == "What does police hold about the family?"
    assert request["status"] == "open"
    assert {
        (c["given_name"], c["family_name"], c["date_of_birth"]) for c in request["children"]
    } == {(kid.given_name, kid.family_name, kid.date_of_birth.isoformat()) for kid in siblings}
    assert police_api.get(REQUESTS, status="answered").json()["items"] == []
    assert len(police_api.get(REQUESTS, status="open").json()["items"]) == 1
    assert police_api.get(REQUESTS, status="closed").status_code == 422


def test_a_partner_answers_a_request_once(police_api, enquiry):
    url = f"{REQUESTS}/{enquiry['police'].pk}/response"
    response = police_api.post(url, answer())
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "answered"
    request = InformationRequest.objects.get(pk=enquiry["police"].pk)
    assert request.status == RequestStatus.ANSWERED
    assert request.sharing_basis == SharingBasis.SAFEGUARDING
    assert request.recorded_by is None
    again = police_api.post(url, answer(response="Something else"))
    assert again.status_code == 409
    assert "answered" in again.json()["detail"]
    request.refresh_from_db()
    assert request.response == "Two call-outs to the address in the last month."


def test_a_partner_cannot_answer_another_partners_request(police_api, enquiry):
    response = police_api.post(f"{REQUESTS}/{enquiry['health'].pk}/response", answer())
    assert response.status_code == 404
    assert police_api.post(f"{REQUESTS}/999999/response", answer()).status_code == 404
    assert InformationRequest.objects.get(pk=enquiry["health"].pk).status == RequestStatus.OPEN


def test_a_bad_answer_is_refused_with_where_and_why(police_api, enquiry):
    url = f"{REQUESTS}/{enquiry['police'].pk}/response"
    response = police_api.post(url, answer(sharing_basis="because"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "sharing_basis"
    response = police_api.post(url, answer(response="  "))
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "invalid",
            "loc": ["body", "payload", "response"],
            "msg": "Enter the information the agency holds",
        }
    ]
    assert InformationRequest.objects.get(pk=enquiry["police"].pk).status == RequestStatus.OPEN


# ---- audit and rate limit -------------------------------------------------------------------


def test_every_call_is_audited_without_what_was_sent(police_api, front_door, enquiry):
    police_api.post(CONTACTS, contact_body())
    police_api.get(CONTACTS)
    police_api.post(f"{REQUESTS}/{enquiry['police'].pk}/response", answer())
    events = list(
        AuditEvent.objects.filter(object_type__startswith="api.", worker=None).order_by("seq")
    )
    assert [(e.action, e.object_type) for e in events] == [
        (AuditAction.CREATE, "api.contacts"),
        (AuditAction.VIEW, "api.contacts"),
        (AuditAction.EDIT, "api.information-request-response"),
    ]
    assert events[0].object_id == Contact.objects.get(partner=front_door["police"]).reference
    for event in events:
        assert event.worker_id is None
        assert event.detail["partner"] == front_door["police"].pk
        assert event.detail["method"] in ("GET", "POST")
        assert event.detail["path"].startswith("/api/v1/")
        written = json.dumps(event.detail)
        for secret in ("Lindqvist", "domestic", "call-outs", "PC Example"):
            assert secret not in written


def test_calls_over_the_rate_are_refused_with_when_to_retry(police_api, health_api, settings):
    settings.KINFOLD_API_RATE_PER_MINUTE = 3
    assert [police_api.get(CONTACTS).status_code for _ in range(3)] == [200] * 3
    refused = police_api.get(CONTACTS)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 61
    # Per token: the other partner is not held back.
    assert health_api.get(CONTACTS).status_code == 200


# ---- the OpenAPI document -------------------------------------------------------------------


def test_the_openapi_document_lists_the_codes():
    response = ApiClient(None).get("/api/v1/openapi.json")
    assert response.status_code == 200
    schemas = response.json()["components"]["schemas"]
    source = schemas["ContactIn"]["properties"]["source"]
    codes = {v for option in source["anyOf"] for v in option.get("enum", [])}
    assert {"1A", "6", "10"} <= codes
    basis = schemas["AnswerIn"]["properties"]["sharing_basis"]["enum"]
    assert set(basis) == set(SharingBasis.values)


def test_the_docs_page_loads_nothing_from_elsewhere():
    response = ApiClient(None).get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "https://" not in page and "http://" not in page
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"].startswith("'self'")
    assert "unsafe" not in policy["script-src"] and "http" not in policy["script-src"]
    assert policy["img-src"] == "'self' data:"


def test_the_committed_openapi_document_is_current():
    assert DOCUMENT.read_text() == openapi_text(), (
        "docs/api/openapi.json is out of date: run `python manage.py export_openapi`"
    )
