"""PostgreSQL: each tsvector also holds the bucket of its document's id (``ZZBUCKETN``).

The search window wants the newest matches. The GIN bitmap of common words yields every
match, each visited in the heap before the newest are kept (a microsecond a match, 12-25
ms for the benchmark's common queries). With the buckets of the newest ids among the query's
words the index itself keeps to those rows. The size of a bucket,
:data:`search.ID_BUCKET`, is written in the expression below. A no-op on SQLite, whose FTS5
index reads matches newest first and stops.

The lexeme is upper case, which no query word can produce (``to_tsquery`` lowercases
its words), so both engines still return the same matches for the same query.

The generated column is dropped and added again (PostgreSQL 15 cannot change its
expression), which rewrites the table once and rebuilds the GIN index.
"""

from django.db import migrations

VECTOR = "to_tsvector('simple'::regconfig, search_text)"
BUCKET = "array_to_tsvector(ARRAY['ZZBUCKET' || (id / 2048)::text])"
INDEX = (
    "CREATE INDEX library_document_search_gin ON library_document "
    "USING gin (search_vector, (published - DATE '1970-01-01'))"
)


def vector_column(expression: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute("DROP INDEX library_document_search_gin")
            schema_editor.execute("ALTER TABLE library_document DROP COLUMN search_vector")
            schema_editor.execute(
                "ALTER TABLE library_document ADD COLUMN search_vector tsvector "
                f"GENERATED ALWAYS AS ({expression}) STORED"
            )
            schema_editor.execute(INDEX)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0006_search_gin_with_published")]

    operations = [
        migrations.RunPython(vector_column(f"{VECTOR} || {BUCKET}"), vector_column(VECTOR))
    ]
