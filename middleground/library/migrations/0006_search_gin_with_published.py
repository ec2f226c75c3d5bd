"""PostgreSQL: the full-text GIN index also holds the publication date (``btree_gin``).

A date-range search then intersects words and dates inside the index. Before, the bitmap
yielded every text match and the heap visit dropped those outside the range afterwards:
"ministry policy pipeline" in 2024-2025 read 79,792 rows to keep 12,631 (43 -> 24 ms).
The date is indexed as days since 1970 (:data:`search.PUBLISHED_DAYS`), an expression
that the btree index on ``published`` cannot serve: with the plain column the planner
took that index instead and read the tsvector of every row in the range (108 ms).
``btree_gin`` ships with PostgreSQL and is a trusted extension, so the database owner
may create it. A no-op on SQLite, whose FTS5 index cannot hold dates.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        schema_editor.execute("DROP INDEX library_document_search_gin")
        schema_editor.execute(
            "CREATE INDEX library_document_search_gin ON library_document "
            "USING gin (search_vector, (published - DATE '1970-01-01'))"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX library_document_search_gin")
        schema_editor.execute(
            "CREATE INDEX library_document_search_gin ON library_document USING gin (search_vector)"
        )


class Migration(migrations.Migration):
    dependencies = [("library", "0005_document_tag_keys")]

    operations = [migrations.RunPython(forwards, backwards)]
