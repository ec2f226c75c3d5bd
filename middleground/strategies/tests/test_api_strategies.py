"""The drafting API: lists, a strategy, canonical bytes, comparisons, amendments, decisions,
comments — through HTTP, with session and bearer-token auth."""

import hashlib
import json

import pytest

from middleground.accounts.services import issue_api_token
from middleground.strategies import versioning
from middleground.strategies.models import Amendment, AmendmentState, Comment, Version

from .factories import drafting_strategy, open_strategy

pytestmark = pytest.mark.django_db
API = "/api/v1/strategies"


def post(client, path, data, **extra):
    return client.post(path, json.dumps(data), content_type="application/json", **extra)


def first_key(strategy):
    return str(strategy.paragraphs.order_by("section__position", "position").first().key)


def test_list_shows_drafts_only_to_their_task_force(world, as_persona):
    draft = drafting_strategy(world)
    published = open_strategy(world, title="Published strategy")
    body = as_persona("anonymous").get(API).json()
    assert body["count"] == 1 and [s["id"] for s in body["items"]] == [published.pk]
    assert {s["id"] for s in as_persona("carol").get(API).json()["items"]} == {
        draft.pk,
        published.pk,
    }
    assert as_persona("dave").get(API).json()["count"] == 1
    limited = as_persona("bob").get(API + "?limit=1&offset=1").json()
    assert limited["count"] == 2 and len(limited["items"]) == 1
    assert as_persona("bob").get(API + "?status=drafting").json()["items"][0]["id"] == draft.pk
    assert as_persona("bob").get(API + "?limit=0").status_code == 422


def test_detail_shows_the_version_each_reader_may_see(world, as_persona):
    strategy = open_strategy(world)
    # a newer working version exists: drafters see it, the public sees the published one
    p = strategy.paragraphs.order_by("pk").first()
    p.text = "Changed after publication (working copy)."
    p.save(update_fields=["text"])
    versioning.new_version(strategy, actor=world.users["bob"], note="working")
    public = as_persona("anonymous").get(f"{API}/{strategy.pk}").json()
    assert public["status"] == "endorsement" and public["shown_version"] == 1
    assert [v["number"] for v in public["versions"]] == [1]
    assert public["versions"][0]["sha256"] == strategy.versions.get(number=1).sha256
    assert public["task_force"]["slug"] == "water-tf"
    assert public["focus_area"]["slug"] == "water-security"
    assert public["lead"]["name"] == "bob" and public["language"] == "en"
    first = public["paragraphs"][0]
    assert first["text"] == "Water data are scattered across basin authorities."
    assert first["section"] == "Context" and first["number"] == 1
    rec = public["paragraphs"][2]
    assert (rec["kind"], rec["actors"], rec["timeline"]) == (
        "recommendation",
        ["basin authorities", "UN-Water"],
        "by 2028",
    )
    assert rec["evidence"] == []
    drafter = as_persona("carol").get(f"{API}/{strategy.pk}").json()
    assert drafter["shown_version"] == 2 and len(drafter["versions"]) == 2
    assert drafter["paragraphs"][0]["text"].startswith("Changed after publication")


def test_draft_is_404_for_outsiders(world, as_persona):
    strategy = drafting_strategy(world)
    for persona in ("anonymous", "dave"):
        assert as_persona(persona).get(f"{API}/{strategy.pk}").status_code == 404
    assert as_persona("bob").get(f"{API}/{strategy.pk}").status_code == 200


def test_canonical_bytes_are_the_fingerprinted_ones(world, as_persona):
    strategy = open_strategy(world)
    version = strategy.latest_published()
    response = as_persona("anonymous").get(f"{API}/{strategy.pk}/versions/1/canonical")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert hashlib.sha256(response.content).hexdigest() == version.sha256
    assert response.content == version.canonical.encode("utf-8")
    data = json.loads(response.content)
    assert data["version"] == 1 and data["strategy"]["slug"] == strategy.slug
    # stable: serialising what was parsed gives the same bytes again
    assert versioning.canonical_json(data).encode("utf-8") == response.content
    # an unpublished version has no canonical bytes
    versioning.new_version(strategy, actor=world.users["bob"], note="working")
    assert as_persona("bob").get(f"{API}/{strategy.pk}/versions/2/canonical").status_code == 404
    assert as_persona("bob").get(f"{API}/{strategy.pk}/versions/9/canonical").status_code == 404


def test_non_ascii_canonical_bytes_verify(world, as_persona):
    text = [("Контекст", [("narrative", "Данные о воде — разрозненны.", [], "")])]
    strategy = open_strategy(world, title="Стратегия", text=text)
    response = as_persona("anonymous").get(f"{API}/{strategy.pk}/versions/1/canonical")
    assert "Данные о воде".encode() in response.content  # UTF-8, not \\u escapes
    assert hashlib.sha256(response.content).hexdigest() == strategy.latest_published().sha256


def test_amend_decide_comment_through_the_api(world, as_persona):
    strategy = drafting_strategy(world)
    key = first_key(strategy)
    carol, bob = as_persona("carol"), as_persona("bob")
    made = post(
        carol,
        f"{API}/{strategy.pk}/paragraphs/{key}/amendments",
        {"kind": "replace", "text": "Water data are scattered everywhere.", "explanation": "Why"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["state"], body["base_version"], body["author"]) == ("evaluating", 1, "carol")
    amendment_id = body["id"]
    c = post(
        bob,
        f"{API}/{strategy.pk}/paragraphs/{key}/comments",
        {"text": "Which places?", "amendment": amendment_id},
    )
    assert c.status_code == 201 and c.json()["amendment"] == amendment_id
    # carol is not the lead
    denied = post(
        carol, f"{API}/{strategy.pk}/amendments/{amendment_id}/decision", {"decision": "accept"}
    )
    assert denied.status_code == 403
    # rejecting needs a reason
    no_reason = post(
        bob, f"{API}/{strategy.pk}/amendments/{amendment_id}/decision", {"decision": "reject"}
    )
    assert no_reason.status_code == 400 and no_reason.json()["field"] == "reason"
    ok = post(
        bob,
        f"{API}/{strategy.pk}/amendments/{amendment_id}/decision",
        {"decision": "accept", "reason": "Yes"},
    )
    assert ok.status_code == 200
    assert (ok.json()["state"], ok.json()["result_version"]) == ("accepted", 2)
    again = post(
        bob, f"{API}/{strategy.pk}/amendments/{amendment_id}/decision", {"decision": "accept"}
    )
    assert again.status_code == 400 and again.json()["field"] == "state"
    compared = bob.get(f"{API}/{strategy.pk}/compare?a=1&b=2").json()
    assert compared["changed"] == 1
    change = next(p for p in compared["paragraphs"] if p["status"] == "changed")
    assert change["key"] == key and change["fields"] == ["text"]
    marked = [(d["op"], d["text"]) for d in change["diff"] if d["op"] != 0]
    assert marked == [(-1, "across basin authorities"), (1, "everywhere")]


def test_bad_input_is_422_or_400_with_the_field_and_stores_nothing(world, as_persona):
    strategy = drafting_strategy(world)
    key = first_key(strategy)
    carol = as_persona("carol")
    before = (Amendment.objects.count(), Comment.objects.count(), Version.objects.count())
    unknown = post(carol, f"{API}/{strategy.pk}/paragraphs/{key}/amendments", {"kind": "x"})
    assert unknown.status_code == 422 and unknown.json()["field"] == "kind"
    empty = post(carol, f"{API}/{strategy.pk}/paragraphs/{key}/amendments", {"kind": "replace"})
    assert empty.status_code == 400 and empty.json()["field"] == "text"
    long = post(carol, f"{API}/{strategy.pk}/paragraphs/{key}/comments", {"text": "x" * 4001})
    assert long.status_code == 400 and long.json()["field"] == "text"
    wrong = post(
        carol,
        f"{API}/{strategy.pk}/paragraphs/00000000-0000-0000-0000-000000000000/comments",
        {"text": "x"},
    )
    assert wrong.status_code == 404
    assert (Amendment.objects.count(), Comment.objects.count(), Version.objects.count()) == before


def test_published_strategy_refuses_amendments(world, as_persona):
    strategy = open_strategy(world)
    key = first_key(strategy)
    before = Amendment.objects.count()
    response = post(
        as_persona("carol"),
        f"{API}/{strategy.pk}/paragraphs/{key}/amendments",
        {"kind": "replace", "text": "Too late."},
    )
    assert response.status_code == 400
    assert response.json()["field"] == "status"
    assert "no longer being drafted" in response.json()["detail"]
    assert Amendment.objects.count() == before


def test_bearer_token_and_session_csrf(world, client):
    from django.test import Client

    strategy = drafting_strategy(world)
    key = first_key(strategy)
    token = issue_api_token(user=world.users["carol"], name="script")
    response = post(
        client,
        f"{API}/{strategy.pk}/paragraphs/{key}/amendments",
        {"kind": "delete"},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201 and response.json()["kind"] == "delete"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.users["carol"])
    refused = post(strict, f"{API}/{strategy.pk}/paragraphs/{key}/comments", {"text": "Hi"})
    assert refused.status_code == 403
    assert Amendment.objects.get().state == AmendmentState.EVALUATING
