"""Short synthetic case-recording text: titles, purpose, observation, analysis, the child's
views, decisions and actions. Invented phrases; the only name used is the child's synthetic
given name from the county."""

from __future__ import annotations

import random

PURPOSE = {
    "child_protection": (
        "Statutory child protection visit: to see {name} and check progress on the plan.",
        "To see {name} and review the safety plan agreed at the core group.",
        "Unannounced visit to check home conditions and see {name}.",
    ),
    "child_in_need": (
        "Child in need visit: to see {name} and review the plan with the family.",
        "To see {name} and talk about school and home.",
        "To review the support in the child in need plan.",
    ),
    "child_in_care": (
        "Statutory visit to {name} in placement.",
        "To see {name} and talk about the placement and family time.",
        "To see {name} before the review and hear their views.",
    ),
    "care_leaver": (
        "Pathway plan contact with {name}.",
        "To check in with {name} about accommodation, money and education.",
        "To review the pathway plan with {name}.",
    ),
}
OBSERVED_SEEN = (
    "{name} was at home and engaged well; the home was warm and tidy.",
    "{name} showed me their room and talked about friends at school.",
    "{name} was quiet at first and warmed up as we played a game.",
    "{name} appeared well cared for; there was food in the cupboards.",
    "{name} was tired after school but happy to talk for a while.",
    "The home was cluttered; {name} seemed relaxed with their carer.",
)
OBSERVED_UNSEEN = (
    "{name} was not at home at the time of the visit.",
    "{name} was asleep; the parent did not want them woken.",
    "{name} was at a club after school; I spoke to the parent only.",
    "No answer at the door; a card was left.",
)
ANALYSIS = (
    "Progress is steady; the risks identified at the start are reducing.",
    "Some concerns remain about the consistency of routines at home.",
    "The plan is working for {name}; keep the current level of support.",
    "Attendance at school has dropped again: raise at the next meeting.",
    "{name}'s needs are being met; no new concerns today.",
    "Worries about the adults' relationship persist: discuss in supervision.",
)
VIEWS = {
    "young": (
        "{name} pointed to the happy face when asked about home.",
        "{name} drew a picture of their family and talked about their pet.",
        "{name} said they liked nursery and their key worker.",
    ),
    "child": (
        "{name} said they are happy at home but miss their dad.",
        "{name} said school is fine and they want to join the football club.",
        "{name} said they don't like it when the adults shout.",
        "{name} wants to see their grandparents more often.",
    ),
    "teen": (
        "{name} said they want more say in the plan and less checking up.",
        "{name} said college is going well and they want a part-time job.",
        "{name} said they feel safe where they live now.",
        "{name} wants help to find somewhere of their own to live.",
    ),
}
ACTIONS_TEXT = (
    "Update the plan and share it with the family.",
    "Ring the school about attendance.",
    "Arrange the next core group.",
    "Refer to the family support service.",
    "",
    "",
)
OTHER_NOTES = {
    "phone": (
        "Call with the parent",
        "Call with the school",
        "Call with the health visitor",
        "Call from {name}",
    ),
    "meeting": ("Core group meeting", "Professionals' meeting", "Family network meeting"),
    "multi_agency": (
        "Information from the police",
        "Update from the school nurse",
        "Information from the GP",
    ),
}
OTHER_PURPOSE = (
    "To share information about {name} and agree next steps.",
    "To follow up the actions from the last visit.",
    "Update on {name}'s week.",
)
DISCUSSION = (
    "Discussed progress on {name}'s plan and the latest visit.",
    "Reviewed the risks for {name} and the family's engagement.",
    "Discussed {name}'s school attendance and health appointments.",
    "Reviewed whether {name}'s plan is still needed at this level.",
)
DECISION = (
    "Continue with the current plan; review at the next supervision.",
    "Increase visits to weekly until the next review.",
    "Hold a professionals' meeting within two weeks.",
    "Consider stepping down at the next review if progress holds.",
    "Seek legal advice about the threshold for pre-proceedings.",
    "Refer for a specialist assessment.",
)
ACTION_WHAT = (
    "Visit and see {name} alone",
    "Send the updated plan to the family",
    "Chase the school for {name}'s attendance",
    "Book the core group",
    "Ring the GP about {name}'s health check",
    "Update {name}'s chronology",
    "Arrange a family network meeting",
    "Complete the direct work with {name}",
)
SUPERVISION_NOTES = (
    "Workload discussed; caseload manageable. Wellbeing: fine.",
    "Busy month with court work; agreed time off in lieu. Training booked.",
    "Discussed a difficult visit and support available. Reflective discussion.",
    "Caseload high; two cases to reallocate. Annual leave planned.",
)
COMPLETION = ("Done.", "Completed at the visit.", "Sent by email.", "")


def pick(rng: random.Random, options: tuple[str, ...], name: str) -> str:
    return rng.choice(options).format(name=name)


def views_for(rng: random.Random, age: float, name: str) -> str:
    band = "young" if age < 5 else "child" if age < 13 else "teen"
    return pick(rng, VIEWS[band], name)
