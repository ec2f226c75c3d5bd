"""Issue 19 item 5: library documents are editable (pages and API, with the audit log),
deletable with a confirmation saying what leaves the search, uploaded with typed
metadata, and their original file downloadable by those who may read them."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from middleground.accounts.models import AuditEvent
from middleground.library import selectors
from middleground.library.models import Document, DocumentTag
from middleground.library.selectors import SearchParams

from .test_api import html_page

pytestmark = pytest.mark.django_db

NOTE = (
    b"# Aral notes\n\n"
    b"Water of the Aral Sea is shared by Kazakhstan and Uzbekistan; the quokka survey "
    b"found no marsupials on its shores.\n"
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def found(user, q: str, **filters) -> list[int]:
    page = selectors.search(user, SearchParams.from_mapping({"q": q, **filters}), limit=50)
    return [h.document.pk for h in page.hits]


def edit_payload(doc: Document, **changes) -> dict:
    data = {
        "title": doc.title,
        "authors": "; ".join(doc.authors),
        "published": doc.published.isoformat() if doc.published else "",
        "language": doc.language,
        "doc_type": doc.doc_type,
        "source": doc.source,
        "access": doc.access,
        "task_force": str(doc.task_force_id or ""),
    }
    data.update(changes)
    return data


# --- editing through pages --------------------------------------------------------------


def test_the_uploader_edits_metadata_and_the_search_and_audit_log_follow(
    registry, ingest, as_persona
):
    (doc,) = ingest("aral.md", NOTE, persona="bob", access="network")
    bob = registry["users"]["bob"]
    assert found(bob, "Aral") == [doc.pk] and found(bob, "Balkhash") == []
    client = as_persona("bob")
    page = client.get(f"/library/documents/{doc.pk}/").content.decode()
    assert f"/library/documents/{doc.pk}/edit/" in page  # the uploader sees the link

    form = client.get(f"/library/documents/{doc.pk}/edit/").content.decode()
    assert 'value="Aral notes"' in form
    response = client.post(
        f"/library/documents/{doc.pk}/edit/",
        edit_payload(
            doc,
            title="Lake Balkhash notes",
            authors="Aigerim Sadykova; Timur Dadabaev",
            published="2026-03-31",
            doc_type="brief",
        ),
    )
    assert response.status_code == 302 and response["Location"] == doc.get_absolute_url()
    doc.refresh_from_db()
    assert doc.title == "Lake Balkhash notes"
    assert doc.authors == ["Aigerim Sadykova", "Timur Dadabaev"]
    assert doc.published == dt.date(2026, 3, 31) and doc.doc_type == "brief"
    # The search follows: the new title is found, the old one no longer; the type filter too.
    assert found(bob, "Balkhash") == [doc.pk] and found(bob, "Aral notes") == [doc.pk]
    assert found(bob, "water", type="brief") == [doc.pk]
    assert found(bob, "water", type="other") == []
    # One audit line with only the four fields that changed, before and after.
    (line,) = AuditEvent.objects.filter(action="library.document.update")
    assert line.actor == bob and line.target_id == str(doc.pk)
    assert line.details["changes"] == {
        "title": {"before": "Aral notes", "after": "Lake Balkhash notes"},
        "authors": {"before": [], "after": ["Aigerim Sadykova", "Timur Dadabaev"]},
        "published": {"before": None, "after": "2026-03-31"},
        "doc_type": {"before": "other", "after": "brief"},
    }
    shown = client.get(doc.get_absolute_url()).content.decode()
    assert "Lake Balkhash notes" in shown and "Aigerim Sadykova, Timur Dadabaev" in shown


def test_saving_the_form_unchanged_writes_no_audit_line(registry, ingest, as_persona):
    (doc,) = ingest("aral.md", NOTE, persona="bob")
    response = as_persona("bob").post(f"/library/documents/{doc.pk}/edit/", edit_payload(doc))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="library.document.update").exists()


def test_a_bad_edit_names_the_field_and_stores_nothing(registry, ingest, as_persona):
    (doc,) = ingest("aral.md", NOTE, persona="bob")
    client = as_persona("bob")
    response = client.post(
        f"/library/documents/{doc.pk}/edit/",
        edit_payload(doc, title="Renamed", access="task_force", task_force=""),
    )
    assert response.status_code == 200
    assert "Choose the task force the document is restricted to." in response.content.decode()
    response = client.post(
        f"/library/documents/{doc.pk}/edit/",
        edit_payload(doc, authors="; ".join(["x" * 201])),
    )
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    doc.refresh_from_db()
    assert doc.title == "Aral notes" and doc.access == "public" and doc.authors == []
    assert not AuditEvent.objects.filter(action="library.document.update").exists()


def test_only_the_uploader_and_the_secretariat_may_edit_or_delete(registry, ingest, as_persona):
    (doc,) = ingest("aral.md", NOTE, persona="bob", access="network")
    for persona in ("carol",):
        client = as_persona(persona)
        assert client.get(f"/library/documents/{doc.pk}/edit/").status_code == 403
        assert client.post(f"/library/documents/{doc.pk}/delete/").status_code == 403
        page = client.get(doc.get_absolute_url()).content.decode()
        assert "/edit/" not in page
    # dave may not read a network document: he learns nothing about it.
    dave = as_persona("dave")
    assert dave.get(f"/library/documents/{doc.pk}/edit/").status_code == 404
    assert dave.post(f"/library/documents/{doc.pk}/delete/").status_code == 404
    assert as_persona("alice").get(f"/library/documents/{doc.pk}/edit/").status_code == 200
    assert Document.objects.filter(pk=doc.pk).exists()


def test_restricting_a_document_to_a_task_force_hides_it_from_others(registry, ingest, as_persona):
    (doc,) = ingest("aral.md", NOTE, persona="bob", access="network")
    task_force = registry["task_force"]
    response = as_persona("bob").post(
        f"/library/documents/{doc.pk}/edit/",
        edit_payload(doc, access="task_force", task_force=str(task_force.pk)),
    )
    assert response.status_code == 302
    dave, carol = registry["users"]["dave"], registry["users"]["carol"]
    assert as_persona("dave").get(doc.get_absolute_url()).status_code == 404
    assert found(carol, "Aral") == [doc.pk]  # seoul is a member of the task force
    assert found(dave, "Aral") == []
    line = AuditEvent.objects.get(action="library.document.update")
    assert line.details["changes"] == {
        "access": {"before": "network", "after": "task_force"},
        "task_force": {"before": None, "after": task_force.name},
    }


# --- editing through the API ------------------------------------------------------------


def test_the_api_patches_only_the_fields_sent(registry, ingest, as_persona):
    (doc,) = ingest("aral.md", NOTE, persona="bob")
    client = as_persona("bob")
    url = f"/api/v1/library/documents/{doc.pk}"
    response = client.patch(
        url,
        json.dumps({"title": "Aral basin notes", "language": "ru", "published": "2025-12-01"}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "Aral basin notes" and body["language"] == "ru"
    assert body["published"] == "2025-12-01" and body["type"] == "other"
    bob = registry["users"]["bob"]
    assert found(bob, "water", language="ru") == [doc.pk]
    assert found(bob, "water", language="en") == []
    line = AuditEvent.objects.get(action="library.document.update")
    assert set(line.details["changes"]) == {"title", "language", "published"}
    assert line.details["changes"]["language"] == {"before": "en", "after": "ru"}

    bad = client.patch(url, json.dumps({"language": "Klingon!"}), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["field"] == "language"
    blank = client.patch(url, json.dumps({"title": "  "}), content_type="application/json")
    assert blank.status_code == 400 and blank.json()["field"] == "title"
    doc.refresh_from_db()
    assert doc.language == "ru" and doc.title == "Aral basin notes"
    assert AuditEvent.objects.filter(action="library.document.update").count() == 1
    carol = as_persona("carol").patch(
        url, json.dumps({"title": "Mine"}), content_type="application/json"
    )
    assert carol.status_code == 403


# --- deleting ---------------------------------------------------------------------------


def test_deleting_confirms_what_leaves_the_search_then_removes_it(
    registry, ingest, as_persona, media
):
    (doc,) = ingest("aral.md", NOTE, persona="bob")
    bob = registry["users"]["bob"]
    stored = media / doc.original.name
    assert stored.read_bytes() == NOTE
    tags = DocumentTag.objects.filter(document=doc).count()
    assert tags >= 2  # Kazakhstan, Uzbekistan
    client = as_persona("bob")
    confirm = client.get(f"/library/documents/{doc.pk}/delete/").content.decode()
    assert "Delete “Aral notes”?" in confirm
    assert "from the search index" in confirm
    assert f"{tags} tags" in confirm and "the original file" in confirm
    assert Document.objects.filter(pk=doc.pk).exists()  # GET deletes nothing

    with_commit = client.post(f"/library/documents/{doc.pk}/delete/")
    assert with_commit.status_code == 302 and with_commit["Location"] == "/library/"
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert not DocumentTag.objects.filter(document_id=doc.pk).exists()
    assert found(bob, "Aral") == [] and found(bob, "water", country="KZ") == []
    line = AuditEvent.objects.get(action="library.document.delete")
    assert line.details["title"] == "Aral notes" and line.actor == bob


def test_deleting_an_original_leaves_its_exact_copy_findable(
    registry, ingest, as_persona, django_capture_on_commit_callbacks
):
    (original,) = ingest("aral.md", NOTE, persona="bob")
    (copy,) = ingest("aral-copy.md", NOTE, persona="alice")
    assert copy.duplicate_of_id == original.pk and copy.body == ""
    bob = registry["users"]["bob"]
    confirm = as_persona("bob").get(f"/library/documents/{original.pk}/delete/")
    assert "1 exact copy of this document stays" in confirm.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        as_persona("bob").post(f"/library/documents/{original.pk}/delete/")
    copy.refresh_from_db()
    assert copy.duplicate_of_id is None and "Aral Sea" in copy.body
    assert found(bob, "Aral") == [copy.pk]
    assert found(bob, "water", country="UZ") == [copy.pk]
    assert copy.tags.filter(kind="country", key="UZ").exists()
    assert copy.original and copy.original.read() == NOTE  # its own file is kept


def test_the_api_deletes_and_says_what_it_would_remove(registry, ingest, as_persona):
    (doc,) = ingest("aral.md", NOTE, persona="bob")
    url = f"/api/v1/library/documents/{doc.pk}"
    assert as_persona("carol").delete(url).status_code == 403
    summary = as_persona("bob").get(url + "/deletion")
    assert summary.status_code == 200
    assert summary.json()["indexed"] is True and summary.json()["copies"] == 0
    assert summary.json()["tags"] == DocumentTag.objects.filter(document=doc).count()
    assert as_persona("bob").delete(url).status_code == 204
    assert not Document.objects.filter(pk=doc.pk).exists()
    assert as_persona("bob").get(url).status_code == 404


# --- uploading with typed metadata ------------------------------------------------------


def test_the_upload_form_takes_title_authors_date_and_language(registry, as_persona):
    client = as_persona("bob")
    page = client.get("/library/upload/").content.decode()
    for field in ("id_title", "id_authors", "id_published", "id_language"):
        assert f'id="{field}"' in page
    response = client.post(
        "/library/upload/",
        {
            "upload_files": SimpleUploadedFile("scan_0042.txt", b"water security of rivers " * 20),
            "access": "public",
            "doc_type": "report",
            "title": "Rivers of Central Asia",
            "authors": "Aigerim Sadykova; Timur Dadabaev",
            "published": "2024-05-17",
            "language": "en",
        },
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == doc.get_absolute_url()
    assert doc.title == "Rivers of Central Asia"
    assert doc.authors == ["Aigerim Sadykova", "Timur Dadabaev"]
    assert doc.published == dt.date(2024, 5, 17) and doc.language == "en"
    assert found(registry["users"]["bob"], "Central Asia") == [doc.pk]


def test_without_a_typed_title_the_file_name_is_the_fallback(registry, as_persona):
    as_persona("bob").post(
        "/library/upload/",
        {
            "upload_files": SimpleUploadedFile("scan_0042.txt", b"water security of rivers " * 20),
            "access": "public",
            "doc_type": "report",
        },
    )
    assert Document.objects.get().title == "scan_0042.txt"


def test_a_title_for_several_files_is_refused_and_nothing_stored(registry, as_persona):
    response = as_persona("bob").post(
        "/library/upload/",
        {
            "upload_files": [
                SimpleUploadedFile("a.txt", b"water security " * 20),
                SimpleUploadedFile("b.txt", b"river basins " * 20),
            ],
            "access": "public",
            "doc_type": "report",
            "title": "One title",
        },
    )
    assert response.status_code == 200
    assert "A title can only be given when one file is uploaded." in response.content.decode()
    assert Document.objects.count() == 0


def test_the_api_upload_takes_metadata_and_refuses_a_bad_date(registry, as_persona):
    client = as_persona("bob")
    response = client.post(
        "/api/v1/library/documents",
        {
            "files": [SimpleUploadedFile("x.txt", b"water security " * 20)],
            "title": "Typed title",
            "authors": ["A. Author", "B. Author"],
            "published": "2023-01-02",
            "language": "kk",
        },
    )
    assert response.status_code == 201, response.content
    doc = Document.objects.get()
    assert (doc.title, doc.authors, doc.published, doc.language) == (
        "Typed title",
        ["A. Author", "B. Author"],
        dt.date(2023, 1, 2),
        "kk",
    )
    bad = client.post(
        "/api/v1/library/documents",
        {"files": [SimpleUploadedFile("y.txt", b"river " * 20)], "published": "31/12/2023"},
    )
    assert bad.status_code == 400 and bad.json()["field"] == "published"
    assert Document.objects.count() == 1


# --- the original file ------------------------------------------------------------------


def test_the_original_file_downloads_for_readers_only(registry, ingest, as_persona):
    (doc,) = ingest("aral.md", NOTE, persona="bob", access="network")
    page = as_persona("carol").get(doc.get_absolute_url()).content.decode()
    assert f"/library/documents/{doc.pk}/original/" in page
    for url in (
        f"/library/documents/{doc.pk}/original/",
        f"/api/v1/library/documents/{doc.pk}/original",
    ):
        response = as_persona("carol").get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == NOTE
        assert response["Content-Disposition"].startswith("attachment")
        assert 'filename="aral.md"' in response["Content-Disposition"]
        assert as_persona("dave").get(url).status_code == 404
        assert as_persona("anonymous").get(url).status_code in (401, 404)
    detail = as_persona("carol").get(f"/api/v1/library/documents/{doc.pk}").json()
    assert detail["original_url"] == f"/api/v1/library/documents/{doc.pk}/original"


def test_an_uploaded_html_page_is_never_served_inline(registry, ingest, as_persona):
    (doc,) = ingest("page.html", html_page(), persona="bob")
    response = as_persona("anonymous").get(f"/library/documents/{doc.pk}/original/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
