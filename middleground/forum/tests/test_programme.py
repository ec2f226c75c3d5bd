"""Programme services, pages, exports and API: validation, times in the event's zone, the
programme by day and room, visibility, the Chatham House flag."""

import csv
import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from middleground.accounts.models import AuditEvent
from middleground.core.errors import ServiceError
from middleground.forum import programme
from middleground.forum.models import Event, Partner, Session, Speaker

from .factories import event as make_event

ALMATY = ZoneInfo("Asia/Almaty")


def _event_data(**changes):
    data = {
        "name": "Astana Think Tank Forum",
        "theme": "Connecting Minds, Shaping the Future",
        "starts_at": dt.datetime(2031, 5, 29, 9, 0),  # naive: read in the event's zone
        "ends_at": dt.datetime(2031, 5, 30, 18, 0),
        "time_zone": "Asia/Almaty",
        "venue": "Palace of Independence",
        "languages": "en, ru, kk",
    }
    return {**data, **changes}


def test_create_event_reads_naive_times_in_its_zone(world):
    created = programme.create_event(actor=world.users["alice"], data=_event_data())
    assert created.status == "draft" and created.slug == "astana-think-tank-forum"
    assert created.starts_at == dt.datetime(2031, 5, 29, 4, 0, tzinfo=dt.UTC)  # UTC+5
    assert created.languages == ["en", "ru", "kk"]
    assert AuditEvent.objects.filter(
        action="forum.event.create", target_id=str(created.pk)
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_at": dt.datetime(2031, 5, 29, 8, 0)}, "ends_at"),
        ({"time_zone": "Asia/Atlantis"}, "time_zone"),
        ({"online_url": "javascript:alert(1)"}, "online_url"),
        ({"name": "  "}, "name"),
        ({"languages": "en, 12"}, "languages"),
        ({"visibility": "secret"}, "visibility"),
    ],
)
def test_bad_event_input_names_the_field_and_stores_nothing(world, changes, field):
    before = Event.objects.count()
    with pytest.raises(ServiceError) as exc:
        programme.create_event(actor=world.users["alice"], data=_event_data(**changes))
    assert exc.value.field == field
    assert Event.objects.count() == before


def test_only_the_secretariat_writes(world):
    forum = make_event(world)
    for persona in ("bob", "carol", "dave"):
        with pytest.raises(ServiceError) as exc:
            programme.create_event(actor=world.users[persona], data=_event_data())
        assert exc.value.status == 403
        with pytest.raises(ServiceError):
            programme.add_speaker(actor=world.users[persona], event=forum, name="X")
    assert Event.objects.count() == 1 and forum.speakers.count() == 1


def _local(forum, hour, minute=0, day=0):
    first = forum.starts_at.astimezone(ALMATY).date() + dt.timedelta(days=day)
    return dt.datetime.combine(first, dt.time(hour, minute))


def test_session_validation(world):
    forum = make_event(world)  # 09:00 Almaty on day 1 to 17:00 on day 2
    alice = world.users["alice"]
    cases = [
        (
            {"title": "Backwards", "starts_at": _local(forum, 12), "ends_at": _local(forum, 11)},
            "ends_at",
        ),
        (
            {"title": "Too early", "starts_at": _local(forum, 7), "ends_at": _local(forum, 8)},
            "starts_at",
        ),
        (
            {
                "title": "Too late",
                "starts_at": _local(forum, 16, day=1),
                "ends_at": _local(forum, 18, day=1),
            },
            "starts_at",
        ),
        ({"title": "", "starts_at": _local(forum, 10), "ends_at": _local(forum, 11)}, "title"),
        (
            {
                "title": "Bad format",
                "format": "party",
                "starts_at": _local(forum, 10),
                "ends_at": _local(forum, 11),
            },
            "format",
        ),
    ]
    for data, field in cases:
        with pytest.raises(ServiceError) as exc:
            programme.create_session(actor=alice, event=forum, data=data)
        assert exc.value.field == field, data["title"]
    other = make_event(world, name="Other forum")
    before = Session.objects.count()
    with pytest.raises(ServiceError) as exc:
        programme.create_session(
            actor=alice,
            event=forum,
            data={
                "title": "Foreign speaker",
                "starts_at": _local(forum, 10),
                "ends_at": _local(forum, 11),
                "speakers": list(other.speakers.all()),
            },
        )
    assert exc.value.field == "speakers"
    assert Session.objects.count() == before


def test_agenda_items_nest_inside_their_session(world):
    forum = make_event(world)
    alice = world.users["alice"]
    opening = forum.sessions.get(title="Opening plenary")  # 09:00-10:30
    item = programme.create_session(
        actor=alice,
        event=forum,
        data={
            "title": "Welcome address",
            "parent": opening,
            "starts_at": _local(forum, 9),
            "ends_at": _local(forum, 9, 15),
        },
    )
    assert item.parent == opening and list(opening.agenda_items.all()) == [item]
    with pytest.raises(ServiceError) as exc:
        programme.create_session(
            actor=alice,
            event=forum,
            data={
                "title": "Overrun",
                "parent": opening,
                "starts_at": _local(forum, 10),
                "ends_at": _local(forum, 11),
            },
        )
    assert exc.value.field == "starts_at"
    with pytest.raises(ServiceError) as exc:
        programme.create_session(
            actor=alice,
            event=forum,
            data={
                "title": "Nested twice",
                "parent": item,
                "starts_at": _local(forum, 9),
                "ends_at": _local(forum, 9, 5),
            },
        )
    assert exc.value.field == "parent"
    assert opening.agenda_items.count() == 1


def test_speakers_from_the_registry_and_guests(world):
    forum = make_event(world)
    alice = world.users["alice"]
    with pytest.raises(ServiceError) as exc:
        programme.add_speaker(actor=alice, event=forum, expert=world.bob_profile)
    assert exc.value.field == "expert"  # already on the programme
    guest = programme.add_speaker(actor=alice, event=forum, name="Bob Bekov", affiliation="UNRCCA")
    assert guest.slug == "bob-bekov-2" and guest.expert is None
    hidden = programme.add_speaker(actor=alice, event=forum, expert=world.hidden_expert)
    assert (hidden.name, hidden.institution) == ("Nari Network-Only", world.seoul)


def test_partners_grouped_by_type_heaviest_first(world, as_persona):
    forum = make_event(world)
    alice = world.users["alice"]
    programme.add_partner(actor=alice, event=forum, name="Small partner", kind="partner", weight=1)
    programme.add_partner(actor=alice, event=forum, name="Big partner", kind="partner", weight=9)
    programme.add_partner(actor=alice, event=forum, institution=world.astana, kind="host")
    with pytest.raises(ServiceError) as exc:
        programme.add_partner(actor=alice, event=forum, name="Bad", url="ftp://x")
    assert exc.value.field == "url" and Partner.objects.count() == 3
    groups = programme.partners_by_kind(forum)
    assert [(label, [str(p) for p in ps]) for label, ps in groups] == [
        ("Host", ["Astana Institute (test)"]),
        ("Partner", ["Big partner", "Small partner"]),
    ]
    page = as_persona("anonymous").get(forum.get_absolute_url()).content.decode()
    assert page.index("Big partner") < page.index("Small partner")


def test_event_page_shows_times_in_its_zone_with_the_label(world, as_persona):
    forum = make_event(world)  # 04:00 UTC = 09:00 Almaty
    page = as_persona("anonymous").get(forum.get_absolute_url()).content.decode()
    assert "09:00" in page and "Asia/Almaty time, UTC+05:00" in page
    assert reverse("forum:programme", args=[forum.slug]) in page
    assert reverse("forum:event_ics", args=[forum.slug]) in page
    assert reverse("forum:register", args=[forum.slug]) not in page  # anonymous cannot register
    assert (
        reverse("forum:register", args=[forum.slug])
        in as_persona("dave").get(forum.get_absolute_url()).content.decode()
    )


def test_event_page_lists_every_speaker_with_a_link(world, as_persona):
    forum = make_event(world)
    guest = programme.add_speaker(
        actor=world.users["alice"],
        event=forum,
        name="Guest On No Session",
        position="Ambassador",
        affiliation="Free affiliation (test)",
    )
    page = as_persona("anonymous").get(forum.get_absolute_url()).content.decode()
    section = page[page.index('id="speakers-h"') :]
    assert reverse("forum:speaker", args=[forum.slug, guest.slug]) in section
    assert "Guest On No Session</a>, Ambassador — Free affiliation (test)" in section
    assert "Bob Bekov</a>, Research fellow — Astana Institute (test)" in section


def test_programme_by_day_and_room(world, as_persona):
    forum = make_event(world)
    alice = world.users["alice"]
    programme.create_session(
        actor=alice,
        event=forum,
        data={
            "title": "Day two workshop",
            "room": "Room B",
            "track": "Water",
            "format": "workshop",
            "starts_at": _local(forum, 9, day=1),
            "ends_at": _local(forum, 10, day=1),
            "focus_areas": [world.water],
        },
    )
    sessions = list(forum.sessions.filter(parent__isnull=True))
    days = __import__("middleground.forum.views", fromlist=["x"]).programme_days(forum, sessions)
    assert [d["count"] for d in days] == [2, 1]
    assert days[0]["rooms"] == ["Main hall", "Room B"]
    first_rows = [
        (r["time"].strftime("%H:%M"), [[s.title for s in c] for c in r["cells"]])
        for r in days[0]["rows"]
    ]
    assert first_rows == [
        ("09:00", [["Opening plenary"], []]),
        ("11:00", [[], ["Central Asia in the changing architecture of global security"]]),
    ]
    url = reverse("forum:programme", args=[forum.slug])
    page = as_persona("anonymous").get(url).content.decode()
    assert page.count("<table") == 2 and '<th scope="col">Room B</th>' in page
    filtered = as_persona("anonymous").get(url, {"track": "Water"}).content.decode()
    assert "Day two workshop" in filtered and "Opening plenary" not in filtered
    by_area = as_persona("anonymous").get(url, {"focus_area": "water-security"}).content.decode()
    assert "Day two workshop" in by_area and "Opening plenary" not in by_area
    none = as_persona("anonymous").get(url, {"room": "Nowhere"})
    assert none.status_code == 200


def test_session_page(world, as_persona):
    forum = make_event(world)
    panel = forum.sessions.get(moderator__isnull=False)
    programme.update_session(
        actor=world.users["alice"],
        session=panel,
        data={
            "language": "ru",
            "interpretation": ["en", "kk"],
            "description": "<script>x</script>",
        },
    )
    page = as_persona("anonymous").get(panel.get_absolute_url()).content.decode()
    assert "11:00" in page and "Asia/Almaty" in page and "Room B" in page
    assert "Bob Bekov" in page and "Moderator" in page
    assert "Russian" in page and "interpretation into English, Kazakh" in page
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page
    assert reverse("forum:session_ics", args=[forum.slug, panel.pk]) in page


def test_session_form_reads_times_in_the_event_zone(world, as_persona):
    forum = make_event(world)
    alice = as_persona("alice")
    url = reverse("forum:session_create", args=[forum.slug])
    day = _local(forum, 14).strftime("%Y-%m-%d")
    response = alice.post(
        url,
        {
            "title": "Afternoon panel",
            "starts_at": f"{day}T14:00",
            "ends_at": f"{day}T13:00",
            "format": "panel",
            "language": "en",
        },
    )
    assert (
        response.status_code == 200
        and "The end must be after the start." in response.content.decode()
    )
    assert not Session.objects.filter(title="Afternoon panel").exists()
    response = alice.post(
        url,
        {
            "title": "Afternoon panel",
            "starts_at": f"{day}T14:00",
            "ends_at": f"{day}T15:00",
            "format": "panel",
            "language": "en",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(title="Afternoon panel")
    assert session.starts_at.astimezone(ALMATY).hour == 14 and session.starts_at.hour == 9


def test_speaker_page_links_the_registry_and_library(world, as_persona):
    from middleground.library.models import Document, DocumentTag

    forum = make_event(world)
    doc = Document.objects.create(
        title="Water diplomacy brief", kind="txt", filename="b.txt", body="x"
    )
    DocumentTag.objects.create(
        document=doc, kind="expert", key=str(world.bob_profile.pk), label="Bob Bekov"
    )
    page = (
        as_persona("anonymous")
        .get(reverse("forum:speaker", args=[forum.slug, "bob-bekov"]))
        .content.decode()
    )
    assert "Research fellow" in page and world.astana.get_absolute_url() in page
    assert "Water diplomacy brief" in page and world.bob_profile.get_absolute_url() in page
    assert "Central Asia in the changing architecture" in page and "moderator" in page
    assert (
        as_persona("anonymous")
        .get(reverse("forum:speaker", args=[forum.slug, "nobody"]))
        .status_code
        == 404
    )


def test_exports_and_api_carry_the_chatham_house_flag(world, as_persona):
    forum = make_event(world)
    panel = forum.sessions.get(moderator__isnull=False)
    programme.update_session(
        actor=world.users["alice"], session=panel, data={"chatham_house": True}
    )
    client = as_persona("anonymous")
    data = json.loads(client.get(reverse("forum:programme_json", args=[forum.slug])).content)
    by_title = {s["title"]: s for s in data["sessions"]}
    assert by_title[panel.title]["chatham_house"] is True
    assert by_title["Opening plenary"]["chatham_house"] is False
    assert by_title["Opening plenary"]["starts_at"].endswith("T09:00:00+05:00")
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("forum:programme_csv", args=[forum.slug])).content.decode()
            )
        )
    )
    assert {r["title"]: r["chatham_house"] for r in rows}[panel.title] == "yes"
    api = json.loads(client.get(f"/api/v1/events/{forum.pk}/sessions").content)
    assert api["count"] == 2
    item = next(i for i in api["items"] if i["title"] == panel.title)
    assert (
        item["speakers"] == ["Bob Bekov"] and item["room"] == "Room B" and item["live_code"] is None
    )
    assert item["chatham_house"] is True
    listing = json.loads(client.get("/api/v1/events").content)
    assert listing["count"] == 1 and listing["items"][0]["slug"] == forum.slug
    one = json.loads(client.get(f"/api/v1/sessions/{panel.pk}").content)
    assert one["title"] == panel.title


def test_visibility_of_drafts_and_network_events(world, as_persona):
    draft = programme.create_event(actor=world.users["alice"], data=_event_data(name="Draft 2031"))
    network = make_event(world, name="Members meeting", visibility="network")
    for persona in ("anonymous", "dave", "bob", "carol"):
        assert as_persona(persona).get(draft.get_absolute_url()).status_code == 404
        listed = json.loads(as_persona(persona).get("/api/v1/events").content)
        assert draft.slug not in [e["slug"] for e in listed["items"]]
    assert as_persona("alice").get(draft.get_absolute_url()).status_code == 200
    for persona, status in (("anonymous", 404), ("dave", 404), ("bob", 200), ("carol", 200)):
        assert as_persona(persona).get(network.get_absolute_url()).status_code == status
    page = as_persona("anonymous").get(reverse("forum:events")).content.decode()
    assert "Members meeting" not in page and "Draft 2031" not in page
    programme.publish_event(actor=world.users["alice"], event=draft)
    assert as_persona("anonymous").get(draft.get_absolute_url()).status_code == 200


def test_event_list_empty_state(world, as_persona):
    page = as_persona("anonymous").get(reverse("forum:events")).content.decode()
    assert "No upcoming event yet." in page and "No past event yet." in page


def test_event_edit_rejects_dates_that_strand_sessions(world):
    forum = make_event(world)
    start = forum.starts_at
    with pytest.raises(ServiceError) as exc:
        programme.update_event(
            actor=world.users["alice"],
            event=forum,
            data={"starts_at": start + dt.timedelta(hours=3)},
        )
    assert exc.value.field == "starts_at"
    forum.refresh_from_db()
    assert forum.starts_at == start


def test_speaker_is_not_duplicated_by_speaker_slug_across_events(world):
    a = make_event(world, name="Forum A")
    b = make_event(world, name="Forum B")
    assert Speaker.objects.filter(slug="bob-bekov").count() == 2
    assert {s.event for s in Speaker.objects.all()} == {a, b}


def test_an_event_edit_audits_only_what_changed_with_before_and_after(world):
    forum = make_event(world)
    old_theme = forum.theme
    data = {"name": forum.name, "theme": "Water and trust", "venue": forum.venue}
    programme.update_event(actor=world.users["alice"], event=forum, data=data)
    line = AuditEvent.objects.filter(action="forum.event.update").get()
    assert line.details["changes"] == {"theme": {"before": old_theme, "after": "Water and trust"}}
    programme.update_event(actor=world.users["alice"], event=forum, data=data)
    assert AuditEvent.objects.filter(action="forum.event.update").count() == 1  # nothing changed
