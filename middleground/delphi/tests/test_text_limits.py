"""Every text a person types in Delphi has a limit; longer text is refused with a clear
400 naming the field, never cut or stored (issue 13, finding 19)."""

import pytest

from middleground.delphi.models import Answer, Item, ItemKind, PanelInvite, Study

from .factories import RULES, draft_study

MEGABYTE = "x" * 1_000_000


def _api_error(response, field):
    assert response.status_code == 400, response.content[:200]
    body = response.json()
    assert set(body) == {"detail", "field"} and body["field"] == field
    assert "too long" in body["detail"] or "is longer than" in body["detail"]


@pytest.mark.parametrize(
    ("key", "text", "field"),
    [
        ("rationale", MEGABYTE, "rationale_{pk}"),
        ("reason", "x" * 4001, "reason_{pk}"),
    ],
)
def test_api_refuses_an_answer_text_over_the_limit(study, as_persona, key, text, field):
    likert = study.items.get(kind=ItemKind.LIKERT)
    response = as_persona("bob").post(
        f"/api/v1/delphi/rounds/{study.open_round().pk}/answers",
        {"answers": [{"item": likert.pk, "value": 4, key: text}]},
        content_type="application/json",
    )
    _api_error(response, field.format(pk=likert.pk))
    assert not Answer.objects.exists()


def test_api_refuses_a_free_text_answer_over_the_limit(study, as_persona):
    item = study.items.get(kind=ItemKind.TEXT)
    response = as_persona("bob").post(
        f"/api/v1/delphi/rounds/{study.open_round().pk}/answers",
        {"answers": [{"item": item.pk, "value": "y" * 4001}]},
        content_type="application/json",
    )
    _api_error(response, f"item_{item.pk}")
    assert not Answer.objects.exists()


def test_answer_page_shows_the_rationale_error_beside_the_item(study, as_persona):
    likert = study.items.get(kind=ItemKind.LIKERT)
    response = as_persona("bob").post(
        f"/delphi/{study.slug}/answer/",
        {f"item_{likert.pk}": "4", f"rationale_{likert.pk}": MEGABYTE},
    )
    assert response.status_code == 200
    page = response.content.decode()
    error = page.split(f'id="item-{likert.pk}-error">', 1)[1].split("</p>", 1)[0]
    assert "too long: 1000000 characters, at most 4000" in error
    assert not Answer.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "t" * 301}, "title"),
        ({"question": MEGABYTE}, "question"),
        ({"topics": ["t" * 201]}, "topics"),
        ({"topics": [f"topic {i}" for i in range(21)]}, "topics"),
    ],
)
def test_api_refuses_study_texts_over_the_limit(world, as_persona, payload, field):
    data = {"title": "Limits", "question": "Q?", **payload}
    response = as_persona("alice").post(
        "/api/v1/delphi/studies", data, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["field"] == field
    assert not Study.objects.exists()
    study = draft_study(world.users["alice"], items=[])
    response = as_persona("alice").patch(
        f"/api/v1/delphi/studies/{study.pk}", payload, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["field"] == field
    study.refresh_from_db()
    assert study.title == "Draft study" and study.topics == []


@pytest.mark.parametrize(
    ("kind", "text", "config", "field"),
    [
        (ItemKind.LIKERT, MEGABYTE, {"points": 5}, "text"),
        (ItemKind.LIKERT, "A", {"points": 5, "labels": ["l" * 201, "b", "c", "d", "e"]}, "labels"),
        (ItemKind.NUMERIC, "A", {"lower": 0, "upper": 9, "unit": "u" * 41}, "unit"),
        (ItemKind.RANKING, "A", {"options": ["o" * 201, "b"]}, "options"),
        (ItemKind.RANKING, "A", {"options": [f"o{i}" for i in range(31)]}, "options"),
    ],
)
def test_api_refuses_item_texts_over_the_limit(world, as_persona, kind, text, config, field):
    study = draft_study(world.users["alice"], items=[])
    response = as_persona("alice").post(
        f"/api/v1/delphi/studies/{study.pk}/items",
        {"kind": kind, "text": text, "config": config},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == field
    assert not Item.objects.exists()


def test_api_refuses_a_version_note_over_the_limit(study, as_persona):
    response = as_persona("alice").post(
        f"/api/v1/delphi/studies/{study.pk}/versions",
        {"rules": RULES, "note": "n" * 4001},
        content_type="application/json",
    )
    _api_error(response, "note")
    assert Study.objects.count() == 1


@pytest.mark.parametrize(
    "emails",
    [["a" * 250 + "@example.org"], [f"p{i}@example.org" for i in range(201)]],
    ids=["long address", "too many"],
)
def test_api_refuses_panel_invitations_over_the_limit(study, as_persona, emails):
    before = PanelInvite.objects.count()
    response = as_persona("alice").post(
        f"/api/v1/delphi/studies/{study.pk}/panel",
        {"emails": emails},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "emails"
    assert PanelInvite.objects.count() == before


def test_study_page_shows_an_overlong_question_beside_the_field(world, as_persona):
    response = as_persona("alice").post(
        "/delphi/new/",
        {
            "title": "Limits",
            "question": MEGABYTE,
            "mode": "rounds",
            "anonymity": "anonymous",
            "max_rounds": 3,
            "round_days": 14,
            "max_cv_change": 0.1,
            "min_answers": 3,
            "max_iqr": 1,
            "combine": "all",
        },
    )
    assert response.status_code == 200
    assert "too long: 1000000 characters, at most 10000" in str(
        response.context["form"].errors["question"]
    )
    assert not Study.objects.exists()
