"""The API: the shapes promised, and a summary equal to a hand-computed example."""

import csv
import io

from middleground.accountability.models import Assessment, CellResult, Cycle

from .factories import draft_cycle, final_cycle, review_cycle, strategy_with_commitments


def test_commitments_list_shape(world, as_persona):
    strategy = strategy_with_commitments(world)
    body = as_persona("anonymous").get(f"/api/v1/commitments?strategy={strategy.pk}").json()
    assert body["count"] == 2
    first = body["items"][0]
    assert (first["text"], first["deadline"], first["status"]) == (
        "Publish river-flow data of every shared basin monthly.",
        "2028-12-31",
        "not_started",
    )
    kinds = {(m["kind"], m["name"]) for m in first["members"]}
    assert kinds == {
        ("institution", world.astana.name),
        ("institution", world.seoul.name),
        ("partner", "UN-Water"),
    }


def test_final_summary_equals_the_hand_computed_one(world, as_persona):
    # seoul: R1 +1, R2 0 -> 0.5 (75 %); UN-Water: R1 -1, R2 +1 -> 0 (50 %);
    # R1: (1 - 1) / 2 = 0 (50 %); R2: (0 + 1) / 2 = 0.5 (75 %); overall 1/4 (62.5 %)
    cycle = final_cycle(world)
    body = as_persona("anonymous").get(f"/api/v1/compliance/cycles/{cycle.pk}").json()
    summary = body["summary"]
    seoul = f"institution:{world.seoul.pk}"
    assert summary["by_member"][seoul] == {"average": 0.5, "percent": 75.0, "n": 2}
    assert summary["by_member"]["partner:UN-Water"] == {"average": 0.0, "percent": 50.0, "n": 2}
    assert summary["by_member"][f"institution:{world.astana.pk}"]["n"] == 0
    assert summary["by_commitment"] == {
        "R1": {"average": 0.0, "percent": 50.0, "n": 2},
        "R2": {"average": 0.5, "percent": 75.0, "n": 2},
    }
    assert summary["overall"] == {"average": 0.25, "percent": 62.5, "n": 4}
    assert summary["by_regional_group"]["APG"] == {"average": 0.5, "percent": 75.0, "n": 2}
    scores = {(s["member"], s["commitment"]): s["score"] for s in body["scores"]}
    assert scores[(seoul, "R1")] == 1 and scores[(f"institution:{world.astana.pk}", "R1")] is None
    assert (body["kind"], body["status"], len(body["sha256"])) == ("interim", "final", 64)
    listed = as_persona("anonymous").get("/api/v1/compliance/cycles").json()
    item = listed["items"][0]
    assert listed["count"] == 1
    assert (item["id"], item["strategy"], item["kind"], item["status"]) == (
        cycle.pk,
        cycle.strategy_id,
        "interim",
        "final",
    )


def test_scores_csv(world, as_persona):
    cycle = final_cycle(world)
    response = as_persona("dave").get(f"/api/v1/compliance/cycles/{cycle.pk}/scores.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 6
    un = [r for r in rows if r["member"] == "partner:UN-Water" and r["commitment"] == "R1"]
    assert un[0]["score"] == "-1" and un[0]["member_name"] == "UN-Water"


def test_the_member_concerned_sees_only_its_own_cells_in_review(world, as_persona):
    cycle = review_cycle(world)
    body = as_persona("carol").get(f"/api/v1/compliance/cycles/{cycle.pk}").json()
    assert {s["member"] for s in body["scores"]} == {f"institution:{world.seoul.pk}"}
    assert body["summary"]["overall"]["n"] == 2
    assert as_persona("dave").get(f"/api/v1/compliance/cycles/{cycle.pk}").status_code == 404
    listed = as_persona("dave").get("/api/v1/compliance/cycles").json()
    assert listed["count"] == 0


def test_bad_score_through_the_api_names_the_field_and_stores_nothing(world, as_persona):
    cycle = draft_cycle(world)
    r1 = cycle.strategy.commitments.get(code="R1")
    seoul = r1.members.get(institution=world.seoul)
    response = as_persona("bob").post(
        f"/api/v1/compliance/cycles/{cycle.pk}/scores",
        {"commitment": r1.pk, "member": seoul.pk, "score": 3, "justification": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "score"
    assert Assessment.objects.count() == 0


def test_editing_a_final_cycle_through_the_api_is_refused(world, as_persona):
    cycle = final_cycle(world)
    sha = cycle.sha256
    cell = CellResult.objects.filter(cycle=cycle).exclude(final_score=None).first()
    alice = as_persona("alice")
    response = alice.post(
        f"/api/v1/compliance/cycles/{cycle.pk}/finalise",
        {"overrides": [{"cell": cell.pk, "score": 0, "note": "edit"}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "final" in response.json()["detail"]
    response = alice.post(
        f"/api/v1/compliance/cells/{cell.pk}/reconcile",
        {"score": 0, "note": "edit"},
        content_type="application/json",
    )
    assert response.status_code == 400
    stored = Cycle.objects.get(pk=cycle.pk)
    assert (
        stored.sha256 == sha and CellResult.objects.get(pk=cell.pk).final_score == cell.final_score
    )


def test_in_draft_an_assessor_sees_only_their_own_scores(world, as_persona):
    cycle = draft_cycle(world)
    body = as_persona("bob").get(f"/api/v1/compliance/cycles/{cycle.pk}").json()
    assert all(s["score"] is None for s in body["scores"])
    assert len(body["scores"]) == 6
