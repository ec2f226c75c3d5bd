"""The secretariat's upload page for imports (CSV or JSON, the export's format): stored at
once when small, in the background with a progress page when large; one bad row rejects the
whole file with a report naming each row and column; the API's permission rules; CSRF; the
size and type limits."""

import csv
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from middleground.accountability import forms, interop, jobs
from middleground.accountability.models import Assessment, ImportJob

from .test_interop import _edit, _full

WHERE = {"cycle_kind": "final", "commitment": "R1", "member": "partner:UN-Water"}


def _final_r1_score():
    return Assessment.objects.get(
        cycle__kind="final", commitment__code="R1", member__partner="UN-Water"
    ).score


def _upload(client, strategy, name, content):
    url = reverse("accountability:import_upload", args=[strategy.slug])
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def test_the_commitments_and_cycle_pages_link_the_upload_page(world, as_persona):
    strategy, cycle, _final = _full(world)
    alice = as_persona("alice")
    url = reverse("accountability:import_upload", args=[strategy.slug])
    assert url in alice.get(reverse("accountability:commitments", args=[strategy.slug])).text
    assert url in alice.get(reverse("accountability:cycle", args=[cycle.pk])).text
    page = alice.get(url)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'name="file"' in page.text


def test_upload_stores_the_rows_and_shows_the_counts(world, as_persona):
    strategy, _cycle, _final = _full(world)
    assert _final_r1_score() == 0
    text, _n = _edit(interop.export_csv(strategy), "assessment", WHERE, score="-1")
    response = _upload(as_persona("alice"), strategy, "edited.csv", text.encode())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("accountability:import_job", args=[job.pk])
    assert job.status == "done" and job.summary["assessment"]["updated"] == 1
    assert _final_r1_score() == -1
    page = as_persona("alice").get(response["Location"])
    assert f"Imported: {job.total_rows} rows checked and stored." in page.text
    assert "<code>assessment</code></th><td>0</td><td>1</td><td>5</td>" in page.text
    assert "hx-trigger" not in page.text  # finished: no polling


def test_upload_of_json_round_trips(world, as_persona):
    strategy, _cycle, _final = _full(world)
    doc = interop.export_json(strategy)
    row = next(
        r
        for r in doc["rows"]
        if r["record"] == "assessment" and all(str(r[k]) == v for k, v in WHERE.items())
    )
    row["score"] = 1
    response = _upload(as_persona("alice"), strategy, "edited.json", json.dumps(doc).encode())
    assert response.status_code == 302
    assert ImportJob.objects.get().status == "done" and _final_r1_score() == 1


def test_one_bad_row_is_reported_by_row_and_column_and_nothing_is_stored(world, as_persona):
    strategy, _cycle, _final = _full(world)
    source = interop.export_csv(strategy)
    text, n = _edit(source, "assessment", WHERE, score="-1")  # a good change ...
    where = {"cycle_kind": "interim", "commitment": "R2", "member": "partner:UN-Water"}
    text, bad = _edit(text, "assessment", where, score="5")  # ... and a bad row
    before = list(Assessment.objects.order_by("pk").values_list("score", flat=True))
    response = _upload(as_persona("alice"), strategy, "bad.csv", text.encode())
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert [(e["row"], e["field"]) for e in job.errors] == [(bad, "score")]
    assert list(Assessment.objects.order_by("pk").values_list("score", flat=True)) == before
    page = as_persona("alice").get(response["Location"])
    assert "Rejected, nothing stored: 1 problem found." in page.text
    assert f'<th scope="row">{bad}</th><td><code>score</code></td>' in page.text
    report = (
        as_persona("alice")
        .get(reverse("accountability:import_report", args=[job.pk]))
        .content.decode()
    )
    assert list(csv.reader(io.StringIO(report))) == [
        ["row", "column", "problem"],
        [str(bad), "score", job.errors[0]["message"]],
    ]
    job_report = reverse("accountability:import_report", args=[job.pk])
    assert as_persona("carol").get(job_report).status_code == 404


def test_only_the_secretariat_uploads_and_sees_imports(world, as_persona):
    strategy, _cycle, _final = _full(world)
    url = reverse("accountability:import_upload", args=[strategy.slug])
    content = interop.export_csv(strategy).encode()
    for persona in ("carol", "bob", "dave"):
        client = as_persona(persona)
        assert client.get(url).status_code == 403
        assert _upload(client, strategy, "x.csv", content).status_code == 403
    assert as_persona("anonymous").get(url).status_code == 302  # to the sign-in page
    assert not ImportJob.objects.exists()
    _upload(as_persona("alice"), strategy, "x.csv", content)
    job_url = reverse("accountability:import_job", args=[ImportJob.objects.get().pk])
    assert as_persona("alice").get(job_url).status_code == 200
    assert as_persona("carol").get(job_url).status_code == 404  # as the API: jobs are not public


def test_the_upload_needs_the_csrf_token(world):
    strategy, _cycle, _final = _full(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["alice"])
    response = _upload(client, strategy, "x.csv", interop.export_csv(strategy).encode())
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_a_too_large_or_wrong_file_gets_a_clear_error(world, as_persona, monkeypatch):
    strategy, _cycle, _final = _full(world)
    alice = as_persona("alice")
    content = interop.export_csv(strategy).encode()
    monkeypatch.setattr(forms, "MAX_UPLOAD_BYTES", 1024 * 1024)
    big = _upload(alice, strategy, "big.csv", content + b"\n" * (1024 * 1024))
    assert big.status_code == 400
    assert "MB; the limit is 1 MB." in big.text and 'role="alert"' in big.text
    wrong = _upload(alice, strategy, "scores.xlsx", content)
    assert wrong.status_code == 400
    assert "Choose a .csv or .json file as exported" in wrong.text
    not_csv = _upload(alice, strategy, "scores.csv", b"\x89PNG\r\n\x1a\n\xff\xfe")
    assert not_csv.status_code == 400 and "The file is not UTF-8 text." in not_csv.text
    columns = _upload(alice, strategy, "scores.csv", b"a,b\n1,2\n")
    assert columns.status_code == 400 and "The file lacks the columns" in columns.text
    assert not ImportJob.objects.exists()


def test_a_large_upload_runs_in_the_background_with_a_self_refreshing_progress_page(
    world, as_persona, monkeypatch, django_capture_on_commit_callbacks
):
    strategy, _cycle, _final = _full(world)
    monkeypatch.setattr(interop, "LARGE_IMPORT", 5)
    text, _n = _edit(interop.export_csv(strategy), "assessment", WHERE, score="-1")
    alice = as_persona("alice")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _upload(alice, strategy, "large.csv", text.encode())
    job = ImportJob.objects.get()
    assert job.status == "pending" and _final_r1_score() == 0
    page = alice.get(response["Location"])
    assert 'role="status" aria-live="polite"' in page.text
    assert f"Waiting to start: {job.total_rows} rows to check." in page.text
    assert 'hx-trigger="every 2s"' in page.text and "<progress" in page.text
    assert '<meta http-equiv="refresh"' in page.text  # without JavaScript
    # half way through the check, as the task saves it
    ImportJob.objects.filter(pk=job.pk).update(status="running", rows_done=job.total_rows // 2)
    poll = alice.get(response["Location"], headers={"HX-Request": "true"})
    assert "<html" not in poll.text and 'hx-trigger="every 2s"' in poll.text
    assert f"Checking: {job.total_rows // 2} of {job.total_rows} rows" in poll.text
    assert 'id="import-status" hx-swap-oob="innerHTML"' in poll.text
    ImportJob.objects.filter(pk=job.pk).update(status="pending", rows_done=0)
    for callback in callbacks:
        callback()  # the immediate backend runs the task here
    assert _final_r1_score() == -1
    poll = alice.get(response["Location"], headers={"HX-Request": "true"})
    assert "hx-trigger" not in poll.text  # the polling stops
    assert f"Imported: {job.total_rows} rows checked and stored." in poll.text
    assert jobs.RECORDS[0] in poll.text
