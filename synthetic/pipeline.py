"""The generator as a pipeline: stages run in order over one shared context.

Two kinds of stage:

* a county stage, `Stage(name, run, total)`: `run(ctx, advance)` does its work (reading what
  earlier stages wrote from the database, in batches) and calls `advance(n)` as it goes;
* a family stage, `FamilyStage(name, write)`: `write(ctx, households)` writes its part of each
  batch of generated households (persons, addresses, relationships, allocations…). Consecutive
  family stages share one stream of household batches, so no stage holds the whole county.

Adding a stage is one function and one entry in `synthetic.stages.STAGES`. Each stage draws
from its own random stream (`ctx.rng(name)`), so a new stage never changes the data of the
stages before it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, models, reset_queries, transaction
from django.db.models import Max
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from .places import Geography
    from .plans import Household
    from .workforce import Workforce

BULK_BATCH = 2000


@dataclass(frozen=True)
class Options:
    children: int
    years: int
    seed: int
    today: dt.date
    duplicate_rate: float = 0.02
    allocated_share: float = 0.014
    batch_children: int = 2000
    # Years of front door contacts (synthetic.front_door): 6,500 a month per 128,000 children.
    front_door_years: int = 2

    def as_json(self) -> dict[str, Any]:
        return {
            "children": self.children,
            "years": self.years,
            "seed": self.seed,
            "today": self.today.isoformat(),
            "duplicate_rate": self.duplicate_rate,
            "allocated_share": self.allocated_share,
            "front_door_years": self.front_door_years,
        }


@dataclass
class Context:
    """What the stages share: the options, random streams, id sequences and what was made."""

    options: Options
    la_code: str
    la_name: str
    counts: Counter = field(default_factory=Counter)
    workforce: Workforce | None = None
    geography: Geography | None = None
    # Persons made by the family stages: primary keys first_person_pk … last_person_pk.
    first_person_pk: int = 0
    last_person_pk: int = 0
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.options.today

    @property
    def window_start(self) -> dt.date:
        """The start of the county's recorded history (`--years` before today)."""
        return self.today - dt.timedelta(days=round(365.25 * self.options.years))

    def rng(self, stream: str) -> random.Random:
        return random.Random(f"{self.options.seed}:{stream}")

    @staticmethod
    def stamp(day: dt.date, minutes: int = 9 * 60) -> dt.datetime:
        """A recorded-at time on a day (no wall clock: the data is a function of the options)."""
        return dt.datetime.combine(day, dt.time(minutes // 60 % 24, minutes % 60), dt.UTC)

    def bulk(self, model: type[models.Model], rows: Sequence[models.Model]) -> None:
        if rows:
            model.objects.bulk_create(rows, batch_size=BULK_BATCH)
            self.counts[model._meta.label] += len(rows)


def next_pk(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def reset_sequences(models_: Iterable[type[models.Model]]) -> None:
    """After inserting rows with chosen primary keys, move PostgreSQL's sequences past them."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


Advance = Callable[[int], None]


@dataclass(frozen=True)
class Stage:
    name: str
    run: Callable[[Context, Advance], None]
    total: Callable[[Context], int | None] = lambda ctx: None


@dataclass(frozen=True)
class FamilyStage:
    name: str
    write: Callable[[Context, list[Household]], None]


def make_progress(enabled: bool, console: Console | None = None) -> Progress:
    return Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
    )


def run_pipeline(
    ctx: Context,
    stages: Sequence[Stage | FamilyStage],
    households: Callable[[Context], Iterable[list[Household]]],
    progress: Progress,
) -> None:
    """Run the stages in order; each group of consecutive family stages streams the households
    from `households(ctx)` batch by batch (one transaction per batch)."""
    i = 0
    with progress:
        while i < len(stages):
            stage = stages[i]
            if isinstance(stage, Stage):
                task = progress.add_task(stage.name, total=stage.total(ctx))
                stage.run(ctx, lambda n, task=task: _advance(progress, task, n))
                progress.update(task, total=progress.tasks[task].completed)
                i += 1
                continue
            group: list[FamilyStage] = []
            while i < len(stages) and isinstance(stages[i], FamilyStage):
                group.append(stages[i])  # type: ignore[arg-type]
                i += 1
            tasks = [progress.add_task(s.name, total=ctx.options.children) for s in group]
            for batch in households(ctx):
                done = sum(h.children for h in batch)
                with transaction.atomic():
                    for s, task in zip(group, tasks, strict=True):
                        s.write(ctx, batch)
                        _advance(progress, task, done)


def _advance(progress: Progress, task: Any, n: int) -> None:
    # With DEBUG on, Django keeps the SQL of recent queries; bulk inserts make that large.
    reset_queries()
    progress.advance(task, n)
