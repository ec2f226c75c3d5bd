"""The live room of a session: the audience votes from their phones, the projector shows it.

A :class:`~middleground.forum.models.LiveRoom` ties a session to an ordinary consultation
(statements held for moderation, votes, the consensus engine). The audience joins by a short
code; everything they do goes through the consultations' services, so when the room closes
its results are an ordinary consultation's results.

Anti-abuse, on top of the consultations' own limits (``CONSULTATIONS_RATE_LIMITS``): a live
room counts votes per identity and per address, and new identities per address (clearing
cookies to vote again is the stuffing of anonymous rooms). Limits are
``FORUM_LIVE_RATE_LIMITS`` (``{(kind, scope): (max events, window in seconds)}``) when set,
else :data:`RATE_LIMITS`, scaled by ``CONSULTATIONS_RATE_SCALE`` (load tests only). Behind a
venue's single NAT address, raise the per-address limits (or set ``TRUSTED_PROXY_COUNT``).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.services import record_audit
from middleground.analysis.declared import DeclaredOptions
from middleground.consultations import selectors as consultation_selectors
from middleground.consultations import services as consultation_services
from middleground.consultations.models import (
    AnalysisResult,
    Anonymity,
    Consultation,
    Moderation,
    Statement,
    Status,
    Visibility,
    VoteEvent,
)
from middleground.consultations.presentation import declared_label, group_name
from middleground.core.errors import ServiceError, check_length
from middleground.core.slugs import unique_slug

from . import permissions
from .models import EventVisibility, LiveRoom, Session, new_code

CODE_LENGTH = 5
#: ``(max events, window seconds)`` per kind and scope; see the module docstring
RATE_LIMITS: dict[tuple[str, str], tuple[int, int]] = {
    ("vote", "identity"): (30, 60),  # one vote every two seconds, sustained
    ("vote", "ip"): (600, 60),
    ("join", "ip"): (120, 60),  # new identities (first vote or statement) per address
}
#: the engine's own minimum group size (declared-group consensus): no group below it is shown
MIN_GROUP_SIZE = DeclaredOptions().min_group_size
#: a statement needs this many votes before the projector calls it consensus or divisive
MIN_STATEMENT_VOTES = 3
CONSENSUS_AGREE_PCT = 60
DIVISIVE_SIDE_PCT = 30
TOP = 3


# --- rooms --------------------------------------------------------------------------------


def normalise_code(raw: str) -> str:
    """What a person typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:8]


def _new_code() -> str:
    for _attempt in range(20):
        code = new_code(CODE_LENGTH)
        if not LiveRoom.objects.filter(code=code).exists():
            return code
    return new_code(CODE_LENGTH + 1)


def _consultation_fields(session: Session, allow_anonymous: bool) -> dict[str, Any]:
    public = session.event.visibility == EventVisibility.PUBLIC
    anonymous = allow_anonymous and public
    return {
        "visibility": Visibility.PUBLIC if public else Visibility.NETWORK,
        # never named: a live room's audience is shown as numbers, or not at all (Chatham
        # House). Joining without an account needs the consultations' "anonymous" setting.
        "anonymity": Anonymity.ANONYMOUS if anonymous else Anonymity.PSEUDONYMOUS,
        "moderation": Moderation.BEFORE,
        "participants_can_add": True,
    }


def _sync_moderators(room: LiveRoom) -> None:
    """The session's hosts moderate the room's consultation."""
    hosts = list(room.session.hosts.all())
    if hosts:
        room.consultation.moderators.add(*hosts)
    room.consultation.__dict__.pop("_manager_cache", None)


def open_room(
    *,
    actor: Any,
    session: Session,
    allow_anonymous: bool = True,
    question: str = "",
    statements: list[str] | tuple[str, ...] = (),
) -> LiveRoom:
    """Open the session's live room: create it (and its consultation) or reopen it.

    ``question`` is the consultation's question (default: the session's title); seed
    ``statements`` are added by the host, published at once. The code stays the same when a
    closed room is reopened.
    """
    if not permissions.can_host(actor, session):
        raise ServiceError.forbidden()
    question = check_length(" ".join((question or "").split()), 1000, field="question")
    seeds = [" ".join(str(s).split()) for s in statements if str(s).strip()]
    now = timezone.now()
    with transaction.atomic():
        room = (
            LiveRoom.objects.select_for_update()
            .select_related("consultation", "session__event")
            .filter(session=session)
            .first()
        )
        if room is None:
            fields = _consultation_fields(session, allow_anonymous)
            title = _("Live: %(title)s") % {"title": session.title}
            consultation = Consultation.objects.create(
                title=title[:200],
                slug=unique_slug(Consultation, title, fallback="live"),
                question=question or session.title[:1000],
                context=_("Live room of “%(session)s” at %(event)s.")
                % {"session": session.title[:300], "event": session.event.name[:300]},
                task_force=session.event.task_force,
                status=Status.OPEN,
                opens_at=now,
                created_by=actor,
                **fields,
            )
            consultation.focus_areas.set(
                list(session.focus_areas.all()) or list(session.event.focus_areas.all())
            )
            for _attempt in range(5):
                try:
                    with transaction.atomic():
                        room = LiveRoom.objects.create(
                            session=session,
                            consultation=consultation,
                            code=_new_code(),
                            allow_anonymous=allow_anonymous,
                            opened_by=actor,
                            opened_at=now,
                        )
                    break
                except IntegrityError:  # the code was taken meanwhile
                    continue
            else:
                raise ServiceError(_("No free code: please try again."), status=409)
            action = "forum.live.open"
        else:
            room.opened_at, room.closed_at, room.opened_by = now, None, actor
            room.save(update_fields=["opened_at", "closed_at", "opened_by"])
            consultation = room.consultation
            if question and question != consultation.question:
                consultation.question = question
                consultation.save(update_fields=["question"])
            action = "forum.live.reopen"
        _sync_moderators(room)
        if consultation.status != Status.OPEN:
            consultation_services.update_consultation(
                actor=actor, consultation=consultation, data={"status": Status.OPEN}
            )
        for text in seeds:
            consultation_services.add_statement(actor=actor, consultation=consultation, text=text)
        record_audit(actor=actor, action=action, target=room, session=session.pk, code=room.code)
    return room


def close_room(*, actor: Any, room: LiveRoom) -> LiveRoom:
    """Close the room: no more votes or statements; the consultation is closed and analysed."""
    if not permissions.can_host(actor, room.session):
        raise ServiceError.forbidden()
    with transaction.atomic():
        if room.closed_at is None:
            room.closed_at = timezone.now()
            room.save(update_fields=["closed_at"])
        _sync_moderators(room)
        consultation = room.consultation
        if consultation.status == Status.OPEN:
            consultation_services.update_consultation(
                actor=actor, consultation=consultation, data={"status": Status.CLOSED}
            )
        record_audit(actor=actor, action="forum.live.close", target=room, code=room.code)
    return room


# --- the audience -------------------------------------------------------------------------


def _limits() -> dict[tuple[str, str], tuple[int, int]]:
    return getattr(settings, "FORUM_LIVE_RATE_LIMITS", None) or RATE_LIMITS


def check_rate(kind: str, *, room: LiveRoom, identity: str, ip: str | None) -> None:
    """Count one event of ``kind`` in this room; 429 when an identity or address goes too fast."""
    scopes = [("identity", identity)] if identity else []
    if ip:
        scopes.append(("ip", ip))
    limits = _limits()
    for scope, key in scopes:
        if (kind, scope) not in limits:
            continue
        limit, window = limits[(kind, scope)]
        limit = int(limit * settings.CONSULTATIONS_RATE_SCALE)
        bucket = int(time.time() // window)
        cache_key = f"mg:live:rate:{room.pk}:{kind}:{scope}:{key}:{bucket}"
        cache.add(cache_key, 0, window + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # evicted between add and incr
            cache.set(cache_key, 1, window + 5)
            count = 1
        if count > limit:
            raise ServiceError(
                _("Too many votes from this device or network: please wait a moment."),
                status=429,
            )


def _require_open(room: LiveRoom) -> None:
    if not room.is_open:
        raise ServiceError(_("This live room is closed."), status=409)


def _identity_key(actor: Any, cookie_id: str) -> str:
    return f"u{actor.pk}" if actor.is_authenticated else f"c{cookie_id}"


def _count_join(room: LiveRoom, *, actor: Any, cookie_id: str, ip: str | None) -> None:
    """A person's first action in the room counts as a join against their address."""
    existing = consultation_services.get_participant(
        consultation=room.consultation, user=actor, cookie_id=cookie_id, create=False
    )
    if existing is None:
        check_rate("join", room=room, identity="", ip=None if actor.is_authenticated else ip)


def vote(
    *,
    actor: Any,
    room: LiveRoom,
    statement_id: Any,
    value: Any,
    cookie_id: str = "",
    ip: str | None = None,
) -> Any:
    """One vote from the audience (agree 1, pass 0, disagree -1); once per identity and
    statement (a repeat changes nothing), refused past the room's rate limits."""
    _require_open(room)
    if not actor.is_authenticated and not room.allow_anonymous:
        raise ServiceError(_("Sign in to take part in this room."), status=401)
    _count_join(room, actor=actor, cookie_id=cookie_id, ip=ip)
    check_rate(
        "vote",
        room=room,
        identity=_identity_key(actor, cookie_id),
        ip=None if actor.is_authenticated else ip,
    )
    return consultation_services.cast_vote(
        actor=actor,
        consultation=room.consultation,
        statement_id=statement_id,
        value=value,
        cookie_id=cookie_id,
        ip=ip,
    )


def submit_statement(
    *, actor: Any, room: LiveRoom, text: str, cookie_id: str = "", ip: str | None = None
) -> Statement:
    """A statement from the audience, into the moderator's queue (a host's is published)."""
    _require_open(room)
    if not actor.is_authenticated and not room.allow_anonymous:
        raise ServiceError(_("Sign in to take part in this room."), status=401)
    _count_join(room, actor=actor, cookie_id=cookie_id, ip=ip)
    return consultation_services.add_statement(
        actor=actor, consultation=room.consultation, text=text, cookie_id=cookie_id, ip=ip
    )


def moderate(*, actor: Any, room: LiveRoom, statement_id: Any, accept: bool) -> Statement:
    """A host accepts or rejects a submitted statement (the consultations' moderation)."""
    if not permissions.can_host(actor, room.session):
        raise ServiceError.forbidden()
    try:
        pk = int(statement_id)
    except (TypeError, ValueError):
        raise ServiceError(_("Unknown statement."), field="statement") from None
    statement = Statement.objects.filter(pk=pk, consultation=room.consultation).first()
    if statement is None:
        raise ServiceError(_("Unknown statement."), field="statement", status=404)
    _sync_moderators(room)
    statement.consultation = room.consultation
    return consultation_services.moderate_statement(actor=actor, statement=statement, accept=accept)


def next_statement(room: LiveRoom, *, actor: Any, cookie_id: str = "") -> dict[str, Any]:
    """What the phone shows next: a statement not yet voted on, and the progress."""
    consultation = room.consultation
    participant = consultation_services.get_participant(
        consultation=consultation, user=actor, cookie_id=cookie_id, create=False
    )
    statement = consultation_selectors.next_statement(
        consultation=consultation, participant=participant
    )
    total = consultation_selectors.visible_statements(consultation).count()
    voted = participant.votes.count() if participant else 0
    return {
        "statement": {"id": statement.pk, "number": statement.number, "text": statement.text}
        if statement
        else None,
        "voted": voted,
        "total": total,
        "open": room.is_open,
    }


# --- the projector ------------------------------------------------------------------------


def change_mark(room: LiveRoom) -> tuple[Any, ...]:
    """One cheap query whose answer changes whenever the projector's figures may change:
    the last vote, the statements (added or moderated), the analysis version, open/closed."""
    cid = room.consultation_id
    row = (
        LiveRoom.objects.filter(pk=room.pk)
        .annotate(
            last_vote=Subquery(
                VoteEvent.objects.filter(consultation_id=cid).order_by("-pk").values("pk")[:1]
            ),
            last_moderated=Subquery(
                Statement.objects.filter(consultation_id=cid, moderated_at__isnull=False)
                .order_by("-moderated_at")
                .values("moderated_at")[:1]
            ),
            version=Subquery(
                AnalysisResult.objects.filter(consultation_id=cid)
                .order_by("-version")
                .values("version")[:1]
            ),
            statements=Subquery(
                Consultation.objects.filter(pk=cid).values("statement_counter")[:1]
            ),
        )
        .values_list("last_vote", "last_moderated", "version", "statements", "closed_at")
        .first()
    )
    return tuple(str(v) for v in row) if row else ()


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _statement_rows(consultation: Consultation) -> list[dict[str, Any]]:
    rows = (
        consultation_selectors.visible_statements(consultation)
        .annotate(
            agrees=Count("votes", filter=Q(votes__value=1)),
            disagrees=Count("votes", filter=Q(votes__value=-1)),
            passes=Count("votes", filter=Q(votes__value=0)),
        )
        .values("pk", "number", "text", "agrees", "disagrees", "passes")
        .order_by("number")
    )
    out = []
    for r in rows:
        total = r["agrees"] + r["disagrees"] + r["passes"]
        out.append(
            {
                "id": r["number"],
                "text": r["text"],
                "votes": total,
                "agrees": r["agrees"],
                "disagrees": r["disagrees"],
                "passes": r["passes"],
                "agree_pct": _pct(r["agrees"], total),
                "disagree_pct": _pct(r["disagrees"], total),
                "pass_pct": _pct(r["passes"], total),
            }
        )
    return out


def _groups(
    result: dict[str, Any] | None, rows: dict[int, dict[str, Any]], shown_ids: list[int]
) -> dict[str, Any]:
    """Opinion groups and agreement by declared group from the engine's stored result, only
    where every group reaches :data:`MIN_GROUP_SIZE`; below it nothing is broken down."""
    out: dict[str, Any] = {
        "min_group_size": MIN_GROUP_SIZE,
        "opinion": [],
        "declared": {"groups": [], "statements": []},
    }
    if not result:
        return out
    groups = result.get("groups") or []
    if len(groups) >= 2 and all(g.get("size", 0) >= MIN_GROUP_SIZE for g in groups):
        by_id = {s["id"]: s for s in result.get("statements", [])}
        for g in groups:
            distinct: list[dict[str, Any]] = []
            for sid in g.get("representative") or []:
                if len(distinct) == 2:
                    break
                rep = (by_id.get(sid) or {}).get("repness", {}).get(str(g["id"]))
                # the engine's smoothed share: "6 % disagree" does not set a group apart
                if sid in rows and rep and (rep.get("p_success") or 0) >= 0.5:
                    distinct.append(
                        {
                            "id": sid,
                            "text": rows[sid]["text"],
                            "side": rep["side"],
                            "pct": round(100 * (rep.get("p_success") or 0)),
                        }
                    )
            out["opinion"].append(
                {"name": group_name(g["id"]), "size": g["size"], "distinct": distinct}
            )
    declared = result.get("declared_groups") or {}
    dgroups = declared.get("groups") or []
    if len(dgroups) >= 2 and all(g.get("size", 0) >= MIN_GROUP_SIZE for g in dgroups):
        labels = [g["label"] for g in dgroups]
        per = {d["id"]: d.get("per_group", {}) for d in declared.get("statements", [])}
        out["declared"]["groups"] = [
            {"label": declared_label(g["label"]), "size": g["size"]} for g in dgroups
        ]
        for sid in shown_ids:
            if sid not in per or sid not in rows:
                continue
            out["declared"]["statements"].append(
                {
                    "id": sid,
                    "text": rows[sid]["text"],
                    "agree_pct": [
                        round(100 * (per[sid].get(label, {}).get("agree_rate") or 0))
                        for label in labels
                    ],
                }
            )
    return out


def screen_figures(room: LiveRoom) -> dict[str, Any]:
    """The projector's figures: participation, the emerging consensus, the divisive
    statements, and groups where every group is large enough. Never names an author."""
    consultation = room.consultation
    rows = _statement_rows(consultation)
    by_id = {r["id"]: r for r in rows}
    counted = [r for r in rows if r["votes"] >= MIN_STATEMENT_VOTES]

    def split(r: dict[str, Any]) -> bool:
        return r["agree_pct"] >= DIVISIVE_SIDE_PCT and r["disagree_pct"] >= DIVISIVE_SIDE_PCT

    # a statement a third of the room rejects is divisive, not consensus: never both lists
    consensus = sorted(
        (r for r in counted if r["agree_pct"] >= CONSENSUS_AGREE_PCT and not split(r)),
        key=lambda r: (-r["agree_pct"], -r["votes"], r["id"]),
    )[:TOP]
    divisive = sorted(
        (r for r in counted if split(r)),
        key=lambda r: (-min(r["agree_pct"], r["disagree_pct"]), -r["votes"], r["id"]),
    )[:TOP]
    latest = consultation_selectors.latest_result(consultation)
    result = dict(latest.result) if latest else None
    shown = [r["id"] for r in consensus + divisive]
    participants = consultation.participants.filter(votes__isnull=False).distinct().count()
    return {
        "code": room.code,
        "open": room.is_open,
        "question": consultation.question,
        "participants": participants,
        "votes": sum(r["votes"] for r in rows),
        "statements": len(rows),
        "consensus": consensus,
        "divisive": divisive,
        "groups": _groups(result, by_id, shown),
        "analysis_version": latest.version if latest else None,
        "updated_at": timezone.now().isoformat(),
    }


def figures_key(room_pk: int, mark: tuple[Any, ...]) -> str:
    """The cache key of a room's figures at a change mark: the same in every process (a
    SHA-256 of the mark, not Python's per-process ``hash()``), so gunicorn workers and a
    shared cache reuse each other's figures."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in mark).encode()).hexdigest()
    return f"mg:live:figures:{room_pk}:{digest[:32]}"


def cached_figures(
    room: LiveRoom, mark: tuple[Any, ...] | None = None
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The figures, shared by every projector and poller until the change mark moves."""
    if mark is None:
        mark = change_mark(room)
    key = figures_key(room.pk, mark)
    figures = cache.get(key)
    if figures is None:
        figures = screen_figures(room)
        cache.set(key, figures, 60)
    return mark, figures
