"""The API's request and response bodies. Coded fields are Literals of the code values, so the
OpenAPI document lists the codes a partner may send."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StrictBool, model_validator

from kinfold.front_door.codes import (
    Consent,
    ContactMethod,
    ReferralSource,
    RequestStatus,
    SharingBasis,
)
from kinfold.people.codes import Sex
from kinfold.people.validators import normalise_nhs_number, normalise_postcode
from kinfold.people.validators import validate_nhs_number as _validate_nhs_number
from kinfold.people.validators import validate_postcode as _validate_postcode

from .selectors import STATUS_WORDS


def _codes(choices) -> Any:
    """A Literal of a TextChoices' values (a schema enum)."""
    return Literal.__getitem__(tuple(choices.values))


MethodCode = _codes(ContactMethod)
SourceCode = _codes(ReferralSource)
ConsentCode = _codes(Consent)
SexCode = _codes(Sex)
SharingBasisCode = _codes(SharingBasis)
RequestStatusCode = _codes(RequestStatus)
ContactStatusWords = Literal.__getitem__(STATUS_WORDS)


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text must not contain NUL characters")
    return value


def _text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str, Field(min_length=min_length, max_length=max_length), AfterValidator(_no_nul)
    ]


def _iso_text(value: Any) -> Any:
    """Dates and times as ISO 8601 text only (not numbers read as seconds since 1970)."""
    if not isinstance(value, str | dt.date):
        raise ValueError("Give the date as text, like 2020-01-31 (times: 2020-01-31T09:30Z)")
    return value


Date = Annotated[dt.date, BeforeValidator(_iso_text)]
When = Annotated[AwareDatetime, BeforeValidator(_iso_text)]


def _nhs_number(value: str | None) -> str | None:
    if not value:
        return None
    try:
        _validate_nhs_number(value)
    except DjangoValidationError as error:
        raise ValueError(error.messages[0]) from None
    return normalise_nhs_number(value)


def _postcode(value: str | None) -> str | None:
    if not value:
        return None
    try:
        _validate_postcode(value)
    except DjangoValidationError as error:
        raise ValueError(error.messages[0]) from None
    return normalise_postcode(value)


class ChildIn(Schema):
    """A child the contact is about, as the partner's records describe them."""

    given_name: _text(100, 1)  # type: ignore[valid-type]
    family_name: _text(100, 1)  # type: ignore[valid-type]
    date_of_birth: Date | None = None
    expected_date_of_birth: Date | None = Field(None, description="For an unborn child")
    sex: SexCode | None = None  # type: ignore[valid-type]
    nhs_number: Annotated[str | None, AfterValidator(_nhs_number)] = Field(
        None, max_length=20, description="10 digits, like 9434765919"
    )
    postcode: Annotated[str | None, AfterValidator(_postcode)] = Field(None, max_length=10)
    address_line_1: _text(200) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _dates(self) -> "ChildIn":
        today = timezone.localdate()
        if self.date_of_birth is None and self.expected_date_of_birth is None:
            raise ValueError("Give the child's date of birth or expected date of birth")
        if self.date_of_birth is not None and self.date_of_birth > today:
            raise ValueError("The date of birth must be today or in the past")
        return self


class ContactIn(Schema):
    """A contact from the partner's system. Send the same `idempotency_key` when retrying: the
    contact is made once."""

    idempotency_key: _text(100, 1) = Field(  # type: ignore[valid-type]
        description="Your own reference for this contact, unique among yours"
    )
    received_at: When = Field(description="When the contact was made, with its offset")
    method: MethodCode = ContactMethod.PARTNER_API.value  # type: ignore[valid-type]
    source: SourceCode | None = Field(  # type: ignore[valid-type]
        None,
        description="The DfE CIN census referral source; your organisation's when left out",
    )
    concerns: _text(20000, 1)  # type: ignore[valid-type]
    consent: ConsentCode  # type: ignore[valid-type]
    consent_override_reason: _text(5000) = ""  # type: ignore[valid-type]
    immediate_risk: StrictBool = False
    immediate_risk_detail: _text(5000) = ""  # type: ignore[valid-type]
    contactor_name: _text(150) = ""  # type: ignore[valid-type]
    contactor_role: _text(150) = ""  # type: ignore[valid-type]
    contactor_details: _text(200) = ""  # type: ignore[valid-type]
    children: list[ChildIn] = Field(min_length=1, max_length=20)


class ContactOut(Schema):
    reference: str = Field(description="Kinfold's reference, like C0000042")
    idempotency_key: str
    received_at: dt.datetime
    status: ContactStatusWords  # type: ignore[valid-type]


class RequestedChildOut(Schema):
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    expected_date_of_birth: dt.date | None


class InformationRequestOut(Schema):
    id: int
    question: str
    requested_at: dt.datetime
    due_at: dt.datetime
    status: RequestStatusCode  # type: ignore[valid-type]
    children: list[RequestedChildOut]


class AnswerIn(Schema):
    holds_information: StrictBool
    response: _text(20000) = Field(  # type: ignore[valid-type]
        "", description="What you hold (required when you hold information)"
    )
    sharing_basis: SharingBasisCode  # type: ignore[valid-type]
    responder_name: _text(150, 1)  # type: ignore[valid-type]


class Message(Schema):
    detail: str


class FieldError(Schema):
    type: str
    loc: list[str | int]
    msg: str


class ValidationErrors(Schema):
    detail: list[FieldError]
