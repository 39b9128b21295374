"""The returns Kinfold builds, as a registry: one module per return registers its kind.

A kind checks what it is asked for (`parse`, raising ValidationError with a {field: message}
dict) and builds its file from stored facts (`build`), telling the caller how far it has got.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

# Told (done, total) as the build goes.
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    """A child the return could not express in full, and why."""

    part: str
    reason: str
    person_id: int | None = None
    reference: str = ""
    column: str = ""


@dataclass
class BuildResult:
    content: bytes
    file_name: str
    content_type: str
    problems: list[Problem] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Parameters:
    """What a kind's `parse` returns: the normalised parameters (JSON-ready) and the period."""

    values: dict[str, Any]
    as_at: dt.date
    period_start: dt.date
    period_end: dt.date


@dataclass(frozen=True)
class ReturnKind:
    code: str
    title: str
    parse: Callable[[dict[str, Any]], Parameters]
    build: Callable[[dict[str, Any], ProgressCallback], BuildResult]


KINDS: dict[str, ReturnKind] = {}


def register(kind: ReturnKind) -> ReturnKind:
    KINDS[kind.code] = kind
    return kind


def get(code: str) -> ReturnKind:
    try:
        return KINDS[code]
    except KeyError:
        known = ", ".join(sorted(KINDS)) or "none"
        raise ValidationError(
            {"kind": f"Kinfold builds no return called {code!r} ({known})"}
        ) from None
