"""Which model field holds the due date a rule computes, so a rule change can move them.

Each stage stores its due dates on its own rows (indexed, so worklists are a query) and
declares them here, usually in its AppConfig.ready():

    register(
        CoreGroupMeeting,
        rule_code="cp.core_group",
        trigger_field="previous_held_on",
        due_field="due_on",
        open_q=Q(held_on__isnull=True),
        repeat_q=Q(sequence__gt=1),
    )

`trigger_field` and `due_field` are date or datetime fields on the model itself. `open_q`
selects the items still open: only those move. `repeat_q` selects the items that are a repeat
("then every 6 weeks"), counted with the rule's repeat interval from their trigger (the previous
occurrence); the others use the first interval. `recompute` writes only the due field.

For the worklists (`timescales.worklists`) a registration may also say whose item it is and
which child it is about, so the stage's items appear on "My work" and "My team" with no more
code: `owner_field` is a path of foreign keys (`"owner"`, `"plan__social_worker"`) ending at a
worker, `person_field` one ending at a person; `title` is fixed text or `title(item) -> str`
(default: the rule's item, "Single assessment completed"); `url` is a URL name reversed with
the item's pk, or `url(item) -> str` (default: the child's record). Index the model on
(owner, due field), ideally only over open rows, so that a worker's list is an index range:

    register(
        Assessment,
        rule_code="assessment.single",
        trigger_field="referral_date",
        due_field="due_on",
        open_q=Q(completed_on__isnull=True),
        owner_field="social_worker",
        person_field="person",
        url="assessments:assessment",
    )
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, transaction
from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.utils import timezone

from kinfold.access import audit
from kinfold.access.models import AuditAction

from .calendar import WorkingCalendar, due_at, working_calendar, working_day_hours
from .models import Rule, rule_for

# Trigger values per UPDATE: the CASE fallback, and the joined UPDATE … FROM (VALUES …).
BATCH = 250
JOINED_BATCH = 10_000
JOINED_VENDORS = {"postgresql", "sqlite"}


@dataclass(frozen=True)
class Registration:
    model: type[models.Model]
    rule_code: str
    trigger_field: str
    due_field: str
    open_q: Q
    repeat_q: Q | None = None
    # For the worklists (all optional): whose item, which child, what it is called, where it is.
    owner_field: str | None = None
    person_field: str | None = None
    title: str | Callable[[models.Model], str] | None = None
    url: str | Callable[[models.Model], str] | None = None

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.due_field}"


_registry: dict[str, dict[str, Registration]] = defaultdict(dict)

_DATE_FIELDS = (models.DateField, models.DateTimeField)  # DateTimeField is a DateField


def register(
    model: type[models.Model],
    *,
    rule_code: str,
    trigger_field: str,
    due_field: str,
    open_q: Q,
    repeat_q: Q | None = None,
    owner_field: str | None = None,
    person_field: str | None = None,
    title: str | Callable[[models.Model], str] | None = None,
    url: str | Callable[[models.Model], str] | None = None,
) -> Registration:
    """Declare that `model.due_field` holds the due date `rule_code` computes from
    `model.trigger_field`. Registering the same model field again replaces the entry.

    With `owner_field` the open items appear on their owner's worklist (see the module's
    docstring for `person_field`, `title` and `url`)."""
    for name in (trigger_field, due_field):
        f = model._meta.get_field(name)
        if not isinstance(f, _DATE_FIELDS) or f.many_to_one or f.many_to_many:
            raise TypeError(f"{model.__name__}.{name} must be a DateField or DateTimeField")
    if not isinstance(open_q, Q) or (repeat_q is not None and not isinstance(repeat_q, Q)):
        raise TypeError("open_q and repeat_q must be Q objects")
    if owner_field is not None:
        _check_path(model, owner_field, settings.AUTH_USER_MODEL, "owner_field")
    if person_field is not None:
        _check_path(model, person_field, "people.Person", "person_field")
    registration = Registration(
        model,
        rule_code,
        trigger_field,
        due_field,
        open_q,
        repeat_q,
        owner_field=owner_field,
        person_field=person_field,
        title=title,
        url=url,
    )
    _registry[rule_code][registration.label] = registration
    return registration


def _check_path(model: type[models.Model], path: str, target: str, argument: str) -> None:
    """`path` must follow forward foreign keys from `model` and end at one to `target`: one row
    per item, so a worklist is one query with joins, never a fan-out."""
    current = model
    hops = path.split("__")
    for i, name in enumerate(hops):
        try:
            f = current._meta.get_field(name)
        except FieldDoesNotExist:
            raise TypeError(f"{argument}: {current.__name__} has no field {name!r}") from None
        if not (f.many_to_one or f.one_to_one) or f.auto_created or f.related_model is None:
            raise TypeError(f"{argument}: {current.__name__}.{name} must be a foreign key")
        related = f.related_model
        assert isinstance(related, type)
        current = related
        if i == len(hops) - 1 and current._meta.label != apps.get_model(target)._meta.label:
            raise TypeError(f"{argument}: {path!r} must end at a foreign key to {target}")


def unregister(registration: Registration) -> None:
    _registry[registration.rule_code].pop(registration.label, None)


def registrations(rule_code: str | None = None) -> list[Registration]:
    if rule_code is not None:
        return list(_registry.get(rule_code, {}).values())
    return [r for entries in _registry.values() for r in entries.values()]


@dataclass
class Recomputed:
    """What a recompute found: open items with a trigger, and how many due dates moved."""

    rule_code: str
    open_items: int = 0
    moved: int = 0
    by_model: dict[str, int] = field(default_factory=dict)


def _fit(value: dt.date | dt.datetime, due: models.Field) -> dt.date | dt.datetime:
    """Store a due moment in the item's field: a date field keeps the (local) date; a datetime
    field given a date is due at the end of that working day."""
    if isinstance(due, models.DateTimeField):
        if isinstance(value, dt.datetime):
            return value
        return timezone.make_aware(
            dt.datetime.combine(value, working_day_hours()[1]), timezone.get_default_timezone()
        )
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


def _norm(value):
    """Compare stored and computed values alike (SQLite returns naive UTC or strings rarely)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return value.astimezone(dt.UTC)
    return value


def _recompute_one(
    registration: Registration,
    rule: Rule,
    *,
    calendar: WorkingCalendar,
    dry_run: bool,
) -> tuple[int, int]:
    model = registration.model
    trigger, due = registration.trigger_field, registration.due_field
    due_field = model._meta.get_field(due)
    assert isinstance(due_field, models.Field)  # checked by register()
    base = model._default_manager.filter(registration.open_q).filter(
        **{f"{trigger}__isnull": False}
    )
    repeat_expr = (
        Case(
            When(registration.repeat_q, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
        if registration.repeat_q is not None
        else Value(False, output_field=BooleanField())
    )
    groups = (
        base.annotate(_kf_repeat=repeat_expr)
        .values(trigger, due, "_kf_repeat")
        .annotate(_kf_n=Count("pk"))
        .order_by()
    )
    open_items = moved = 0
    # New due per (repeat?, trigger value), only where some item's stored due differs.
    changes: dict[bool, dict[object, object]] = {False: {}, True: {}}
    computed: dict[tuple[bool, object], object] = {}
    for row in groups.iterator(chunk_size=10_000):
        repeat, when, stored, n = bool(row["_kf_repeat"]), row[trigger], row[due], row["_kf_n"]
        open_items += n
        key = (repeat, when)
        if key not in computed:
            computed[key] = _fit(
                due_at(rule, when, repeat=repeat and rule.repeats, calendar=calendar), due_field
            )
        new = computed[key]
        if stored is None or _norm(stored) != _norm(new):
            moved += n
            changes[repeat][when] = new
    if dry_run or not moved:
        return open_items, moved
    for repeat, by_trigger in changes.items():
        scope = base
        if registration.repeat_q is not None:
            scope = scope.filter(registration.repeat_q if repeat else ~registration.repeat_q)
        elif repeat:
            continue
        _bulk_set(scope, trigger, due, due_field, by_trigger)
    return open_items, moved


def _bulk_set(scope, trigger: str, due: str, due_field, by_trigger: dict) -> None:
    """Write the new due date of every open item, grouped by trigger value."""
    if connections[scope.db].vendor in JOINED_VENDORS:
        _bulk_set_joined(scope, trigger, due, due_field, by_trigger)
        return
    items = list(by_trigger.items())
    for start in range(0, len(items), BATCH):
        chunk = items[start : start + BATCH]
        new_due = Case(
            *[When(**{trigger: when}, then=Value(value)) for when, value in chunk],
            output_field=due_field,
        )
        scope.filter(**{f"{trigger}__in": [when for when, _ in chunk]}).update(**{due: new_due})


def _bulk_set_joined(scope, trigger: str, due: str, due_field, by_trigger: dict) -> None:
    """UPDATE … FROM (trigger, new due) pairs: one join per batch of trigger values.

    PostgreSQL and SQLite (3.33+) both take UPDATE … FROM; PostgreSQL gets the pairs as two
    arrays (unnest), SQLite in a temporary table keyed by trigger. A CASE with a branch per
    trigger value, the portable fallback, is far slower when each item has its own trigger.
    """
    model = scope.model
    connection = connections[scope.db]
    qn = connection.ops.quote_name
    trigger_field = model._meta.get_field(trigger)
    table = qn(model._meta.db_table)
    trigger_col, due_col = qn(trigger_field.column), qn(due_field.column)
    pk_col = qn(model._meta.pk.column)
    pg = connection.vendor == "postgresql"
    query = scope.query
    if len(query.alias_map) == 1:
        # open_q only names the item's own columns: put it straight into the UPDATE's WHERE.
        where_sql, where_params = query.get_compiler(connection=connection).compile(query.where)
        open_filter = f"({where_sql})"
    else:
        sub_sql, where_params = scope.values("pk").query.sql_with_params()
        open_filter = f"{table}.{pk_col} IN ({sub_sql})"
    items = list(by_trigger.items())
    # Only quoted names and column types go into the SQL text; values are parameters.
    update = (
        f"UPDATE {table} SET {due_col} = kf_new.kf_due FROM KF_PAIRS AS kf_new "  # noqa: S608
        f"WHERE {table}.{trigger_col} = kf_new.kf_trigger AND {open_filter}"
    )
    with connection.cursor() as cursor:
        if not pg:
            # SQLite would scan a VALUES list once per item; a temporary table keyed by trigger
            # is looked up instead. NUMERIC is the affinity of Django's date and datetime
            # columns on SQLite: with any other the key could not be used for the join.
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS kf_due_pairs "
                "(kf_trigger NUMERIC PRIMARY KEY, kf_due NUMERIC)"
            )
        for start in range(0, len(items), JOINED_BATCH):
            chunk = items[start : start + JOINED_BATCH]
            triggers = [trigger_field.get_db_prep_value(w, connection) for w, _ in chunk]
            dues = [due_field.get_db_prep_value(v, connection) for _, v in chunk]
            if pg:
                types = (trigger_field.db_type(connection), due_field.db_type(connection))
                pairs = "(SELECT * FROM unnest(%s::{}[], %s::{}[]) AS kf_pairs(kf_trigger, kf_due))"
                cursor.execute(
                    update.replace("KF_PAIRS", pairs.format(*types)),
                    [triggers, dues, *where_params],
                )
            else:
                cursor.execute("DELETE FROM kf_due_pairs")
                cursor.executemany(
                    "INSERT INTO kf_due_pairs (kf_trigger, kf_due) VALUES (%s, %s)",
                    list(zip(triggers, dues, strict=True)),
                )
                cursor.execute(update.replace("KF_PAIRS", "kf_due_pairs"), where_params)
        if not pg:
            cursor.execute("DELETE FROM kf_due_pairs")


def recompute(
    rule_code: str,
    *,
    actor,
    reason: str,
    rule: Rule | None = None,
    dry_run: bool = False,
    calendar: WorkingCalendar | None = None,
) -> Recomputed:
    """Recompute the due dates of the OPEN items of every model registered for a rule, in
    bulk, with the rule in force today (or `rule`, e.g. an unsaved proposal for a preview).

    Completed items keep the due date they had. Returns how many open items there are and how
    many due dates moved; with `dry_run` nothing is written (the preview of a change).
    """
    rule = rule or rule_for(rule_code)
    calendar = calendar or working_calendar()
    result = Recomputed(rule_code=rule_code)
    with transaction.atomic():
        for registration in registrations(rule_code):
            open_items, moved = _recompute_one(
                registration, rule, calendar=calendar, dry_run=dry_run
            )
            result.open_items += open_items
            result.moved += moved
            result.by_model[registration.label] = moved
        if not dry_run and result.moved:
            audit.record(
                worker=actor,
                action=AuditAction.EDIT,
                object_type="timescales.due_dates",
                object_id=rule_code,
                detail={
                    "rule": rule_code,
                    "rule_version": rule.pk,
                    "open_items": result.open_items,
                    "moved": result.moved,
                    "by_model": result.by_model,
                },
                reason=reason[:500],
            )
    return result


def recompute_all(
    rule_codes: Iterable[str], *, actor, reason: str, dry_run: bool = False
) -> list[Recomputed]:
    calendar = working_calendar()
    return [
        recompute(code, actor=actor, reason=reason, dry_run=dry_run, calendar=calendar)
        for code in rule_codes
        if registrations(code)
    ]
