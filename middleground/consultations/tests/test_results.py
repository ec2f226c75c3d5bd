"""Analysis in the background, versioned results, results pages, exports and Polis import."""

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import call_command

from middleground.analysis.polis_io import read_export
from middleground.consultations import selectors, services
from middleground.consultations.interop import import_polis, polis_files
from middleground.consultations.models import (
    AnalysisResult,
    Consultation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)

POLIS = Path(__file__).resolve().parents[1] / "data" / "polis" / "london.youth.policing"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def voted(world, make_consultation):
    """An open consultation with two camps of simulated participants and stored results."""
    consultation = make_consultation(
        anonymity="pseudonymous",
        statements=[f"Statement number {i}." for i in range(1, 9)],
    )
    statements = list(consultation.statements.order_by("number"))
    for n in range(12):
        participant = Participant.objects.create(
            consultation=consultation,
            number=100 + n,
            regional_group="APG" if n % 2 else "WEOG",
            simulated=True,
        )
        for statement in statements:
            camp = 1 if n < 6 else -1
            value = 1 if statement.number <= 2 else camp * (1 if statement.number % 2 else -1)
            Vote.objects.create(
                consultation=consultation,
                participant=participant,
                statement=statement,
                value=value,
                created_at=statement.created_at,
                updated_at=statement.created_at,
            )
            VoteEvent.objects.create(
                consultation=consultation,
                participant=participant,
                statement=statement,
                value=value,
                created_at=statement.created_at,
            )
    services.run_analysis(consultation_id=consultation.pk)
    return consultation


def test_the_analysis_is_stored_as_numbered_versions(voted):
    assert voted.analyses.count() == 1
    second = services.run_analysis(consultation_id=voted.pk)
    assert second.version == 2
    assert second.k_smoothing == second.result["k_smoothing"]
    assert second.n_votes == 96 and second.n_participants == 12
    assert len(second.result["groups"]) == 2


def test_results_api_gives_the_engine_fields_with_version_and_time(as_persona, voted):
    data = as_persona("bob").get(f"/api/v1/consultations/{voted.pk}/results").json()
    assert data["version"] == 1 and data["computed_at"]
    for key in ("participants", "groups", "statements", "consensus", "declared_groups"):
        assert key in data
    statement = data["statements"][0]
    for key in (
        "agrees",
        "disagrees",
        "passes",
        "group_informed_consensus",
        "bridging_intercept",
        "bridging_intercept_se",
        "bridging_factor",
        "repness",
    ):
        assert key in statement
    assert {g["label"] for g in data["declared_groups"]["groups"]} == {"APG", "WEOG"}


def test_results_keep_showing_while_a_recomputation_runs(
    as_persona, voted, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    bob = as_persona("bob")
    statement = voted.statements.first()
    with django_capture_on_commit_callbacks(execute=True):
        for value in (1, -1, 0):
            bob.post(
                f"/api/v1/consultations/{voted.pk}/votes",
                json.dumps({"statement": statement.pk, "vote": value}),
                content_type="application/json",
            )
    assert len(default_task_backend.results) == 1  # debounced: one run queued
    voted.refresh_from_db()
    assert voted.analysis_pending
    page = bob.get(f"/consultations/{voted.slug}/results/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Analysis version 1" in html and "computing" in html
    assert 'hx-trigger="every 5s"' in html
    api = bob.get(f"/api/v1/consultations/{voted.pk}/results").json()
    assert api["version"] == 1 and api["computing"] is True
    # the worker runs: a new version appears, the polled status line offers it
    services.run_analysis(consultation_id=voted.pk)
    status = bob.get(f"/consultations/{voted.slug}/results/status/?shown=1").content.decode()
    assert "Analysis version 2" in status and "newer analysis is ready" in status
    assert "computing" not in status


def test_the_results_page_shows_the_three_measures_groups_and_charts(client, voted):
    html = client.get(f"/consultations/{voted.slug}/results/").content.decode()
    for text in (
        "Group-informed",
        "Bridging",
        "Declared groups",
        "What makes each group distinct",
        "Divisive statements",
        "Participation over time",
        'data-chart="map-chart"',
        'data-chart="time-chart"',
        "How confident is each finding?",
    ):
        assert text in html
    assert "<table" in html and "<style" not in html and "style=" not in html


def test_a_large_conversation_is_drawn_as_clusters():
    from middleground.consultations.presentation import opinion_map

    participants = [
        {"id": i, "group": i % 2, "x": (i % 97) / 10, "y": (i % 89) / 10} for i in range(5000)
    ]
    drawn = opinion_map({"participants": participants})
    assert drawn["binned"] and drawn["chart"]["type"] == "bubble"
    points = sum(len(d["data"]) for d in drawn["chart"]["data"]["datasets"])
    assert points < 1200
    assert sum(row["size"] for row in drawn["table"]) == 5000


def test_the_results_page_without_votes_says_so(client, consultation):
    html = client.get(f"/consultations/{consultation.slug}/results/").content.decode()
    assert "No analysis yet." in html or "Results appear here" in html


def test_polis_export_is_readable_by_the_polis_reader(client, voted, tmp_path):
    response = client.get(f"/consultations/{voted.slug}/export/polis.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = {os.path.basename(n) for n in archive.namelist()}
        assert {"comments.csv", "votes.csv", "participants-votes.csv"} <= names
        archive.extractall(tmp_path)
    folder = tmp_path / voted.slug
    export = read_export(str(folder))
    assert export.votes.participant.size == 96
    assert sorted(export.statement_ids.tolist()) == list(range(1, 9))
    (folder / "votes.csv").unlink()  # the older format: votes from participants-votes.csv
    assert read_export(str(folder)).votes.participant.size == 96


def test_exports_never_reveal_who_voted(world, as_persona, make_consultation):
    consultation = make_consultation(anonymity="pseudonymous")
    bob = as_persona("bob")
    bob.post(
        f"/api/v1/consultations/{consultation.pk}/votes",
        json.dumps({"statement": consultation.statements.first().pk, "vote": 1}),
        content_type="application/json",
    )
    services.run_analysis(consultation_id=consultation.pk)
    exported = json.dumps(
        [
            polis_files(consultation),
            as_persona("alice").get(f"/consultations/{consultation.slug}/export.json").json(),
            as_persona("alice").get(f"/api/v1/consultations/{consultation.pk}/results").json(),
        ]
    )
    user = world.users["bob"]
    for secret in (user.username, user.email, "Bob Bekov", f'"user": {user.pk}'):
        assert secret not in exported


def test_the_report_is_html_and_pdf(client, voted):
    html = client.get(f"/consultations/{voted.slug}/report/")
    assert html.status_code == 200 and "Consensus by three measures" in html.content.decode()
    pdf = client.get(f"/consultations/{voted.slug}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_polis_export_imports_as_a_new_consultation(as_persona):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("comments.csv", "votes.csv", "summary.csv"):
            archive.write(POLIS / name, f"export/{name}")
    buffer.seek(0)
    buffer.name = "export.zip"
    response = as_persona("alice").post(
        "/consultations/import/",
        {
            "title": "Imported",
            "attribution": "CC BY 4.0, The Computational Democracy Project",
            "file": buffer,
        },
    )
    assert response.status_code == 302
    imported = Consultation.objects.get(title="Imported")
    export = read_export(str(POLIS))
    assert imported.statements.count() == export.statement_ids.size
    assert imported.statements.filter(status="rejected").count() == export.moderated_out.size
    assert imported.participants.count() == 26
    assert imported.vote_events.count() == export.votes.participant.size
    assert imported.status == "closed" and "Computational Democracy" in imported.attribution


def _zip(files: dict[str, str]) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    buffer.seek(0)
    buffer.name = "bad.zip"
    return buffer


COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1,x,0,0,1,0,1,Hello\n1,x,1,0,1,0,1,World\n"
)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {
                "comments.csv": COMMENTS,
                "votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n5,x,0,7,1\n6,x,1,7,3\n",
            },
            "votes.csv:3",
        ),
        (
            {
                "comments.csv": COMMENTS,
                "votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n5,x,9,7,1\n",
            },
            "unknown comment-id 9",
        ),
        ({"votes.csv": "timestamp,datetime,comment-id,voter-id,vote\n"}, "no comments.csv"),
        ({"comments.csv": "a,b\n1,2\n"}, "wrong header"),
    ],
)
def test_a_malformed_polis_import_is_a_clear_error_and_stores_nothing(as_persona, files, message):
    before = (Consultation.objects.count(), Statement.objects.count(), Vote.objects.count())
    response = as_persona("alice").post("/consultations/import/", {"file": _zip(files)})
    assert response.status_code == 200
    assert message in response.content.decode()
    after = (Consultation.objects.count(), Statement.objects.count(), Vote.objects.count())
    assert after == before


def test_an_upload_that_is_not_a_zip_is_refused(as_persona):
    upload = io.BytesIO(b"not a zip")
    upload.name = "x.zip"
    response = as_persona("alice").post("/consultations/import/", {"file": upload})
    assert "not a zip archive" in response.content.decode()
    assert not Consultation.objects.exists()


def test_the_import_command_reads_a_directory(db, capsys):
    call_command("import_polis", str(POLIS), "--title", "From the command line")
    consultation = Consultation.objects.get(title="From the command line")
    assert consultation.votes.exists()
    assert "imported" in capsys.readouterr().out


def test_the_import_command_reports_bad_files(db, tmp_path):
    (tmp_path / "comments.csv").write_text(COMMENTS)
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n5,x,0,7,1\n6,x,1,7,3\n"
    )
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="votes.csv:3"):
        call_command("import_polis", str(tmp_path))
    assert not Consultation.objects.exists()


def test_import_polis_service_is_all_or_nothing(db, tmp_path):
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        "1,x,0,0,1,0,1,Hello\n1,x,1,0,1,0,1,\n"
    )
    (tmp_path / "votes.csv").write_text("timestamp,datetime,comment-id,voter-id,vote\n5,x,0,7,1\n")
    from middleground.core.errors import ServiceError

    with pytest.raises(ServiceError, match="no text"):
        import_polis(actor=None, directory=str(tmp_path))
    assert not Consultation.objects.exists() and not AnalysisResult.objects.exists()


def test_the_demo_loads_simulated_votes_and_a_real_polis_conversation_twice(db):
    from middleground.consultations.demo import load_demo
    from middleground.network.demo import load_demo as load_network

    load_network()
    first = load_demo()
    second = load_demo()
    assert first == second
    unsc = Consultation.objects.get(slug="unsc-reform-demo")
    assert unsc.simulated and unsc.statements.count() == 25
    assert all(s.source.startswith("seed ") for s in unsc.statements.all())
    assert unsc.participants.filter(simulated=True).count() == unsc.participants.count()
    result = unsc.analyses.get().result
    assert len(result["groups"]) >= 2 and result["consensus"]["agree"]
    polis = Consultation.objects.get(slug="london-youth-policing-polis")
    assert "CC BY 4.0" in polis.attribution and polis.votes.count() > 500


def test_a_lost_analysis_run_is_queued_again(voted, django_capture_on_commit_callbacks):
    import datetime as dt

    from django.utils import timezone

    from middleground.consultations.periodic import run

    Consultation.objects.filter(pk=voted.pk).update(
        analysis_pending=True, analysis_requested_at=timezone.now() - dt.timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert run().startswith("1 consultation analyses re-queued, 0 consultations closed")
    assert voted.analyses.count() == 2  # the immediate backend ran it
    voted.refresh_from_db()
    assert not voted.analysis_pending


def test_consultations_close_at_their_closing_date(consultation):
    import datetime as dt

    from django.utils import timezone

    from middleground.consultations.periodic import run

    Consultation.objects.filter(pk=consultation.pk).update(
        closes_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert "1 consultations closed" in run()
    consultation.refresh_from_db()
    assert consultation.status == "closed"


def test_declared_groups_can_be_a_bloc_membership(voted):
    Participant.objects.filter(consultation=voted, number__lt=106).update(
        country="KZ", blocs=["CICA", "SCO"]
    )
    Participant.objects.filter(consultation=voted, number__gte=106).update(
        country="BR", blocs=["BRICS"]
    )
    voted.declared_dimension = "bloc:SCO"
    voted.save()
    assert set(selectors.declared_labels(voted).values()) == {"SCO", "not SCO"}
