"""The stages of a child's journey, and the named transitions between them, as a registry.

The spine knows the service model's stages (DESIGN.md, "The journey") but nothing of what each
stage records: a stage app registers its transitions, each with the preconditions that must
hold ("a referral decision is recorded") and the event it writes. Adding a stage or a
transition never changes the spine's tables: involvements store the stage's code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Involvement


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    # A register runs beside the main line (a child can be missing while in care).
    register: bool = False


# The service model: the Integrated Front Door, the main line, and the side registers.
STAGES: dict[str, Stage] = {
    s.code: s
    for s in [
        Stage("front_door", "Front door"),
        Stage("early_help", "Early help"),
        Stage("child_in_need", "Child in need"),
        Stage("child_protection", "Child protection"),
        Stage("child_in_care", "Child in care"),
        Stage("care_leaver", "Care leaver"),
        Stage("missing", "Missing from home or care", register=True),
        Stage("lado", "LADO allegation", register=True),
        Stage("private_fostering", "Private fostering", register=True),
        Stage("homeless_16_17", "16 and 17 year old homelessness", register=True),
        Stage("pre_proceedings", "Pre-proceedings (PLO)", register=True),
    ]
}


def stage_label(code: str) -> str:
    stage = STAGES.get(code)
    return stage.label if stage else code


@dataclass(frozen=True)
class TransitionContext:
    involvement: Involvement
    on: Any  # the date the transition happens
    facts: dict[str, Any]


# A precondition returns the reasons the transition cannot happen (empty: it can).
Precondition = Callable[[TransitionContext], list[str]]


@dataclass(frozen=True)
class Transition:
    """A named move from one stage to another (`to_stage` None: the involvement closes)."""

    name: str
    label: str
    from_stage: str
    to_stage: str | None
    preconditions: tuple[Precondition, ...] = field(default=())
    # Whether the involvement left behind is closed (a step up from early help closes it;
    # a CP plan opening beside a CIN episode might not).
    closes_from: bool = True


TRANSITIONS: dict[str, Transition] = {}


def register_stage(stage: Stage) -> None:
    existing = STAGES.get(stage.code)
    if existing and existing != stage:
        raise ValueError(f"Stage {stage.code!r} is already registered differently")
    STAGES[stage.code] = stage


def register_transition(transition: Transition) -> None:
    for code in (transition.from_stage, transition.to_stage):
        if code is not None and code not in STAGES:
            raise ValueError(f"Unknown stage {code!r} in transition {transition.name!r}")
    existing = TRANSITIONS.get(transition.name)
    if existing and existing != transition:
        raise ValueError(f"Transition {transition.name!r} is already registered differently")
    TRANSITIONS[transition.name] = transition
