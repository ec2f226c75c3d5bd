"""The full-text index, one kind per database: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

Both index the stems in ``library_document.search_text`` (see library/search.py).
"""

from django.db import migrations


class VendorSQL(migrations.RunSQL):
    """RunSQL that only runs on one database vendor (a no-op elsewhere)."""

    def __init__(self, vendor: str, sql: str, reverse_sql: str) -> None:
        super().__init__(sql, reverse_sql)
        self.vendor = vendor

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == self.vendor:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        VendorSQL(
            "sqlite",
            "CREATE VIRTUAL TABLE library_document_fts USING fts5("
            "search_text, tokenize = 'unicode61 remove_diacritics 0')",
            "DROP TABLE library_document_fts",
        ),
        VendorSQL(
            "postgresql",
            "ALTER TABLE library_document ADD COLUMN search_vector tsvector "
            "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, search_text)) STORED; "
            "CREATE INDEX library_document_search_gin ON library_document "
            "USING gin (search_vector);",
            "DROP INDEX library_document_search_gin; "
            "ALTER TABLE library_document DROP COLUMN search_vector;",
        ),
    ]
