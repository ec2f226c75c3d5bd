"""Bad input is a clear error and stores nothing."""

import pytest

from middleground.core.errors import ServiceError
from middleground.delphi import services
from middleground.delphi.models import Answer, ItemKind, Round, Study, StudyStatus

from .factories import answers_for, draft_study


def _item(study, kind):
    return study.items.get(kind=kind)


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (ItemKind.LIKERT, 6, "outside the 5-point scale"),
        (ItemKind.LIKERT, 2.5, "not a whole scale point"),
        (ItemKind.NUMERIC, 2150, "give a number from 2020 to 2100"),
        (ItemKind.NUMERIC, "soon", "'soon' is not a number"),
        (ItemKind.RANKING, ["o1", "o1", "o2"], "more than once"),
        (ItemKind.RANKING, ["o1", "o2"], "missing option"),
        (ItemKind.PAIR, {"desirability": 9, "feasibility": 1}, "outside the 5-point scale"),
        (ItemKind.TEXT, "   ", "empty"),
    ],
)
def test_invalid_answer_is_rejected_and_nothing_is_stored(study, panel, kind, value, message):
    answers = answers_for(study)
    bad = _item(study, kind)
    for a in answers:
        if a["item"] == bad.pk:
            a["value"] = value
    with pytest.raises(ServiceError) as exc:
        services.submit_answers(
            actor=panel[0], study=study, round=study.open_round(), answers=answers
        )
    assert message in exc.value.message
    assert exc.value.field == f"item_{bad.pk}"
    assert not Answer.objects.exists()  # the valid answers of the same call are not kept


def test_api_answer_outside_the_scale_is_a_400_with_the_field(study, as_persona):
    likert = _item(study, ItemKind.LIKERT)
    response = as_persona("bob").post(
        f"/api/v1/delphi/rounds/{study.open_round().pk}/answers",
        {"answers": [{"item": likert.pk, "value": 7}]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Item 1: answer 7 is outside the 5-point scale (1 to 5).",
        "field": f"item_{likert.pk}",
    }
    assert not Answer.objects.exists()


def test_ranking_with_duplicates_on_the_page_is_an_error(study, as_persona):
    ranking = _item(study, ItemKind.RANKING)
    data = {f"item_{ranking.pk}_{o['id']}": "1" for o in ranking.options}
    response = as_persona("bob").post(f"/delphi/{study.slug}/answer/", data)
    assert response.status_code == 200
    assert "Give each option a different position" in response.content.decode()
    assert not Answer.objects.exists()


def test_answer_after_the_round_closed_is_rejected(world, study, panel, as_persona):
    round = study.open_round()
    services.close_round(actor=world.users["alice"], round=round)
    with pytest.raises(ServiceError) as exc:
        services.submit_answers(
            actor=panel[0], study=study, round=round, answers=answers_for(study)
        )
    assert exc.value.status == 409 and "closed" in exc.value.message
    response = as_persona("bob").post(
        f"/api/v1/delphi/rounds/{round.pk}/answers",
        {"answers": [{"item": _item(study, ItemKind.LIKERT).pk, "value": 3}]},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert not Answer.objects.exists()


def test_answer_after_the_deadline_is_rejected(study, panel):
    from django.utils import timezone

    Round.objects.filter(pk=study.open_round().pk).update(closes_at=timezone.now())
    with pytest.raises(ServiceError):
        services.submit_answers(
            actor=panel[0],
            study=study,
            round=Round.objects.get(study=study),
            answers=answers_for(study),
        )
    assert not Answer.objects.exists()


def test_study_launched_without_a_rule_is_an_error(world, as_persona):
    alice = world.users["alice"]
    study = draft_study(alice, rules=None)
    with pytest.raises(ServiceError) as exc:
        services.launch_study(actor=alice, study=study)
    assert exc.value.field == "rules" and "without a consensus rule" in exc.value.message
    response = as_persona("alice").post(f"/api/v1/delphi/studies/{study.pk}/launch")
    assert response.status_code == 400 and response.json()["field"] == "rules"
    study.refresh_from_db()
    assert study.status == StudyStatus.DRAFT and study.rules_locked_at is None
    assert not Round.objects.filter(study=study).exists()


def test_rule_band_outside_an_item_scale_blocks_launch(world):
    alice = world.users["alice"]
    study = draft_study(
        alice,
        rules={"min_answers": 3, "percent_agreement": {"low": 7, "high": 9, "min_percent": 70}},
    )
    with pytest.raises(ServiceError) as exc:
        services.launch_study(actor=alice, study=study)
    assert "does not fit the item's scale (1 to 5)" in exc.value.message
    assert "Give the item its own consensus rule" in exc.value.message
    assert not Round.objects.filter(study=study).exists()


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"min_answers": 3}, "no criterion set"),
        ({"min_answers": 0, "max_iqr": 1}, "min_answers"),
        ({"max_iqr": -1}, "The largest interquartile range cannot be negative."),
        ({"typo": 1, "max_iqr": 1}, "unknown consensus rule field"),
    ],
)
def test_invalid_rules_are_rejected(world, rules, message):
    with pytest.raises(ServiceError) as exc:
        services.create_study(
            actor=world.users["alice"], data={"title": "T", "question": "Q", "rules": rules}
        )
    assert message in exc.value.message and exc.value.field == "rules"
    assert not Study.objects.exists()


@pytest.mark.parametrize(
    ("kind", "config", "field"),
    [
        (ItemKind.LIKERT, {"points": 4}, "points"),
        (ItemKind.LIKERT, {"points": 5, "labels": ["a", "b"]}, "labels"),
        (ItemKind.NUMERIC, {"lower": 10, "upper": 1}, "lower"),
        (ItemKind.RANKING, {"options": ["only one"]}, "options"),
        (ItemKind.RANKING, {"options": ["Same", "same"]}, "options"),
    ],
)
def test_invalid_items_are_rejected(world, kind, config, field):
    alice = world.users["alice"]
    study = draft_study(alice, items=[])
    with pytest.raises(ServiceError) as exc:
        services.add_item(actor=alice, study=study, kind=kind, text="X", config=config)
    assert exc.value.field == field
    assert not study.items.exists()


def test_only_panel_members_answer(study, world):
    with pytest.raises(ServiceError) as exc:
        services.submit_answers(
            actor=world.users["carol"],
            study=study,
            round=study.open_round(),
            answers=answers_for(study),
        )
    assert exc.value.status == 403
