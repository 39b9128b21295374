# PostgreSQL only: the vocabulary of distinct name tokens, kept by the database itself.
#
# A typed name is first matched against the distinct tokens (a few tens of thousands in a large
# county), not against every person's keys (a million rows): the trigram search then reads a
# small table. A statement-level trigger adds the tokens of every insert into
# people_personnamekey (bulk loads included). Tokens no longer held by anyone stay: they match
# no person, so they cost nothing but a row.

from django.db import migrations

CREATE = """
CREATE TABLE IF NOT EXISTS people_nametoken (
    token varchar(60) PRIMARY KEY,
    phonetic varchar(12) NOT NULL
);
INSERT INTO people_nametoken (token, phonetic)
    SELECT DISTINCT ON (token) token, phonetic FROM people_personnamekey
    ON CONFLICT DO NOTHING;
CREATE INDEX IF NOT EXISTS people_nametoken_trgm
    ON people_nametoken USING gin (token gin_trgm_ops);
CREATE INDEX IF NOT EXISTS people_nametoken_phonetic ON people_nametoken (phonetic);
ANALYZE people_nametoken;
CREATE OR REPLACE FUNCTION people_nametoken_add() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO people_nametoken (token, phonetic)
        SELECT DISTINCT ON (token) token, phonetic FROM added
        ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
DROP TRIGGER IF EXISTS people_personnamekey_vocabulary ON people_personnamekey;
CREATE TRIGGER people_personnamekey_vocabulary
    AFTER INSERT ON people_personnamekey
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION people_nametoken_add();
"""

DROP = """
DROP TRIGGER IF EXISTS people_personnamekey_vocabulary ON people_personnamekey;
DROP FUNCTION IF EXISTS people_nametoken_add();
DROP TABLE IF EXISTS people_nametoken;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_search_keys"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
