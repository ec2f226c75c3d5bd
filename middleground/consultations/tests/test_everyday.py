"""Everyday use of a consultation (issue 19, items 9, 10 and 13): one statement limit with a
counter, progress as a sentence, "you" on the opinion map, distinctive statements that say
what they mean, a draft opened from its page, duplicate seeds refused, the PDF report."""

import io
import re

import pypdf
import pytest
from django.core.cache import cache

from middleground.consultations import presentation, services
from middleground.consultations.models import (
    STATEMENT_MAX_LENGTH,
    Consultation,
    Participant,
    Status,
)
from middleground.core.errors import ServiceError

from .test_results import voted  # noqa: F401 - the two-camp consultation fixture


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()


def test_the_statement_box_stops_at_the_servers_limit_and_counts(as_persona, consultation):
    html = as_persona("bob").get(f"/consultations/{consultation.slug}/participate/").content
    box = re.search(rb"<textarea[^>]*name=\"text\"[^>]*>", html).group(0).decode()
    assert f'maxlength="{STATEMENT_MAX_LENGTH}"' in box  # not the 600 it accepted
    assert 'data-counter="Characters left: {left} of {max}"' in box
    # without JavaScript the help text gives the limit
    assert f"At most {STATEMENT_MAX_LENGTH} characters." in html.decode()


def test_a_statement_over_the_limit_is_refused_with_the_limit_named(as_persona, consultation):
    response = as_persona("bob").post(
        f"/consultations/{consultation.slug}/statements/new/",
        {"text": "x" * (STATEMENT_MAX_LENGTH + 1)},
    )
    assert response.status_code == 400
    assert f"{STATEMENT_MAX_LENGTH} at most" in response.content.decode()
    assert consultation.statements.count() == 3


def test_progress_on_the_vote_page_is_a_sentence(as_persona, consultation):
    client = as_persona("bob")
    html = client.get(f"/consultations/{consultation.slug}/participate/").content.decode()
    assert "You have voted on 0 of 3 statements" in html
    first = consultation.statements.order_by("number").first()
    client.post(
        f"/consultations/{consultation.slug}/participate/", {"statement": first.pk, "vote": "1"}
    )
    html = client.get(f"/consultations/{consultation.slug}/participate/").content.decode()
    assert "You have voted on 1 of 3 statements" in html
    assert "voted of" not in html


def test_the_vote_page_shows_the_statement_before_the_sources(as_persona, make_consultation):
    consultation = make_consultation()
    Consultation.objects.filter(pk=consultation.pk).update(
        attribution="Seeds from 000_908bbb8a0c486c43.txt and 001_859130f10ba2337b.txt"
    )
    html = as_persona("bob").get(f"/consultations/{consultation.slug}/participate/")
    text = html.content.decode()
    assert text.index('class="statement-text"') < text.index("000_908bbb8a0c486c43.txt")
    # the sources are folded away below the vote
    assert re.search(r"<details[^>]*>\s*<summary>Source and attribution</summary>", text)


def test_the_opinion_map_marks_you_in_the_chart_and_the_table():
    result = {
        "participants": [
            {"id": 1, "group": 0, "x": 1.0, "y": 2.0},
            {"id": 2, "group": 0, "x": 1.5, "y": 2.5},
            {"id": 7, "group": 1, "x": -3.0, "y": 0.25},
        ]
    }
    view = presentation.opinion_map(result, you=7)
    assert view["you"] == {"group": "Group B", "x": -3.0, "y": 0.25}
    mine = [d for d in view["chart"]["data"]["datasets"] if d["label"] == "You"]
    assert mine and mine[0]["data"] == [{"x": -3.0, "y": 0.25}]
    # someone who took no part (or is not placed) is not marked
    assert presentation.opinion_map(result, you=99)["you"] is None
    assert presentation.opinion_map(result)["you"] is None


def test_the_results_page_marks_the_readers_own_place(world, voted):  # noqa: F811
    bob = world.users["bob"]
    Participant.objects.filter(consultation=voted, number=103).update(user=bob)
    services.run_analysis(consultation_id=voted.pk)
    from django.test import Client

    client = Client()
    client.force_login(bob)
    html = client.get(f"/consultations/{voted.slug}/results/").content.decode()
    assert re.search(r"You \(in Group [AB]\)", html)
    assert "the black cross" in html
    anonymous = Client().get(f"/consultations/{voted.slug}/results/").content.decode()
    assert "the black cross" not in anonymous


def _result_with_repness(share: float, ratio: float) -> dict:
    return {
        "statements": [
            {"id": 1, "agrees": 5, "disagrees": 5, "passes": 0, "repness": {}},
            {
                "id": 2,
                "agrees": 1,
                "disagrees": 9,
                "passes": 0,
                "repness": {
                    "0": {"side": "disagree", "value": ratio, "test": 2.0, "p_success": share}
                },
            },
        ],
        "groups": [{"id": 0, "size": 4, "representative": [2]}],
        "participants": [],
    }


def test_a_distinctive_statement_the_group_does_not_hold_is_left_out_and_counted():
    # "6% disagree, low": the group disagrees less rarely than the others, and holds nothing
    group = presentation.build(_result_with_repness(0.06, 3.0), {2: "A"})["groups"][0]
    assert group["distinct"] == [] and group["left_out"] == 1


def test_a_distinctive_statement_shows_the_others_rate_beside_the_groups():
    # 80% of the group disagree, 4 times the others' rate: the others 20%
    group = presentation.build(_result_with_repness(0.8, 4.0), {2: "A"})["groups"][0]
    assert group["left_out"] == 0
    assert group["distinct"][0]["pct"] == 80 and group["distinct"][0]["others_pct"] == 20


def test_a_draft_is_opened_from_its_page(world, as_persona, make_consultation):
    draft = make_consultation(status=Status.DRAFT)
    page = as_persona("alice").get(f"/consultations/{draft.slug}/").content.decode()
    assert f'action="/consultations/{draft.slug}/open/"' in page and "Open for votes" in page
    assert (
        "Open for votes"
        not in as_persona("bob").get(f"/consultations/{draft.slug}/").content.decode()
    )
    assert as_persona("bob").post(f"/consultations/{draft.slug}/open/").status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    response = as_persona("alice").post(f"/consultations/{draft.slug}/open/", follow=True)
    draft.refresh_from_db()
    assert draft.status == Status.OPEN
    assert "The consultation is open" in response.content.decode()
    # a GET changes nothing (POST + CSRF only)
    assert as_persona("alice").get(f"/consultations/{draft.slug}/open/").status_code == 405


@pytest.mark.parametrize(
    "twin", ["Africa should have permanent seats.", "  africa SHOULD have  permanent seats. "]
)
def test_duplicate_seed_statements_are_refused_and_nothing_is_created(world, twin):
    before = Consultation.objects.count()
    with pytest.raises(ServiceError) as error:
        services.create_consultation(
            actor=world.users["alice"],
            data={
                "title": "Twins",
                "question": "Is a statement listed twice?",
                "statements": ["Africa should have permanent seats.", "Another one.", twin],
            },
        )
    assert error.value.field == "statements"
    assert "is listed twice" in error.value.message
    assert Consultation.objects.count() == before


def test_the_pdf_report_has_the_opinion_map_readable_dates_and_the_others_rate(client, voted):  # noqa: F811
    pdf = client.get(f"/consultations/{voted.slug}/report.pdf")
    reader = pypdf.PdfReader(io.BytesIO(pdf.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Opinion map" in text and "Centre (x, y)" in text
    assert re.search(r"computed \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC", " ".join(text.split()))
    assert "Others %" in text
    # the map is drawn: filled circles are paths in the page content
    assert any(b" c\n" in page.get_contents().get_data() for page in reader.pages)
