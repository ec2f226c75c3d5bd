"""Integrity under failure and concurrency: analysis runs that die or overlap votes, Polis
imports in batches, vote history that replays to the stored vote, length limits."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.utils import timezone

from middleground.consultations import interop, periodic, services
from middleground.consultations.models import (
    Consultation,
    Participant,
    Statement,
    Status,
    Vote,
    VoteEvent,
)
from middleground.consultations.tasks import analyze_consultation_task
from middleground.core.csv_export import csv_text
from middleground.core.errors import ServiceError


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def dummy_queue(settings):
    """A task backend that only records what was enqueued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


def _pending(consultation, **extra):
    Consultation.objects.filter(pk=consultation.pk).update(
        analysis_pending=True, analysis_requested_at=timezone.now(), **extra
    )
    return Consultation.objects.get(pk=consultation.pk)


def _first_statement(consultation) -> int:
    return consultation.statements.order_by("number").values_list("pk", flat=True)[0]


# --- finding 9: an analysis is marked done only when it has finished ---------------------


def test_an_analysis_run_that_fails_midway_stays_pending(consultation, monkeypatch):
    _pending(consultation)

    def crash(*args, **kwargs):
        raise RuntimeError("worker killed")

    monkeypatch.setattr("middleground.analysis.opinion.analyze", crash)
    with pytest.raises(RuntimeError):
        services.run_analysis(consultation_id=consultation.pk)
    consultation.refresh_from_db()
    assert consultation.analysis_pending
    assert not consultation.analyses.exists()


def test_a_vote_during_an_analysis_run_leaves_it_pending_and_queues_the_next(
    world, consultation, monkeypatch, dummy_queue, django_capture_on_commit_callbacks
):
    # the vote's request read the consultation while the run was pending
    as_read_by_the_vote = _pending(consultation)
    from middleground.analysis import opinion

    real_analyze = opinion.analyze

    def vote_meanwhile(*args, **kwargs):
        services.cast_vote(
            actor=world.users["bob"],
            consultation=as_read_by_the_vote,
            statement_id=_first_statement(consultation),
            value=1,
        )
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(opinion, "analyze", vote_meanwhile)
    with django_capture_on_commit_callbacks(execute=True):
        services.run_analysis(consultation_id=consultation.pk)
    consultation.refresh_from_db()
    assert consultation.analysis_pending
    assert len(dummy_queue.results) == 1  # the next run, which will see the vote
    # that run finds nothing new: done
    monkeypatch.setattr(opinion, "analyze", real_analyze)
    services.run_analysis(consultation_id=consultation.pk)
    consultation.refresh_from_db()
    assert not consultation.analysis_pending
    assert consultation.analyses.count() == 2


def test_a_moderation_during_an_analysis_run_leaves_it_pending(
    world, make_consultation, monkeypatch, dummy_queue
):
    consultation = make_consultation(moderation="before")
    statement = services.add_statement(
        actor=world.users["bob"], consultation=consultation, text="A statement to moderate."
    )
    _pending(consultation)
    from middleground.analysis import opinion

    real_analyze = opinion.analyze

    def moderate_meanwhile(*args, **kwargs):
        services.moderate_statement(actor=world.users["alice"], statement=statement, accept=True)
        return real_analyze(*args, **kwargs)

    monkeypatch.setattr(opinion, "analyze", moderate_meanwhile)
    services.run_analysis(consultation_id=consultation.pk)
    consultation.refresh_from_db()
    assert consultation.analysis_pending


def test_an_analysis_task_run_again_after_its_work_is_done_does_nothing(voted_once):
    analyze_consultation_task.enqueue(voted_once.pk)  # the immediate backend runs it now
    assert voted_once.analyses.count() == 1


@pytest.fixture
def voted_once(world, consultation):
    services.cast_vote(
        actor=world.users["bob"],
        consultation=consultation,
        statement_id=_first_statement(consultation),
        value=1,
    )
    services.run_analysis(consultation_id=consultation.pk)
    consultation.refresh_from_db()
    assert not consultation.analysis_pending
    return consultation


def test_periodic_requeues_a_stale_analysis_only_when_no_task_is_queued_for_it(
    consultation, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.CONSULTATIONS_ANALYSIS_DELAY = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.request_analysis(consultation_id=consultation.pk)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Consultation.objects.filter(pk=consultation.pk).update(analysis_requested_at=long_ago)
    # still waiting in the queue (a busy worker): not queued twice
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.run().startswith("0 consultation analyses re-queued")
    # the task died (recovered as failed by the queue): the analysis is queued again
    DBTaskResult.objects.update(status="FAILED")
    with django_capture_on_commit_callbacks(execute=True):
        assert periodic.run().startswith("1 consultation analyses re-queued")
    assert DBTaskResult.objects.filter(status="READY").count() == 1


# --- finding 10: a Polis import commits in batches, all or nothing for the user ---------


SMALL_COMMENTS = [[1000, "x", n, 0, 0, 0, 1, f"Statement {n}", "false", "false"] for n in range(5)]


def _export_dir(tmp_path, comments=SMALL_COMMENTS, votes=None):
    votes = votes or [[2000 + i, "x", i % 5, i % 3, 1 - i % 3] for i in range(9)]
    (tmp_path / "comments.csv").write_text(csv_text(comments, header=interop.COMMENT_HEADER))
    (tmp_path / "votes.csv").write_text(
        csv_text(votes, header=["timestamp", "datetime", "comment-id", "voter-id", "vote"])
    )
    return str(tmp_path)


def _rows_of_consultations() -> tuple[int, ...]:
    return tuple(
        model.objects.count() for model in (Consultation, Statement, Participant, Vote, VoteEvent)
    )


@pytest.mark.django_db(transaction=True)
def test_an_import_commits_in_batches_and_is_invisible_until_the_last(tmp_path, monkeypatch):
    connection, other = connections["default"], connections.create_connection("default")
    real_commit = connection.commit
    seen: list[int] = []

    def commit():
        real_commit()
        # between two batches another connection writes, and sees no finished import
        with other.cursor() as cursor:
            cursor.execute("UPDATE consultations_consultation SET title = title")
            cursor.execute(
                "SELECT COUNT(*) FROM consultations_consultation WHERE status <> %s",
                [Status.IMPORTING],
            )
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(connection, "commit", commit)
    try:
        consultation = interop.import_polis(
            actor=None, directory=_export_dir(tmp_path), title="Batched", batch_size=2
        )
    finally:
        monkeypatch.setattr(connection, "commit", real_commit)
        other.close()
    # hidden through the first step, 3 batches of statements, 2 of participants (and 2 of
    # their first-vote times), 5 of history and 5 of votes; shown from the last step on
    assert seen.index(1) == 18 and all(seen[18:])
    assert consultation.status == Status.CLOSED
    assert consultation.vote_events.count() == 9 and consultation.statements.count() == 5


@pytest.mark.django_db(transaction=True)
def test_an_import_failing_in_its_second_batch_leaves_nothing_behind(tmp_path, monkeypatch):
    real_bulk_create = VoteEvent.objects.bulk_create
    calls = []

    def failing_second_batch(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise DatabaseError("disk I/O error")
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(VoteEvent.objects, "bulk_create", failing_second_batch)
    with pytest.raises(ServiceError, match="votes.csv") as error:
        interop.import_polis(actor=None, directory=_export_dir(tmp_path), batch_size=4)
    assert "vote events 5-8" in error.value.message
    assert calls == [4, 4]  # the first batch was committed before the second failed
    assert _rows_of_consultations() == (0, 0, 0, 0, 0)


def test_an_importing_consultation_is_invisible_to_everyone(as_persona, tmp_path):
    consultation = interop.import_polis(actor=None, directory=_export_dir(tmp_path))
    Consultation.objects.filter(pk=consultation.pk).update(status=Status.IMPORTING)
    alice = as_persona("alice")
    assert alice.get(f"/api/v1/consultations/{consultation.pk}").status_code == 404
    assert alice.get(f"/consultations/{consultation.slug}/").status_code == 404
    assert alice.get("/api/v1/consultations").json()["count"] == 0
    assert consultation.slug not in alice.get("/consultations/").content.decode()


def test_importing_is_not_a_status_a_manager_can_set(as_persona, consultation):
    response = as_persona("alice").patch(
        f"/api/v1/consultations/{consultation.pk}",
        json.dumps({"status": "importing"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "status"


def test_periodic_removes_an_import_that_died_past_its_deadline(db, tmp_path):
    died = interop.import_polis(actor=None, directory=_export_dir(tmp_path), slug="died")
    running = interop.import_polis(actor=None, directory=_export_dir(tmp_path), slug="running")
    long_ago = timezone.now() - interop.IMPORT_DEADLINE - dt.timedelta(minutes=1)
    Consultation.objects.filter(pk=died.pk).update(status=Status.IMPORTING, created_at=long_ago)
    Consultation.objects.filter(pk=running.pk).update(status=Status.IMPORTING)
    assert periodic.run().endswith("1 unfinished imports removed")
    assert list(Consultation.objects.values_list("slug", flat=True)) == ["running"]
    assert not VoteEvent.objects.filter(consultation_id=died.pk).exists()
    assert not Statement.objects.filter(consultation_id=died.pk).exists()


def test_an_import_with_an_out_of_range_voter_id_names_the_file_and_row(db, tmp_path):
    votes = [[2000, "x", 0, 1, 1], [2001, "x", 1, 2**31, 1]]
    with pytest.raises(ServiceError, match=r"votes\.csv:3: voter-id out of range"):
        interop.import_polis(actor=None, directory=_export_dir(tmp_path, votes=votes))
    assert _rows_of_consultations() == (0, 0, 0, 0, 0)


def test_a_formula_statement_comes_back_as_typed_after_export_and_import(
    make_consultation, tmp_path
):
    source = make_consultation(statements=["=1+1 is what the delegates agreed."])
    for name, text in interop.polis_files(source).items():
        (tmp_path / name).write_text(text)
    assert "'=1+1 is" in (tmp_path / "comments.csv").read_text()  # neutralised on the way out
    imported = interop.import_polis(actor=None, directory=str(tmp_path), title="Back")
    assert imported.statements.get().text == "=1+1 is what the delegates agreed."


# --- finding 18: vote history replays to the stored vote ---------------------------------


def test_history_stamped_out_of_commit_order_still_replays_to_the_stored_vote(world, consultation):
    bob, statement = world.users["bob"], _first_statement(consultation)
    for value in (1, -1):
        services.cast_vote(
            actor=bob, consultation=consultation, statement_id=statement, value=value
        )
    first, second = VoteEvent.objects.filter(statement=statement).order_by("pk")
    # the first committed row stamped later than the second (its clock ran ahead)
    VoteEvent.objects.filter(pk=first.pk).update(
        created_at=second.created_at + dt.timedelta(seconds=5)
    )
    stored = Vote.objects.get(statement=statement).value
    rows = list(csv.DictReader(io.StringIO(interop.polis_files(consultation)["votes.csv"])))
    replay: dict[tuple[str, str], str] = {}
    for row in sorted(rows, key=lambda r: int(r["timestamp"])):  # stable, as Polis replays
        replay[(row["voter-id"], row["comment-id"])] = row["vote"]
    assert list(replay.values()) == [str(stored)] == ["-1"]


# --- finding 19: length limits where a person types --------------------------------------


def _api(client, method, path, data):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


@pytest.mark.parametrize(
    ("field", "length"), [("context", 1_000_000), ("title", 201), ("question", 1001)]
)
def test_the_api_refuses_too_long_consultation_texts_naming_the_field(
    as_persona, consultation, field, length
):
    alice = as_persona("alice")
    data = {"title": "Long", "question": "Long?", field: "x" * length}
    created = _api(alice, "post", "/api/v1/consultations", data)
    assert created.status_code == 400, created.content
    assert created.json()["field"] == field and "too long" in created.json()["detail"]
    patched = _api(
        alice, "patch", f"/api/v1/consultations/{consultation.pk}", {field: "x" * length}
    )
    assert (patched.status_code, patched.json()["field"]) == (400, field)
    assert Consultation.objects.count() == 1


def test_the_api_refuses_a_too_long_statement_naming_the_field(as_persona, consultation):
    response = _api(
        as_persona("bob"),
        "post",
        f"/api/v1/consultations/{consultation.pk}/statements",
        {"text": "y" * 401},
    )
    assert (response.status_code, response.json()["field"]) == (400, "text")


def test_the_import_page_refuses_a_too_long_attribution_beside_the_field(as_persona, tmp_path):
    _export_dir(tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("comments.csv", "votes.csv"):
            archive.write(tmp_path / name, name)
    buffer.seek(0)
    buffer.name = "export.zip"
    response = as_persona("alice").post(
        "/consultations/import/", {"attribution": "z" * 10_001, "file": buffer}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["attribution"] == [
        "This text is too long: 10001 characters, 10000 at most."
    ]
    assert "10000 at most" in response.content.decode()
    assert not Consultation.objects.exists()
