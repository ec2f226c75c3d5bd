"""PostgreSQL: keep the document rows narrow, with the long texts in the TOAST table.

The search reads the ids and filter columns of many rows (the GIN index's bitmap visits
every matching row). With the body and the search column inline (compressed, about 3 kB a
row) such a query read thousands of pages; out of line the table is a seventh of the size.
This applies to rows written from now on; ``UPDATE library_document SET body = body``
followed by ``VACUUM FULL library_document`` rewrites older ones. A no-op on SQLite.
"""

from django.db import migrations


def narrow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE library_document SET (toast_tuple_target = 128)")


def widen(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE library_document RESET (toast_tuple_target)")


class Migration(migrations.Migration):
    dependencies = [("library", "0003_filter_tokens")]

    operations = [migrations.RunPython(narrow, widen)]
