"""The partner API, version 1: partner agencies' systems make contacts, follow their progress,
and answer the MASH's information requests. Each call carries a partner token (Bearer); each
is audited (kinfold.api.urls) and counted against the token's rate."""

from typing import Annotated

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Field, NinjaAPI, Path, Query, Schema, Status
from ninja.errors import AuthenticationError
from ninja.openapi.docs import Swagger
from ninja.pagination import LimitOffsetPagination, paginate

from kinfold.front_door import services as front_door
from kinfold.front_door.models import Contact, InformationRequest

from . import selectors
from .auth import PartnerTokenAuth, RateLimited
from .schemas import (
    AnswerIn,
    ContactIn,
    ContactOut,
    InformationRequestOut,
    Message,
    RequestStatusCode,
    ValidationErrors,
)

MAX_ID = 2**63 - 1
DESCRIPTION = """
For partner agencies' systems: make a contact with the Integrated Front Door, follow its
progress, and answer the MASH's requests for information.

Send `Authorization: Bearer <token>` with every call; the local authority issues a token per
system. Calls are limited per token per minute (429 with `Retry-After` beyond it). A 422 lists
each problem with its location (`loc`) and message (`msg`).
"""

api = NinjaAPI(
    title="Kinfold partner API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=PartnerTokenAuth(),
    docs=Swagger(settings={"persistAuthorization": False}),
    openapi_url="/openapi.json",
    docs_url="/docs",
    # swagger-ui comes from ninja's static files (no CDN); its stylesheet has a few data: images.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)

ERRORS: dict[int, type] = {401: Message, 422: ValidationErrors, 429: Message}
# A body that is not JSON.
BODY_ERRORS: dict[int, type] = {400: Message, **ERRORS}


class Pagination(LimitOffsetPagination):
    """limit (at most 500) and offset; the items are mapped to their output after slicing."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=500)
        offset: int = Field(0, ge=0, le=10**9)


class Mapped:
    """A query set read through `shown`, sliced in the database."""

    def __init__(self, queryset, shown):
        self.queryset, self.shown = queryset, shown

    def __getitem__(self, where: slice) -> list:
        return [self.shown(item) for item in self.queryset[where]]

    def __len__(self) -> int:
        return self.queryset.count()


@api.exception_handler(AuthenticationError)
def _unauthorised(request: HttpRequest, exc: Exception):
    response = api.create_response(
        request,
        {"detail": "Send a valid API token: Authorization: Bearer <token>"},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="kinfold"'
    return response


@api.exception_handler(RateLimited)
def _rate_limited(request: HttpRequest, exc: RateLimited):
    response = api.create_response(request, {"detail": str(exc)}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def service_errors(error: ValidationError, *where: str | int) -> dict:
    """A service's ValidationError in the shape of ninja's validation errors."""
    if not hasattr(error, "error_dict"):
        return {
            "detail": [{"type": "invalid", "loc": list(where), "msg": m} for m in error.messages]
        }
    found = []
    for field, messages in error.message_dict.items():
        loc: list[str | int] = list(where)
        loc += [int(part) if part.isdigit() else part for part in field.split(".")]
        found += [{"type": "invalid", "loc": loc, "msg": m} for m in messages]
    return {"detail": found}


def _contact_out(contact: Contact) -> dict:
    return {
        "reference": contact.reference,
        "idempotency_key": contact.idempotency_key,
        "received_at": contact.received_at,
        "status": selectors.status_words(contact),
    }


def _request_out(request: InformationRequest) -> dict:
    return {
        "id": request.pk,
        "question": request.question,
        "requested_at": request.requested_at,
        "due_at": request.due_at,
        "status": request.status,
        "children": [vars(c) for c in selectors.requested_children(request)],
    }


@api.post(
    "/contacts",
    url_name="contacts",
    response={200: ContactOut, 201: ContactOut, **BODY_ERRORS},
    summary="Make a contact",
    tags=["contacts"],
)
def submit_contact(request: HttpRequest, payload: ContactIn):
    """Make a contact about one or more children. 201 with the new contact; 200 with the
    contact already made when the `idempotency_key` was sent before (no second contact)."""
    partner = request.auth.partner  # type: ignore[attr-defined]
    details = front_door.ContactDetails(
        received_at=payload.received_at,
        method=payload.method,
        source=payload.source or partner.referral_source,
        concerns=payload.concerns,
        consent=payload.consent,
        consent_override_reason=payload.consent_override_reason,
        immediate_risk=payload.immediate_risk,
        immediate_risk_detail=payload.immediate_risk_detail,
        contactor_name=payload.contactor_name,
        contactor_role=payload.contactor_role,
        contactor_details=payload.contactor_details,
    )
    try:
        contact = front_door.submit_partner_contact(
            partner=partner,
            details=details,
            children=[child.model_dump(mode="json") for child in payload.children],
            idempotency_key=payload.idempotency_key,
        )
    except front_door.DuplicateSubmission as duplicate:
        request.api_object_id = duplicate.contact.reference  # type: ignore[attr-defined]
        return Status(200, _contact_out(duplicate.contact))
    except ValidationError as error:
        return Status(422, service_errors(error, "body", "payload"))
    request.api_object_id = contact.reference  # type: ignore[attr-defined]
    return Status(201, _contact_out(contact))


@api.get(
    "/contacts",
    url_name="contacts-list",
    response={200: list[ContactOut], **ERRORS},
    summary="Your contacts",
    tags=["contacts"],
)
@paginate(Pagination)
def list_contacts(request: HttpRequest):
    """The contacts your organisation made, latest first, with their progress."""
    partner = request.auth.partner  # type: ignore[attr-defined]
    return Mapped(selectors.partner_contacts(partner), _contact_out)


@api.get(
    "/contacts/{reference}",
    url_name="contact",
    response={200: ContactOut, 404: Message, **ERRORS},
    summary="One of your contacts",
    tags=["contacts"],
)
def get_contact(request: HttpRequest, reference: Annotated[str, Path(max_length=20)]):
    """A contact your organisation made, by Kinfold's reference."""
    contact = selectors.partner_contact(request.auth.partner, reference)  # type: ignore[attr-defined]
    if contact is None:
        return Status(404, {"detail": "Your organisation made no contact with this reference"})
    return Status(200, _contact_out(contact))


@api.get(
    "/information-requests",
    url_name="information-requests",
    response={200: list[InformationRequestOut], **ERRORS},
    summary="Information requests to you",
    tags=["information requests"],
)
@paginate(Pagination)
def list_information_requests(
    request: HttpRequest,
    status: Annotated[
        RequestStatusCode | None,  # type: ignore[valid-type]
        Query(description="Only those with this status"),
    ] = None,
):
    """The MASH's requests for information sent to your organisation, soonest due first, with
    the names and dates of birth of the children they are about."""
    partner = request.auth.partner  # type: ignore[attr-defined]
    return Mapped(selectors.partner_requests(partner, status), _request_out)


@api.post(
    "/information-requests/{request_id}/response",
    url_name="information-request-response",
    response={200: InformationRequestOut, 404: Message, 409: Message, **BODY_ERRORS},
    summary="Answer an information request",
    tags=["information requests"],
)
def answer_information_request(
    request: HttpRequest,
    request_id: Annotated[int, Path(ge=1, le=MAX_ID)],
    payload: AnswerIn,
):
    """Say whether your organisation holds information, what it is, and on what basis you share
    it. A request is answered once (409 after)."""
    partner = request.auth.partner  # type: ignore[attr-defined]
    request.api_object_id = request_id  # type: ignore[attr-defined]
    try:
        answered = front_door.answer_information_request(
            request_id=request_id,
            holds_information=payload.holds_information,
            response=payload.response,
            sharing_basis=payload.sharing_basis,
            responder_name=payload.responder_name,
            partner=partner,
        )
    except (InformationRequest.DoesNotExist, PermissionDenied):
        return Status(404, {"detail": "No information request with this id was sent to you"})
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            return Status(422, service_errors(error, "body", "payload"))
        return Status(409, {"detail": " ".join(error.messages)})
    return Status(200, _request_out(selectors.partner_requests(partner).get(pk=answered.pk)))
