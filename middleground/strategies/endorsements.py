"""Endorsement of a strategy by the member institutions: calls, positions and their breadth.

Services (writes: keyword-only, atomic, actor-checked, audited):

- :func:`open_call` — the lead (or the secretariat) publishes the latest version and puts it
  to every member institution with a deadline, optionally under the silence procedure;
- :func:`endorse` — a representative answers for their *own* institution (never one taken
  from the input); a change adds a row and keeps the previous one (``current=False``);
- :func:`close_call` — the secretariat closes early, or ``periodic.run`` after the deadline.

Positions and reservations: a reservation's text goes with ``endorse_with_reservation``
only. It is required there, and *refused* (not silently dropped) with any other position,
so that nothing a representative typed is lost without their knowing; the paragraph numbers
a reservation concerns must exist in the version put to endorsement.

Outcome: under the silence procedure the text is adopted unless an institution dissociated
by the deadline; otherwise it is adopted when the strategy's breadth rule is met
(``analysis.breadth``).

Selectors (reads): :func:`get_strategy`, :func:`current_call`, :func:`current_positions`,
:func:`history`, :func:`breadth_for`, :func:`not_answered`, :func:`box`.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from middleground.accounts.services import record_audit
from middleground.analysis.breadth import BreadthResult, BreadthRule, Endorser, evaluate
from middleground.core.errors import ServiceError, check_length
from middleground.network.models import Institution
from middleground.notifications import services as notifications

from . import permissions, publication, versioning
from .models import (
    RESERVATION_MAX,
    AmendmentState,
    Endorsement,
    EndorsementCall,
    Position,
    Strategy,
    StrategyStatus,
    Version,
)
from .selectors import get_strategy  # noqa: F401 - the one lookup, used as endorsing.get_strategy

KIND = "strategies.endorse"
#: how dates read in messages and on the pages (no trailing full stop, unlike "a.m.")
DATE_FORMAT = "j E Y, H:i"
KIND_CLOSED = "strategies.endorsement_closed"

#: a symbol per position, shown beside its name (never alone)
SYMBOLS = {
    Position.ENDORSE: "✔",
    Position.ENDORSE_WITH_RESERVATION: "✔*",
    Position.TAKE_NOTE: "○",
    Position.DISSOCIATE: "✖",
}


# -- selectors ---------------------------------------------------------------------------


def current_call(strategy: Strategy) -> EndorsementCall | None:
    """The strategy's latest endorsement call (open or closed), or None."""
    return (
        strategy.endorsement_calls.select_related("version").order_by("-opened_at", "-pk").first()
    )


def accepting(call: EndorsementCall | None, now: dt.datetime | None = None) -> bool:
    """Open and before its deadline: positions may be given or changed."""
    return call is not None and call.is_open and (now or timezone.now()) < call.deadline


def current_positions(call: EndorsementCall) -> QuerySet[Endorsement]:
    """Each institution's current position, with its country (and blocs) loaded."""
    return (
        call.endorsements.filter(current=True)
        .select_related("institution__country", "by")
        .prefetch_related("institution__country__blocs")
        .order_by("institution__name")
    )


def history(call: EndorsementCall, institution: Any = None) -> QuerySet[Endorsement]:
    """Every position given on the call, superseded ones included, oldest first."""
    rows = call.endorsements.select_related("institution", "by").order_by("at", "pk")
    if institution is not None:
        rows = rows.filter(institution=institution)
    return rows


def not_answered(call: EndorsementCall) -> QuerySet[Institution]:
    """Member institutions with no position on the call (for the lead and the secretariat)."""
    answered = call.endorsements.filter(current=True).values("institution_id")
    return (
        Institution.objects.filter(is_member=True)
        .exclude(pk__in=answered)
        .select_related("country", "focal_point", "deputy")
        .order_by("name")
    )


def rule_of(strategy: Strategy) -> BreadthRule:
    return BreadthRule(
        kind=strategy.breadth_kind,  # type: ignore[arg-type]
        min_per_group=strategy.breadth_min_per_group,
        min_groups=strategy.breadth_min_groups,
    )


def endorser_of(row: Endorsement) -> Endorser:
    country = row.institution.country
    return Endorser(
        institution=row.institution.name,
        country=country.code if country else "",
        regional_group=(country.regional_group if country else "") or "",
        blocs=tuple(b.code for b in country.blocs.all()) if country else (),
        position=row.position,
    )


def breadth_for(
    strategy: Strategy,
    call: EndorsementCall | None = None,
    *,
    kind: str | None = None,
) -> BreadthResult:
    """The breadth of the current positions on the strategy's call (``kind`` overrides the
    rule's grouping, to show the other table with the same thresholds)."""
    call = call or current_call(strategy)
    rule = rule_of(strategy)
    if kind is not None:
        rule = BreadthRule(kind, rule.min_per_group, rule.min_groups)  # type: ignore[arg-type]
    rows = list(current_positions(call)) if call is not None else []
    return evaluate([endorser_of(r) for r in rows], rule)


def my_position(call: EndorsementCall | None, user: Any) -> Endorsement | None:
    institution_id = getattr(user, "institution_id", None)
    if call is None or institution_id is None:
        return None
    return call.endorsements.filter(current=True, institution_id=institution_id).first()


def may_endorse(user: Any, call: EndorsementCall | None) -> bool:
    institution = getattr(user, "institution", None) if user.is_authenticated else None
    return accepting(call) and permissions.can_endorse(user, institution)


def box(strategy: Strategy, user: Any) -> dict[str, Any] | None:
    """What the strategy page shows of the endorsement: None when there is none."""
    call = current_call(strategy)
    if call is None:
        return None
    result = breadth_for(strategy, call)
    return {
        "call": call,
        "status": strategy.get_status_display(),
        "is_open": call.is_open,
        "accepting": accepting(call),
        "deadline": call.deadline,
        "silence_procedure": call.silence_procedure,
        "adopted": call.adopted,
        "counts": [
            {"position": p, "label": p.label, "symbol": SYMBOLS[p], "n": result.by_position[p]}
            for p in Position
        ],
        "breadth": result,
        "met": result.met,
        "can_endorse": may_endorse(user, call),
        "my_position": my_position(call, user),
        "url": reverse("strategies:endorsements", args=[strategy.slug]),
        "endorse_url": reverse("strategies:endorse", args=[strategy.slug]),
    }


# -- services ----------------------------------------------------------------------------


def _endorsements_url(strategy: Strategy) -> str:
    return reverse("strategies:endorsements", args=[strategy.slug])


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), DATE_FORMAT)


def open_call(
    *,
    actor: Any,
    strategy: Strategy,
    deadline: Any,
    silence_procedure: bool = False,
    version: Version | None = None,
) -> EndorsementCall:
    """Publish the latest version (or ``version``) and put it to every member institution."""
    if not permissions.can_lead(actor, strategy):
        raise ServiceError.forbidden()
    if strategy.translation_of_id is not None:
        raise ServiceError(
            _("Institutions endorse the authentic text, not a translation."), field="status"
        )
    if not isinstance(deadline, dt.datetime):
        raise ServiceError(_("Give the deadline as a date and time."), field="deadline")
    if timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    if deadline <= timezone.now():
        raise ServiceError(
            _("The deadline must be in the future (it was %(date)s).") % {"date": _when(deadline)},
            field="deadline",
        )
    with transaction.atomic():
        locked = Strategy.objects.select_for_update().get(pk=strategy.pk)
        if locked.status != StrategyStatus.DRAFTING:
            raise ServiceError(
                _("Only a strategy in drafting can be put to endorsement; this one is: %(s)s.")
                % {"s": locked.get_status_display()},
                field="status",
            )
        still_open = strategy.amendments.filter(
            state__in=[AmendmentState.DRAFT, AmendmentState.EVALUATING]
        ).count()
        if still_open:
            raise ServiceError(
                ngettext(
                    "Decide the %(n)d open amendment before putting the text to endorsement.",
                    "Decide the %(n)d open amendments before putting the text to endorsement.",
                    still_open,
                )
                % {"n": still_open},
                field="amendments",
            )
        if version is None:
            version = strategy.latest_version()
        if version is None or version.strategy_id != strategy.pk:
            raise ServiceError(
                _("This strategy has no version to put to endorsement."), field="version"
            )
        versioning.publish(version)
        call = EndorsementCall.objects.create(
            strategy=strategy,
            version=version,
            deadline=deadline,
            silence_procedure=bool(silence_procedure),
            opened_by=actor,
        )
        strategy.status = StrategyStatus.ENDORSEMENT
        strategy.save(update_fields=["status", "updated_at"])
        record_audit(
            actor=actor,
            action="strategies.endorsement.open",
            target=call,
            strategy=strategy.pk,
            version=version.number,
            deadline=deadline.isoformat(),
            silence_procedure=call.silence_procedure,
        )
        url = _endorsements_url(strategy)
        title = strategy.title
        for institution in Institution.objects.filter(is_member=True).select_related(
            "focal_point", "deputy"
        ):
            name = institution.name
            notifications.notify(
                kind=KIND,
                title=_request_title(name, title),
                body=lambda: (
                    _(
                        "Endorse, endorse with a reservation, take note or dissociate, by "
                        "%(date)s. You can change your answer until then."
                    )
                    % {"date": _when(deadline)}
                    + (
                        "\n"
                        + _(
                            "Silence procedure: the text is adopted unless an institution "
                            "dissociates by the deadline."
                        )
                        if call.silence_procedure
                        else ""
                    )
                ),
                url=url,
                institution=institution,
                recipients=[institution.deputy] if institution.deputy_id else [],
                action_required=True,
                due_at=deadline,
                target=call,
                actor=actor,
            )
    return call


def _request_title(institution: str, title: str) -> Callable[[], str]:
    """The request's title, made in each recipient's language when ``notify`` calls it."""
    return lambda: (
        _("Answer for %(institution)s: endorse “%(title)s”?")
        % {"institution": institution, "title": title}
    )


def _paragraph_numbers(version: Version, given: Iterable[Any]) -> list[int]:
    known = {p["number"] for p in versioning.paragraphs_of(version.content)}
    numbers: set[int] = set()
    for value in given:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ServiceError(
                _("“%(value)s” is not a paragraph number.") % {"value": value},
                field="reservation_paragraphs",
            ) from None
        if number not in known:
            raise ServiceError(
                _("There is no paragraph %(n)d in version %(v)d (it has paragraphs 1–%(max)d).")
                % {"n": number, "v": version.number, "max": max(known, default=0)},
                field="reservation_paragraphs",
            )
        numbers.add(number)
    return sorted(numbers)


def endorse(
    *,
    actor: Any,
    strategy: Strategy,
    position: str,
    reservation: str = "",
    reservation_paragraphs: Iterable[Any] = (),
) -> Endorsement:
    """The actor's institution's position on the open call (see the module's notes)."""
    institution = getattr(actor, "institution", None) if actor.is_authenticated else None
    if not permissions.can_endorse(actor, institution):
        raise ServiceError.forbidden()
    assert institution is not None  # can_endorse checked it
    if position not in Position.values:
        raise ServiceError(
            _("Choose one of the positions: %(list)s.")
            % {"list": ", ".join(str(p.label) for p in Position)},
            field="position",
        )
    reservation = check_length((reservation or "").strip(), RESERVATION_MAX, field="reservation")
    paragraphs_given = list(reservation_paragraphs or ())
    if position == Position.ENDORSE_WITH_RESERVATION:
        if not reservation:
            raise ServiceError(
                _("Write the reservation: what your institution does not endorse, and why."),
                field="reservation",
            )
    elif reservation or paragraphs_given:
        raise ServiceError(
            _(
                "A reservation goes with “Endorse with a reservation”: choose that position, "
                "or clear the reservation."
            ),
            field="reservation",
        )
    with transaction.atomic():
        call = (
            EndorsementCall.objects.select_for_update()
            .select_related("version")
            .filter(strategy=strategy)
            .order_by("-opened_at", "-pk")
            .first()
        )
        if call is None or not call.is_open:
            raise ServiceError(_("This strategy is not open for endorsement."), field="position")
        if timezone.now() >= call.deadline:
            raise ServiceError(
                _("The deadline for endorsement passed on %(date)s.")
                % {"date": _when(call.deadline)},
                field="position",
            )
        paragraphs = _paragraph_numbers(call.version, paragraphs_given)
        previous = (
            Endorsement.objects.select_for_update()
            .filter(call=call, institution=institution, current=True)
            .first()
        )
        if (
            previous is not None
            and previous.position == position
            and previous.reservation == reservation
            and list(previous.reservation_paragraphs) == paragraphs
        ):
            row = previous
        else:
            if previous is not None:
                previous.current = False
                previous.save(update_fields=["current"])
            row = Endorsement.objects.create(
                call=call,
                institution=institution,
                position=position,
                reservation=reservation,
                reservation_paragraphs=paragraphs,
                by=actor,
            )
            record_audit(
                actor=actor,
                action="strategies.endorsement.position",
                target=row,
                call=call.pk,
                institution=institution.pk,
                position=position,
                previous=previous.position if previous is not None else "",
            )
        # the institution's request is answered, for everyone who received it
        people = {actor.pk: actor}
        for person in (institution.focal_point, institution.deputy):
            if person is not None:
                people[person.pk] = person
        for person in notifications.institution_recipients(institution):
            people[person.pk] = person
        for person in people.values():
            notifications.done_for_target(user=person, target=call, kind=KIND)
    return row


def outcome(call: EndorsementCall) -> bool:
    """Adopted? Silence procedure: no dissociation; otherwise: the breadth rule is met."""
    if call.silence_procedure:
        return not call.endorsements.filter(current=True, position=Position.DISSOCIATE).exists()
    return breadth_for(call.strategy, call).met


def close_call(*, actor: Any, call: EndorsementCall) -> EndorsementCall:
    """Close the call: the secretariat at any time, or ``actor=None`` (periodic) once the
    deadline has passed. Sets the outcome and the strategy's status."""
    now = timezone.now()
    if actor is None:
        if now < call.deadline:
            raise ServiceError(_("The deadline has not passed yet."), field="deadline")
    elif not permissions.can_close_call(actor):
        raise ServiceError.forbidden()
    with transaction.atomic():
        call = (
            EndorsementCall.objects.select_for_update().select_related("strategy").get(pk=call.pk)
        )
        if not call.is_open:
            raise ServiceError(_("This call is already closed."))
        strategy = call.strategy
        adopted = outcome(call)
        call.closed_at = now
        call.adopted = adopted
        call.save(update_fields=["closed_at", "adopted"])
        strategy.status = StrategyStatus.ADOPTED if adopted else StrategyStatus.NOT_ADOPTED
        strategy.save(update_fields=["status", "updated_at"])
        # published translations follow the authentic text's outcome
        strategy.translations.exclude(status=StrategyStatus.DRAFTING).update(status=strategy.status)
        record_audit(
            actor=actor,
            action="strategies.endorsement.close",
            target=call,
            strategy=strategy.pk,
            adopted=adopted,
            early=now < call.deadline,
        )
        # requests nobody answered are moot now
        for person in {n.recipient for n in _open_requests(call)}:
            notifications.done_for_target(user=person, target=call, kind=KIND)
        if adopted:
            transaction.on_commit(lambda: publication.on_adopted(strategy))
        _notify_closed(call, strategy, actor)
    return call


def _open_requests(call: EndorsementCall) -> list[Any]:
    from middleground.notifications.models import Notification

    return list(
        Notification.objects.filter(
            kind=KIND,
            target_type=call._meta.label_lower,
            target_id=str(call.pk),
            done_at__isnull=True,
        ).select_related("recipient")
    )


def _notify_closed(call: EndorsementCall, strategy: Strategy, actor: Any) -> None:
    institutions: dict[int, Institution] = {i.pk: i for i in strategy.task_force.members.all()}
    for row in call.endorsements.filter(current=True).select_related("institution"):
        institutions[row.institution_id] = row.institution
    title = strategy.title
    adopted = bool(call.adopted)
    url = _endorsements_url(strategy)

    def text() -> str:
        if adopted:
            return _("“%(title)s” is adopted.") % {"title": title}
        return _("“%(title)s” is not adopted.") % {"title": title}

    notifications.notify(
        kind=KIND_CLOSED,
        title=text,
        url=url,
        recipients=[strategy.lead],
        target=call,
        actor=actor,
    )
    for institution in institutions.values():
        notifications.notify(
            kind=KIND_CLOSED,
            title=text,
            url=url,
            institution=institution,
            target=call,
            actor=actor,
        )


def close_expired(now: dt.datetime | None = None) -> int:
    """Close every open call whose deadline has passed (``periodic.run``); the count."""
    now = now or timezone.now()
    closed = 0
    for call in EndorsementCall.objects.filter(closed_at__isnull=True, deadline__lte=now):
        try:
            close_call(actor=None, call=call)
        except ServiceError:
            continue  # closed meanwhile by another run
        closed += 1
    return closed
