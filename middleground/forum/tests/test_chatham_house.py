"""The Chatham House rule: no page, export or API of such a session names a speaker, an
author or an institution of its outputs (or its attendees).

The session has minutes (which name a speaker), attendance from the door, outputs (a
document whose author is the speaker), a live room with statements, a moderator and speakers
from the registry and a guest. Every page and export is walked by its URL name.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from middleground.consultations.models import AnalysisResult
from middleground.forum import live, outcomes
from middleground.forum.models import Speaker

from .factories import event as make_event
from .outcome_helpers import checked_in, document

pytestmark = pytest.mark.django_db

GUEST, AFFILIATION = "Zara Quillfeather", "Quillfeather Institute"
#: the author of the speech linked as an output: not on the programme, named nowhere
AUTHOR = "Yusuf Marrowdale"


@pytest.fixture
def chatham(world):
    event = make_event(world, name="Chatham forum")
    event.organisers.clear()  # the event's organisers are not the session's attributions
    panel = event.sessions.get(title__startswith="Central Asia")
    panel.chatham_house = True
    panel.save(update_fields=["chatham_house"])
    guest = Speaker.objects.create(event=event, name=GUEST, slug="zara", affiliation=AFFILIATION)
    panel.speakers.add(guest)
    panel_only = event.registration_types.create(name="Panel only")
    panel_only.sessions.set([panel])
    carol = checked_in(event, world.users["carol"], sessions=[panel])  # seoul attends the panel
    carol.type = panel_only
    carol.save(update_fields=["type"])
    room = live.open_room(
        actor=world.users["bob"],
        session=panel,
        statements=["Regions keep the potential for agreement.", "Trust beats fear."],
    )
    AnalysisResult.objects.create(
        consultation=room.consultation,
        version=1,
        computed_at=timezone.now(),
        result={
            "statements": [{"id": 1, "agrees": 9, "disagrees": 0, "passes": 1}],
            "consensus": {"agree": [1], "disagree": []},
        },
    )
    bob = world.users["bob"]
    outcomes.write_minutes(
        actor=bob,
        session=panel,
        text=f"{GUEST} ({AFFILIATION}) said regions keep the potential for agreement; "
        f"Bob Bekov of {world.astana.name} agreed. Quillfeather added a point; {AUTHOR} wrote it.",
    )
    outcomes.link_output(
        actor=bob,
        session=panel,
        kind="document",
        target=document(title="Remarks on regional security", authors=[AUTHOR, GUEST]).pk,
        note=f"Remarks by {GUEST}",
    )
    outcomes.link_output(
        actor=bob,
        session=panel,
        kind="statement",
        target=room.consultation.statements.get(number=1).pk,
        note="",
    )
    return event, panel, room


def _names(world):
    """(attributions of the outputs: named on no page at all; the programme's speakers and
    their institutions: named on no outcome page, nor beside an output)."""
    outputs = {AUTHOR, world.seoul.name}
    speakers = {"Bob Bekov", GUEST, AFFILIATION, "Quillfeather", world.astana.name}
    return outputs, speakers


def _urls(event, panel, room):
    """(every page, export and API of the session; the outcome pages among them)."""
    e, s = [event.slug], [event.slug, panel.pk]
    outcome_pages = [
        reverse("forum:minutes", args=s),
        reverse("forum:outputs", args=s),
        reverse("forum:event_report", args=e),
        reverse("live:audience", args=[room.code]),
        reverse("live:screen", args=[room.code]),
        f"/api/v1/live/{room.code}",
    ]
    programme = [
        reverse("forum:session", args=s),
        reverse("forum:programme", args=e),
        reverse("forum:programme_json", args=e),
        reverse("forum:programme_csv", args=e),
        reverse("forum:event_ics", args=e),
        reverse("forum:session_ics", args=s),
        f"/api/v1/events/{event.pk}/sessions",
        f"/api/v1/sessions/{panel.pk}",
        f"/api/v1/events/{event.pk}/calendar.ics",
        f"/api/v1/sessions/{panel.pk}/calendar.ics",
    ]
    return outcome_pages + programme, outcome_pages


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8", "replace")


def _leaks(text: str, names) -> list[str]:
    return sorted(n for n in names if n.lower() in text.lower())


@pytest.mark.parametrize("persona", ["anonymous", "dave", "alice"])
def test_no_page_export_or_api_of_the_session_names_anyone(world, as_persona, chatham, persona):
    event, panel, room = chatham
    output_names, speakers = _names(world)
    every, outcome_pages = _urls(event, panel, room)
    client = as_persona(persona)
    for url in every:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert not _leaks(text, output_names), f"{url} names {_leaks(text, output_names)}"
        if url in outcome_pages:
            assert not _leaks(text, speakers), f"{url} names {_leaks(text, speakers)}"
    # the session page lists its programme; its outcomes box names no one
    page = _text(client.get(reverse("forum:session", args=[event.slug, panel.pk])))
    box = page[page.index('class="card outcomes-box"') :]
    box = box[: box.index("</section>")]
    assert "Remarks on regional security" in box
    assert not _leaks(box, speakers | output_names), _leaks(box, speakers | output_names)


def test_the_room_moderation_and_registrations_export_name_no_speaker(world, as_persona, chatham):
    event, panel, room = chatham
    output_names, speakers = _names(world)
    alice = as_persona("alice")
    for url in [
        reverse("live:moderate", args=[room.code]),
        reverse("forum:registrations_csv", args=[event.slug]),
        reverse("forum:registrations", args=[event.slug]),
    ]:
        response = alice.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        names = output_names - {world.seoul.name}  # carol's registration names her institution
        if url.startswith("/live/"):
            names = names | speakers
        assert not _leaks(text, names), f"{url} names {_leaks(text, names)}"


def test_outcomes_show_the_content_but_not_the_attribution(world, as_persona, chatham):
    event, panel, _room = chatham
    page = as_persona("anonymous").get(reverse("forum:minutes", args=[event.slug, panel.pk]))
    text = page.content.decode()
    assert "said regions keep the potential for agreement" in text  # what was said is used
    assert "Chatham House rule" in text
    assert "Remarks on regional security" in text and "Regions keep the potential" in text
    rule = outcomes.attribution(panel)
    assert rule.hidden and rule.speaker_dict(panel.moderator)["name"] != "Bob Bekov"
    # the same session without the rule names them
    panel.chatham_house = False
    panel.save(update_fields=["chatham_house"])
    open_page = as_persona("anonymous").get(reverse("forum:minutes", args=[event.slug, panel.pk]))
    assert AUTHOR not in text and GUEST not in text
    assert GUEST in open_page.content.decode() and world.seoul.name in open_page.content.decode()


def test_an_agenda_item_inherits_the_rule(world, chatham):
    _event, panel, _room = chatham
    item = panel.agenda_items.create(
        event=panel.event, title="Item 1", starts_at=panel.starts_at, ends_at=panel.ends_at
    )
    assert outcomes.attribution(item).hidden
    assert outcomes.attribution(item).redact(f"{GUEST} spoke") == "[…] spoke"
