"""The core flow through pages and the API: create, participate, vote, moderate, results."""

from middleground.consultations.models import Statement
from middleground.testing import api_post


def test_api_creates_a_consultation_and_bob_votes(
    world, as_persona, django_capture_on_commit_callbacks
):
    alice = as_persona("alice")
    response = api_post(
        alice,
        "/api/v1/consultations",
        {
            "title": "Water data sharing",
            "question": "How should basin states share water data?",
            "status": "open",
            "statements": ["Share river flow data daily.", "Build a joint data centre."],
        },
    )
    assert response.status_code == 201, response.content
    cid = response.json()["id"]
    statement = Statement.objects.filter(consultation_id=cid).first()
    bob = as_persona("bob")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_post(
            bob, f"/api/v1/consultations/{cid}/votes", {"statement": statement.pk, "vote": 1}
        )
    assert response.status_code == 200, response.content
    assert response.json()["vote"] == 1
    results = bob.get(f"/api/v1/consultations/{cid}/results").json()
    assert results["version"] >= 1
    assert results["computed_at"]
    assert {"participants", "groups", "statements", "consensus"} <= set(results)
