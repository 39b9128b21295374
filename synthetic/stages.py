"""The synthetic county's stages, in order. To add a stage (contacts, referrals,
assessments…), write `def my_stage(ctx, advance)` and add `Stage("My records", my_stage)` here;
a stage that belongs with each household is a `FamilyStage(name, write)`."""

from __future__ import annotations

from .assessments import assessment_total, build_assessments
from .child_in_need import build_child_in_need, child_in_need_total
from .child_protection import build_child_protection, child_protection_total
from .duplicates import plant_duplicates, planted_count
from .early_help import build_early_help, early_help_total
from .front_door import build_front_door, front_door_total
from .journey import write_journey
from .oversight import build_supervision, supervision_total
from .pipeline import FamilyStage, Stage
from .search_keys import build_keys, search_key_total
from .workforce import build_workforce
from .writers import write_addresses, write_allocations, write_persons, write_relationships

STAGES: list[Stage | FamilyStage] = [
    Stage("Workforce", build_workforce),
    FamilyStage("Families and persons", write_persons),
    FamilyStage("Addresses", write_addresses),
    FamilyStage("Relationships", write_relationships),
    FamilyStage("Allocations", write_allocations),
    FamilyStage("Involvements and case notes", write_journey),
    Stage("Planted duplicates", plant_duplicates, total=planted_count),
    Stage("Search keys", build_keys, total=search_key_total),
    Stage("Supervision and actions", build_supervision, total=supervision_total),
    # After the journey: it reads the involvements and allocations the stages above made.
    Stage("Front door", build_front_door, total=front_door_total),
    # After the front door: an episode for each early help involvement made above.
    Stage("Early help episodes", build_early_help, total=early_help_total),
    # After the front door: a single assessment for each referral it made.
    Stage("Assessments", build_assessments, total=assessment_total),
    # After the journey and the front door: what led to each child protection involvement's
    # plan (strategy discussion, s47, ICPC), the plan, its core groups and reviews.
    Stage("Child protection", build_child_protection, total=child_protection_total),
    # After the front door (each episode's referral): the child in need plan of each child in
    # need involvement of the journey, its reviews, visits and quality findings, and the
    # census closure of the episodes that ended.
    Stage("Children in need", build_child_in_need, total=child_in_need_total),
]
