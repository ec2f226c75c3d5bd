"""Writes and reads of registrations, the waiting list, delegations, check-in and certificates.

The rules
---------
* **Capacity is never exceeded.** Every write that confirms a place locks the
  :class:`RegistrationType` row (``select_for_update``; on SQLite the IMMEDIATE transaction
  serialises writers) and counts the confirmed registrations inside the lock. Over capacity a
  registration WAITS; the waiting list is first come, first served (``queued_at`` then pk).
  When a place frees (a cancellation, a raised capacity) the first waiting ones are promoted
  in the same transaction and notified (``forum.promoted``).
* **Delegations have reserved places.** A delegation's people hold a *delegates-only* type
  (its own capacity: the secretariat sizes it to the delegations' quotas). Delegates and
  substitutes both hold a place of that type, so they count against its capacity as anyone
  does; over it they wait like anyone. A delegation never has more named delegates than
  ``quota`` nor more substitutes than ``substitutes_quota`` (waiting ones included, so a
  promotion can never break a quota): the Delegation row is locked while counting. A
  substitute may swap with a delegate, which keeps both counts. A person belongs to one
  delegation (one live registration per event and person).
* **Codes** are unique (``new_code(8)``); check-in by code is for staff; a second check-in is
  reported with the time of the first, and nothing is overwritten.
* **Certificates** of attendance are issued once: ``certificate_issued_at`` is set the first
  time (after check-in and the event's end) and a notice is sent then; later downloads print
  the same date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError
from middleground.notifications.services import notify

from . import permissions
from .models import (
    Delegation,
    Event,
    Registration,
    RegistrationStatus,
    RegistrationType,
    Session,
)

LIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)

__all__ = [
    "CheckInResult",
    "cancel",
    "check_in",
    "counts_by_type",
    "current_registration",
    "delegation_members",
    "issue_certificate",
    "name_delegate",
    "promote_waiting",
    "register",
    "registrations_for",
    "set_agenda",
    "set_capacity",
    "set_delegation",
    "swap_substitute",
    "waiting_position",
]


# --- reads -------------------------------------------------------------------------------


def current_registration(user: Any, event: Event) -> Registration | None:
    """The person's live (confirmed or waiting) registration for the event, if any."""
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.select_related("type", "delegation__institution")
        .filter(event=event, user=user, status__in=LIVE)
        .first()
    )


def waiting_position(registration: Registration) -> int | None:
    """1 for the first person on the type's waiting list; None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    ahead = Registration.objects.filter(
        type_id=registration.type_id, status=RegistrationStatus.WAITING
    ).filter(
        Q(queued_at__lt=registration.queued_at)
        | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def included_sessions(registration_type: RegistrationType) -> QuerySet[Session]:
    """The sessions a type includes; a type that names none includes the whole programme."""
    named = registration_type.sessions.all()
    if named.exists():
        return named.order_by("starts_at", "position", "pk")
    return Session.objects.filter(event_id=registration_type.event_id).order_by(
        "starts_at", "position", "pk"
    )


def registrations_for(
    event: Event, *, status: str = "", type_id: int | None = None, q: str = ""
) -> QuerySet[Registration]:
    """The organisers' list (the caller checks ``can_manage_event``)."""
    found = Registration.objects.filter(event=event).select_related(
        "user", "type", "delegation__institution", "user__institution"
    )
    if status:
        found = found.filter(status=status)
    if type_id:
        found = found.filter(type_id=type_id)
    if q:
        found = found.filter(
            Q(user__username__icontains=q)
            | Q(user__first_name__icontains=q)
            | Q(user__last_name__icontains=q)
            | Q(user__email__icontains=q)
            | Q(code__iexact=q)
        )
    return found.order_by("type__position", "type_id", "queued_at", "pk")


def counts_by_type(event: Event) -> list[dict[str, Any]]:
    """Per type: capacity, confirmed, waiting, cancelled, checked in, places left."""
    rows = []
    types = event.registration_types.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
        cancelled=Count("registrations", filter=Q(registrations__status="cancelled")),
        checked_in=Count(
            "registrations",
            filter=Q(registrations__status="confirmed", registrations__checked_in_at__isnull=False),
        ),
    )
    for t in types:
        left = None if t.capacity is None else max(t.capacity - t.confirmed, 0)
        rows.append(
            {
                "type": t,
                "capacity": t.capacity,
                "confirmed": t.confirmed,
                "waiting": t.waiting,
                "cancelled": t.cancelled,
                "checked_in": t.checked_in,
                "left": left,
            }
        )
    return rows


def delegation_members(delegation: Delegation) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(delegation=delegation, status__in=LIVE)
        .select_related("user", "type")
        .order_by("is_substitute", "queued_at", "pk")
    )


# --- helpers -----------------------------------------------------------------------------


def _locked_type(registration_type: RegistrationType) -> RegistrationType:
    return RegistrationType.objects.select_for_update().get(pk=registration_type.pk)


def _confirmed_count(registration_type: RegistrationType) -> int:
    return Registration.objects.filter(
        type_id=registration_type.pk, status=RegistrationStatus.CONFIRMED
    ).count()


def _has_place(registration_type: RegistrationType) -> bool:
    return (
        registration_type.capacity is None
        or _confirmed_count(registration_type) < registration_type.capacity
    )


def has_ended(event: Event) -> bool:
    """After its end an event's registrations are a record: no cancelling or changing."""
    return event.ends_at <= timezone.now()


def _refuse_after_end(event: Event, field: str | None = None) -> None:
    if has_ended(event):
        raise ServiceError(
            _("“%(event)s” has ended: its registrations can no longer be changed.")
            % {"event": event.name[:150]},
            field=field,
        )


def _my_url(event: Event) -> str:
    return reverse("forum:my_registration", args=[event.slug])


def _notify_status(registration: Registration, *, actor: Any = None) -> None:
    """Tell the person where they stand: confirmed, or waiting (with their place)."""
    event = registration.event
    if registration.status == RegistrationStatus.CONFIRMED:
        kind = "forum.registered"

        def title() -> str:
            return _("Your registration for “%(event)s” is confirmed (code %(code)s)") % {
                "event": event.name[:150],
                "code": registration.code,
            }
    else:
        kind = "forum.waiting"
        position = waiting_position(registration)

        def title() -> str:
            return _("You are number %(n)s on the waiting list for “%(event)s”") % {
                "n": position,
                "event": event.name[:150],
            }

    notify(
        kind=kind,
        title=title,
        url=_my_url(event),
        recipients=[registration.user],
        target=registration,
        actor=actor,
    )


def promote_waiting(*, registration_type: RegistrationType) -> list[Registration]:
    """Confirm the first waiting registrations while the type has places, and notify them.

    Call inside a transaction that holds the type's row lock (every service here does); it
    takes the lock itself otherwise.
    """
    with transaction.atomic():
        locked = _locked_type(registration_type)
        promoted: list[Registration] = []
        waiting = (
            Registration.objects.select_for_update()
            .filter(type_id=locked.pk, status=RegistrationStatus.WAITING)
            .select_related("event", "user")
            .order_by("queued_at", "pk")
        )
        free = None if locked.capacity is None else locked.capacity - _confirmed_count(locked)
        for registration in waiting if free is None else waiting[: max(free, 0)]:
            registration.status = RegistrationStatus.CONFIRMED
            registration.confirmed_at = timezone.now()
            registration.save(update_fields=["status", "confirmed_at"])
            promoted.append(registration)
            record_audit(actor=None, action="forum.registration.promoted", target=registration)
            event = registration.event

            def title(event: Event = event, code: str = registration.code) -> str:
                return _(
                    "A place is free: your registration for “%(event)s” is confirmed "
                    "(code %(code)s)"
                ) % {
                    "event": event.name[:150],
                    "code": code,
                }

            notify(
                kind="forum.promoted",
                title=title,
                url=_my_url(event),
                recipients=[registration.user],
                target=registration,
            )
        return promoted


# --- registering -------------------------------------------------------------------------


def register(*, actor: Any, event: Event, registration_type: RegistrationType) -> Registration:
    """Register ``actor`` with a type: confirmed while places remain, waiting after.

    Delegates-only types are refused: a head of delegation names delegates
    (:func:`name_delegate`).
    """
    if not actor.is_authenticated or not permissions.can_view_event(actor, event):
        raise ServiceError.forbidden()
    if not permissions.can_register(actor, event):
        raise ServiceError(_("Registration for this event is closed."), field="type")
    if registration_type.event_id != event.pk:
        raise ServiceError(_("Choose a registration type of this event."), field="type")
    if registration_type.delegates_only:
        raise ServiceError(
            _(
                "“%(type)s” is for delegations: the head of your institution's delegation "
                "names its delegates."
            )
            % {"type": registration_type.name},
            field="type",
        )
    with transaction.atomic():
        locked = _locked_type(registration_type)
        if Registration.objects.filter(event=event, user=actor, status__in=LIVE).exists():
            raise ServiceError(_("You are already registered for this event."), field="type")
        registration = _create(event=event, registration_type=locked, user=actor)
        record_audit(
            actor=actor,
            action="forum.registration.created",
            target=registration,
            type=locked.pk,
            status=registration.status,
        )
        _notify_status(registration)
    return registration


def _create(
    *,
    event: Event,
    registration_type: RegistrationType,
    user: Any,
    delegation: Delegation | None = None,
    is_substitute: bool = False,
) -> Registration:
    """A new registration; the caller holds the type's lock."""
    confirmed = _has_place(registration_type)
    now = timezone.now()
    return Registration.objects.create(
        event=event,
        type=registration_type,
        user=user,
        delegation=delegation,
        is_substitute=is_substitute,
        status=RegistrationStatus.CONFIRMED if confirmed else RegistrationStatus.WAITING,
        confirmed_at=now if confirmed else None,
    )


def _may_cancel(actor: Any, registration: Registration) -> bool:
    if not actor.is_authenticated:
        return False
    if registration.user_id == actor.pk or permissions.can_manage_event(actor, registration.event):
        return True
    return registration.delegation is not None and permissions.can_lead_delegation(
        actor, registration.delegation
    )


def cancel(*, actor: Any, registration: Registration) -> Registration:
    """Cancel a registration (the person, their head of delegation, or the secretariat); a
    confirmed place freed goes to the first waiting person, in the same transaction."""
    if not _may_cancel(actor, registration):
        raise ServiceError.forbidden()
    _refuse_after_end(registration.event)
    with transaction.atomic():
        locked_type = _locked_type(registration.type)
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.status == RegistrationStatus.CANCELLED:
            raise ServiceError(_("This registration is already cancelled."))
        if current.checked_in_at is not None:
            raise ServiceError(_("This person has already checked in: the registration stays."))
        was_confirmed = current.status == RegistrationStatus.CONFIRMED
        current.status = RegistrationStatus.CANCELLED
        current.cancelled_at = timezone.now()
        current.save(update_fields=["status", "cancelled_at"])
        record_audit(actor=actor, action="forum.registration.cancelled", target=current)
        if current.user_id != actor.pk:
            event = registration.event
            notify(
                kind="forum.cancelled",
                title=lambda: (
                    _("Your registration for “%(event)s” was cancelled")
                    % {"event": event.name[:150]}
                ),
                url=event.get_absolute_url(),
                recipients=[current.user],
                target=current,
                actor=actor,
            )
        if was_confirmed:
            promote_waiting(registration_type=locked_type)
    registration.status = current.status
    registration.cancelled_at = current.cancelled_at
    return registration


def set_capacity(
    *, actor: Any, registration_type: RegistrationType, capacity: int | None
) -> RegistrationType:
    """Change a type's places (None = unlimited); raised places go to the waiting list.

    Lowering below the confirmed count keeps everyone confirmed (nobody loses a place), and
    new registrations wait.
    """
    if not permissions.can_manage_event(actor, registration_type.event):
        raise ServiceError.forbidden()
    if capacity is not None and capacity < 0:
        raise ServiceError(_("Places cannot be negative."), field="capacity")
    with transaction.atomic():
        locked = _locked_type(registration_type)
        before = locked.capacity
        locked.capacity = capacity
        locked.save(update_fields=["capacity"])
        record_audit(
            actor=actor,
            action="forum.registration_type.capacity",
            target=locked,
            before={"capacity": before},
            after={"capacity": capacity},
        )
        promote_waiting(registration_type=locked)
    registration_type.capacity = capacity
    return registration_type


def set_agenda(
    *, actor: Any, registration: Registration, sessions: Iterable[Session]
) -> Registration:
    """The sessions the person plans to attend, among those their type includes."""
    if registration.user_id != actor.pk:
        raise ServiceError.forbidden()
    if registration.status == RegistrationStatus.CANCELLED:
        raise ServiceError(_("This registration is cancelled."), field="sessions")
    _refuse_after_end(registration.event, field="sessions")
    chosen = list(sessions)
    allowed = set(included_sessions(registration.type).values_list("pk", flat=True))
    outside = [s for s in chosen if s.pk not in allowed]
    if outside:
        raise ServiceError(
            _("Your registration does not include: %(titles)s")
            % {"titles": ", ".join(s.title for s in outside)},
            field="sessions",
        )
    with transaction.atomic():
        registration.agenda.set(chosen)
        record_audit(
            actor=actor,
            action="forum.registration.agenda",
            target=registration,
            sessions=[s.pk for s in chosen],
        )
    return registration


# --- check-in and certificates -----------------------------------------------------------


@dataclass(frozen=True)
class CheckInResult:
    registration: Registration
    #: True when this scan checked the person in; False when they already were (or may not)
    checked_in: bool
    #: the person was already checked in (at ``registration.checked_in_at``)
    already: bool


def check_in(*, actor: Any, event: Event, code: str) -> CheckInResult:
    """Check in the holder of ``code`` (staff only). A second scan reports the first time;
    a waiting or cancelled registration is shown, not admitted."""
    if not permissions.can_check_in(actor, event):
        raise ServiceError.forbidden()
    code = "".join(code.split()).upper()
    if not code:
        raise ServiceError(_("Type or scan a registration code."), field="code")
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().filter(event=event, code=code).first()
        )
        if registration is None:
            raise ServiceError(
                _("No registration for this event has the code %(code)s.") % {"code": code[:20]},
                field="code",
            )
        registration = Registration.objects.select_related(
            "user", "type", "delegation__institution"
        ).get(pk=registration.pk)
        if registration.checked_in_at is not None:
            return CheckInResult(registration, checked_in=False, already=True)
        if registration.status != RegistrationStatus.CONFIRMED:
            return CheckInResult(registration, checked_in=False, already=False)
        registration.checked_in_at = timezone.now()
        registration.checked_in_by = actor
        registration.save(update_fields=["checked_in_at", "checked_in_by"])
        record_audit(actor=actor, action="forum.registration.checked_in", target=registration)
    return CheckInResult(registration, checked_in=True, already=False)


def issue_certificate(*, actor: Any, registration: Registration) -> Registration:
    """Issue the attendance certificate once: the first call sets ``certificate_issued_at``
    and notifies the person; later calls return the same date and send nothing."""
    if registration.user_id != actor.pk and not permissions.can_manage_event(
        actor, registration.event
    ):
        raise ServiceError.forbidden()
    event = registration.event
    if registration.checked_in_at is None:
        raise ServiceError(
            _("A certificate of attendance is issued to people who checked in at the event.")
        )
    if event.ends_at > timezone.now():
        raise ServiceError(_("The certificate of attendance is issued after the event ends."))
    with transaction.atomic():
        current = Registration.objects.select_for_update().get(pk=registration.pk)
        if current.certificate_issued_at is None:
            current.certificate_issued_at = timezone.now()
            current.save(update_fields=["certificate_issued_at"])
            record_audit(actor=actor, action="forum.certificate.issued", target=current)
            notify(
                kind="forum.certificate",
                title=lambda: (
                    _("Your certificate of attendance for “%(event)s” is ready")
                    % {"event": event.name[:150]}
                ),
                url=reverse("forum:certificate", args=[event.slug]),
                recipients=[current.user],
                target=current,
            )
    registration.certificate_issued_at = current.certificate_issued_at
    return registration


# --- delegations -------------------------------------------------------------------------


def set_delegation(
    *,
    actor: Any,
    event: Event,
    institution: Any,
    quota: int,
    substitutes_quota: int,
    head: Any = None,
) -> Delegation:
    """Create or update an institution's delegation (the secretariat): quotas and head.

    A quota below the people already named is refused (nobody is dropped silently).
    """
    if not permissions.can_manage_event(actor, event):
        raise ServiceError.forbidden()
    if quota < 0:
        raise ServiceError(_("The quota cannot be negative."), field="quota")
    if substitutes_quota < 0:
        raise ServiceError(_("The quota cannot be negative."), field="substitutes_quota")
    if not getattr(institution, "is_member", False):
        raise ServiceError(_("Only member institutions send delegations."), field="institution")
    if head is not None and head.institution_id != institution.pk:
        raise ServiceError(
            _("The head of delegation must belong to %(institution)s.")
            % {"institution": institution.name},
            field="head",
        )
    with transaction.atomic():
        delegation, created = Delegation.objects.select_for_update().get_or_create(
            event=event,
            institution=institution,
            defaults={"quota": quota, "substitutes_quota": substitutes_quota, "head": head},
        )
        if not created:
            members = delegation_members(delegation)
            delegates = members.filter(is_substitute=False).count()
            substitutes = members.filter(is_substitute=True).count()
            if quota < delegates:
                raise ServiceError(
                    _("%(n)s delegates are already named: remove some before lowering the quota.")
                    % {"n": delegates},
                    field="quota",
                )
            if substitutes_quota < substitutes:
                raise ServiceError(
                    _("%(n)s substitutes are already named: remove some before lowering the quota.")
                    % {"n": substitutes},
                    field="substitutes_quota",
                )
            old_head = delegation.head_id
            delegation.quota = quota
            delegation.substitutes_quota = substitutes_quota
            delegation.head = head
            delegation.save(update_fields=["quota", "substitutes_quota", "head"])
        else:
            old_head = None
        record_audit(
            actor=actor,
            action="forum.delegation.created" if created else "forum.delegation.updated",
            target=delegation,
            quota=quota,
            substitutes_quota=substitutes_quota,
            head=head.pk if head is not None else None,
        )
        if head is not None and head.pk != old_head:
            notify(
                kind="forum.delegation_head",
                title=lambda: (
                    _("You lead the delegation of %(institution)s to “%(event)s”")
                    % {"institution": institution.name[:120], "event": event.name[:150]}
                ),
                body=lambda: (
                    _("Name up to %(n)s delegates and %(s)s substitutes.")
                    % {"n": quota, "s": substitutes_quota}
                ),
                url=reverse("forum:delegation", args=[event.slug, delegation.pk]),
                recipients=[head],
                target=delegation,
                actor=actor,
                action_required=True,
                due_at=event.starts_at,
            )
    return delegation


def delegates_type(event: Event) -> RegistrationType | None:
    """The type delegations' people hold: the event's first delegates-only type."""
    return event.registration_types.filter(delegates_only=True).order_by("position", "pk").first()


def name_delegate(
    *,
    actor: Any,
    delegation: Delegation,
    user: Any,
    substitute: bool = False,
    registration_type: RegistrationType | None = None,
) -> Registration:
    """The head names a person of the institution as a delegate (or substitute).

    Never beyond the quota. A person already registered on their own moves into the
    delegation (their place in the other type goes to its waiting list).
    """
    event = delegation.event
    if not permissions.can_lead_delegation(actor, delegation):
        raise ServiceError.forbidden()
    if user is None:
        raise ServiceError(_("Choose a person."), field="user")
    if user.institution_id != delegation.institution_id:
        raise ServiceError(
            _("%(person)s is not a member of %(institution)s.")
            % {"person": user.display_name, "institution": delegation.institution.name},
            field="user",
        )
    chosen = registration_type or delegates_type(event)
    if chosen is None:
        raise ServiceError(
            _("This event has no registration type for delegations yet."), field="user"
        )
    if chosen.event_id != event.pk or not chosen.delegates_only:
        raise ServiceError(_("Choose a type for delegations of this event."), field="type")
    _refuse_after_end(event, field="user")
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        members = Registration.objects.filter(delegation=locked, status__in=LIVE)
        if substitute:
            limit, named = locked.substitutes_quota, members.filter(is_substitute=True).count()
            if named >= limit:
                raise ServiceError(
                    _("The delegation already has %(n)s of %(max)s substitutes.")
                    % {"n": named, "max": limit},
                    field="user",
                )
        else:
            limit, named = locked.quota, members.filter(is_substitute=False).count()
            if named >= limit:
                raise ServiceError(
                    _("The delegation already has %(n)s of %(max)s delegates.")
                    % {"n": named, "max": limit},
                    field="user",
                )
        locked_type = _locked_type(chosen)
        existing = (
            Registration.objects.select_for_update()
            .filter(event=event, user=user, status__in=LIVE)
            .first()
        )
        if existing is not None and existing.delegation_id is not None:
            raise ServiceError(
                _("%(person)s is already in a delegation to this event.")
                % {"person": user.display_name},
                field="user",
            )
        if existing is not None:
            # leave the other type: its place goes to the next in line
            freed = existing.status == RegistrationStatus.CONFIRMED
            existing.status = RegistrationStatus.CANCELLED
            existing.cancelled_at = timezone.now()
            existing.save(update_fields=["status", "cancelled_at"])
            if freed:
                promote_waiting(registration_type=existing.type)
        registration = _create(
            event=event,
            registration_type=locked_type,
            user=user,
            delegation=locked,
            is_substitute=substitute,
        )
        record_audit(
            actor=actor,
            action="forum.delegation.named",
            target=registration,
            delegation=locked.pk,
            substitute=substitute,
            moved_from=existing.pk if existing is not None else None,
        )
        institution = delegation.institution

        def title() -> str:
            if substitute:
                return _(
                    "%(institution)s names you a substitute to “%(event)s” (code %(code)s)"
                ) % {
                    "institution": institution.name[:120],
                    "event": event.name[:150],
                    "code": registration.code,
                }
            return _("%(institution)s names you a delegate to “%(event)s” (code %(code)s)") % {
                "institution": institution.name[:120],
                "event": event.name[:150],
                "code": registration.code,
            }

        notify(
            kind="forum.delegate",
            title=title,
            url=_my_url(event),
            recipients=[user],
            target=registration,
            actor=actor,
        )
    return registration


def swap_substitute(
    *, actor: Any, delegation: Delegation, substitute: Registration, delegate: Registration
) -> tuple[Registration, Registration]:
    """The substitute becomes a delegate and the delegate a substitute: quotas unchanged."""
    if not permissions.can_lead_delegation(actor, delegation):
        raise ServiceError.forbidden()
    _refuse_after_end(delegation.event)
    with transaction.atomic():
        Delegation.objects.select_for_update().get(pk=delegation.pk)
        pair = {
            r.pk: r
            for r in Registration.objects.select_for_update().filter(
                pk__in=[substitute.pk, delegate.pk], delegation=delegation, status__in=LIVE
            )
        }
        sub, dele = pair.get(substitute.pk), pair.get(delegate.pk)
        if sub is None or not sub.is_substitute:
            raise ServiceError(_("Choose a substitute of this delegation."), field="substitute")
        if dele is None or dele.is_substitute:
            raise ServiceError(_("Choose a delegate of this delegation."), field="delegate")
        sub.is_substitute, dele.is_substitute = False, True
        sub.save(update_fields=["is_substitute"])
        dele.save(update_fields=["is_substitute"])
        record_audit(
            actor=actor,
            action="forum.delegation.swapped",
            target=delegation,
            delegate=sub.pk,
            substitute=dele.pk,
        )
        event = delegation.event
        for person, now_substitute in ((sub.user, False), (dele.user, True)):

            def title(now_substitute: bool = now_substitute) -> str:
                if now_substitute:
                    return _("You are now a substitute in your delegation to “%(event)s”") % {
                        "event": event.name[:150]
                    }
                return _("You are now a delegate in your delegation to “%(event)s”") % {
                    "event": event.name[:150]
                }

            notify(
                kind="forum.delegate",
                title=title,
                url=_my_url(event),
                recipients=[person],
                target=delegation,
                actor=actor,
            )
    return sub, dele
