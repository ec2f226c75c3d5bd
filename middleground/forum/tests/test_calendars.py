"""iCalendar files: they parse back, carry the VTIMEZONE of the event's zone, and read the
session's wall-clock time in that zone; the private agenda feed is hashed and revocable."""

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from middleground.forum import calendars, programme
from middleground.forum.models import CalendarFeed, Registration, Session

from .factories import event as make_event

ALMATY = ZoneInfo("Asia/Almaty")


def _ten_o_clock_session(world):
    forum = make_event(world)
    local_day = forum.starts_at.astimezone(ALMATY).date()
    start = dt.datetime.combine(local_day, dt.time(10, 0), tzinfo=ALMATY)
    session = programme.create_session(
        actor=world.users["alice"],
        event=forum,
        data={
            "title": "Water data roundtable",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=1),
            "room": "Room C",
            "description": "Sharing river-flow data.",
        },
    )
    return forum, session


def _vevents(body: bytes):
    calendar = Calendar.from_ical(body)
    return calendar, list(calendar.walk("VEVENT"))


def test_session_at_ten_almaty_reads_ten_in_that_zone(world):
    forum, session = _ten_o_clock_session(world)
    calendar, events = _vevents(calendars.session_calendar(session))
    # the real offset of Asia/Almaty on that day (UTC+5 since March 2024)
    offset = dt.datetime.combine(session.starts_at.date(), dt.time(12), tzinfo=ALMATY).utcoffset()
    assert offset == dt.timedelta(hours=5)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Almaty"]
    (vevent,) = events
    start = vevent["DTSTART"]
    assert start.params["TZID"] == "Asia/Almaty"
    assert (start.dt.hour, start.dt.minute) == (10, 0)
    assert start.dt.astimezone(dt.UTC).hour == 5
    assert vevent.decoded("DTEND").astimezone(ALMATY).hour == 11
    assert b"DTSTART;TZID=Asia/Almaty:" in calendars.session_calendar(session)
    assert str(vevent["UID"]) == f"forum-session-{session.pk}@localhost"
    assert "DTSTAMP" in vevent
    assert str(vevent["LOCATION"]) == "Room C, Palace of Independence, Astana"
    assert str(vevent["URL"]).endswith(session.get_absolute_url())
    assert "Sharing river-flow data." in str(vevent["DESCRIPTION"])
    assert str(vevent["X-MIDDLEGROUND-CHATHAM-HOUSE"]) == "FALSE"


def test_uid_is_stable_and_the_event_file_lists_every_session(world, as_persona):
    forum, session = _ten_o_clock_session(world)
    first = _vevents(calendars.event_calendar(forum, forum.sessions.all()))[1]
    again = _vevents(calendars.event_calendar(forum, forum.sessions.all()))[1]
    assert sorted(str(v["UID"]) for v in first) == sorted(str(v["UID"]) for v in again)
    assert len(first) == 3  # two factory sessions and the roundtable
    response = as_persona("anonymous").get(reverse("forum:event_ics", args=[forum.slug]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar, events = _vevents(response.content)
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Almaty"
    assert {str(v["SUMMARY"]) for v in events} >= {"Opening plenary", "Water data roundtable"}


def test_another_zone_gets_its_own_vtimezone_with_daylight_saving(world):
    forum = make_event(world, name="Brussels meeting")
    forum.time_zone = "Europe/Brussels"
    forum.starts_at = dt.datetime(2031, 3, 29, 8, tzinfo=dt.UTC)
    forum.ends_at = dt.datetime(2031, 3, 31, 18, tzinfo=dt.UTC)
    forum.save(update_fields=["time_zone", "starts_at", "ends_at"])
    start = dt.datetime(2031, 3, 31, 9, 30, tzinfo=ZoneInfo("Europe/Brussels"))  # CEST, UTC+2
    session = Session.objects.create(
        event=forum,
        title="After the clock change",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
    )
    calendar, (vevent,) = _vevents(calendars.session_calendar(session))
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Brussels"
    assert vevent["DTSTART"].dt.hour == 9 and vevent.decoded("DTSTART").utcoffset() == dt.timedelta(
        hours=2
    )


def test_chatham_house_flag_in_the_file(world):
    forum, session = _ten_o_clock_session(world)
    programme.update_session(
        actor=world.users["alice"], session=session, data={"chatham_house": True}
    )
    _cal, (vevent,) = _vevents(calendars.session_calendar(session))
    assert str(vevent["X-MIDDLEGROUND-CHATHAM-HOUSE"]) == "TRUE"
    assert "Chatham House" in str(vevent["DESCRIPTION"])


def test_private_feed_is_hashed_works_and_revoked_is_404(world, as_persona):
    forum, session = _ten_o_clock_session(world)
    carol = world.users["carol"]
    registration = Registration.objects.create(
        event=forum, type=forum.registration_types.get(), user=carol, status="confirmed"
    )
    registration.agenda.set([session])
    token = calendars.create_feed(user=carol)
    feed = CalendarFeed.objects.get(user=carol)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in feed.token_hash
    url = reverse("forum:agenda_feed", args=[token])
    response = as_persona("anonymous").get(url)
    assert response.status_code == 200
    calendar, events = _vevents(response.content)
    assert [str(v["SUMMARY"]) for v in events] == ["Water data roundtable"]
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Almaty"
    assert (
        as_persona("anonymous").get(reverse("forum:agenda_feed", args=["not-a-token"])).status_code
        == 404
    )
    calendars.revoke_feed(user=carol, feed=feed)
    assert as_persona("anonymous").get(url).status_code == 404


def test_someone_else_cannot_revoke_a_feed(world):
    from middleground.core.errors import ServiceError

    calendars.create_feed(user=world.users["carol"])
    feed = CalendarFeed.objects.get()
    with pytest.raises(ServiceError) as exc:
        calendars.revoke_feed(user=world.users["dave"], feed=feed)
    assert exc.value.status == 403
    feed.refresh_from_db()
    assert feed.revoked_at is None


def test_feed_page_shows_the_address_once_and_revokes(world, as_persona):
    carol = as_persona("carol")
    page = reverse("forum:calendar_feeds")
    response = carol.post(page, {"action": "create"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "/forum/agenda/" in text and "shown only once" in text
    assert "/forum/agenda/" not in carol.get(page).content.decode()
    feed = CalendarFeed.objects.get()
    assert carol.post(page, {"action": "revoke", "feed": feed.pk}).status_code == 302
    feed.refresh_from_db()
    assert feed.revoked_at is not None
    # not hers: 404, nothing changes
    other = calendars.create_feed(user=world.users["bob"]) and CalendarFeed.objects.get(
        user=world.users["bob"]
    )
    assert carol.post(page, {"action": "revoke", "feed": other.pk}).status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_api_calendar_files_parse_back_with_vtimezone(world, as_persona):
    forum, session = _ten_o_clock_session(world)
    client = as_persona("anonymous")
    for url, summaries in (
        (
            f"/api/v1/events/{forum.pk}/calendar.ics",
            {"Opening plenary", "Water data roundtable"},
        ),
        (f"/api/v1/sessions/{session.pk}/calendar.ics", {"Water data roundtable"}),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/calendar"), url
        calendar, events = _vevents(response.content)
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Asia/Almaty"], url
        assert summaries <= {str(v["SUMMARY"]) for v in events}, url
        for vevent in events:
            assert vevent["DTSTART"].params["TZID"] == "Asia/Almaty", url
    _cal, (only,) = _vevents(client.get(f"/api/v1/sessions/{session.pk}/calendar.ics").content)
    assert (only["DTSTART"].dt.hour, only["DTSTART"].dt.minute) == (10, 0)
