"""The live room: opening and closing, joining by code, voting once, the rate limits, the
projector's figures (groups only where large enough), moderation, the stream."""

import json

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from middleground.consultations import services as consultation_services
from middleground.consultations.models import (
    Anonymity,
    Participant,
    Statement,
    StatementStatus,
    Status,
    Visibility,
    Vote,
)
from middleground.core.errors import ServiceError
from middleground.forum import live
from middleground.forum.models import EventVisibility, LiveRoom

from .factories import event

pytestmark = pytest.mark.django_db

SEEDS = ["Water data should be shared.", "Dams need joint oversight.", "Quotas are fair."]


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()  # the rate-limit counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def panel(world):
    created = event(world, name="Live test forum")
    return created.sessions.get(title__startswith="Central Asia")


@pytest.fixture
def room(world, panel):
    return live.open_room(
        actor=world.users["bob"], session=panel, question="How to share water?", statements=SEEDS
    )


def statement_ids(room):
    return list(
        room.consultation.statements.filter(status="accepted")
        .order_by("number")
        .values_list("pk", flat=True)
    )


def vote_as(client, room, statement, value, **headers):
    return client.post(
        f"/live/{room.code}/",
        {"action": "vote", "statement": statement, "vote": value},
        headers={"accept": "application/json", **headers},
    )


# --- opening and closing --------------------------------------------------------------------


def test_host_opens_a_room_tied_to_an_open_consultation(world, room, panel):
    assert len(room.code) == 5 and room.code == room.code.upper()
    assert room.is_open and room.opened_by == world.users["bob"]
    consultation = room.consultation
    assert consultation.status == Status.OPEN
    assert consultation.visibility == Visibility.PUBLIC
    assert consultation.anonymity == Anonymity.ANONYMOUS  # join without an account
    assert consultation.moderation == "before"  # the audience's statements wait in a queue
    assert consultation.question == "How to share water?"
    assert list(consultation.moderators.all()) == [world.users["bob"]]
    assert len(statement_ids(room)) == 3


@pytest.mark.parametrize("persona", ["dave", "carol"])
def test_only_hosts_and_the_secretariat_open_and_close(world, panel, persona):
    with pytest.raises(ServiceError) as refused:
        live.open_room(actor=world.users[persona], session=panel)
    assert refused.value.status == 403
    assert LiveRoom.objects.count() == 0
    room = live.open_room(actor=world.users["alice"], session=panel)  # the secretariat may
    with pytest.raises(ServiceError):
        live.close_room(actor=world.users[persona], room=room)
    room.refresh_from_db()
    assert room.is_open


def test_reopening_keeps_the_code_and_closing_closes_the_consultation(world, room, panel):
    live.close_room(actor=world.users["bob"], room=room)
    room.refresh_from_db()
    room.consultation.refresh_from_db()
    assert not room.is_open and room.consultation.status == Status.CLOSED
    again = live.open_room(actor=world.users["bob"], session=panel)
    again.consultation.refresh_from_db()
    assert again.pk == room.pk and again.code == room.code and again.is_open
    assert again.consultation.status == Status.OPEN
    assert LiveRoom.objects.count() == 1


def test_network_event_room_is_not_public(world):
    created = event(world, name="Network live forum", visibility=EventVisibility.NETWORK)
    session = created.sessions.get(title__startswith="Central Asia")
    room = live.open_room(actor=world.users["bob"], session=session)
    assert room.consultation.visibility == Visibility.NETWORK
    assert room.consultation.anonymity == Anonymity.PSEUDONYMOUS
    assert Client().get(f"/live/{room.code}/").status_code == 404
    assert Client().get(f"/api/v1/live/{room.code}").status_code == 404


# --- joining by code ------------------------------------------------------------------------


def test_a_code_joins_only_an_open_room(world, room):
    client = Client()
    typed = " " + room.code.lower()[:2] + " " + room.code.lower()[2:]
    response = client.get("/live/", {"code": typed})
    assert response.status_code == 302 and response["Location"] == f"/live/{room.code}/"

    unknown = client.get("/live/", {"code": "QQQQQ"})
    assert unknown.status_code == 404
    assert "No live room has the code QQQQQ" in unknown.content.decode()

    live.close_room(actor=world.users["bob"], room=room)
    closed = client.get("/live/", {"code": room.code})
    assert closed.status_code == 410
    assert f"The live room {room.code} is closed" in closed.content.decode()
    page = client.get(f"/live/{room.code}/")
    assert "is closed" in page.content.decode() and "See the results" in page.content.decode()
    assert client.get(f"/api/v1/live/{room.code}").status_code == 404
    assert client.get("/api/v1/live/QQQQQ").status_code == 404
    late = vote_as(client, room, statement_ids(room)[0], 1)
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    assert Vote.objects.count() == 0


def test_join_page_for_a_room_without_anonymous_access_asks_to_sign_in(world, panel):
    room = live.open_room(actor=world.users["bob"], session=panel, allow_anonymous=False)
    assert room.consultation.anonymity == Anonymity.PSEUDONYMOUS
    response = Client().get(f"/live/{room.code}/")
    assert response.status_code == 302 and "/login" in response["Location"]
    signed_in = Client()
    signed_in.force_login(world.users["dave"])
    assert signed_in.get(f"/live/{room.code}/").status_code == 200


# --- votes ----------------------------------------------------------------------------------


def test_votes_count_once_per_identity(world, room):
    first, second = statement_ids(room)[:2]
    phone = Client()
    answer = vote_as(phone, room, first, 1)
    assert answer.status_code == 200
    data = answer.json()
    assert data["voted"] == 1 and data["total"] == 3 and data["statement"]["id"] != first
    assert vote_as(phone, room, first, 1).status_code == 200  # the same vote again
    assert vote_as(phone, room, first, -1).status_code == 200  # a change replaces it
    other = Client()
    vote_as(other, room, first, 1)
    vote_as(other, room, second, 0)
    assert Vote.objects.filter(consultation=room.consultation).count() == 3
    assert sorted(Vote.objects.filter(statement_id=first).values_list("value", flat=True)) == [
        -1,
        1,
    ]
    figures = live.screen_figures(room)
    assert figures["participants"] == 2 and figures["votes"] == 3 and figures["statements"] == 3


def test_rate_limit_refuses_new_identities_from_one_address(world, room, settings):
    settings.FORUM_LIVE_RATE_LIMITS = {**live.RATE_LIMITS, ("join", "ip"): (2, 60)}
    first = statement_ids(room)[0]
    codes = [vote_as(Client(), room, first, 1).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert Vote.objects.filter(consultation=room.consultation).count() == 2
    # another address is not affected
    assert vote_as(Client(REMOTE_ADDR="10.0.0.9"), room, first, 1).status_code == 200


def test_rate_limit_refuses_a_fast_identity(world, room, settings):
    settings.FORUM_LIVE_RATE_LIMITS = {**live.RATE_LIMITS, ("vote", "identity"): (2, 60)}
    phone = Client()
    codes = [vote_as(phone, room, pk, 1).status_code for pk in statement_ids(room)]
    assert codes == [200, 200, 429]
    refused = vote_as(phone, room, statement_ids(room)[2], 1)
    assert "Too many" in refused.json()["detail"]
    assert Vote.objects.filter(consultation=room.consultation).count() == 2


def test_bad_vote_is_refused_and_nothing_stored(world, room):
    phone = Client()
    answer = vote_as(phone, room, statement_ids(room)[0], 7)
    assert answer.status_code == 400 and answer.json()["field"] == "vote"
    assert Vote.objects.count() == 0


# --- statements and moderation ---------------------------------------------------------------


def test_audience_statement_waits_for_the_host(world, room, as_persona):
    phone = Client()
    answer = phone.post(
        f"/live/{room.code}/",
        {"action": "statement", "text": "  Publish the river gauges  "},
        headers={"accept": "application/json"},
    )
    assert answer.status_code == 200 and "moderator" in answer.json()["message"]
    statement = Statement.objects.get(text="Publish the river gauges")
    assert statement.status == StatementStatus.PENDING
    assert live.screen_figures(room)["statements"] == 3
    empty = phone.post(
        f"/live/{room.code}/",
        {"action": "statement", "text": "  "},
        headers={"accept": "application/json"},
    )
    assert empty.status_code == 400 and empty.json()["field"] == "text"
    assert Statement.objects.count() == 4

    assert (
        as_persona("dave")
        .post(f"/live/{room.code}/moderate/", {"action": "accept", "statement": statement.pk})
        .status_code
        == 403
    )
    statement.refresh_from_db()
    assert statement.status == StatementStatus.PENDING
    bob = as_persona("bob")
    queue = bob.get(f"/live/{room.code}/moderate/")
    assert "Publish the river gauges" in queue.content.decode()
    assert (
        bob.post(
            f"/live/{room.code}/moderate/", {"action": "accept", "statement": statement.pk}
        ).status_code
        == 302
    )
    statement.refresh_from_db()
    assert (
        statement.status == StatementStatus.ACCEPTED
        and statement.moderated_by == world.users["bob"]
    )
    assert live.screen_figures(room)["statements"] == 4


def test_chatham_house_room_names_no_author(world, panel, as_persona):
    panel.chatham_house = True
    panel.save(update_fields=["chatham_house"])
    room = live.open_room(actor=world.users["bob"], session=panel, statements=SEEDS)
    assert room.consultation.anonymity == Anonymity.ANONYMOUS
    carol = as_persona("carol")
    carol.post(f"/live/{room.code}/", {"action": "statement", "text": "Carol's point on dams"})
    statement = Statement.objects.get(text="Carol's point on dams")
    assert statement.author.user == world.users["carol"]  # stored, never shown
    for page in (f"/live/{room.code}/moderate/", f"/live/{room.code}/screen/"):
        body = as_persona("bob").get(page).content.decode()
        assert "carol" not in body.lower().replace("carol&#x27;s point", "")
    api = Client().get(f"/api/v1/live/{room.code}").json()
    assert "author" not in json.dumps(api)


# --- the projector ---------------------------------------------------------------------------


def _votes(room, table):
    """``table``: one row per participant, one value per statement (None: no vote)."""
    ids = statement_ids(room)
    for i, row in enumerate(table):
        cookie = f"cookie-{i:04d}-abcdefghijkl"
        for pk, value in zip(ids, row, strict=False):
            if value is not None:
                consultation_services.cast_vote(
                    actor=_anonymous(),
                    consultation=room.consultation,
                    statement_id=pk,
                    value=value,
                    cookie_id=cookie,
                    ip=f"10.1.{i // 200}.{i % 200}",
                )


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_consensus_and_divisive_statements(world, room):
    # statement 1: 4 agree (consensus); 2: 2 agree, 2 disagree (divisive); 3: two votes only
    _votes(room, [[1, 1, 1], [1, 1, -1], [1, -1, None], [1, -1, None]])
    figures = live.screen_figures(room)
    assert [r["text"] for r in figures["consensus"]] == [SEEDS[0]]
    assert figures["consensus"][0]["agree_pct"] == 100
    assert [r["text"] for r in figures["divisive"]] == [SEEDS[1]]
    assert (
        figures["divisive"][0]["agree_pct"] == 50 and figures["divisive"][0]["disagree_pct"] == 50
    )
    assert figures["participants"] == 4 and figures["votes"] == 10


def test_groups_hidden_below_the_minimum_size(world, room):
    camp_a, camp_b = [1, 1, -1], [-1, -1, 1]
    _votes(room, [camp_a] * 3 + [camp_b] * 3)
    consultation_services.run_analysis(consultation_id=room.consultation_id)
    stored = room.consultation.analyses.first().result
    assert sorted(g["size"] for g in stored["groups"]) == [3, 3]  # the engine found them
    figures = live.screen_figures(room)
    assert figures["groups"]["opinion"] == []  # below 5: nothing is broken down
    assert figures["groups"]["declared"]["groups"] == []
    page = Client().get(f"/live/{room.code}/screen/").content.decode()
    assert "Groups are shown once every group has at least 5 people" in page


def test_groups_shown_when_every_group_is_large_enough(world, room):
    camp_a, camp_b = [1, 1, -1], [-1, -1, 1]
    _votes(room, [camp_a] * 6 + [camp_b] * 6)
    consultation_services.run_analysis(consultation_id=room.consultation_id)
    groups = live.screen_figures(room)["groups"]["opinion"]
    assert len(groups) >= 2 and all(g["size"] >= 5 for g in groups)
    assert sum(g["size"] for g in groups) == 12


def test_declared_groups_need_every_group_at_the_minimum():
    rows = {1: {"text": "A"}}
    result = {
        "groups": [],
        "declared_groups": {
            "groups": [
                {"label": "Asia-Pacific", "size": 6},
                {"label": "other (small groups)", "size": 4},
            ],
            "statements": [{"id": 1, "per_group": {"Asia-Pacific": {"agree_rate": 0.5}}}],
        },
    }
    assert live._groups(result, rows, [1])["declared"]["groups"] == []
    result["declared_groups"]["groups"][1]["size"] = 5
    result["declared_groups"]["statements"][0]["per_group"]["other (small groups)"] = {
        "agree_rate": 0.8
    }
    shown = live._groups(result, rows, [1])["declared"]
    assert [g["size"] for g in shown["groups"]] == [6, 5]
    assert shown["statements"] == [{"id": 1, "text": "A", "agree_pct": [50, 80]}]


def test_screen_shows_code_qr_and_tables(world, room):
    page = Client().get(f"/live/{room.code}/screen/").content.decode()
    assert f"data-live-code>{room.code}<" in page
    assert "<svg" in page and "live-qr-svg" in page
    assert f"testserver/live/{room.code}/" in page
    assert page.count("<table") >= 3
    assert "<script>" not in page and "style=" not in page.split("<svg", 1)[0]


def test_api_figures_match_the_votes(world, room):
    _votes(room, [[1, 1, 1], [1, -1, 1], [1, 1, -1]])
    data = Client().get(f"/api/v1/live/{room.code}").json()
    assert data["code"] == room.code and data["votes"] == 9 and data["participants"] == 3
    assert data["consensus"][0]["text"] == SEEDS[0]


def test_stream_sends_figures_and_ends(world, room, settings):
    settings.FORUM_LIVE_STREAM_SECONDS = 0.3
    settings.FORUM_LIVE_STREAM_INTERVAL = 0.1
    response = Client().get(f"/live/{room.code}/stream/")
    assert response["Content-Type"].startswith("text/event-stream")
    body = b"".join(response.streaming_content).decode()  # ends by itself
    assert body.startswith("retry: 1500")
    payload = body.split("event: figures\ndata: ", 1)[1].split("\n", 1)[0]
    assert json.loads(payload)["code"] == room.code
    assert body.count("event: figures") == 1  # nothing changed: sent once


def test_stream_tells_a_closed_room(world, room, settings):
    settings.FORUM_LIVE_STREAM_SECONDS = 5
    live.close_room(actor=world.users["bob"], room=room)
    body = b"".join(Client().get(f"/live/{room.code}/stream/").streaming_content).decode()
    assert "event: closed" in body and "event: figures" not in body


# --- the session page's box ---------------------------------------------------------------------


def _box(user, session):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string(
        "forum/partials/live_box.html", {"session": session, "user": user}, request=request
    )


def test_live_box_for_hosts_and_audience(world, panel):
    assert "Open a live room" in _box(world.users["bob"], panel)
    assert "Open a live room" not in _box(world.users["dave"], panel)
    assert "No live room is open" in _box(_anonymous(), panel)
    room = live.open_room(actor=world.users["bob"], session=panel)
    panel = type(panel).objects.get(pk=panel.pk)
    box = _box(_anonymous(), panel)
    assert room.code in box and "Close the live room" not in box
    host_box = _box(world.users["bob"], panel)
    assert "Close the live room" in host_box and f"/live/{room.code}/screen/" in host_box


def test_open_from_the_box_and_close_from_moderation(world, panel, as_persona):
    bob = as_persona("bob")
    response = bob.post(
        "/live/",
        {"session": panel.pk, "question": "Which river first?", "allow_anonymous": ["0", "1"]},
    )
    room = LiveRoom.objects.get(session=panel)
    assert response.status_code == 302 and response["Location"] == f"/live/{room.code}/moderate/"
    assert room.allow_anonymous and room.consultation.question == "Which river first?"
    assert as_persona("carol").post("/live/", {"session": panel.pk}).status_code == 403
    bob.post(f"/live/{room.code}/moderate/", {"action": "close"})
    room.refresh_from_db()
    assert not room.is_open
    assert Participant.objects.filter(consultation=room.consultation).count() == 0


# --- the programme API names the room ---------------------------------------------------------


def test_api_sessions_carry_the_live_code_of_an_attached_room(world, panel):
    url = f"/api/v1/events/{panel.event_id}/sessions"

    def items():
        response = Client().get(url)
        assert response.status_code == 200
        return {i["id"]: i for i in response.json()["items"]}

    before = items()
    assert before[panel.pk]["live_code"] is None and before[panel.pk]["live_open"] is False
    room = live.open_room(actor=world.users["bob"], session=panel)
    opened = items()
    item = opened[panel.pk]
    assert {"title", "starts_at", "ends_at", "live_code"} <= set(item)
    assert item["title"] == panel.title
    assert item["starts_at"].endswith("+05:00") and item["ends_at"] > item["starts_at"]
    assert item["live_code"] == room.code and item["live_open"] is True
    other = next(i for pk, i in opened.items() if pk != panel.pk)
    assert other["live_code"] is None  # only the session with a room carries a code
    live.close_room(actor=world.users["bob"], room=room)
    closed = items()[panel.pk]
    assert closed["live_code"] == room.code and closed["live_open"] is False
    assert Client().get(f"/api/v1/sessions/{panel.pk}").json()["live_code"] == room.code


def test_a_split_statement_is_divisive_not_consensus(world, room):
    # statement 1: 2 of 3 agree, 1 disagrees (67 / 33): a third of the room rejects it
    _votes(room, [[1, 1], [1, 1], [-1, 1]])
    figures = live.screen_figures(room)
    assert [r["text"] for r in figures["divisive"]] == [SEEDS[0]]
    assert [r["text"] for r in figures["consensus"]] == [SEEDS[1]]


def test_agreement_by_declared_group_from_signed_in_voters(world, room):
    """Signed-in voters carry their country's UN regional group (from the registry): with
    two groups of six the projector breaks agreement down by group."""
    from middleground.accounts.models import User
    from middleground.network.models import Institution

    brasilia = Institution.objects.create(
        name="Brasilia Institute (test)", slug="brasilia-institute", kind="ngo", country_id="BR"
    )
    ids = statement_ids(room)
    for i in range(12):
        asian = i % 2 == 0
        person = User.objects.create_user(
            f"voter{i}", institution=world.astana if asian else brasilia
        )
        for pk, value in zip(ids, [1, 1, -1] if asian else [1, -1, 1], strict=True):
            live.vote(actor=person, room=room, statement_id=pk, value=value)
    consultation_services.run_analysis(consultation_id=room.consultation_id)
    declared = live.screen_figures(room)["groups"]["declared"]
    assert sorted(g["size"] for g in declared["groups"]) == [6, 6]
    by_text = {s["text"]: s["agree_pct"] for s in declared["statements"]}
    assert by_text[SEEDS[0]] == [100, 100]  # the consensus: both groups agree
    assert sorted(by_text[SEEDS[1]]) == [0, 100]  # divisive along the groups' line
    page = Client().get(f"/live/{room.code}/screen/").content.decode()
    assert all(g["label"] in page for g in declared["groups"])


def test_what_sets_a_group_apart_is_a_side_most_of_it_takes():
    rows = {1: {"text": "A"}, 2: {"text": "B"}, 3: {"text": "C"}}
    rep = lambda side, p: {"side": side, "p_success": p}  # noqa: E731
    result = {
        "groups": [
            {"id": 0, "size": 8, "representative": [1, 2, 3]},
            {"id": 1, "size": 16, "representative": [2]},
        ],
        "statements": [
            {"id": 1, "repness": {"0": rep("disagree", 0.06)}},  # smoothed, not a majority
            {"id": 2, "repness": {"0": rep("agree", 0.9), "1": rep("disagree", 0.7)}},
            {"id": 3, "repness": {"0": rep("agree", 0.55)}},
        ],
    }
    opinion = live._groups(result, rows, [])["opinion"]
    assert [[(d["id"], d["side"], d["pct"]) for d in g["distinct"]] for g in opinion] == [
        [(2, "agree", 90), (3, "agree", 55)],
        [(2, "disagree", 70)],
    ]


def test_after_the_session_the_results_are_the_consultations_own(world, room):
    _votes(room, [[1, 1, -1]] * 6 + [[1, -1, 1]] * 6)
    live.close_room(actor=world.users["bob"], room=room)
    consultation = room.consultation
    consultation.refresh_from_db()
    assert consultation.status == Status.CLOSED
    assert Vote.objects.filter(consultation=consultation).count() == 36
    consultation_services.run_analysis(consultation_id=consultation.pk)
    page = Client().get(f"/consultations/{consultation.slug}/results/")
    assert page.status_code == 200
    text = page.content.decode()
    assert all(seed in text for seed in SEEDS)
    closed = Client().get(f"/live/{room.code}/").content.decode()
    assert f"/consultations/{consultation.slug}/results/" in closed  # the room points there


def test_figures_cache_key_is_stable_across_processes_and_moves_with_a_vote(world, room):
    import os
    import subprocess
    import sys

    mark = live.change_mark(room)
    key = live.figures_key(room.pk, mark)
    assert live.figures_key(room.pk, live.change_mark(room)) == key  # same state, same key
    # another interpreter with another hash seed (a second gunicorn worker) agrees
    script = (
        "import django, sys; django.setup(); from middleground.forum import live; "
        f"print(live.figures_key({room.pk}, {mark!r}))"
    )
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.setdefault("DJANGO_SETTINGS_MODULE", "middleground.config.settings")
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        assert out.stdout.strip().splitlines()[-1] == key
    # a new vote moves the mark, hence the key, and the figures follow it
    assert live.cached_figures(room)[1]["votes"] == 0  # cached at the old mark
    _votes(room, [[1]])
    moved = live.change_mark(room)
    assert moved != mark and live.figures_key(room.pk, moved) != key
    assert live.cached_figures(room)[1]["votes"] == 1
