"""Ingestion through the service: seeds end to end, formats, errors, batches, duplicates."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from middleground.library import jobs, periodic, services
from middleground.library.models import Document, FileStatus, IngestBatch
from middleground.library.tasks import ingest_file_task

from .conftest import SEEDS

pytestmark = pytest.mark.django_db


def tags_of(doc, kind):
    return {t.key for t in doc.tags.all() if t.kind == kind}


def test_seed_texts_become_tagged_documents_with_a_duplicate_link(registry, ingest):
    docs = {}
    for path in sorted(SEEDS.glob("*.txt")):
        docs[path.name] = ingest(path.name, path.read_bytes())
    article = docs["000_908bbb8a0c486c43.txt"][0]
    assert "KGS/USD" not in article.body
    assert tags_of(article, "country") >= {"KZ"}
    assert str(registry["kaziss"].pk) in tags_of(article, "institution")
    assert str(registry["people"]["zhandos-shaimardanov"].pk) in tags_of(article, "expert")
    assert article.language == "en"
    listing = docs["001_859130f10ba2337b.txt"]
    assert len(listing) > 1
    assert all(d.title for d in listing)
    linked = [d for d in listing if d.duplicate_of_id == article.pk]
    assert linked, [(d.title, d.duplicate_of_id, d.data_notes) for d in listing]
    assert linked[0].body == ""
    speech = docs["002_842dd8ff9e7b15e5.txt"][0]
    assert str(registry["aif"].pk) in tags_of(speech, "event")
    assert str(registry["people"]["kassym-jomart-tokayev"].pk) in tags_of(speech, "expert")
    oped = docs["004_3b5bf3400bb8b1cf.txt"][0]
    assert "Leave a Reply" not in oped.body


class Killed(BaseException):
    """A worker's SIGKILL, as far as the code running in it can tell."""


def _queued_upload(registry, *names):
    """Files uploaded in the background whose tasks have not run (no on_commit in tests)."""
    batch = services.ingest_batch(
        actor=registry["users"]["alice"],
        files=[(name, f"{name}: notes on water in the Aral basin.".encode()) for name in names],
        background=True,
    )
    rows = list(batch.files.all())
    assert all(
        r.status == FileStatus.PENDING and default_storage.exists(r.upload.name) for r in rows
    )
    return batch, rows


def test_a_task_run_again_after_its_worker_died_stores_the_file_once(registry, monkeypatch):
    batch, [row] = _queued_upload(registry, "notes.txt")
    stored = row.upload.name

    def die(doc):
        raise Killed  # right after the documents are committed

    monkeypatch.setattr(jobs._duplicates, "add", die)
    with pytest.raises(Killed):
        jobs.run_ingest_file(file_id=row.pk)
    monkeypatch.undo()
    jobs.run_ingest_file(file_id=row.pk)  # the re-queued task
    jobs.run_ingest_file(file_id=row.pk)  # and once more
    assert Document.objects.filter(batch=batch).count() == 1
    row.refresh_from_db()
    assert row.status == FileStatus.DONE and row.document_count == 1
    assert not row.upload and not default_storage.exists(stored)


def test_an_upload_pending_past_the_deadline_with_no_task_is_failed_with_a_reason(
    registry, as_persona, settings
):
    lost_batch, [lost] = _queued_upload(registry, "lost.txt")
    lost_file = lost.upload.name
    queued_batch, [queued] = _queued_upload(registry, "queued.txt")
    _, [recent] = _queued_upload(registry, "recent.txt")
    long_ago = timezone.now() - services.STALE_UPLOAD - dt.timedelta(minutes=1)
    IngestBatch.objects.filter(pk__in=[lost_batch.pk, queued_batch.pk]).update(created_at=long_ago)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    ingest_file_task.enqueue(queued.pk)  # still waiting for a worker: left alone

    assert "1 stale uploads marked failed" in periodic.run()
    for row in (lost, queued, recent):
        row.refresh_from_db()
    assert lost.status == FileStatus.FAILED and "interrupted" in lost.error
    assert not lost.upload and not default_storage.exists(lost_file)
    assert queued.status == recent.status == FileStatus.PENDING
    assert default_storage.exists(queued.upload.name)
    page = as_persona("alice").get(lost_batch.get_absolute_url()).content.decode()
    assert "the upload was interrupted" in page
