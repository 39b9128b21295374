"""The database itself refuses changes to audit rows (PostgreSQL: UPDATE and DELETE; SQLite:
UPDATE — Django's test flush deletes rows on SQLite). verify_audit still catches what someone
with the rights to drop the trigger does."""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION kinfold_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER access_auditevent_append_only
    BEFORE UPDATE OR DELETE ON access_auditevent
    FOR EACH ROW EXECUTE FUNCTION kinfold_audit_append_only();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS access_auditevent_append_only ON access_auditevent;
DROP FUNCTION IF EXISTS kinfold_audit_append_only();
"""
SQLITE_UP = """
CREATE TRIGGER access_auditevent_append_only BEFORE UPDATE ON access_auditevent
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS access_auditevent_append_only;"


def up(apps, schema_editor):
    sql = {"postgresql": PG_UP, "sqlite": SQLITE_UP}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def down(apps, schema_editor):
    sql = {"postgresql": PG_DOWN, "sqlite": SQLITE_DOWN}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("access", "0002_initial")]

    operations = [migrations.RunPython(up, down)]
