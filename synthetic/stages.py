"""The synthetic county's stages, in order. To add a stage (contacts, referrals,
assessments…), write `def my_stage(ctx, advance)` and add `Stage("My records", my_stage)` here;
a stage that belongs with each household is a `FamilyStage(name, write)`."""

from __future__ import annotations

from .duplicates import plant_duplicates, planted_count
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
]
