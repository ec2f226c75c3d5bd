"""``Document.tag_keys``: the facet tags of each document, read with the search window.

Filled from the tag table for documents stored before it existed. On PostgreSQL the column
is kept in the row (storage MAIN) despite ``toast_tuple_target = 128`` (migration 0004),
so reading it costs no TOAST lookup.
"""

from django.db import migrations, models


def fill(apps, schema_editor):
    from middleground.library.search import facet_keys

    Document = apps.get_model("library", "Document")
    DocumentTag = apps.get_model("library", "DocumentTag")
    ids = list(Document.objects.filter(duplicate_of__isnull=True).values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        tags: dict[int, list[tuple[str, str]]] = {pk: [] for pk in chunk}
        for pk, kind, key in DocumentTag.objects.filter(document_id__in=chunk).values_list(
            "document_id", "kind", "key"
        ):
            tags[pk].append((kind, key))
        Document.objects.bulk_update(
            [Document(pk=pk, tag_keys=facet_keys(pairs)) for pk, pairs in tags.items() if pairs],
            ["tag_keys"],
            batch_size=500,
        )


def keep_in_row(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE library_document ALTER COLUMN tag_keys SET STORAGE MAIN")


class Migration(migrations.Migration):
    dependencies = [("library", "0004_narrow_document_rows")]

    operations = [
        migrations.AddField(
            model_name="document",
            name="tag_keys",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(keep_in_row, migrations.RunPython.noop),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
