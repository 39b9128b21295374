# Search keys: a current-name flag, token and phonetic indexes, and on PostgreSQL the pg_trgm
# extension with a trigram index on the token.

from django.db import migrations, models


def trigram_index(apps, schema_editor):
    """PostgreSQL only: the database's own trigram search over name tokens (pg_trgm). The GIN
    index serves both the similarity operator (%) and prefix matches (LIKE 'jon%')."""
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS people_namekey_token_trgm "
        "ON people_personnamekey USING gin (token gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS people_namekey_token_trgm")


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0002_initial"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="personnamekey",
            name="people_pers_token_900404_idx",
        ),
        migrations.RemoveIndex(
            model_name="personnamekey",
            name="people_pers_phoneti_8121f8_idx",
        ),
        migrations.AddField(
            model_name="personnamekey",
            name="is_current",
            field=models.BooleanField(
                default=True,
                help_text="From the person's own names, not an alias or previous name",
            ),
        ),
        migrations.AddIndex(
            model_name="personnamekey",
            index=models.Index(fields=["token", "person"], name="people_namekey_token"),
        ),
        migrations.AddIndex(
            model_name="personnamekey",
            index=models.Index(fields=["phonetic", "is_family"], name="people_namekey_phonetic"),
        ),
        migrations.RunPython(trigram_index, drop_trigram_index, elidable=False),
    ]
