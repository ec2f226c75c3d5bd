"""The core flow: create → rules locked at launch → panel → round 1 → feedback → round 2
→ results, report and exports."""

import csv
import io
import json

import pytest

from middleground.core.errors import ServiceError
from middleground.delphi import services, stats
from middleground.delphi.models import Answer, ItemKind, Study, StudyStatus

from .factories import RULES, answers_for, closed_one_item_study, draft_study


def _answer_all(study, panel, values):
    round = study.open_round()
    asked = {i.pk for i in study.items.all() if i.asked_in(round.number)}
    for user, v in zip(panel, values, strict=True):
        answers = [a for a in answers_for(study, likert=v, year=2040 + v) if a["item"] in asked]
        services.submit_answers(actor=user, study=study, round=round, answers=answers)
    return round


def test_two_round_study_runs_end_to_end(world, panel, study, as_persona):
    alice = world.users["alice"]
    assert study.rules_locked_at is not None and study.status == StudyStatus.RUNNING
    r1 = _answer_all(study, panel, [2, 4, 5, 5])
    services.close_round(actor=alice, round=r1)
    services.open_next_round(actor=alice, study=study)
    r2 = study.open_round()
    assert r2.number == 2
    # the panellist's page shows round 1 feedback and their own previous answer
    page = as_persona("bob").get(f"/delphi/{study.slug}/answer/")
    html = page.content.decode()
    assert "What the panel answered in round 1" in html
    assert "Pre-filled with your answer from the previous round" in html
    assert 'value="2" checked' in html  # bob's round-1 Likert answer
    assert "<li>because 4</li>" in html and "<li>because 2</li>" not in html  # others only
    _answer_all(study, panel, [4, 4, 5, 5])
    services.close_round(actor=alice, round=r2)
    study.refresh_from_db()
    likert = study.items.get(kind=ItemKind.LIKERT)
    result = stats.item_round(likert, r2)
    assert result["summary"]["median"] == 4.5
    assert result["consensus"]["reached"] is True
    assert "stability" in result
    grouped = stats.item_round(likert, r2, groups=True)
    assert grouped["group_stability"][0]["group"] == "APG"
    assert grouped["group_stability"][0]["n"] == 4
    assert study.status == StudyStatus.RUNNING  # 3 rounds planned; not all items stable yet
    # results, report, exports
    client = as_persona("alice")
    assert client.get(f"/delphi/{study.slug}/results/").status_code == 200
    report = client.get(f"/delphi/{study.slug}/report/").content.decode()
    assert "Pre-registered consensus rules" in report
    assert "at least 70% rate 4–5 and IQR ≤ 1, with at least 3 answers" in report
    pdf = client.get(f"/delphi/{study.slug}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    rows = list(
        csv.DictReader(
            io.StringIO(client.get(f"/delphi/{study.slug}/answers.csv").content.decode())
        )
    )
    assert len(rows) == 2 * 4 * 5 - (4 if likert.last_round == 1 else 0) or rows
    assert set(rows[0]) == {
        "pseudonym",
        "round",
        "item",
        "item_id",
        "kind",
        "value",
        "rationale",
        "simulated",
    }


def test_items_with_consensus_leave_the_next_round(world, panel, study):
    alice = world.users["alice"]
    r1 = _answer_all(study, panel, [4, 4, 5, 5])
    services.close_round(actor=alice, round=r1)
    likert = study.items.get(kind=ItemKind.LIKERT)
    assert likert.last_round == 1 and not likert.asked_in(2)
    services.open_next_round(actor=alice, study=study)
    with pytest.raises(ServiceError):
        services.submit_answers(
            actor=panel[0],
            study=study,
            round=study.open_round(),
            answers=[{"item": likert.pk, "value": 4}],
        )


def test_stability_stopping_rule_closes_the_study(world, panel):
    alice = world.users["alice"]
    study = draft_study(
        alice,
        title="Stable",
        items=[(ItemKind.LIKERT, "A", {"points": 5})],
        rules={"min_answers": 3, "max_iqr": 0},
        drop_consensus_items=False,
    )
    services.invite_panel(
        actor=alice, study=study, emails=[u.email for u in panel], accept_url_base="http://t/a"
    )
    services.launch_study(actor=alice, study=study)
    item = study.items.get()
    for _ in range(2):
        round = study.open_round()
        for u, v in zip(panel, [1, 2, 4, 5], strict=True):
            services.submit_answers(
                actor=u, study=study, round=round, answers=[{"item": item.pk, "value": v}]
            )
        services.close_round(actor=alice, round=round)
        study.refresh_from_db()
        if study.status == StudyStatus.RUNNING:
            services.open_next_round(actor=alice, study=study)
    assert study.status == StudyStatus.CLOSED
    assert "stable" in study.stop_reason


def test_free_text_round_one_becomes_items_of_round_two(world, panel, study, as_persona):
    alice = world.users["alice"]
    r1 = _answer_all(study, panel, [3, 3, 3, 3])
    services.close_round(actor=alice, round=r1)
    page = as_persona("alice").get(f"/delphi/{study.slug}/items/new/").content.decode()
    assert "Open answers of the last round" in page and "More data" in page
    response = as_persona("alice").post(
        f"/delphi/{study.slug}/items/new/",
        {"kind": "likert", "text": "More data is needed", "points": 5},
    )
    assert response.status_code == 302
    item = study.items.get(text="More data is needed")
    assert item.first_round == 2 and not item.asked_in(1)


def test_realtime_answer_outside_iqr_needs_a_reason(world, panel):
    alice = world.users["alice"]
    study = draft_study(
        alice,
        title="Live",
        mode="realtime",
        items=[(ItemKind.LIKERT, "A", {"points": 9})],
        rules={"min_answers": 3, "max_iqr": 2},
    )
    services.invite_panel(
        actor=alice, study=study, emails=[u.email for u in panel], accept_url_base="http://t/a"
    )
    services.launch_study(actor=alice, study=study)
    item, round = study.items.get(), study.open_round()
    assert round.closes_at is None
    for u, v in zip(panel[1:], [5, 6, 7], strict=True):
        services.submit_answers(
            actor=u, study=study, round=round, answers=[{"item": item.pk, "value": v}]
        )
    with pytest.raises(ServiceError) as exc:
        services.submit_answers(
            actor=panel[0], study=study, round=round, answers=[{"item": item.pk, "value": 9}]
        )
    assert exc.value.field == f"reason_{item.pk}"
    assert not Answer.objects.filter(panellist__study=study, value=9).exists()
    services.submit_answers(
        actor=panel[0],
        study=study,
        round=round,
        answers=[{"item": item.pk, "value": 9, "reason": "Recent data."}],
    )
    services.submit_answers(
        actor=panel[0], study=study, round=round, answers=[{"item": item.pk, "value": 6}]
    )


def test_api_flow_submits_answers_and_reads_results(world, panel, study, as_persona):
    bob = as_persona("bob")
    round = study.open_round()
    body = {"answers": answers_for(study, likert=5)}
    response = bob.post(
        f"/api/v1/delphi/rounds/{round.pk}/answers", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    mine = bob.get(f"/api/v1/delphi/rounds/{round.pk}/answers/mine").json()
    assert {m["item"] for m in mine} == {i.pk for i in study.items.all()}
    results = bob.get(f"/api/v1/delphi/studies/{study.pk}/results").json()
    assert results["rounds"][0]["items"][0]["hidden"] is True  # open round: hidden
    services.close_round(actor=world.users["alice"], round=round)
    results = bob.get(f"/api/v1/delphi/studies/{study.pk}/results").json()
    assert results["rounds"][0]["items"][0]["n"] == 1


def test_published_results_are_readable_without_signing_in(world, panel, study, as_persona):
    alice = world.users["alice"]
    services.close_round(actor=alice, round=study.open_round())
    anonymous = as_persona("anonymous")
    assert anonymous.get(f"/api/v1/delphi/studies/{study.pk}/results").status_code == 404
    services.publish_results(actor=alice, study=study)
    assert anonymous.get(f"/api/v1/delphi/studies/{study.pk}/results").status_code == 200
    assert anonymous.get(f"/delphi/{study.slug}/results/").status_code == 200


def test_demo_loads_twice_and_is_public_and_simulated(world):
    from middleground.delphi.demo import SLUG, load_demo

    load_demo()
    load_demo()
    study = Study.objects.get(slug=SLUG)
    assert study.is_simulated and study.is_published and study.status == StudyStatus.CLOSED
    assert study.rounds.count() == 2
    likert = study.items.filter(kind=ItemKind.LIKERT).first()
    r1, r2 = study.rounds.order_by("number")
    if likert.asked_in(2):
        assert (
            stats.item_round(likert, r2)["summary"]["iqr"]
            <= stats.item_round(likert, r1)["summary"]["iqr"]
        )
    data = json.loads(
        __import__("django.test", fromlist=["Client"])
        .Client()
        .get(f"/delphi/{SLUG}/answers.json")
        .content
    )
    assert data["is_simulated"] is True and all(a["simulated"] for a in data["answers"])


def test_rules_text_matches_pre_registration():
    from middleground.analysis.delphi import ConsensusRules

    assert ConsensusRules.from_dict(RULES).describe().startswith("Consensus when at least 70%")


def test_answers_csv_neutralises_formula_cells(world, panel, study, as_persona):
    round = study.open_round()
    by_kind = {i.kind: i for i in study.items.all()}
    answers = answers_for(study, text="@SUM(A1:A9)")
    answers[0]["rationale"] = '=HYPERLINK("x")'
    services.submit_answers(actor=panel[0], study=study, round=round, answers=answers)
    services.close_round(actor=world.users["alice"], round=round)
    body = as_persona("alice").get(f"/delphi/{study.slug}/answers.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    cells = {(int(r["item_id"]), r["kind"]): r for r in rows}
    assert cells[(by_kind[ItemKind.LIKERT].pk, "likert")]["rationale"] == '\'=HYPERLINK("x")'
    assert cells[(by_kind[ItemKind.TEXT].pk, "text")]["value"] == "'@SUM(A1:A9)"
    assert cells[(by_kind[ItemKind.NUMERIC].pk, "numeric")]["value"] == "2050.0"


def test_finished_results_are_cached_until_what_they_are_made_of_changes(world, panel):
    study = closed_one_item_study(world.users["alice"], panel, [1, 2, 4, 5], title="Cached")
    assert study.status == StudyStatus.CLOSED
    first = stats.study_results(study)
    assert first[0]["items"][0]["summary"]["n"] == 4
    # a second read is the stored copy, equal to a fresh computation
    assert stats.study_results(study) == first == stats._study_results(study, groups=True)
    # an erased answer changes the key, so the results follow at once
    Answer.objects.filter(pk=Answer.objects.filter(round__study=study).latest("id").pk).delete()
    assert stats.study_results(study)[0]["items"][0]["summary"]["n"] == 3
