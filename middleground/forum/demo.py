"""The forum's demo: two events from the seed texts, with registrations, a live room and
a closing report. Runs after the network, consultations, library and strategies demos.

Facts come from ``shared/seeds/`` only:

- the Astana International Forum 2025: opened in Astana on 29 May 2025 by President
  Kassym-Jomart Tokayev with a statement at the plenary session (seeds 002 and 003), theme
  "Connecting Minds, Shaping the Future" (002), the UN its strategic partner (003); the guests
  his statement names: Paul Kagame, Gordana Siljanovska-Davkova, Alain Berset, Ban Ki-moon;
  Qu Dongyu among the major speakers (003);
- the Astana Think Tank Forum 2025 and its session "Central Asia in the Changing Architecture
  of Global Security: Challenges and Opportunities", where Zhandos Shaimardanov, director of
  KazISS, proposed an expert alliance of middle powers (seed 000).

The seeds are silent on times of day, rooms, the think-tank forum's dates, who registered,
attended or voted: those are generated and marked "(demo)". Safe to run twice: an event
that exists is left as it is.
"""

import datetime as dt
import random
import zoneinfo
from typing import Any

from django.db import transaction

from middleground.accounts.models import Role, User
from middleground.core.errors import ServiceError
from middleground.network.models import Expert, Institution

from .models import (
    Delegation,
    Event,
    EventKind,
    EventStatus,
    LiveRoom,
    Partner,
    PartnerKind,
    Registration,
    RegistrationStatus,
    RegistrationType,
    Session,
    SessionFormat,
    Speaker,
)

TZ = zoneinfo.ZoneInfo("Asia/Almaty")
AIF_SLUG = "astana-international-forum-2025"
ATTF_SLUG = "astana-think-tank-forum-2025"
SESSION_TITLE = (
    "Central Asia in the Changing Architecture of Global Security: Challenges and Opportunities"
)
DEMO_NOTE = "Times of day, rooms and registrations are demo values (demo)."


def _at(year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TZ)


def _representative(institution: Institution) -> User:
    """The demo representative ``rep-<slug>`` (as the strategies demo makes them)."""
    user, created = User.objects.get_or_create(
        username=f"rep-{institution.slug}"[:150],
        defaults={
            "first_name": "Representative",
            "last_name": f"of {institution.acronym or institution.name}"[:150],
            "email": f"rep-{institution.pk}@demo.invalid",
            "email_verified": True,
            "role": Role.REPRESENTATIVE,
            "institution": institution,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _speaker(event: Event, name: str, position: str, bio: str, **links: Any) -> Speaker:
    from django.utils.text import slugify

    speaker, _ = Speaker.objects.get_or_create(
        event=event,
        slug=slugify(name)[:200],
        defaults={"name": name, "position": position, "bio": bio, **links},
    )
    return speaker


def _expert(name: str) -> dict[str, Any]:
    expert = Expert.objects.filter(name=name).select_related("institution").first()
    if expert is None:
        return {}
    return {"expert": expert, "institution": expert.institution}


def _seed_document(filename: str):
    from middleground.library.models import Document

    return (
        Document.objects.filter(filename=filename, duplicate_of__isnull=True)
        .order_by("listing_position", "pk")
        .first()
    )


def _aif(alice: User) -> Event:
    event = Event.objects.create(
        name="Astana International Forum 2025",
        slug=AIF_SLUG,
        kind=EventKind.FORUM,
        theme="Connecting Minds, Shaping the Future",
        description=(
            "President Kassym-Jomart Tokayev opened the Astana International Forum in Astana "
            "with a call for renewed global cooperation, nuclear non-proliferation and "
            "institutional reform (seed texts 002 and 003). " + DEMO_NOTE
        ),
        starts_at=_at(2025, 5, 29, 9),
        ends_at=_at(2025, 5, 29, 18),
        time_zone="Asia/Almaty",
        city="Astana",
        languages=["en", "ru", "kk"],
        status=EventStatus.PUBLISHED,
        registration_open=False,
        is_demo=True,
        created_by=alice,
    )
    Partner.objects.create(
        event=event, name="United Nations", kind=PartnerKind.STRATEGIC, weight=10
    )
    tokayev = _speaker(
        event,
        "Kassym-Jomart Tokayev",
        "President of the Republic of Kazakhstan",
        "Opened the forum with a statement at the plenary session (seed 002).",
    )
    guests = [
        ("Paul Kagame", "President of Rwanda", {}),
        ("Gordana Siljanovska-Davkova", "President of North Macedonia", {}),
        ("Alain Berset", "Secretary General of the Council of Europe", _expert("Alain Berset")),
        ("Ban Ki-moon", "Former UN Secretary-General", {}),
    ]
    for name, position, links in guests:
        if links.get("institution") is not None:  # the pages name the institution after it
            position = position.removesuffix(f" of the {links['institution'].name}")
        _speaker(
            event,
            name,
            position,
            "Named among the special guests in the President's statement at the plenary "
            "session (seed 002); quoted in seed 003.",
            **links,
        )
    _speaker(
        event,
        "Qu Dongyu",
        "Director-General of the Food and Agriculture Organization",
        "Among the major speakers at the forum (seed 003).",
    )
    plenary = Session.objects.create(
        event=event,
        title="Plenary session",
        description="Statement of the President of the Republic of Kazakhstan (seed 002).",
        starts_at=_at(2025, 5, 29, 10),
        ends_at=_at(2025, 5, 29, 12),
        room="Plenary hall (demo)",
        format=SessionFormat.PLENARY,
        language="en",
        interpretation=["ru", "kk"],
    )
    plenary.speakers.set([tokayev])
    plenary.hosts.set([alice])
    speech = _seed_document("002_842dd8ff9e7b15e5.txt")
    if speech is not None:
        from . import outcomes

        outcomes.link_output(
            actor=alice,
            session=plenary,
            kind="document",
            target=speech.pk,
            note="The President's statement at the plenary session",
        )
    return event


def _simulated_votes(consultation, seed: int = 2025) -> int:
    """Simulated audience votes through the consultations' services (cookie identities)."""
    from django.contrib.auth.models import AnonymousUser
    from django.core.cache import cache

    from middleground.consultations import services as consultation_services
    from middleground.consultations.models import Consultation, Participant

    rng = random.Random(seed)
    statements = list(consultation.statements.filter(status="accepted").order_by("number"))
    cache.clear()  # the audience's rate limits are per identity; a fresh demo starts at zero
    votes = 0
    for n in range(24):
        camp = 1 if n % 3 else -1
        cookie = f"demo-audience-{n + 1}"
        for statement in statements:
            if statement.number == 1:
                value = 1 if rng.random() < 0.95 else 0
            elif statement.number == 2:
                value = camp
            else:
                value = rng.choice([1, 1, 0, -1])
            consultation_services.cast_vote(
                actor=AnonymousUser(),
                consultation=consultation,
                statement_id=statement.pk,
                value=value,
                cookie_id=cookie,
            )
            votes += 1
    Participant.objects.filter(
        consultation=consultation, cookie_id__startswith="demo-audience-"
    ).update(simulated=True)
    Consultation.objects.filter(pk=consultation.pk).update(simulated=True, is_demo=True)
    consultation_services.run_analysis(consultation_id=consultation.pk)
    return votes


def _live_room(session: Session, bob: User):
    from middleground.consultations.models import Consultation

    from . import live

    room = live.open_room(
        actor=bob,
        session=session,
        question="Where can middle powers build security on trust rather than fear? (demo)",
        statements=[
            "Think tanks of middle powers should form a standing network that prepares "
            "joint proposals for the UN. (demo)",
            "Regional cooperation in Central Asia is a model that other regions can use. (demo)",
            "Arms control can only be restored by the great powers themselves. (demo)",
        ],
    )
    consultation = Consultation.objects.get(pk=room.consultation_id)
    _simulated_votes(consultation)
    return room


def _date_in_session(room, session: Session) -> None:
    """The room, its statements and the simulated votes are dated inside the session (the
    demo is loaded long after it): opened at the start, one vote every 45 seconds from 20
    minutes in, the analysis a minute after the last vote. The room stays open, so demo
    visitors can still join it."""
    from middleground.consultations.models import (
        AnalysisResult,
        Consultation,
        Participant,
        Statement,
        Vote,
        VoteEvent,
    )

    opened = session.starts_at
    cid = room.consultation_id
    LiveRoom.objects.filter(pk=room.pk).update(opened_at=opened)
    Consultation.objects.filter(pk=cid).update(created_at=opened, opens_at=opened)
    Statement.objects.filter(consultation_id=cid).update(created_at=opened, moderated_at=opened)
    Participant.objects.filter(consultation_id=cid).update(created_at=opened)  # the host
    first_vote: dict[int, dt.datetime] = {}
    at = opened
    for i, cast in enumerate(VoteEvent.objects.filter(consultation_id=cid).order_by("pk")):
        at = opened + dt.timedelta(minutes=20, seconds=45 * i)
        VoteEvent.objects.filter(pk=cast.pk).update(created_at=at)
        Vote.objects.filter(
            consultation_id=cid,
            participant_id=cast.participant_id,
            statement_id=cast.statement_id,
        ).update(created_at=at, updated_at=at)
        first_vote.setdefault(cast.participant_id, at)
    for participant_id, when in first_vote.items():
        Participant.objects.filter(pk=participant_id).update(created_at=when)
    if at >= session.ends_at:
        raise RuntimeError("The demo's simulated votes run past the end of the session.")
    AnalysisResult.objects.filter(consultation_id=cid).update(
        computed_at=min(at + dt.timedelta(minutes=1), session.ends_at)
    )


def _registrations(event: Event, session: Session, alice: User) -> dict[str, Any]:
    from . import registration as registration_services

    kaziss = Institution.objects.filter(acronym="KazISS").first()
    demo_institutions = list(
        Institution.objects.filter(is_demo=True, is_member=True).order_by("name")[:2]
    )
    seoul = Institution.objects.filter(name="Seoul Middle Power Initiative (demo)").first()
    delegations: list[Delegation] = []
    for institution in [kaziss, seoul, *demo_institutions]:
        if institution is None or any(d.institution_id == institution.pk for d in delegations):
            continue
        delegations.append(
            Delegation.objects.create(
                event=event,
                institution=institution,
                quota=3,
                substitutes_quota=1,
                head=_representative(institution),
            )
        )
    delegates = RegistrationType.objects.create(
        event=event,
        name="Delegations",
        description="Delegates named by the heads of the member institutions' delegations (demo).",
        capacity=12,
        delegates_only=True,
        position=0,
    )
    public = RegistrationType.objects.create(
        event=event,
        name="Public (demo)",
        description="One place only, to show the waiting list (demo).",
        capacity=1,
        position=1,
    )
    for kind in (delegates, public):
        kind.sessions.set([session])
    # dated before the event (the demo is loaded after it): delegations named two weeks
    # ahead, bob and carol a week ahead; check-in at the door after the event opens and
    # before the session; bob's certificate after the event ends
    checked = event.starts_at + dt.timedelta(minutes=30)
    named = event.starts_at - dt.timedelta(days=14)
    for n, delegation in enumerate(delegations):
        head = delegation.head
        if head is None:
            raise RuntimeError(f"The demo delegation {delegation} has no head of delegation.")
        when = named + dt.timedelta(hours=n)
        r = Registration.objects.create(
            event=event,
            type=delegates,
            user=head,
            delegation=delegation,
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=when,
            checked_in_at=checked,
            checked_in_by=alice,
        )
        Registration.objects.filter(pk=r.pk).update(queued_at=when)
        r.agenda.set([session])
    people = {u.username: u for u in User.objects.filter(username__in=["bob", "carol"])}
    made: dict[str, Registration] = {}
    # bob takes the one place, carol waits. Not through ``register``: the event has ended,
    # which refuses new registrations; the same first-come order, dated a week ahead
    for n, username in enumerate(("bob", "carol")):
        if username not in people:
            continue
        when = event.starts_at - dt.timedelta(days=7, hours=-n)
        with transaction.atomic():
            registration = registration_services._create(
                event=event,
                registration_type=RegistrationType.objects.select_for_update().get(pk=public.pk),
                user=people[username],
            )
            confirmed = registration.status == RegistrationStatus.CONFIRMED
            Registration.objects.filter(pk=registration.pk).update(
                queued_at=when, confirmed_at=when if confirmed else None
            )
        registration.refresh_from_db()
        made[username] = registration
    if "bob" in made:
        bob_reg = made["bob"]
        bob_reg.checked_in_at, bob_reg.checked_in_by = checked, alice
        bob_reg.certificate_issued_at = event.ends_at + dt.timedelta(minutes=30)
        bob_reg.save(update_fields=["checked_in_at", "checked_in_by", "certificate_issued_at"])
        bob_reg.agenda.set([session])
    return made


def _outputs(session: Session, room, bob: User, alice: User) -> int:
    from middleground.strategies.models import Paragraph

    from . import outcomes

    linked = 0
    numbers = outcomes.consensus_numbers(room.consultation) if room is not None else set()
    if numbers:
        statement = (
            room.consultation.statements.filter(number__in=numbers).order_by("number").first()
        )
        outcomes.link_output(
            actor=bob,
            session=session,
            kind="statement",
            target=statement.pk,
            note="Consensus of the room's audience (simulated votes, demo)",
        )
        linked += 1
    document = _seed_document("000_908bbb8a0c486c43.txt")
    if document is not None:
        outcomes.link_output(
            actor=bob,
            session=session,
            kind="document",
            target=document.pk,
            note="Report of the proposal for an expert alliance of middle powers",
        )
        linked += 1
    paragraph = (
        Paragraph.objects.filter(
            strategy__is_demo=True, deleted=False, text__startswith="Ask the alliance's think tanks"
        )
        .order_by("pk")
        .first()
    )
    if paragraph is not None:
        try:
            outcomes.link_output(
                actor=alice,
                session=session,
                kind="paragraph",
                target=str(paragraph.key),
                note="A recommendation that follows from the session (demo)",
            )
            linked += 1
        except ServiceError:  # the strategy is not public (its demo did not run to the end)
            return linked
    return linked


def _attf(alice: User, bob: User) -> Event:
    event = Event.objects.create(
        name="Astana Think Tank Forum 2025",
        slug=ATTF_SLUG,
        kind=EventKind.FORUM,
        description=(
            "Where Zhandos Shaimardanov, director of the Kazakhstan Institute for Strategic "
            "Studies (KazISS), proposed an expert alliance of middle powers (seed 000). The "
            "seed texts do not give the forum's dates: the dates here are demo values (demo). "
            + DEMO_NOTE
        ),
        starts_at=_at(2025, 10, 2, 9),
        ends_at=_at(2025, 10, 2, 18),
        time_zone="Asia/Almaty",
        city="Astana",
        languages=["en", "ru", "kk"],
        status=EventStatus.PUBLISHED,
        registration_open=True,
        is_demo=True,
        created_by=alice,
    )
    # the position alone: the pages add the institution (linked from the registry) after it
    links = _expert("Zhandos Shaimardanov")
    if not links.get("institution"):
        links["affiliation"] = (
            "Kazakhstan Institute for Strategic Studies under the President of the "
            "Republic of Kazakhstan (KazISS)"
        )
    shaimardanov = _speaker(
        event,
        "Zhandos Shaimardanov",
        "Director",
        "Called for an expert alliance of middle powers, a global network of think tanks and "
        "institutions that could help rethink international systems (seed 000).",
        **links,
    )
    session = Session.objects.create(
        event=event,
        title=SESSION_TITLE,
        description=(
            "The world is in a period of geopolitical flux: old global rules no longer work, "
            "new norms have yet to take shape (seed 000)."
        ),
        starts_at=_at(2025, 10, 2, 11),
        ends_at=_at(2025, 10, 2, 12, 30),
        room="Hall A (demo)",
        track="Security (demo)",
        format=SessionFormat.PANEL,
        language="en",
        interpretation=["ru", "kk"],
    )
    session.speakers.set([shaimardanov])
    session.hosts.set([bob])
    security = event.focus_areas.model.objects.filter(slug="security").first()
    if security is not None:
        event.focus_areas.set([security])
        session.focus_areas.set([security])
    _registrations(event, session, alice)
    room = _live_room(session, bob)
    from . import outcomes

    outcomes.write_minutes(
        actor=bob,
        session=session,
        text=(
            "(demo) Minutes written for the demo from the seed text's report of the session.\n\n"
            "Zhandos Shaimardanov said the existing global security architecture is in crisis, "
            "with mechanisms such as the UN Security Council and arms control frameworks losing "
            "effectiveness, and that when multilateral mechanisms fail, it is the regions that "
            "retain the potential for agreement.\n\n"
            "He proposed an expert alliance of middle powers, a global network of think tanks "
            "and institutions that could cooperate with international organisations, including "
            "the United Nations, on joint strategies on security, sustainable development and "
            "institutional accountability; its focus areas: digital trust, water security, "
            "human capital.\n\n"
            "(demo) The audience voted in the session's live room; see the outputs."
        ),
    )
    _outputs(session, room, bob, alice)
    _date_in_session(room, session)  # last: the steps above may run the analysis again
    Event.objects.filter(pk=event.pk).update(registration_open=False)
    return event


def load_demo() -> dict[str, Any]:
    people = {u.username: u for u in User.objects.filter(username__in=["alice", "bob"])}
    if len(people) < 2:
        return {"forum": "skipped: no demo personas (run the network demo first)"}
    alice, bob = people["alice"], people["bob"]
    with transaction.atomic():
        if not Event.objects.filter(slug=AIF_SLUG).exists():
            _aif(alice)
        if not Event.objects.filter(slug=ATTF_SLUG).exists():
            _attf(alice, bob)
    demo = Event.objects.filter(is_demo=True)
    return {
        "forum_events": demo.count(),
        "forum_sessions": Session.objects.filter(event__in=demo).count(),
        "forum_registrations": Registration.objects.filter(event__in=demo).count(),
        "forum_outputs": sum(s.outputs.count() for s in Session.objects.filter(event__in=demo)),
    }
