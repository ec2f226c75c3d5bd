"""Opinion groups keep their ids between analyses, and the results page says why this k."""

import pytest
from django.core.cache import cache

from middleground.consultations import selectors, services
from middleground.consultations.models import Participant, Vote, VoteEvent
from middleground.consultations.presentation import k_choice_view


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


@pytest.fixture
def two_camps(world, make_consultation):
    """Twelve simulated participants in two camps over eight statements, analysed once."""
    consultation = make_consultation(
        anonymity="pseudonymous", statements=[f"Statement number {i}." for i in range(1, 9)]
    )
    statements = list(consultation.statements.order_by("number"))
    for n in range(12):
        participant = Participant.objects.create(
            consultation=consultation, number=100 + n, simulated=True
        )
        for statement in statements:
            camp = 1 if n < 6 else -1
            value = 1 if statement.number <= 2 else camp * (1 if statement.number % 2 else -1)
            for model in (Vote, VoteEvent):
                extra = {"updated_at": statement.created_at} if model is Vote else {}
                model.objects.create(
                    consultation=consultation,
                    participant=participant,
                    statement=statement,
                    value=value,
                    created_at=statement.created_at,
                    **extra,
                )
    services.run_analysis(consultation_id=consultation.pk)
    return consultation


def _groups_by_participant(result):
    return {p["id"]: p["group"] for p in result.result["participants"] if p["group"] is not None}


def test_one_more_vote_keeps_the_stored_group_ids(two_camps):
    stored = selectors.latest_result(two_camps)
    # the stored groups carry ids 4 and 9 (as after earlier splits and merges)
    rename = {0: 4, 1: 9}
    for row in stored.result["participants"]:
        if row["group"] is not None:
            row["group"] = rename[row["group"]]
    for group in stored.result["groups"]:
        group["id"] = rename[group["id"]]
    stored.save(update_fields=["result"])
    before = _groups_by_participant(stored)

    vote = Vote.objects.filter(consultation=two_camps, participant__number=100).first()
    vote.value = 0  # one more vote: participant 100 passes on one statement
    vote.save(update_fields=["value"])
    after = services.run_analysis(consultation_id=two_camps.pk)

    assert after.version == 2
    assert sorted(g["id"] for g in after.result["groups"]) == [4, 9]
    assert _groups_by_participant(after) == before


def test_the_results_page_says_why_this_number_of_groups(client, two_camps):
    html = client.get(f"/consultations/{two_camps.slug}/results/").content.decode()
    assert "Why this number of groups" in html
    assert "separates participants best (silhouette" in html
    assert "Separation (silhouette, −1 to 1)" in html
    assert "style=" not in html


def test_a_lead_too_small_for_the_buffer_is_explained_in_plain_words():
    view = k_choice_view(
        {
            "k_choice": {
                "chosen": 2,
                "best": 3,
                "decided_by": "margin",
                "margin": 0.04,
                "buffer": 4,
                "updates_best": 1,
                "candidates": [
                    {"k": 2, "silhouette": 0.39, "outcome": "chosen"},
                    {"k": 3, "silhouette": 0.42, "outcome": "within-margin"},
                    {"k": 4, "silhouette": 0.357, "outcome": "lower"},
                ],
            }
        }
    )
    assert view["sentence"].startswith(
        "2 groups. 3 groups separate participants slightly better (silhouette 0.420 against "
        "0.390), but by less than 0.04."
    )
    assert [(r["k"], r["silhouette"], r["chosen"]) for r in view["rows"]] == [
        (2, "0.390", True),
        (3, "0.420", False),
        (4, "0.357", False),
    ]
    assert view["rows"][1]["outcome"] == "separates better, by less than the margin"
    assert k_choice_view({"groups": []}) is None


@pytest.mark.browser
def test_a_moderator_reads_why_brexit_consensus_has_two_groups(world, browser_page):
    """A real Polis export where k=3 wins by 0.030: the page says why 2 groups are shown."""
    from pathlib import Path

    from middleground.consultations.interop import import_polis

    export = Path(__file__).resolve().parents[2] / "analysis/tests/data/polis/brexit-consensus"
    consultation = import_polis(actor=world.users["alice"], directory=str(export))
    assert selectors.latest_result(consultation).version == 1  # the import's own run
    page = browser_page
    page.goto(f"/consultations/{consultation.slug}/results/")
    heading = page.get_by_role("heading", name="Why this number of groups")
    heading.wait_for()
    table = page.get_by_role("table", name="Why this number of groups")
    assert table.locator("tbody tr").count() == 4
    assert "less than 0.04" in page.locator("#k-choice-h + p").inner_text()
    import os

    folder = os.environ.get("MG_SHOTS")
    if folder:  # screenshots for a human to look at
        box = heading.bounding_box()
        assert box is not None
        clip = {"x": 0, "y": max(0, box["y"] - 420), "width": 1280, "height": 720}
        page.screenshot(path=os.path.join(folder, "k-choice.png"), full_page=True, clip=clip)
