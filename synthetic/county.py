"""Making (and clearing) a synthetic county: the guard, the run record, the pipeline."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from rich.progress import Progress

from kinfold.front_door.models import Contact, PartnerOrganisation
from kinfold.journey.oversight import Supervision
from kinfold.people.models import Person, Relationship
from kinfold.workforce.models import OrgUnit, Worker

from .households import households
from .models import PlantedDuplicate, SyntheticCounty
from .pipeline import Context, Options, make_progress, reset_sequences, run_pipeline
from .stages import STAGES

SYNTHETIC_USERNAME_PREFIXES = ("synth-", "demo-")


class GeneratorRefused(Exception):
    """The generator will not run here (not a demo, test or debug instance; or not empty)."""


def may_generate(*, i_know_this_is_not_production: bool = False) -> bool:
    return bool(
        getattr(settings, "DEMO_MODE", False)
        or getattr(settings, "TESTING", False)
        or settings.DEBUG
        or i_know_this_is_not_production
    )


def is_empty() -> bool:
    return not (
        Person.objects.exists() or OrgUnit.objects.exists() or SyntheticCounty.objects.exists()
    )


def generate(
    options: Options,
    *,
    clear: bool = False,
    i_know_this_is_not_production: bool = False,
    progress: Progress | None = None,
) -> SyntheticCounty:
    if not may_generate(i_know_this_is_not_production=i_know_this_is_not_production):
        raise GeneratorRefused(
            "synth_county only runs in demo mode, tests or DEBUG (KINFOLD_DEMO=1, "
            "KINFOLD_TESTING=1 or DEBUG=1), or with --i-know-this-is-not-production. "
            "It must never write synthetic people into a live database."
        )
    if not is_empty():
        if not clear:
            raise GeneratorRefused(
                "The database already holds people or an organisation. Run with --clear to "
                "remove the previous synthetic county first."
            )
        clear_county()
    county = SyntheticCounty.objects.create(
        seed=options.seed,
        children=options.children,
        years=options.years,
        reference_date=options.today,
        options=options.as_json(),
        started_at=timezone.now(),
    )
    ctx = Context(options=options, la_code=settings.LA_CODE, la_name=settings.LA_NAME)
    _fast_sqlite()
    run_pipeline(ctx, STAGES, households, progress or make_progress(False))
    reset_sequences([Person, Relationship, OrgUnit, Worker])
    county.counts = dict(sorted(ctx.counts.items()))
    county.completed = True
    county.finished_at = timezone.now()
    county.save()
    _analyse()
    return county


def _analyse() -> None:
    """Give the planner statistics for the tables just filled: without them PostgreSQL plans
    searches over a 300,000-person county as if it were empty (benchmarks/search)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _fast_sqlite() -> None:
    """SQLite in WAL mode is safe with synchronous=NORMAL (it saves an fsync per commit); a
    larger page cache (128 MiB, not the default 2 MiB) keeps the growing indexes in memory."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size=-131072")
        if not connection.in_atomic_block:
            cursor.execute("PRAGMA synchronous=NORMAL")


def _tables_to_clear() -> list[type[models.Model]]:
    """Person, OrgUnit and the generator's own models, and every model that refers to them
    (directly or through another such model): all of them go together."""
    # Contacts refer to persons only through their children, and the county's partner
    # agencies to nothing: named so that they go too.
    chosen: set[type[models.Model]] = {
        Person,
        OrgUnit,
        SyntheticCounty,
        PlantedDuplicate,
        Contact,
        PartnerOrganisation,
    }
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in chosen or model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in chosen:
                    chosen.add(model)
                    changed = True
                    break
    return sorted(chosen, key=lambda m: m._meta.db_table)


@transaction.atomic
def clear_county() -> dict[str, int]:
    """Remove every person and everything about them, the organisation, and the generator's
    and demo workers. Workers the audit log refers to are kept, signed out for good and
    renamed, since the audit log is never changed."""
    if not may_generate():
        raise GeneratorRefused("Clearing is only allowed in demo mode, tests or DEBUG.")
    from kinfold.access.models import AuditEvent

    tables = _tables_to_clear()
    removed = {m._meta.label: m._base_manager.count() for m in tables}
    quoted = [connection.ops.quote_name(m._meta.db_table) for m in tables]
    # The journey's events and their retractions are append-only, guarded by triggers
    # (kinfold/journey/migrations/0002): on PostgreSQL a row-level trigger refuses UPDATE and
    # DELETE, but TRUNCATE fires no row-level trigger, so the county goes with one TRUNCATE of
    # every table together and the guard is never lifted (no ALTER TABLE … DISABLE TRIGGER,
    # which needs the table's owner and changes the schema, if only inside this transaction).
    # On SQLite the trigger guards UPDATE only, so DELETE works. Tested on both with journey
    # rows present (tests/synthetic/test_journey_stages.py).
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks still pending in this transaction block TRUNCATE:
            # run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(quoted)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for table in quoted:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    synthetic = Worker.objects.none()
    for prefix in SYNTHETIC_USERNAME_PREFIXES:
        synthetic |= Worker.objects.filter(username__startswith=prefix)
    # Supervision records refer to workers only (their case discussions, about children, went
    # above): those of the county's workers go with them.
    removed["journey.Supervision"] = Supervision.objects.filter(
        Q(supervisee__in=synthetic) | Q(supervisor__in=synthetic)
    ).delete()[0]
    audited = set(
        AuditEvent.objects.filter(worker__in=synthetic).values_list("worker_id", flat=True)
    )
    for worker in synthetic.filter(pk__in=audited):
        _retire(worker)
    try:
        with transaction.atomic():
            removed["workforce.Worker"] = synthetic.exclude(pk__in=audited).delete()[0]
    except ProtectedError:  # some worker is referred to from a record kept: one at a time
        removed["workforce.Worker"] = 0
        for worker in synthetic.exclude(pk__in=audited):
            try:
                with transaction.atomic():
                    worker.delete()
                removed["workforce.Worker"] += 1
            except ProtectedError:
                _retire(worker)
    return removed


def _retire(worker: Worker) -> None:
    worker.username = f"cleared-{worker.pk}-{worker.username}"[:150]
    worker.is_active = False
    worker.set_unusable_password()
    worker.save(update_fields=["username", "is_active", "password"])
