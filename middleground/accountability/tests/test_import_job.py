"""Large imports run in the background: progress (rows done / total) and the report, read
through the API and the command; the API's import and export."""

import io

from django.core.management import call_command

from middleground.accountability import interop, jobs
from middleground.accountability.models import Assessment, ImportJob

from .test_interop import _edit, _full


def test_a_large_import_runs_in_the_background_with_progress_and_report(
    world, monkeypatch, django_capture_on_commit_callbacks, as_persona
):
    strategy, _cycle, _final = _full(world)
    monkeypatch.setattr(interop, "LARGE_IMPORT", 5)
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 10)
    seen = []
    original = jobs.plan_import

    def spying(**kwargs):
        progress = kwargs.get("progress")
        if progress is not None:

            def saved(done):
                progress(done)
                seen.append(
                    ImportJob.objects.order_by("-pk").values_list("rows_done", flat=True)[0]
                )

            kwargs["progress"] = saved
        return original(**kwargs)

    monkeypatch.setattr(jobs, "plan_import", spying)
    where = {"cycle_kind": "final", "commitment": "R2"}
    text, n = _edit(interop.export_csv(strategy), "assessment", where, score="5")
    rows = interop.parse_csv(text)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = interop.start_import(actor=world.users["alice"], strategy=strategy, rows=rows)
    assert (job.status, job.total_rows, job.rows_done) == ("pending", len(rows), 0)
    alice = as_persona("alice")
    body = alice.get(f"/api/v1/compliance/imports/{job.pk}").json()
    assert (body["status"], body["rows_done"], body["total_rows"]) == ("pending", 0, len(rows))
    for callback in callbacks:
        callback()  # the immediate backend runs the task here
    assert seen == [10, 20, len(rows)]  # saved as it went, readable by others
    body = alice.get(f"/api/v1/compliance/imports/{job.pk}").json()
    assert body["status"] == "rejected" and body["rows_done"] == len(rows)
    assert [(e["row"], e["field"]) for e in body["errors"]] == [(n, "score")]
    assert Assessment.objects.filter(score=5).count() == 0
    assert as_persona("carol").get(f"/api/v1/compliance/imports/{job.pk}").status_code == 404
    out = io.StringIO()
    call_command("import_compliance", job=job.pk, stdout=out)
    assert f"row {n}, score" in out.getvalue()

    # the same import, fixed, stores its rows in the background
    text, _n = _edit(interop.export_csv(strategy), "assessment", where, score="-1")
    with django_capture_on_commit_callbacks(execute=True):
        job = interop.start_import(
            actor=world.users["alice"], strategy=strategy, rows=interop.parse_csv(text)
        )
    job.refresh_from_db()
    assert job.status == "done" and job.summary["assessment"]["updated"] == 1
    assert job.data == []  # the rows are not kept once imported
    assert Assessment.objects.get(cycle__kind="final", commitment__code="R2").score == -1


def test_api_export_and_import(world, as_persona, tmp_path):
    strategy, _cycle, _final = _full(world)
    alice = as_persona("alice")
    csv_text = alice.get(f"/api/v1/compliance/strategies/{strategy.pk}/export.csv")
    assert csv_text["Content-Type"].startswith("text/csv")
    doc = alice.get(f"/api/v1/compliance/strategies/{strategy.pk}/export.json").json()
    assert interop.parse_csv(csv_text.content.decode()) == interop.parse_json(doc)
    url = f"/api/v1/compliance/strategies/{strategy.pk}/import"
    response = alice.post(url, csv_text.content, content_type="text/csv")
    assert response.status_code == 201 and response.json()["status"] == "done"
    bad = dict(doc)
    bad["rows"] = [dict(r) for r in doc["rows"]]
    bad["rows"][0]["weight"] = -3
    response = alice.post(url, bad, content_type="application/json")
    body = response.json()
    assert response.status_code == 400 and body["field"] == "weight"
    assert body["errors"] == [
        {"row": 1, "field": "weight", "message": body["errors"][0]["message"]}
    ]
    response = as_persona("bob").post(url, csv_text.content, content_type="text/csv")
    assert response.status_code == 403
    # the command: same file, unchanged -> nothing changes
    path = tmp_path / "export.csv"
    path.write_bytes(csv_text.content)
    out = io.StringIO()
    call_command(
        "import_compliance", str(path), strategy=strategy.slug, username="alice", stdout=out
    )
    assert (
        "done" in out.getvalue()
        and "assessment: 0 created, 0 updated, 6 unchanged" in out.getvalue()
    )
