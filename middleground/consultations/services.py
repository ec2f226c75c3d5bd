"""Writes of consultations: each checks its actor, runs in a transaction, leaves no partial data."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, FilteredRelation, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.models import Role, User
from middleground.accounts.services import audit_snapshot, create_invitation, record_audit
from middleground.core.errors import ServiceError, check_length
from middleground.core.slugs import unique_slug
from middleground.network.address_list import Rejected, parse_lines
from middleground.network.selectors import visible_experts_by_id
from middleground.notifications.services import absolute_url, notify
from middleground.translations.languages import content_language_choices, default_content_language

from . import jobs, permissions, selectors
from .models import (
    CHOOSABLE_STATUSES,
    STATEMENT_MAX_LENGTH,
    AnalysisResult,
    Anonymity,
    Consultation,
    DeclaredDimension,
    Invitee,
    Moderation,
    Participant,
    Statement,
    StatementStatus,
    Status,
    Visibility,
    Vote,
    VoteEvent,
)
from .tasks import enqueue_analysis

# --- rate limits (Django's cache: per process with local memory, shared with Redis) --------


def check_rate(kind: str, *, identity: str, ip: str | None) -> None:
    """Count one event; raise a 429 ServiceError when an identity or address goes too fast.

    The limits are read from ``settings.CONSULTATIONS_RATE_LIMITS`` (``(max events,
    window in seconds)`` per kind and scope) at each call, scaled by
    ``settings.CONSULTATIONS_RATE_SCALE`` (load tests only).
    """
    scopes = [("identity", identity)]
    if ip:
        scopes.append(("ip", ip))
    for scope, key in scopes:
        limit, window = settings.CONSULTATIONS_RATE_LIMITS[(kind, scope)]
        limit = int(limit * settings.CONSULTATIONS_RATE_SCALE)
        bucket = int(time.time() // window)
        cache_key = f"mg:consult:rate:{kind}:{scope}:{key}:{bucket}"
        cache.add(cache_key, 0, window + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # evicted between add and incr
            cache.set(cache_key, 1, window + 5)
            count = 1
        if count > limit:
            raise ServiceError(
                _("Too many requests: please wait a minute and try again."), status=429
            )


# --- consultations ----------------------------------------------------------------------


CHOICE_FIELDS = {
    "visibility": Visibility.values,
    "anonymity": Anonymity.values,
    "status": [value for value, _label in CHOOSABLE_STATUSES],
    "moderation": Moderation.values,
    "declared_dimension": DeclaredDimension.values,
    "language": [value for value, _label in content_language_choices()],
}

#: the longest text a person may type in each field: the model's limit, enforced here
TEXT_LIMITS: dict[str, int] = {
    name: cast(CharField, Consultation._meta.get_field(name)).max_length or 0
    for name in ("title", "question", "context", "attribution")
}


def _clean_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in ("title", "question", "context"):
        if data.get(key) is not None:
            fields[key] = check_length(str(data[key]).strip(), TEXT_LIMITS[key], field=key)
    for key in ("title", "question"):
        if key in fields and not fields[key]:
            raise ServiceError(_("This field is required."), field=key)
    for key, choices in CHOICE_FIELDS.items():
        if key == "language" and not data.get(key):
            continue  # not given: the creator's language, or unchanged
        if data.get(key) is not None:
            if data[key] not in choices:
                raise ServiceError(_("Unknown value '%(v)s'.") % {"v": data[key]}, field=key)
            fields[key] = data[key]
    for key in ("opens_at", "closes_at"):
        if key in data:
            fields[key] = data[key]
    if data.get("participants_can_add") is not None:
        fields["participants_can_add"] = bool(data["participants_can_add"])
    if "task_force" in data:
        from middleground.network.models import TaskForce

        tf = data["task_force"]
        if tf in (None, ""):
            fields["task_force"] = None
        else:
            task_force = (
                tf if isinstance(tf, TaskForce) else TaskForce.objects.filter(pk=tf).first()
            )
            if task_force is None:
                raise ServiceError(_("Unknown task force."), field="task_force")
            fields["task_force"] = task_force
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if opens and closes and closes <= opens:
        raise ServiceError(_("The closing date must be after the opening date."), field="closes_at")
    return fields


def _focus_areas(slugs_or_objects: Any) -> list:
    from middleground.network.models import FocusArea
    from middleground.network.services import resolve_focus_areas

    items = list(slugs_or_objects or [])
    if items and isinstance(items[0], FocusArea):
        return items
    return resolve_focus_areas([str(s) for s in items])


def _moderators(items: Any) -> list[User] | None:
    if items is None:
        return None
    items = list(items)
    if items and isinstance(items[0], User):
        return items
    users = list(User.objects.filter(pk__in=[int(i) for i in items], is_active=True))
    if len(users) != len(set(items)):
        raise ServiceError(_("Unknown moderator."), field="moderators")
    return users


def create_consultation(*, actor: User, data: dict[str, Any]) -> Consultation:
    if not permissions.can_create(actor):
        raise ServiceError.forbidden()
    fields = _clean_fields(data)
    for required in ("title", "question"):
        if required not in fields:
            raise ServiceError(_("This field is required."), field=required)
    areas = _focus_areas(data.get("focus_areas"))
    seeds = [str(s).strip() for s in data.get("statements") or [] if str(s).strip()]
    seen: set[str] = set()
    for text in seeds:
        key = _check_text(text, field="statements").casefold()
        if key in seen:  # the same statement twice, in any case or spacing
            raise ServiceError(
                _("The statement “%(text)s” is listed twice; keep it once.") % {"text": text},
                field="statements",
            )
        seen.add(key)
    moderators = _moderators(data.get("moderators"))
    with transaction.atomic():
        fields.setdefault("language", default_content_language(actor))
        consultation = Consultation.objects.create(
            slug=unique_slug(Consultation, fields["title"], fallback="consultation"),
            created_by=actor,
            **fields,
        )
        consultation.focus_areas.set(areas)
        consultation.moderators.set(moderators or [])
        for text in seeds:
            _create_statement(consultation, text=text, author=None, accepted=True, seed=True)
        record_audit(
            actor=actor, action="consultation.create", target=consultation, title=consultation.title
        )
    return consultation


def update_consultation(
    *, actor: User, consultation: Consultation, data: dict[str, Any]
) -> Consultation:
    if not permissions.can_manage(actor, consultation):
        raise ServiceError.forbidden()
    fields = _clean_fields(data)
    areas = _focus_areas(data["focus_areas"]) if data.get("focus_areas") is not None else None
    moderators = _moderators(data.get("moderators"))
    if (
        moderators is not None
        and not actor.is_secretariat
        and {u.pk for u in moderators} != set(consultation.moderators.values_list("pk", flat=True))
    ):
        raise ServiceError(
            _("Only the secretariat appoints moderators."), field="moderators", status=403
        )
    with transaction.atomic():
        if "anonymity" in fields:
            _check_anonymity_change(consultation, fields["anonymity"])
        audited = [*fields, *(["focus_areas"] if areas is not None else [])]
        before = audit_snapshot(consultation, audited)
        changed = [key for key, value in fields.items() if getattr(consultation, key) != value]
        for key in changed:
            setattr(consultation, key, fields[key])
        if changed:
            # only what this edit changed: the counters and analysis flags of this instance,
            # read with the request, are stale once anyone has joined or voted meanwhile
            consultation.save(update_fields=changed)
        if areas is not None:
            consultation.focus_areas.set(areas)
        if moderators is not None:
            consultation.moderators.set(moderators)
        record_audit(
            actor=actor,
            action="consultation.update",
            target=consultation,
            before=before,
            after=audit_snapshot(consultation, audited),
        )
    if "status" in fields:
        request_analysis(consultation_id=consultation.pk)
    return consultation


#: weakest to strongest: a name, a number behind a sign-in, a number without one
ANONYMITY_ORDER: list[str] = [Anonymity.NAMED, Anonymity.PSEUDONYMOUS, Anonymity.ANONYMOUS]


def _check_anonymity_change(consultation: Consultation, anonymity: str) -> None:
    """Anonymity only ever gets stronger once anyone has joined.

    People wrote and voted under the anonymity they were promised: a weaker setting would
    put names on what they wrote (and, through the exports, on their votes) after the fact.
    """
    weaker = ANONYMITY_ORDER.index(anonymity) < ANONYMITY_ORDER.index(consultation.anonymity)
    if weaker and consultation.participants.exists():
        raise ServiceError(
            _(
                "People have already taken part under this anonymity: it can be made "
                "stronger, never weaker."
            ),
            field="anonymity",
        )


@dataclass
class InviteOutcome:
    """What one call to :func:`invite_people` did: the people it reached (a notice or a
    sign-up mail each), the people invited already, and each entry it refused, with why."""

    added: list[Invitee] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: int = 0


def _plan_invite(
    *, actor: User, consultation: Consultation, emails: list[str], expert_ids: list[Any]
) -> tuple[list[tuple[str, User | None]], InviteOutcome]:
    """Check the actor, each address and each picked expert before anything is written:
    ``(address, verified account or None)`` pairs to invite, and the outcome so far."""
    if not permissions.can_manage(actor, consultation):
        raise ServiceError.forbidden()
    parsed = parse_lines(emails)
    experts = visible_experts_by_id(actor, expert_ids) if expert_ids else []
    if not parsed.addresses and not parsed.rejected and not experts:
        raise ServiceError(_("Give at least one e-mail address."), field="emails")
    outcome = InviteOutcome(rejected=list(parsed.rejected), duplicates=parsed.duplicates)
    targets: list[tuple[str, User | None]] = []
    seen: set[str] = set()
    for expert in experts:
        person = expert.user
        if person is None or not person.is_active or not person.email:
            outcome.rejected.append(
                Rejected(line=None, value=expert.name, reason=_("has no account yet."))
            )
        elif person.email.lower() not in seen:
            # the profile's own account: the link is the proof, whatever the address says
            seen.add(person.email.lower())
            targets.append((person.email.lower(), person))
    for email in parsed.addresses:
        if email.lower() in seen:
            continue
        # Bind to an account only where its owner verified this address; anyone else who
        # typed it into a profile gets nothing, and its real owner gets a sign-up link.
        user = User.objects.filter(email__iexact=email, is_active=True, email_verified=True).first()
        if user is None and not actor.is_secretariat:
            outcome.rejected.append(
                Rejected(
                    line=parsed.lines[email.lower()],
                    value=email,
                    reason=_("Only the secretariat can invite people without an account: %(e)s.")
                    % {"e": email},
                )
            )
            continue
        seen.add(email.lower())
        targets.append((email, user))
    return targets, outcome


def invite_people(
    *,
    actor: User,
    consultation: Consultation,
    emails: list[str] | None = None,
    expert_ids: list[Any] | None = None,
    accept_url_base: str,
) -> InviteOutcome:
    """Invite a bulk list of addresses and experts picked from the directory to an invited
    consultation. Every address that can be invited is; each that cannot is reported by
    line and text, so one typo keeps nobody else out. Duplicates count once whatever their
    case; an expert id the actor may not see refuses the whole call like one that does not
    exist; nothing at all to invite is an error.

    People without an account get a sign-up link, people with one a notice (action
    required by the closing date while it is open); people already invited are not
    invited, nor counted, twice."""
    targets, outcome = _plan_invite(
        actor=actor,
        consultation=consultation,
        emails=list(emails or []),
        expert_ids=list(expert_ids or []),
    )
    if not targets:
        raise ServiceError(
            "; ".join(r.message for r in outcome.rejected) or _("Nobody to invite."),
            field="emails",
        )
    return _write_invitees(
        actor=actor,
        consultation=consultation,
        targets=targets,
        outcome=outcome,
        accept_url_base=accept_url_base,
    )


def invite(
    *, actor: User, consultation: Consultation, emails: list[str], accept_url_base: str
) -> list[Invitee]:
    """All or nothing (for scripts and the demo): the invitees reached, or a ``ServiceError``
    naming the first address that cannot be invited, with nothing written. Pages and the
    API use :func:`invite_people`, which keeps the good addresses of a list."""
    targets, outcome = _plan_invite(
        actor=actor, consultation=consultation, emails=list(emails), expert_ids=[]
    )
    if outcome.rejected:
        raise ServiceError(outcome.rejected[0].reason, field="emails")
    return _write_invitees(
        actor=actor,
        consultation=consultation,
        targets=targets,
        outcome=outcome,
        accept_url_base=accept_url_base,
    ).added


def _write_invitees(
    *,
    actor: User,
    consultation: Consultation,
    targets: list[tuple[str, User | None]],
    outcome: InviteOutcome,
    accept_url_base: str,
) -> InviteOutcome:
    purpose = _("the consultation “%(t)s”") % {"t": consultation.title[:150]}
    reason = " ".join(consultation.question.split())[:500]
    is_open = consultation.status == Status.OPEN
    with transaction.atomic():
        for email, user in targets:
            invitee, created = Invitee.objects.get_or_create(
                consultation=consultation,
                email=email.lower(),
                defaults={"user": user, "invited_by": actor},
            )
            if not created:
                outcome.already.append(email)
                continue
            if user is None:
                create_invitation(
                    actor=actor,
                    email=email,
                    role=Role.PUBLIC,
                    purpose=purpose,
                    accept_url_base=accept_url_base,
                    reason=reason,
                    deadline=consultation.closes_at,
                    url=absolute_url(consultation.get_absolute_url()),
                )
                outcome.added.append(invitee)
                continue
            if notify(
                kind="consultation.invited",
                title=lambda: (
                    _("%(inviter)s invites you to %(what)s")
                    % {
                        "inviter": actor.display_name,
                        "what": _("the consultation “%(t)s”") % {"t": consultation.title[:150]},
                    }
                ),
                body=reason,
                url=consultation.get_absolute_url(),
                recipients=[user],
                target=consultation,
                action_required=is_open,
                due_at=consultation.closes_at if is_open else None,
                actor=actor,
            ):
                outcome.added.append(invitee)
        record_audit(
            actor=actor,
            action="consultation.invite",
            target=consultation,
            emails=[email for email, _user in targets],
        )
    return outcome


# --- participants -----------------------------------------------------------------------


def _next_number(consultation: Consultation, counter: str) -> int:
    """The next per-consultation number; the UPDATE locks the row until the transaction ends."""
    Consultation.objects.filter(pk=consultation.pk).update(**{counter: F(counter) + 1})
    return Consultation.objects.values_list(counter, flat=True).get(pk=consultation.pk)


def _declared_attributes(user: Any) -> dict[str, Any]:
    """Country, UN regional group, blocs and institution type from the registry."""
    if not user.is_authenticated:
        return {}
    expert = getattr(user, "expert_profile", None) if hasattr(user, "expert_profile") else None
    institution = getattr(user, "institution", None)
    country = None
    if expert is not None:
        country = expert.country
        institution = institution or expert.institution
    if country is None and institution is not None:
        country = institution.country
    attrs: dict[str, Any] = {}
    if country is not None:
        attrs["country"] = country.code
        attrs["regional_group"] = country.regional_group
        attrs["blocs"] = sorted(b.code for b in country.blocs.all())
    if institution is not None:
        attrs["institution_kind"] = institution.kind
    return attrs


def _identity(consultation: Consultation, user: Any, cookie_id: str) -> dict[str, Any] | None:
    """How the participant row of this person is found: by user, or by cookie identity."""
    if user.is_authenticated:
        return {"user": user}
    if cookie_id and consultation.allows_anonymous:
        return {"cookie_id": cookie_id}
    return None


def _create_participant(
    consultation: Consultation, user: Any, identity: dict[str, Any]
) -> Participant:
    attrs = _declared_attributes(user)
    try:
        with transaction.atomic():
            number = _next_number(consultation, "participant_counter")
            return Participant.objects.create(
                consultation=consultation, number=number, **identity, **attrs
            )
    except IntegrityError:
        # a concurrent request created this person's row first; any other clash (on the
        # number) is a real error, not to be hidden behind a missing row
        existing = selectors.unique_row(
            Participant.objects.filter(consultation=consultation, **identity)
        )
        if existing is None:
            raise
        return existing


def get_participant(
    *, consultation: Consultation, user: Any, cookie_id: str = "", create: bool = True
) -> Participant | None:
    """The participant row of a user or cookie identity, created on first use."""
    identity = _identity(consultation, user, cookie_id)
    if identity is None:
        return None
    participant = selectors.unique_row(
        Participant.objects.filter(consultation=consultation, **identity)
    )
    if participant is not None or not create:
        return participant
    return _create_participant(consultation, user, identity)


def _require_participation(consultation: Consultation, user: Any, cookie_id: str) -> dict[str, Any]:
    """Check that this person may take part; how their participant row is found."""
    if not permissions.can_view(user, consultation):
        raise ServiceError(_("Not found."), status=404)
    if not permissions.can_participate(user, consultation):
        if not user.is_authenticated:
            raise ServiceError(_("Sign in to take part in this consultation."), status=401)
        raise ServiceError(_("You are not invited to take part in this consultation."), status=403)
    identity = _identity(consultation, user, cookie_id)
    if identity is None:
        raise ServiceError(_("Sign in, or allow cookies, to take part."), status=401)
    return identity


def _require_participant(consultation: Consultation, user: Any, cookie_id: str) -> Participant:
    identity = _require_participation(consultation, user, cookie_id)
    participant = selectors.unique_row(
        Participant.objects.filter(consultation=consultation, **identity)
    )
    return participant or _create_participant(consultation, user, identity)


def _require_open(consultation: Consultation) -> None:
    now = timezone.now()
    if consultation.status != Status.OPEN or (
        consultation.closes_at is not None and consultation.closes_at <= now
    ):
        raise ServiceError(_("This consultation is not open for votes and statements."))
    if consultation.opens_at is not None and consultation.opens_at > now:
        raise ServiceError(_("This consultation has not opened yet."))


# --- statements -------------------------------------------------------------------------


def _check_text(text: str, *, field: str = "text") -> str:
    text = " ".join(text.split())
    if not text:
        raise ServiceError(_("The statement is empty."), field=field)
    if len(text) > STATEMENT_MAX_LENGTH:
        raise ServiceError(
            _("The statement is too long: %(n)d characters, %(max)d at most.")
            % {"n": len(text), "max": STATEMENT_MAX_LENGTH},
            field=field,
        )
    return text


def _create_statement(
    consultation: Consultation,
    *,
    text: str,
    author: Participant | None,
    accepted: bool,
    seed: bool = False,
    source: str = "",
    number: int | None = None,
    created_at: dt.datetime | None = None,
) -> Statement:
    return Statement.objects.create(
        consultation=consultation,
        number=number if number is not None else _next_number(consultation, "statement_counter"),
        text=_check_text(text),
        author=author,
        status=StatementStatus.ACCEPTED if accepted else StatementStatus.PENDING,
        is_seed=seed,
        source=source,
        created_at=created_at or timezone.now(),
    )


def add_statement(
    *,
    actor: Any,
    consultation: Consultation,
    text: str,
    cookie_id: str = "",
    ip: str | None = None,
) -> Statement:
    """A participant (or a manager) adds a statement; held for moderation when so set."""
    manager = permissions.can_manage(actor, consultation)
    _require_open(consultation)
    if not (manager or consultation.participants_can_add):
        raise ServiceError(
            _("Participants cannot add statements to this consultation."), status=403
        )
    text = _check_text(text or "")
    participant = _require_participant(consultation, actor, cookie_id)
    identity = f"u{actor.pk}" if actor.is_authenticated else f"c{cookie_id}"
    if not manager:
        check_rate("statement", identity=identity, ip=None if actor.is_authenticated else ip)
    accepted = manager or consultation.moderation == Moderation.AFTER
    with transaction.atomic():
        if Statement.objects.filter(consultation=consultation, text__iexact=text).exists():
            raise ServiceError(_("This statement is already in the consultation."), field="text")
        statement = _create_statement(
            consultation, text=text, author=participant, accepted=accepted, seed=manager
        )
    return statement


def moderate_statement(*, actor: User, statement: Statement, accept: bool) -> Statement:
    consultation = statement.consultation
    if not permissions.can_manage(actor, consultation):
        raise ServiceError.forbidden()
    with transaction.atomic():
        statement.status = StatementStatus.ACCEPTED if accept else StatementStatus.REJECTED
        statement.moderated_by = actor
        statement.moderated_at = timezone.now()
        statement.save(update_fields=["status", "moderated_by", "moderated_at"])
        record_audit(
            actor=actor,
            action="consultation.statement.accept" if accept else "consultation.statement.reject",
            target=statement,
            consultation=consultation.pk,
        )
    request_analysis(consultation_id=consultation.pk)
    return statement


# --- votes ------------------------------------------------------------------------------


def cast_vote(
    *,
    actor: Any,
    consultation: Consultation,
    statement_id: Any,
    value: Any,
    cookie_id: str = "",
    ip: str | None = None,
) -> Vote:
    """Record a vote: one current row per participant and statement, every change in history.

    Idempotent: the same vote again changes nothing (and writes nothing); a different one
    replaces the current row and adds a history line. Safe under concurrent requests: the
    write is conditional on what was read (unique constraint for a new vote, the old value
    for a changed one) and is retried from a fresh read when a concurrent request won.
    """
    try:
        value = int(value)
    except (TypeError, ValueError):
        value = None
    if value not in (-1, 0, 1):
        raise ServiceError(_("A vote is -1 (disagree), 0 (pass) or 1 (agree)."), field="vote")
    try:
        statement_pk = int(statement_id)
    except (TypeError, ValueError):
        raise ServiceError(_("Unknown statement."), field="statement") from None
    _require_open(consultation)
    statement = selectors.unique_row(
        Statement.objects.filter(pk=statement_pk).values_list("consultation_id", "status")
    )
    if statement is None or statement[0] != consultation.pk:
        raise ServiceError(_("This statement is not part of this consultation."), field="statement")
    if statement[1] != StatementStatus.ACCEPTED:
        raise ServiceError(_("This statement is not open for votes."), field="statement")
    participant_pk, current = _participant_and_vote(consultation, actor, cookie_id, statement_pk)
    check_rate(
        "vote",
        identity=f"p{participant_pk}",
        ip=None if actor.is_authenticated else ip,
    )
    now = timezone.now()
    vote = _upsert_vote(consultation.pk, participant_pk, statement_pk, value, now, current)
    if vote.updated_at == now and not _pending_and_fresh(consultation):
        # a run already pending (as read with the consultation) will see this vote
        request_analysis(consultation_id=consultation.pk)
    return vote


def _pending_and_fresh(consultation: Consultation) -> bool:
    requested = consultation.analysis_requested_at
    return consultation.analysis_pending and (
        requested is not None
        and requested > timezone.now() - dt.timedelta(seconds=STALE_PENDING_SECONDS)
    )


class _VoteConflict(Exception):
    """A concurrent request changed the vote between our read and our write."""


_VOTE_FIELDS = (
    "id",
    "consultation_id",
    "participant_id",
    "statement_id",
    "value",
    "created_at",
    "updated_at",
)


def _participant_and_vote(
    consultation: Consultation, user: Any, cookie_id: str, statement_pk: int
) -> tuple[int, Vote | None]:
    """The participant (created on first use) and its current vote on the statement.

    One read for both: the participant row with its vote on this statement joined in.
    """
    identity = _require_participation(consultation, user, cookie_id)
    row = selectors.unique_row(
        Participant.objects.filter(consultation=consultation, **identity)
        .annotate(current=FilteredRelation("votes", condition=Q(votes__statement=statement_pk)))
        .values_list(
            "pk", "current__pk", "current__value", "current__created_at", "current__updated_at"
        )
    )
    if row is None:
        return _create_participant(consultation, user, identity).pk, None
    participant_pk, vote_pk, value, created_at, updated_at = row
    if vote_pk is None:
        return participant_pk, None
    current = Vote.from_db(
        Vote.objects.db,
        _VOTE_FIELDS,
        [vote_pk, consultation.pk, participant_pk, statement_pk, value, created_at, updated_at],
    )
    return participant_pk, current


def _current_vote(participant_id: int, statement_id: int) -> Vote | None:
    return selectors.unique_row(
        Vote.objects.filter(participant_id=participant_id, statement_id=statement_id)
    )


def _upsert_vote(
    consultation_id: int,
    participant_id: int,
    statement_id: int,
    value: int,
    now: dt.datetime,
    current: Vote | None,
) -> Vote:
    """Insert or change the current vote and append its history row, in one transaction.

    The read happens before the transaction: an identical vote returns without writing
    (no transaction, no write lock on SQLite). The write is conditional on the read: the
    insert on the unique (participant, statement) constraint, the update on the value
    read. When a concurrent request won, the transaction is rolled back (nothing of this
    request was written) and the loop reads again.

    The history row is stamped after the current vote is written, that is once its row is
    locked: a concurrent change of the same vote commits before this stamp is taken, so
    history timestamps (and ids) follow commit order and a replay ends on the stored vote.
    """
    for _attempt in range(3):
        if current is not None and current.value == value:
            return current  # idempotent: nothing changes
        try:
            with transaction.atomic():
                if current is None:
                    vote = Vote.objects.create(
                        consultation_id=consultation_id,
                        participant_id=participant_id,
                        statement_id=statement_id,
                        value=value,
                        created_at=now,
                        updated_at=now,
                    )
                else:
                    changed = Vote.objects.filter(pk=current.pk, value=current.value).update(
                        value=value, updated_at=now
                    )
                    if not changed:
                        raise _VoteConflict
                    current.value, current.updated_at = value, now
                    vote = current
                VoteEvent.objects.create(
                    consultation_id=consultation_id,
                    participant_id=participant_id,
                    statement_id=statement_id,
                    value=value,
                    created_at=timezone.now(),
                )
            return vote
        except (IntegrityError, _VoteConflict):
            # a concurrent insert of the same pair, or a concurrent change: look again
            current = _current_vote(participant_id, statement_id)
    raise ServiceError(_("Your vote could not be saved; please try again."), status=409)


# --- analysis ---------------------------------------------------------------------------


STALE_PENDING_SECONDS = 600


def request_analysis(*, consultation_id: int) -> bool:
    """Queue one analysis run unless one is already pending (the debounce). True if queued.

    Every request counts in ``analysis_requests``: a run under way sees the count changed
    when it finishes and queues the next run, so what was requested meanwhile is not lost.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=STALE_PENDING_SECONDS)
    rows = Consultation.objects.filter(pk=consultation_id)
    counted = {"analysis_requests": F("analysis_requests") + 1}
    # a run pending for too long was lost (worker died, enqueue failed): queue a new one
    queued = rows.filter(Q(analysis_pending=False) | Q(analysis_requested_at__lt=stale)).update(
        analysis_pending=True, analysis_requested_at=now, **counted
    )
    if not queued:
        rows.update(**counted)
        return False
    enqueue_analysis(consultation_id)
    return True


def run_analysis(*, consultation_id: int) -> AnalysisResult | None:
    """Recompute the analysis now, in this process (the demo loader, tests); the next run
    is queued when votes came in meanwhile (:func:`jobs.run_analysis`)."""
    return jobs.run_analysis(consultation_id=consultation_id, queue_next=enqueue_analysis)
