"""Issue 19, items 1, 2 and 14 (Delphi): per-item rules, editable items, forms that keep input."""

import pytest

from middleground.accounts.models import AuditEvent
from middleground.delphi import services
from middleground.delphi.models import Answer, Item, ItemKind, Panellist, StudyStatus

from .factories import answers_for, draft_study, running_study

AGREE_4_5 = {"min_answers": 3, "percent_agreement": {"low": 4, "high": 5, "min_percent": 70}}
MIXED = [
    (ItemKind.LIKERT, "The basin needs a joint commission.", {"points": 5}),
    (ItemKind.NUMERIC, "Which year will demand exceed supply?", {"lower": 2025, "upper": 2060}),
]
OWN_RULE_FIELDS = {"min_answers": "3", "max_iqr": "5", "combine": "all"}


def _item_post(item: Item, **extra) -> dict:
    c = item.config
    data = {"kind": item.kind, "text": item.text, "lower": c.get("lower"), "upper": c.get("upper")}
    data.update(unit=c.get("unit", ""), points=c.get("points", ""))
    return {k: ("" if v is None else v) for k, v in {**data, **extra}.items()}


# --------------------------------------------------------------------------- item 1


def test_mixed_study_launches_once_the_year_item_has_its_own_rule(world, as_persona):
    alice = as_persona("alice")
    study = draft_study(world.users["alice"], rules=AGREE_4_5, items=MIXED)
    year = study.items.get(kind=ItemKind.NUMERIC)

    page = alice.post(f"/delphi/{study.slug}/launch/", follow=True)
    text = page.content.decode().replace("&#x27;", "'")
    assert (
        "Item 2 cannot be judged by the study's consensus rule: the agreement band 4–5 "
        "does not fit the item's scale (2025 to 2060)"
    ) in text
    study.refresh_from_db()
    assert study.status == StudyStatus.DRAFT and not study.rounds.exists()

    # The edit page of the year item takes its own rule; the Likert item keeps the study's.
    assert alice.get(f"/delphi/{study.slug}/items/{year.pk}/edit/").status_code == 200
    response = alice.post(
        f"/delphi/{study.slug}/items/{year.pk}/edit/", _item_post(year, **OWN_RULE_FIELDS)
    )
    assert response.status_code == 302
    year.refresh_from_db()
    assert year.config["rules"]["max_iqr"] == 5.0
    assert year.config["rules"]["percent_agreement"] is None
    detail = alice.get(f"/delphi/{study.slug}/").content.decode()
    assert "Own consensus rule" in detail and "IQR ≤ 5" in detail
    assert "Judged by the study's consensus rule." in detail

    alice.post(f"/delphi/{study.slug}/launch/")
    study.refresh_from_db()
    assert study.status == StudyStatus.RUNNING and study.rounds.count() == 1


def test_add_item_page_takes_an_own_rule_and_checks_it_against_the_scale(world, as_persona):
    alice = as_persona("alice")
    study = draft_study(world.users["alice"], rules=AGREE_4_5, items=[])
    url = f"/delphi/{study.slug}/items/new/"
    base = {"kind": "numeric", "text": "Which year?", "lower": "2025", "upper": "2060"}

    bad = {**base, "min_answers": "3", "agree_low": "7", "agree_high": "9", "agree_pct": "70"}
    page = alice.post(url, bad)
    assert page.status_code == 200
    assert "does not fit the item&#x27;s scale (2025 to 2060)" in page.content.decode()
    assert not study.items.exists()

    assert alice.post(url, {**base, **OWN_RULE_FIELDS}).status_code == 302
    item = study.items.get()
    assert item.config["rules"]["max_iqr"] == 5.0 and item.config["lower"] == 2025.0

    # Blank own-rule fields: the item is judged by the study's rule.
    assert alice.post(url, {"kind": "likert", "text": "Agree?", "points": "5"}).status_code == 302
    assert "rules" not in study.items.get(kind=ItemKind.LIKERT).config


def test_numeric_bounds_error_is_plain_language(world, as_persona):
    alice = as_persona("alice")
    study = draft_study(world.users["alice"], items=[])
    page = alice.post(
        f"/delphi/{study.slug}/items/new/",
        {"kind": "numeric", "text": "How many?", "lower": "100", "upper": "1"},
    )
    text = page.content.decode()
    assert "The lower bound must be below the upper bound." in text
    assert "greater than" not in text
    assert not study.items.exists()


def test_band_upside_down_is_plain_language(world, as_persona):
    alice = as_persona("alice")
    study = draft_study(world.users["alice"], items=[])
    page = alice.post(
        f"/delphi/{study.slug}/items/new/",
        {"kind": "likert", "text": "Agree?", "points": "5", "agree_low": "5", "agree_high": "4"}
        | {"agree_pct": "70", "min_answers": "3"},
    )
    assert "The lower end of the agreement band must be below its upper end." in (
        page.content.decode()
    )
    assert not study.items.exists()


def test_items_are_editable_and_deletable_until_launch(world, as_persona):
    alice = as_persona("alice")
    study = draft_study(world.users["alice"], rules=AGREE_4_5, items=MIXED)
    likert, year = study.items.get(kind=ItemKind.LIKERT), study.items.get(kind=ItemKind.NUMERIC)

    response = alice.post(
        f"/delphi/{study.slug}/items/{likert.pk}/edit/",
        _item_post(likert, text="A joint commission with a budget.", points="7"),
    )
    assert response.status_code == 302
    likert.refresh_from_db()
    assert likert.text == "A joint commission with a budget." and likert.config["points"] == 7
    audit = AuditEvent.objects.get(action="delphi.item.update")
    assert sorted(audit.details["fields"]) == ["config", "text"]

    assert alice.post(f"/delphi/{study.slug}/items/{likert.pk}/delete/").status_code == 302
    assert list(study.items.values_list("pk", "position")) == [(year.pk, 1)]
    assert AuditEvent.objects.filter(action="delphi.item.delete").count() == 1

    # Another study's item is not reachable through this study's address.
    other = draft_study(world.users["alice"], title="Other", items=MIXED[:1])
    foreign = other.items.get()
    assert alice.post(f"/delphi/{study.slug}/items/{foreign.pk}/delete/").status_code == 404
    assert Item.objects.filter(pk=foreign.pk).exists()

    year.config = {**year.config, "rules": {"min_answers": 3, "max_iqr": 5}}
    year.save()
    services.launch_study(actor=world.users["alice"], study=study)
    page = alice.post(f"/delphi/{study.slug}/items/{year.pk}/delete/", follow=True)
    assert "can no longer be deleted" in page.content.decode()
    page = alice.post(
        f"/delphi/{study.slug}/items/{year.pk}/edit/", _item_post(year, text="Changed"), follow=True
    )
    assert "can no longer be changed" in page.content.decode()
    year.refresh_from_db()
    assert year.text == MIXED[1][1] and Item.objects.filter(pk=year.pk).exists()


def test_only_the_secretariat_edits_items(world, as_persona):
    study = draft_study(world.users["alice"], items=MIXED)
    item = study.items.first()
    assert (
        as_persona("bob").post(f"/delphi/{study.slug}/items/{item.pk}/delete/").status_code == 404
    )
    assert study.items.count() == 2


# --------------------------------------------------------------------------- item 2


@pytest.fixture
def answered(world):
    """A running study where bob already answered: Likert 4, year 2050, reason 'because 4'."""
    alice, bob = world.users["alice"], world.users["bob"]
    study = running_study(alice, [bob], title="Typed study", topics=["Hydrology"])
    services.submit_answers(
        actor=bob, study=study, round=study.open_round(), answers=answers_for(study)
    )
    return study


def _form(study, **overrides) -> dict:
    items = {i.kind: i for i in study.items.all()}
    lk, num = items[ItemKind.LIKERT].pk, items[ItemKind.NUMERIC].pk
    data = {f"item_{lk}": "2", f"rationale_{lk}": "Changed my mind", f"item_{num}": "3000"}
    data.update(expertise="1", expertise_0="5")
    data.update(overrides)
    return data


def test_answer_form_with_an_error_shows_what_was_typed_and_stores_nothing(
    answered, world, as_persona
):
    bob = as_persona("bob")
    items = {i.kind: i for i in answered.items.all()}
    lk, num = items[ItemKind.LIKERT].pk, items[ItemKind.NUMERIC].pk
    before = sorted(Answer.objects.values_list("item_id", "value", "rationale"))

    page = bob.post(f"/delphi/{answered.slug}/answer/", _form(answered))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nothing was saved" in html
    # exactly what was typed: the new Likert point, the new reason, the bad estimate
    assert f'name="item_{lk}" value="2" checked' in html
    assert f'name="item_{lk}" value="4" checked' not in html
    assert "Changed my mind</textarea>" in html
    assert f'name="item_{num}" value="3000" aria-invalid="true"' in html
    assert f'aria-describedby="item-{num}-error"' in html
    assert f'id="item-{num}-error"' in html
    assert 'value="5" selected' in html  # the expertise rating typed
    # nothing stored: answers unchanged, expertise not saved either
    assert sorted(Answer.objects.values_list("item_id", "value", "rationale")) == before
    assert Panellist.objects.get(study=answered).expertise == {}

    # corrected and saved again: the typed values are stored, not the old ones
    page = bob.post(f"/delphi/{answered.slug}/answer/", _form(answered, **{f"item_{num}": "2040"}))
    assert page.status_code == 302
    assert Answer.objects.get(item_id=lk).value == 2
    assert Answer.objects.get(item_id=lk).rationale == "Changed my mind"
    assert Answer.objects.get(item_id=num).value == 2040.0
    assert Panellist.objects.get(study=answered).expertise == {"Hydrology": 5}


def test_a_ranking_error_keeps_the_positions_typed(answered, as_persona):
    bob = as_persona("bob")
    ranking = answered.items.get(kind=ItemKind.RANKING)
    first, second, third = (o["id"] for o in ranking.options)
    data = {f"item_{ranking.pk}_{first}": "3", f"item_{ranking.pk}_{second}": "3"}
    data[f"item_{ranking.pk}_{third}"] = "1"
    before = Answer.objects.get(item=ranking).value
    html = bob.post(f"/delphi/{answered.slug}/answer/", data).content.decode()
    assert "different position" in html
    select = html.split(f'name="item_{ranking.pk}_{first}"')[1].split("</select>")[0]
    assert '<option value="3" selected>' in select
    assert Answer.objects.get(item=ranking).value == before
