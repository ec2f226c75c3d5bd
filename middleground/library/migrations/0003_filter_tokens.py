"""Append the filter tokens (search.filter_tokens) to documents stored before they existed."""

from django.db import migrations


def add_tokens(apps, schema_editor):
    from middleground.library.search import FTS_TABLE, filter_tokens

    Document = apps.get_model("library", "Document")
    DocumentTag = apps.get_model("library", "DocumentTag")
    sqlite = schema_editor.connection.vendor == "sqlite"
    docs = Document.objects.filter(duplicate_of__isnull=True).exclude(search_text="")
    for doc in docs.iterator(chunk_size=500):
        if "\nzzaccess" in doc.search_text or "\nzztf" in doc.search_text:
            continue
        tags = DocumentTag.objects.filter(document_id=doc.pk).values_list("kind", "key")
        doc.search_text += "\n" + filter_tokens(
            access=doc.access,
            task_force_id=doc.task_force_id,
            language=doc.language,
            doc_type=doc.doc_type,
            tags=list(tags),
        )
        Document.objects.filter(pk=doc.pk).update(search_text=doc.search_text)
        if sqlite:
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [doc.pk])  # noqa: S608
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (%s, %s)",  # noqa: S608
                    [doc.pk, doc.search_text],
                )


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_index")]

    operations = [migrations.RunPython(add_tokens, migrations.RunPython.noop)]
