"""What a session produced: minutes, attendance, links to its outputs, the Chatham House rule.

After a session its hosts (or the secretariat) write :class:`~.models.Minutes` (text,
attendance and attending institutions, taken from the door's check-ins when there are any)
and link what it produced (:class:`~.models.SessionOutput`): a consensus statement of a
consultation, a library document (a speech or statement given at the event), a paragraph of
a public strategy.

The Chatham House rule (``permissions.hides_attribution``): what is said may be used, but
not attributed. :func:`attribution` gives every part of the forum one object to ask: it
names speakers and institutions, or hides them, and :meth:`Attribution.redact` takes the
names it knows out of free text (minutes, notes) before it is shown or exported.
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError, check_length
from middleground.network.models import Institution

from . import permissions
from .models import Minutes, OutputKind, Registration, RegistrationStatus, Session, SessionOutput

MINUTES_MAX = 50_000
NOTE_MAX = 500
REDACTED = "[…]"
ANONYMOUS = AnonymousUser()


# --- the Chatham House rule -------------------------------------------------------------


def _hidden_label() -> str:
    return _("a participant (Chatham House rule)")


@dataclass
class Attribution:
    """How one session's outputs name people and institutions.

    ``hidden`` is the Chatham House rule. In templates: ``{% if attribution.hidden %}``;
    in code: ``attribution(session).speaker_name(speaker)``, ``.institution_name(...)``,
    ``.speaker_dict(speaker)`` for exports and the API, ``.redact(text)`` for free text.
    """

    session: Session
    hidden: bool
    names: list[str] = field(default_factory=list)

    @property
    def notice(self) -> str:
        return _(
            "This session is held under the Chatham House rule: what was said may be used, "
            "but no speaker, author or institution is named."
        )

    def speaker_name(self, speaker: Any) -> str:
        if speaker is None:
            return ""
        return _hidden_label() if self.hidden else str(speaker.name)

    def institution_name(self, institution: Any) -> str:
        if institution is None or self.hidden:
            return ""
        return str(getattr(institution, "name", institution))

    def speaker_dict(self, speaker: Any) -> dict[str, Any]:
        """A speaker for an export or the API: the name, position and institution, or blanks."""
        if self.hidden:
            return {"name": _hidden_label(), "position": "", "institution": "", "slug": ""}
        institution = speaker.institution.name if speaker.institution_id else speaker.affiliation
        return {
            "name": speaker.name,
            "position": speaker.position,
            "institution": institution or "",
            "slug": speaker.slug,
        }

    def speakers(self, speakers: Iterable[Any]) -> list[Any]:
        """The speakers to list: none under the rule."""
        return [] if self.hidden else list(speakers)

    def institutions(self, institutions: Iterable[Any]) -> list[Any]:
        return [] if self.hidden else list(institutions)

    def redact(self, text: str) -> str:
        """``text`` with every name this session knows taken out, under the rule."""
        if not self.hidden or not text:
            return text
        for name in self.names:
            text = re.sub(re.escape(name), REDACTED, text, flags=re.IGNORECASE)
        return text


def _known_names(session: Session) -> list[str]:
    """Names and affiliations of the people a session's outputs might attribute something
    to: its (and its parent's) speakers and moderator, hosts, and attending institutions."""
    sessions = [session]
    if session.parent_id and session.parent is not None:
        sessions.append(session.parent)
    names: set[str] = set()
    for s in sessions:
        people = list(s.speakers.select_related("institution"))
        if s.moderator_id and s.moderator is not None:
            people.append(s.moderator)
        for speaker in people:
            names.update([speaker.name, speaker.affiliation])
            parts = speaker.name.split()
            if len(parts) > 1:
                names.add(parts[-1])  # "Shaimardanov said ..."
            if speaker.institution_id and speaker.institution is not None:
                names.update([speaker.institution.name, speaker.institution.acronym])
            if speaker.user_id and speaker.user:
                names.update([speaker.user.get_full_name(), speaker.user.username])
        for user in s.hosts.all():
            names.update([user.get_full_name(), user.username])
        document_ids = [
            int(t)
            for t in s.outputs.filter(kind=OutputKind.DOCUMENT).values_list("target", flat=True)
            if t.isdigit()
        ]
        if document_ids:
            from middleground.library.models import Document

            for authors in Document.objects.filter(pk__in=document_ids).values_list(
                "authors", flat=True
            ):
                names.update(str(a) for a in (authors or []))
        minutes = Minutes.objects.filter(session=s).first()
        if minutes is not None:
            for institution in minutes.institutions.all():
                names.update([institution.name, institution.acronym])
    # longest first, so a full name goes before the surname it contains
    return sorted((n for n in names if n and len(n) > 2), key=len, reverse=True)


def attribution(session: Session) -> Attribution:
    """The Chatham House helper for ``session`` (and its agenda items through ``parent``)."""
    hidden = permissions.hides_attribution(session)
    return Attribution(
        session=session, hidden=hidden, names=_known_names(session) if hidden else []
    )


def hides(session: Session) -> bool:
    return permissions.hides_attribution(session)


# --- attendance from the door -------------------------------------------------------------


def _checked_in(session: Session):
    sessions = [session.pk] + ([session.parent_id] if session.parent_id else [])
    return (
        Registration.objects.filter(event_id=session.event_id, checked_in_at__isnull=False)
        .exclude(status=RegistrationStatus.CANCELLED)
        .filter(Q(agenda__in=sessions) | Q(type__sessions__in=sessions))
        .distinct()
    )


def checked_in_attendance(session: Session) -> tuple[int, list[Institution]]:
    """Checked-in registrations whose agenda or registration type includes the session,
    and their institutions (the delegation's, else the person's)."""
    registrations = list(_checked_in(session).select_related("delegation", "user"))
    ids: set[int] = set()
    for r in registrations:
        if r.delegation_id:
            ids.add(r.delegation.institution_id)
        elif r.user.institution_id:
            ids.add(r.user.institution_id)
    return len(registrations), list(Institution.objects.filter(pk__in=ids).order_by("name"))


def attendance_of(session: Session) -> tuple[int | None, list[Institution], str]:
    """(count, institutions, source): the minutes' figures if given, else the check-ins."""
    minutes = Minutes.objects.filter(session=session).first()
    count, institutions = checked_in_attendance(session)
    if minutes is not None and minutes.attendance is not None:
        written = list(minutes.institutions.order_by("name"))
        return minutes.attendance, written or institutions, "minutes"
    if count:
        return count, institutions, "check-in"
    if minutes is not None:
        return None, list(minutes.institutions.order_by("name")), "minutes"
    return None, [], ""


# --- minutes ----------------------------------------------------------------------------


def can_write(user: Any, session: Session) -> bool:
    """The session's hosts and the secretariat write its minutes and link its outputs."""
    return permissions.can_host(user, session)


def _attendance(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = -1
    if number < 0:
        raise ServiceError(_("Attendance is a whole number, 0 or more."), field="attendance")
    if number > 1_000_000:
        raise ServiceError(_("Attendance is too large."), field="attendance")
    return number


def _institutions(values: Iterable[Any]) -> list[Institution]:
    items = list(values or ())
    objects = [i for i in items if isinstance(i, Institution)]
    raw = [i for i in items if not isinstance(i, Institution)]
    pks: set[int] = set()
    for value in raw:
        try:
            pks.add(int(str(value)))
        except (TypeError, ValueError):
            raise ServiceError(_("Unknown institution."), field="institutions") from None
    found = list(Institution.objects.filter(pk__in=pks))
    if len(found) != len(pks):
        raise ServiceError(_("Unknown institution."), field="institutions")
    return objects + found


def write_minutes(
    *,
    actor: Any,
    session: Session,
    text: str,
    attendance: Any = None,
    institutions: Iterable[Any] = (),
) -> Minutes:
    """Write (or rewrite) the session's minutes. With no attendance given, the check-ins
    count; with no institutions given, the checked-in registrations' institutions."""
    if not can_write(actor, session):
        raise ServiceError.forbidden()
    text = check_length((text or "").strip(), MINUTES_MAX, field="text")
    count = _attendance(attendance)
    chosen = _institutions(institutions)
    if count is None or not chosen:
        door_count, door_institutions = checked_in_attendance(session)
        if count is None and door_count:
            count = door_count
        if not chosen:
            chosen = door_institutions
    rule = attribution(session)
    if rule.hidden:  # stored without the names the platform knows, so no export can leak them
        rule.names = sorted(
            set(rule.names) | {n for i in chosen for n in (i.name, i.acronym) if n and len(n) > 2},
            key=len,
            reverse=True,
        )
        text = rule.redact(text)
    with transaction.atomic():
        minutes, created = Minutes.objects.get_or_create(
            session=session,
            defaults={"text": text, "attendance": count, "written_by": actor},
        )
        if not created:
            minutes.text, minutes.attendance, minutes.written_by = text, count, actor
            minutes.save(update_fields=["text", "attendance", "written_by", "updated_at"])
        minutes.institutions.set(chosen)
        record_audit(
            actor=actor,
            action="forum.minutes.write",
            target=minutes,
            session=session.pk,
            attendance=count,
            institutions=len(chosen),
        )
        if created:
            transaction.on_commit(lambda: _notify_minutes(session))
    return minutes


def _notify_minutes(session: Session) -> None:
    from django.urls import reverse

    from middleground.notifications.services import notify

    people = [
        r.user
        for r in Registration.objects.filter(
            event_id=session.event_id, status=RegistrationStatus.CONFIRMED, agenda=session
        ).select_related("user")
    ]
    if not people:
        return
    title = session.title
    notify(
        kind="forum.minutes",
        title=lambda: _("Minutes of “%(title)s” are out") % {"title": title},
        url=reverse("forum:minutes", args=[session.event.slug, session.pk]),
        recipients=people,
        target=session,
    )


# --- outputs ----------------------------------------------------------------------------


def _pk(value: Any) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = 0
    if number <= 0:
        raise ServiceError(_("Give the id of what the session produced."), field="target")
    return number


def consensus_numbers(consultation: Any) -> set[int]:
    """Statement numbers in consensus in the consultation's latest analysis: group-informed
    (Polis) agreement or declared-group consensus."""
    from middleground.consultations import selectors as consultation_selectors

    latest = consultation_selectors.latest_result(consultation)
    if latest is None:
        return set()
    result = latest.result or {}
    agreed = set((result.get("consensus") or {}).get("agree") or [])
    agreed |= set(((result.get("declared_groups") or {}).get("consensus") or {}).get("agree") or [])
    moderated_out = {s.get("id") for s in result.get("statements", []) if s.get("moderated_out")}
    return {int(n) for n in agreed - moderated_out}


def _statement(actor: Any, value: Any):
    from middleground.consultations import permissions as consultation_permissions
    from middleground.consultations.models import Statement, StatementStatus

    statement = Statement.objects.select_related("consultation").filter(pk=_pk(value)).first()
    if statement is None or not consultation_permissions.can_view(actor, statement.consultation):
        raise ServiceError(_("There is no consultation statement with this id."), field="target")
    if statement.status != StatementStatus.ACCEPTED:
        raise ServiceError(_("Only accepted statements can be linked."), field="target")
    if statement.number not in consensus_numbers(statement.consultation):
        raise ServiceError(
            _("This statement is not in consensus in its consultation's latest analysis."),
            field="target",
        )
    return statement


def _document(actor: Any, value: Any):
    from middleground.library import permissions as library_permissions
    from middleground.library.models import Document

    document = Document.objects.filter(pk=_pk(value)).first()
    if document is None or not library_permissions.can_read(actor, document):
        raise ServiceError(_("There is no library document with this id."), field="target")
    return document


def _paragraph(value: Any):
    from middleground.strategies import permissions as strategy_permissions
    from middleground.strategies.models import Paragraph

    try:
        key = uuid.UUID(str(value).strip())
    except (TypeError, ValueError, AttributeError):
        raise ServiceError(_("A paragraph is named by its key (a UUID)."), field="target") from None
    paragraph = (
        Paragraph.objects.select_related("strategy", "section")
        .filter(key=key, deleted=False)
        .first()
    )
    if paragraph is None:
        raise ServiceError(_("There is no strategy paragraph with this key."), field="target")
    if not strategy_permissions.can_view(ANONYMOUS, paragraph.strategy):
        raise ServiceError(
            _("Only paragraphs of strategies the public can see can be linked."), field="target"
        )
    return paragraph


def _resolve(actor: Any, kind: str, target: Any) -> tuple[str, Any]:
    if kind == OutputKind.STATEMENT:
        statement = _statement(actor, target)
        return str(statement.pk), statement
    if kind == OutputKind.DOCUMENT:
        document = _document(actor, target)
        return str(document.pk), document
    if kind == OutputKind.PARAGRAPH:
        paragraph = _paragraph(target)
        return str(paragraph.key), paragraph
    raise ServiceError(_("Choose what kind of output this is."), field="kind")


def link_output(
    *, actor: Any, session: Session, kind: str, target: Any, note: str = ""
) -> SessionOutput:
    """Link what the session produced. ``target``: a statement pk (a consensus statement the
    actor can see), a document pk (a library document the actor can read) or a paragraph key
    (of a strategy the public can see)."""
    if not can_write(actor, session):
        raise ServiceError.forbidden()
    note = check_length((note or "").strip(), NOTE_MAX, field="note")
    key, _obj = _resolve(actor, kind, target)
    note = attribution(session).redact(note)
    with transaction.atomic():
        if SessionOutput.objects.filter(session=session, kind=kind, target=key).exists():
            raise ServiceError(_("This output is already linked to the session."), field="target")
        output = SessionOutput.objects.create(
            session=session, kind=kind, target=key, note=note, added_by=actor
        )
        record_audit(
            actor=actor,
            action="forum.output.link",
            target=output,
            session=session.pk,
            kind=kind,
            output=key,
        )
    return output


def unlink_output(*, actor: Any, output: SessionOutput) -> None:
    if not can_write(actor, output.session):
        raise ServiceError.forbidden()
    with transaction.atomic():
        record_audit(
            actor=actor,
            action="forum.output.unlink",
            target=output,
            session=output.session_id,
            kind=output.kind,
            output=output.target,
        )
        output.delete()


# --- reads for pages and exports ----------------------------------------------------------


def describe_outputs(user: Any, session: Session) -> list[dict[str, Any]]:
    """The session's outputs that ``user`` may see, as plain dicts (title, text, link), with
    no author, source or institution under the Chatham House rule."""
    from django.urls import reverse

    from middleground.consultations import permissions as consultation_permissions
    from middleground.consultations.models import Statement
    from middleground.library import permissions as library_permissions
    from middleground.library.models import Document
    from middleground.strategies import permissions as strategy_permissions
    from middleground.strategies.models import Paragraph

    rule = attribution(session)
    outputs = list(session.outputs.all())
    by_kind: dict[str, list[str]] = {}
    for o in outputs:
        by_kind.setdefault(o.kind, []).append(o.target)
    statements = {
        str(s.pk): s
        for s in Statement.objects.select_related("consultation").filter(
            pk__in=[int(t) for t in by_kind.get(OutputKind.STATEMENT, []) if t.isdigit()]
        )
    }
    documents = {
        str(d.pk): d
        for d in Document.objects.filter(
            pk__in=[int(t) for t in by_kind.get(OutputKind.DOCUMENT, []) if t.isdigit()]
        )
    }
    keys = []
    for t in by_kind.get(OutputKind.PARAGRAPH, []):
        try:
            keys.append(uuid.UUID(t))
        except ValueError:
            continue
    paragraphs = {
        str(p.key): p
        for p in Paragraph.objects.select_related("strategy", "section").filter(key__in=keys)
    }
    rows: list[dict[str, Any]] = []
    for o in outputs:
        row: dict[str, Any] = {
            "output": o,
            "id": o.pk,
            "kind": o.kind,
            "kind_label": o.get_kind_display(),
            "target": o.target,
            "note": rule.redact(o.note),
            "credit": "",
        }
        if o.kind == OutputKind.STATEMENT:
            s = statements.get(o.target)
            if s is None or not consultation_permissions.can_view(user, s.consultation):
                continue
            row.update(
                title=s.consultation.title,
                text=rule.redact(s.text),
                url=reverse("consultations:results", args=[s.consultation.slug]),
                detail=_("Statement %(n)s") % {"n": s.number},
            )
        elif o.kind == OutputKind.DOCUMENT:
            d = documents.get(o.target)
            if d is None or not library_permissions.can_read(user, d):
                continue
            row.update(
                title=rule.redact(d.title),
                text="",
                url=d.get_absolute_url(),
                detail=d.published.isoformat() if d.published else "",
                credit="" if rule.hidden else ", ".join(str(a) for a in (d.authors or [])),
            )
        else:
            p = paragraphs.get(o.target)
            if p is None or p.deleted or not strategy_permissions.can_view(user, p.strategy):
                continue
            row.update(
                title=p.strategy.title,
                text=rule.redact(p.text),
                url=p.strategy.get_absolute_url() + f"#p-{p.key}",
                detail=p.section.title,
            )
        rows.append(row)
    return rows


def minutes_for_display(session: Session) -> dict[str, Any]:
    """The minutes as shown: text redacted and institutions hidden under the rule."""
    rule = attribution(session)
    minutes = Minutes.objects.filter(session=session).select_related("written_by").first()
    count, institutions, source = attendance_of(session)
    return {
        "minutes": minutes,
        "text": rule.redact(minutes.text) if minutes else "",
        "attendance": count,
        "attendance_source": source,
        "institutions": rule.institutions(institutions),
        "institutions_count": len(institutions),
        "written_by": ""
        if (rule.hidden or minutes is None or minutes.written_by is None)
        else minutes.written_by.display_name,
        "attribution": rule,
    }


def event_report(user: Any, event: Any) -> dict[str, Any]:
    """The closing report of an event: per session attendance, institutions and outputs;
    certificates issued and registration counts. Under the Chatham House rule a session's
    institutions are not named, nor counted into the event's list."""
    from django.db.models import Count

    sessions = list(event.sessions.select_related("parent").order_by("starts_at", "position", "pk"))
    rows = []
    all_institutions: dict[int, Institution] = {}
    attended_total = 0
    outputs_total = 0
    for s in sessions:
        rule = attribution(s)
        count, institutions, source = attendance_of(s)
        outputs = describe_outputs(user, s)
        outputs_total += len(outputs)
        if count:
            attended_total += count
        if not rule.hidden:
            for i in institutions:
                all_institutions[i.pk] = i
        rows.append(
            {
                "session": s,
                "attendance": count,
                "source": source,
                "institutions": rule.institutions(institutions),
                "institutions_count": len(institutions),
                "outputs": outputs,
                "hidden": rule.hidden,
                "has_minutes": Minutes.objects.filter(session=s).exclude(text="").exists(),
            }
        )
    registrations = event.registrations.all()
    by_status = dict(
        registrations.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    by_type = list(
        event.registration_types.annotate(
            confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
            waiting=Count("registrations", filter=Q(registrations__status="waiting")),
            checked_in=Count("registrations", filter=Q(registrations__checked_in_at__isnull=False)),
        ).order_by("position", "pk")
    )
    return {
        "sessions": rows,
        "institutions": sorted(all_institutions.values(), key=lambda i: i.name),
        "attendance_total": attended_total,
        "outputs_total": outputs_total,
        "certificates": registrations.filter(certificate_issued_at__isnull=False).count(),
        "checked_in": registrations.filter(checked_in_at__isnull=False).count(),
        "confirmed": by_status.get(RegistrationStatus.CONFIRMED, 0),
        "waiting": by_status.get(RegistrationStatus.WAITING, 0),
        "cancelled": by_status.get(RegistrationStatus.CANCELLED, 0),
        "by_type": by_type,
        "delegations": event.delegations.count(),
    }
