"""The database refuses changes to journey events and their retractions, as it does for the
audit log. One exception: merging two records of one person moves events to the record kept,
which changes `person_id` and nothing else (PostgreSQL compares the rest of the row; SQLite
guards every other column)."""

from django.db import migrations

TABLES = ["journey_event", "journey_eventretraction"]
EVENT_COLUMNS = [
    "involvement_id",
    "type",
    "occurred_at",
    "date_only",
    "summary",
    "detail",
    "significant",
    "subject_type_id",
    "subject_id",
    "recorded_by_id",
    "recorded_at",
]
RETRACTION_COLUMNS = ["event_id", "reason", "retracted_by_id", "retracted_at"]

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kinfold_journey_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND TG_TABLE_NAME = 'journey_event'
       AND (to_jsonb(NEW) - 'person_id') = (to_jsonb(OLD) - 'person_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' rows are append-only';
END;
$$ LANGUAGE plpgsql;
"""


def up(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION)
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION kinfold_journey_append_only();"
            )
    elif vendor == "sqlite":
        for table, columns in (
            ("journey_event", EVENT_COLUMNS),
            ("journey_eventretraction", RETRACTION_COLUMNS),
        ):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OF {', '.join(columns)} "
                f"ON {table} BEGIN SELECT RAISE(ABORT, '{table} rows are append-only'); END;"
            )


def down(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};")
        elif vendor == "sqlite":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only;")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS kinfold_journey_append_only();")


class Migration(migrations.Migration):
    dependencies = [("journey", "0001_initial")]

    operations = [migrations.RunPython(up, down)]
