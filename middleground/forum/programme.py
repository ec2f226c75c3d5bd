"""Writes of the forum programme: events, sessions (and their agenda items), speakers, partners.

Every function is keyword-only, runs in one transaction, checks the actor with
``permissions.can_manage_event`` and records an audit line. Times are aware datetimes; a
naive one is read in the event's own time zone (an IANA name checked with ``zoneinfo``) and
stored in UTC. Bad input raises ``ServiceError(message, field=...)`` and stores nothing.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from middleground.accounts.services import audit_snapshot, record_audit
from middleground.core.errors import ServiceError, check_model_lengths
from middleground.translations.languages import content_language_choices, default_content_language

from . import permissions
from .models import (
    Event,
    EventKind,
    EventStatus,
    EventVisibility,
    Partner,
    PartnerKind,
    Session,
    SessionFormat,
    Speaker,
)

#: event slugs that would be hidden by the forum's own routes (/forum/new/, /forum/me/, ...)
RESERVED_SLUGS = {"new", "me", "agenda"}
EVENT_TEXT = ("name", "theme", "description", "venue", "city", "online_url", "time_zone")
SESSION_TEXT = ("title", "description", "room", "track", "language")
_url = URLValidator(schemes=["http", "https"])


# --- validation helpers -----------------------------------------------------------------


def zone_of(name: str, *, field: str = "time_zone") -> ZoneInfo:
    """The IANA zone called ``name``, or a ServiceError naming ``field``."""
    name = (name or "").strip()
    if not name or name not in _zone_names():
        raise ServiceError(
            _("“%(zone)s” is not a known time zone; use an IANA name such as Asia/Almaty.")
            % {"zone": name},
            field=field,
        )
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:  # pragma: no cover - listed but broken
        raise ServiceError(_("Unknown time zone."), field=field) from exc


_ZONES: set[str] = set()


def _zone_names() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones())
    return _ZONES


def _aware(value: Any, zone: ZoneInfo, *, field: str) -> dt.datetime:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise ServiceError(_("Enter a date and time."), field=field) from exc
    if not isinstance(value, dt.datetime):
        raise ServiceError(_("Enter a date and time."), field=field)
    if timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    return value.astimezone(dt.UTC)


def _check_url(value: str, *, field: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            _url(value)
        except ValidationError as exc:
            raise ServiceError(
                _("Enter a full web address starting with https:// or http://."), field=field
            ) from exc
    return value


def _check_choice(value: str, choices: Any, *, field: str) -> str:
    if value not in choices.values:
        raise ServiceError(_("Choose one of the listed options."), field=field)
    return value


def _check_span(starts: dt.datetime, ends: dt.datetime) -> None:
    if ends <= starts:
        raise ServiceError(_("The end must be after the start."), field="ends_at")


def _languages(value: Any, *, field: str) -> list[str]:
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    codes = []
    for code in value or []:
        code = str(code).strip().lower()
        if not code:
            continue
        if len(code) > 10 or not code.replace("-", "").isalpha():
            raise ServiceError(
                _("“%(code)s” is not a language code (en, ru, kk, ...).") % {"code": code},
                field=field,
            )
        if code not in codes:
            codes.append(code)
    return codes


def _require(actor: Any, event: Event | None = None) -> None:
    if not permissions.can_manage_event(actor, event):
        raise ServiceError.forbidden()


def _event_slug(name: str, *, exclude_pk: Any = None) -> str:
    stem = slugify(name)[:300] or "event"
    if stem in RESERVED_SLUGS:
        stem = f"{stem}-event"
    slug, n = stem, 2
    while Event.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{stem}-{n}", n + 1
    return slug


# --- events -------------------------------------------------------------------------------

EVENT_FIELDS = (
    "name",
    "kind",
    "theme",
    "description",
    "starts_at",
    "ends_at",
    "time_zone",
    "venue",
    "city",
    "online_url",
    "visibility",
    "registration_open",
    "languages",
    "task_force",
)


def _clean_event(data: Mapping[str, Any], current: Event | None) -> dict[str, Any]:
    """Checked field values (those in ``data``, merged over ``current``)."""
    get = lambda key, default=None: data.get(key, getattr(current, key, default))  # noqa: E731
    clean: dict[str, Any] = {}
    name = (get("name", "") or "").strip()
    if not name:
        raise ServiceError(_("Give the event a name."), field="name")
    clean["name"] = name
    clean["theme"] = (get("theme", "") or "").strip()
    clean["description"] = (get("description", "") or "").strip()
    # not given: the creator's language (create_event), or unchanged
    clean["language"] = data.get("language") or getattr(current, "language", "") or "en"
    if clean["language"] not in dict(content_language_choices()):
        raise ServiceError(_("Unknown language."), field="language")
    clean["venue"] = (get("venue", "") or "").strip()
    clean["city"] = (get("city", "") or "").strip()
    clean["kind"] = _check_choice(get("kind", EventKind.FORUM), EventKind, field="kind")
    clean["visibility"] = _check_choice(
        get("visibility", EventVisibility.PUBLIC), EventVisibility, field="visibility"
    )
    zone_name = (get("time_zone", "") or "").strip()
    zone = zone_of(zone_name)
    clean["time_zone"] = zone_name
    clean["online_url"] = _check_url(get("online_url", ""), field="online_url")
    if get("starts_at") is None:
        raise ServiceError(_("Enter when the event starts."), field="starts_at")
    if get("ends_at") is None:
        raise ServiceError(_("Enter when the event ends."), field="ends_at")
    # Times given anew are read in the (possibly new) zone; stored ones are already aware.
    clean["starts_at"] = _aware(get("starts_at"), zone, field="starts_at")
    clean["ends_at"] = _aware(get("ends_at"), zone, field="ends_at")
    _check_span(clean["starts_at"], clean["ends_at"])
    clean["registration_open"] = bool(get("registration_open", False))
    clean["languages"] = _languages(get("languages", []), field="languages")
    clean["task_force"] = get("task_force")
    check_model_lengths(Event, {k: v for k, v in clean.items() if k in EVENT_TEXT})
    return clean


@transaction.atomic
def create_event(*, actor: Any, data: Mapping[str, Any]) -> Event:
    """A draft event; ``data`` holds the model's fields, plus ``organisers`` and
    ``focus_areas`` (lists of rows). Publish it with :func:`publish_event`."""
    _require(actor)
    language = data.get("language") or default_content_language(actor)
    clean = _clean_event({**data, "language": language}, None)
    event = Event(**clean, slug=_event_slug(clean["name"]), created_by=actor)
    event.status = EventStatus.DRAFT
    event.save()
    if "organisers" in data:
        event.organisers.set(list(data["organisers"] or []))
    if "focus_areas" in data:
        event.focus_areas.set(list(data["focus_areas"] or []))
    record_audit(actor=actor, action="forum.event.create", target=event, name=event.name)
    return event


@transaction.atomic
def update_event(*, actor: Any, event: Event, data: Mapping[str, Any]) -> Event:
    """Change the fields in ``data``; sessions must still fall inside the event's dates."""
    _require(actor, event)
    clean = _clean_event(data, event)
    outside = event.sessions.filter(starts_at__lt=clean["starts_at"]) | event.sessions.filter(
        ends_at__gt=clean["ends_at"]
    )
    if outside.exists():
        raise ServiceError(
            _("Some sessions would fall outside the new dates; move them first."),
            field="starts_at",
        )
    before = audit_snapshot(event, [*clean, "organisers", "focus_areas"])
    changed = [k for k, v in clean.items() if getattr(event, k) != v]
    for key in changed:
        setattr(event, key, clean[key])
    if changed:
        event.save(update_fields=changed)
    if "organisers" in data:
        event.organisers.set(list(data["organisers"] or []))
    if "focus_areas" in data:
        event.focus_areas.set(list(data["focus_areas"] or []))
    record_audit(
        actor=actor,
        action="forum.event.update",
        target=event,
        before=before,
        after=audit_snapshot(event, before),
    )
    return event


@transaction.atomic
def publish_event(*, actor: Any, event: Event, published: bool = True) -> Event:
    """Publish a draft (or take a published event back to draft)."""
    _require(actor, event)
    status = EventStatus.PUBLISHED if published else EventStatus.DRAFT
    if event.status == EventStatus.CANCELLED:
        raise ServiceError(_("This event was cancelled."), field="status")
    if event.status != status:
        event.status = status
        event.save(update_fields=["status"])
        record_audit(actor=actor, action="forum.event.publish", target=event, status=status)
    return event


# --- sessions -----------------------------------------------------------------------------


def _clean_session(event: Event, data: Mapping[str, Any], current: Session | None) -> dict:
    get = lambda key, default=None: data.get(key, getattr(current, key, default))  # noqa: E731
    zone = zone_of(event.time_zone)
    clean: dict[str, Any] = {}
    title = (get("title", "") or "").strip()
    if not title:
        raise ServiceError(_("Give the session a title."), field="title")
    clean["title"] = title
    for key in ("description", "room", "track"):
        clean[key] = (get(key, "") or "").strip()
    clean["format"] = _check_choice(
        get("format", SessionFormat.PANEL), SessionFormat, field="format"
    )
    language = _languages([get("language", "en") or "en"], field="language")
    clean["language"] = language[0] if language else "en"
    clean["interpretation"] = [
        c
        for c in _languages(get("interpretation", []), field="interpretation")
        if c != clean["language"]
    ]
    clean["chatham_house"] = bool(get("chatham_house", False))
    clean["position"] = int(get("position", 0) or 0)
    if get("starts_at") is None:
        raise ServiceError(_("Enter when the session starts."), field="starts_at")
    if get("ends_at") is None:
        raise ServiceError(_("Enter when the session ends."), field="ends_at")
    clean["starts_at"] = _aware(get("starts_at"), zone, field="starts_at")
    clean["ends_at"] = _aware(get("ends_at"), zone, field="ends_at")
    _check_span(clean["starts_at"], clean["ends_at"])
    if clean["starts_at"] < event.starts_at or clean["ends_at"] > event.ends_at:
        raise ServiceError(
            _("The session must take place within the event's dates."), field="starts_at"
        )
    parent = get("parent")
    if parent is not None:
        if parent.event_id != event.pk:
            raise ServiceError(_("Choose a session of this event."), field="parent")
        if parent.parent_id is not None or (current is not None and parent.pk == current.pk):
            raise ServiceError(
                _("An agenda item belongs to a session, not to another agenda item."),
                field="parent",
            )
        if current is not None and current.agenda_items.exists():
            raise ServiceError(
                _("This session has agenda items of its own; it cannot become one."),
                field="parent",
            )
        if clean["starts_at"] < parent.starts_at or clean["ends_at"] > parent.ends_at:
            raise ServiceError(
                _("An agenda item must take place within its session."), field="starts_at"
            )
    clean["parent"] = parent
    moderator = get("moderator")
    if moderator is not None and moderator.event_id != event.pk:
        raise ServiceError(_("Choose a speaker of this event."), field="moderator")
    clean["moderator"] = moderator
    check_model_lengths(Session, {k: v for k, v in clean.items() if k in SESSION_TEXT})
    return clean


def _set_relations(session: Session, data: Mapping[str, Any]) -> None:
    if "speakers" in data:
        speakers = list(data["speakers"] or [])
        if any(s.event_id != session.event_id for s in speakers):
            raise ServiceError(_("Choose speakers of this event."), field="speakers")
        session.speakers.set(speakers)
    if "focus_areas" in data:
        session.focus_areas.set(list(data["focus_areas"] or []))
    if "hosts" in data:
        session.hosts.set(list(data["hosts"] or []))


@transaction.atomic
def create_session(*, actor: Any, event: Event, data: Mapping[str, Any]) -> Session:
    """A session (or, with ``parent``, an agenda item of one) inside the event's dates.
    ``data`` may hold ``speakers``, ``focus_areas`` and ``hosts`` (lists of rows)."""
    _require(actor, event)
    clean = _clean_session(event, data, None)
    session = Session.objects.create(event=event, **clean)
    _set_relations(session, data)
    record_audit(actor=actor, action="forum.session.create", target=session, title=session.title)
    return session


@transaction.atomic
def update_session(*, actor: Any, session: Session, data: Mapping[str, Any]) -> Session:
    event = session.event
    _require(actor, event)
    clean = _clean_session(event, data, session)
    before = audit_snapshot(session, [*clean, "speakers", "focus_areas", "hosts"])
    changed = [k for k, v in clean.items() if getattr(session, k) != v]
    for key in changed:
        setattr(session, key, clean[key])
    if changed:
        session.save(update_fields=changed)
    if session.agenda_items.filter(starts_at__lt=session.starts_at).exists() or (
        session.agenda_items.filter(ends_at__gt=session.ends_at).exists()
    ):
        raise ServiceError(
            _("Some agenda items would fall outside the session; move them first."),
            field="starts_at",
        )
    _set_relations(session, data)
    record_audit(
        actor=actor,
        action="forum.session.update",
        target=session,
        before=before,
        after=audit_snapshot(session, before),
    )
    return session


@transaction.atomic
def delete_session(*, actor: Any, session: Session) -> None:
    _require(actor, session.event)
    record_audit(actor=actor, action="forum.session.delete", target=session, title=session.title)
    session.delete()


# --- speakers -----------------------------------------------------------------------------


def _speaker_slug(event: Event, name: str) -> str:
    stem = slugify(name)[:200] or "speaker"
    slug, n = stem, 2
    while Speaker.objects.filter(event=event, slug=slug).exists():
        slug, n = f"{stem}-{n}", n + 1
    return slug


@transaction.atomic
def add_speaker(
    *,
    actor: Any,
    event: Event,
    expert: Any = None,
    user: Any = None,
    name: str = "",
    position: str = "",
    institution: Any = None,
    affiliation: str = "",
    bio: str = "",
) -> Speaker:
    """A speaker from the registry (``expert``: name, position, institution, bio and user are
    taken from the profile unless given) or a guest (``name``, free ``affiliation``)."""
    _require(actor, event)
    if expert is not None:
        if event.speakers.filter(expert=expert).exists():
            raise ServiceError(_("This expert is already a speaker."), field="expert")
        name = name or expert.name
        position = position or expert.title
        institution = institution or expert.institution
        bio = bio or expert.bio
        user = user or expert.user
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the speaker's name."), field="name")
    fields = {
        "name": name,
        "position": (position or "").strip(),
        "affiliation": (affiliation or "").strip(),
        "bio": (bio or "").strip(),
    }
    check_model_lengths(Speaker, fields)
    speaker = Speaker.objects.create(
        event=event,
        slug=_speaker_slug(event, name),
        institution=institution,
        expert=expert,
        user=user,
        **fields,
    )
    record_audit(actor=actor, action="forum.speaker.add", target=speaker, name=name)
    return speaker


@transaction.atomic
def update_speaker(*, actor: Any, speaker: Speaker, data: Mapping[str, Any]) -> Speaker:
    _require(actor, speaker.event)
    texts = {
        k: (data[k] or "").strip() for k in ("name", "position", "affiliation", "bio") if k in data
    }
    if "name" in texts and not texts["name"]:
        raise ServiceError(_("Give the speaker's name."), field="name")
    check_model_lengths(Speaker, texts)
    before = audit_snapshot(speaker, [*texts, "institution"])
    changed = [k for k, v in texts.items() if getattr(speaker, k) != v]
    if "institution" in data and data["institution"] != speaker.institution:
        speaker.institution = data["institution"]
        changed.append("institution")
    for key in texts:
        setattr(speaker, key, texts[key])
    if changed:
        speaker.save(update_fields=changed)
    record_audit(
        actor=actor,
        action="forum.speaker.update",
        target=speaker,
        before=before,
        after=audit_snapshot(speaker, before),
    )
    return speaker


# --- partners -----------------------------------------------------------------------------


@transaction.atomic
def add_partner(
    *,
    actor: Any,
    event: Event,
    institution: Any = None,
    name: str = "",
    kind: str = PartnerKind.PARTNER,
    weight: int = 0,
    url: str = "",
) -> Partner:
    """A partner of the event: a registry institution or a named organisation."""
    _require(actor, event)
    name = (name or "").strip()
    if institution is None and not name:
        raise ServiceError(_("Choose an institution or give the partner's name."), field="name")
    _check_choice(kind, PartnerKind, field="kind")
    try:
        weight = int(weight)
    except (TypeError, ValueError) as exc:
        raise ServiceError(_("The weight is a whole number."), field="weight") from exc
    if not 0 <= weight <= 1000:
        raise ServiceError(_("The weight is between 0 and 1000."), field="weight")
    check_model_lengths(Partner, {"name": name})
    partner = Partner.objects.create(
        event=event,
        institution=institution,
        name=name,
        kind=kind,
        weight=weight,
        url=_check_url(url, field="url"),
    )
    record_audit(actor=actor, action="forum.partner.add", target=partner, name=str(partner))
    return partner


@transaction.atomic
def remove_partner(*, actor: Any, partner: Partner) -> None:
    _require(actor, partner.event)
    record_audit(actor=actor, action="forum.partner.remove", target=partner, name=str(partner))
    partner.delete()


def partners_by_kind(event: Event) -> list[tuple[str, list[Partner]]]:
    """The event's partners grouped by type (in the order of the types), heaviest first."""
    order = list(PartnerKind.values)
    groups: dict[str, list[Partner]] = {}
    for partner in event.partners.select_related("institution").order_by("-weight", "name"):
        groups.setdefault(partner.kind, []).append(partner)
    return [(str(PartnerKind(k).label), groups[k]) for k in order if k in groups]


def ordered(sessions: Iterable[Session]) -> list[Session]:
    return sorted(sessions, key=lambda s: (s.starts_at, s.position, s.pk))


# --- records for the exports and the API ----------------------------------------------


def programme_sessions(event: Event) -> QuerySet[Session]:
    """The whole programme (agenda items included), for pages, exports and the API."""
    return (
        event.sessions.select_related("moderator", "parent", "event", "live_room")
        .prefetch_related("speakers", "focus_areas")
        .order_by("starts_at", "position", "pk")
    )


def session_record(session: Session, *, base_url: str = "") -> dict[str, Any]:
    """A session as the exports and the API show it: the public speaker list and the Chatham
    House flag; no other attribution."""
    zone = ZoneInfo(session.event.time_zone)
    url = session.get_absolute_url()
    live = getattr(session, "live_room", None)  # a reverse one-to-one: None when absent
    return {
        "id": session.pk,
        "parent": session.parent_id,
        "title": session.title,
        "starts_at": session.starts_at.astimezone(zone).isoformat(),
        "ends_at": session.ends_at.astimezone(zone).isoformat(),
        "time_zone": session.event.time_zone,
        "room": session.room,
        "track": session.track,
        "format": session.format,
        "language": session.language,
        "interpretation": list(session.interpretation),
        "moderator": session.moderator.name if session.moderator else None,
        "speakers": [s.name for s in session.speakers.all()],
        "focus_areas": [f.slug for f in session.focus_areas.all()],
        "chatham_house": permissions.hides_attribution(session),
        "description": session.description,
        "url": base_url + url,
        # the code of the attached live consultation (kept when it closes: its page then
        # shows the results); ``live_open`` says whether the audience can join now
        "live_code": live.code if live is not None else None,
        "live_open": live is not None and live.is_open,
    }


def event_record(event: Event, *, base_url: str = "") -> dict[str, Any]:
    zone = ZoneInfo(event.time_zone)
    url = event.get_absolute_url()
    return {
        "id": event.pk,
        "slug": event.slug,
        "name": event.name,
        "kind": event.kind,
        "theme": event.theme,
        "starts_at": event.starts_at.astimezone(zone).isoformat(),
        "ends_at": event.ends_at.astimezone(zone).isoformat(),
        "time_zone": event.time_zone,
        "venue": event.venue,
        "city": event.city,
        "online_url": event.online_url,
        "languages": list(event.languages),
        "visibility": event.visibility,
        "status": event.status,
        "registration_open": event.registration_open,
        "organisers": [i.name for i in event.organisers.all()],
        "url": base_url + url,
    }
