"""Writes of accountability: commitments, cycles, scores, replies, self-reports.

Keyword-only, atomic, actor-checked, audited. Bad input raises ``ServiceError`` naming the
field before anything is written, so a refused call leaves nothing behind.

Decisions (see also ``models`` and ``permissions``):

* one cycle in progress (draft or review) per strategy at a time; a *final* cycle is opened
  only after an interim cycle of the strategy has been finalised (the G20 method's interim
  and final compliance reports);
* a cell's draft score is its single assessment's score, or the two assessors' score when
  they agree; when they differ the cell waits for the secretariat's reconciliation (score and
  note) and blocks ``send_for_review``. A change of an assessment reopens the cell;
* a member replies once per cell and may change the reply until the deadline;
* ``finalise`` keeps the draft score, the reply and the final score side by side; a final
  cycle is never edited: ``correct`` makes a visible revision cycle that copies the cells.
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.models import Role, User
from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError, check_length
from middleground.network.models import Country, FocusArea, Institution
from middleground.notifications.services import notify
from middleground.strategies import versioning
from middleground.strategies.models import (
    ENDORSING,
    Endorsement,
    ParagraphKind,
    Strategy,
    StrategyStatus,
)

from .models import (
    CODE_MAX,
    GUIDE_MAX,
    JUSTIFICATION_MAX,
    MAX_SOURCES,
    NOTE_MAX,
    PARTNER_MAX,
    SCORES,
    TEXT_MAX,
    Assessment,
    Assignment,
    CellResult,
    CellStatus,
    Commitment,
    CommitmentMember,
    CommitmentStatus,
    Cycle,
    CycleKind,
    CycleStatus,
    MemberKind,
    Reply,
    ReplyStatus,
    RollUp,
    SelfReport,
    TrafficLight,
)
from .permissions import can_manage, is_assessor, speaks_for

MAX_MEMBERS = 300
MAX_SDG_TARGETS = 30
#: the reminder of a reply deadline goes out this long before it
REMIND_BEFORE = dt.timedelta(days=2)


def _require_manager(actor: Any) -> None:
    if not can_manage(actor):
        raise ServiceError.forbidden()


def _required(text: Any, limit: int, *, field: str) -> str:
    value = check_length(str(text or "").strip(), limit, field=field)
    if not value:
        raise ServiceError(_("This field is required."), field=field)
    return value


def check_score(value: Any, *, field: str = "score") -> int:
    """-1, 0 or +1; anything else (2, "1", 0.5, None, True) is refused."""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCORES:
        raise ServiceError(
            _("A score is -1 (no compliance), 0 (partial) or 1 (full compliance)."), field=field
        )
    return value


def check_sources(actor: Any, value: Any, *, field: str = "sources") -> list[int | str]:
    """Library document ids the actor may read and/or http(s) URLs, without repeats."""
    from middleground.library.permissions import visible_documents

    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ServiceError(_("Give a list of library document ids and links."), field=field)
    items = list(value)
    if len(items) > MAX_SOURCES:
        raise ServiceError(_("Give at most %(n)s sources.") % {"n": MAX_SOURCES}, field=field)
    out: list[int | str] = []
    ids: list[int] = []
    check_url = URLValidator(schemes=["http", "https"])
    for item in items:
        if isinstance(item, bool):
            raise ServiceError(_("Not a document id or a link: %(v)s") % {"v": item}, field=field)
        if isinstance(item, int):
            ids.append(item)
            entry: int | str = item
        elif isinstance(item, str):
            entry = item.strip()
            if len(entry) > 2_000:
                raise ServiceError(_("This link is too long."), field=field)
            try:
                check_url(entry)
            except ValidationError:
                raise ServiceError(
                    _("Not a document id or an http(s) link: %(v)s") % {"v": entry[:100]},
                    field=field,
                ) from None
        else:
            raise ServiceError(
                _("Not a document id or a link: %(v)s") % {"v": str(item)[:100]}, field=field
            )
        if entry not in out:
            out.append(entry)
    if ids:
        found = set(visible_documents(actor).filter(pk__in=ids).values_list("pk", flat=True))
        missing = sorted(set(ids) - found)
        if missing:
            raise ServiceError(
                _("No such library document: %(ids)s") % {"ids": ", ".join(map(str, missing))},
                field=field,
            )
    return out


# --------------------------------------------------------------------------- commitments


def _member_spec(spec: Any) -> dict[str, Any]:
    """A member as ``{"institution": Institution}``, ``{"country": Country}`` or
    ``{"partner": name}`` from an Institution, a Country, or a dict ``{"kind", "id"|"name"}``."""
    if isinstance(spec, Institution):
        return {"institution": spec}
    if isinstance(spec, Country):
        return {"country": spec}
    if not isinstance(spec, Mapping):
        raise ServiceError(_("Unknown member: %(v)s") % {"v": str(spec)[:100]}, field="members")
    kind = spec.get("kind")
    if kind == MemberKind.INSTITUTION:
        try:
            institution_id = int(spec.get("id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ServiceError(_("No such institution."), field="members") from None
        institution = Institution.objects.filter(pk=institution_id).first()
        if institution is None:
            raise ServiceError(_("No such institution."), field="members")
        return {"institution": institution}
    if kind == MemberKind.COUNTRY:
        country = Country.objects.filter(code=str(spec.get("id") or "").upper()).first()
        if country is None:
            raise ServiceError(_("No such country."), field="members")
        return {"country": country}
    if kind == MemberKind.PARTNER:
        name = _required(spec.get("name") or spec.get("id"), PARTNER_MAX, field="members")
        return {"partner": name}
    raise ServiceError(
        _("A member is an institution, a country or a partner organisation."), field="members"
    )


def _add_members(commitment: Commitment, members: Iterable[Any]) -> list[CommitmentMember]:
    specs = [_member_spec(m) for m in members]
    if not specs:
        raise ServiceError(_("Name at least one member the commitment binds."), field="members")
    if len(specs) > MAX_MEMBERS:
        raise ServiceError(_("Too many members."), field="members")
    made, seen = [], set()
    for spec in specs:
        member = CommitmentMember(commitment=commitment, **spec)
        if member.member_key() in seen:
            continue
        seen.add(member.member_key())
        member.save()
        made.append(member)
    return made


def _sdg_targets(value: Any) -> list[str]:
    targets = [str(t).strip() for t in (value or []) if str(t).strip()]
    if len(targets) > MAX_SDG_TARGETS:
        raise ServiceError(_("Too many SDG targets."), field="sdg_targets")
    for t in targets:
        if not re.fullmatch(r"(1[0-7]|[1-9])\.([0-9]{1,2}|[a-z])", t):
            raise ServiceError(
                _("An SDG target looks like 6.5 or 17.a: %(v)s") % {"v": t[:20]},
                field="sdg_targets",
            )
    return list(dict.fromkeys(targets))


def _check_strategy_open(strategy: Strategy) -> None:
    if strategy.status in (StrategyStatus.DRAFTING, StrategyStatus.NOT_ADOPTED):
        raise ServiceError(
            _("Commitments come from a strategy put to endorsement or adopted."), field="strategy"
        )


@transaction.atomic
def create_commitment(
    *,
    actor: Any,
    strategy: Strategy,
    text: str,
    members: Iterable[Any],
    code: str = "",
    deadline: dt.date | None = None,
    indicators: str = "",
    guideline: str = "",
    focus_area: FocusArea | None = None,
    sdg_targets: Iterable[str] = (),
    parent: Commitment | None = None,
    weight: float = 1.0,
    paragraph_key: Any = None,
    recommendation_number: int | None = None,
) -> Commitment:
    """A commitment of ``strategy`` binding ``members`` (secretariat)."""
    _require_manager(actor)
    _check_strategy_open(strategy)
    text = _required(text, TEXT_MAX, field="text")
    code = check_length(str(code or "").strip(), CODE_MAX, field="code")
    if not code:
        code = f"C{strategy.commitments.count() + 1}"
    if strategy.commitments.filter(code=code).exists():
        raise ServiceError(
            _("This strategy already has a commitment %(c)s.") % {"c": code}, field="code"
        )
    if parent is not None and parent.strategy_id != strategy.pk:
        raise ServiceError(_("The parent belongs to another strategy."), field="parent")
    try:
        weight = float(weight)
    except (TypeError, ValueError):
        raise ServiceError(_("The weight is a number above 0."), field="weight") from None
    if not 0 < weight <= 1_000:
        raise ServiceError(_("The weight is a number above 0."), field="weight")
    commitment = Commitment(
        strategy=strategy,
        text=text,
        code=code,
        deadline=deadline,
        indicators=check_length(indicators.strip(), GUIDE_MAX, field="indicators"),
        guideline=check_length(guideline.strip(), GUIDE_MAX, field="guideline"),
        focus_area=focus_area or strategy.focus_area,
        sdg_targets=_sdg_targets(sdg_targets),
        parent=parent,
        weight=weight,
        paragraph_key=paragraph_key,
        recommendation_number=recommendation_number,
        position=strategy.commitments.count() + 1,
        created_by=actor,
    )
    commitment.save()
    _add_members(commitment, members)
    record_audit(
        actor=actor, action="accountability.commitment.create", target=commitment, code=code
    )
    return commitment


@transaction.atomic
def add_members(
    *, actor: Any, commitment: Commitment, members: Iterable[Any]
) -> list[CommitmentMember]:
    """Bind more members to ``commitment`` (secretariat), between cycles: a cycle opens a
    cell per member, so no cycle of the strategy may be in progress. Members it already
    binds are skipped; returns the new ones."""
    _require_manager(actor)
    _check_strategy_open(commitment.strategy)
    Strategy.objects.select_for_update().filter(pk=commitment.strategy_id).first()
    if (
        Cycle.objects.filter(strategy_id=commitment.strategy_id)
        .exclude(status=CycleStatus.FINAL)
        .exists()
    ):
        raise ServiceError(
            _("A cycle of this strategy is in progress: add members after it is final."),
            field="members",
        )
    known = {m.member_key() for m in commitment.members.all()}
    fresh = [
        m
        for m in members
        if CommitmentMember(commitment=commitment, **_member_spec(m)).member_key() not in known
    ]
    if not fresh:
        return []
    made = _add_members(commitment, fresh)
    record_audit(
        actor=actor,
        action="accountability.commitment.members.add",
        target=commitment,
        added=[m.member_key() for m in made],
    )
    return made


def deadline_from_timeline(timeline: str) -> dt.date | None:
    """The last day of the latest year a timeline names ("by 2028", "2027-2029").

    >>> deadline_from_timeline("2027-2029"), deadline_from_timeline("soon")
    (datetime.date(2029, 12, 31), None)
    """
    years = [int(y) for y in re.findall(r"\b(20\d\d)\b", timeline or "")]
    return dt.date(max(years), 12, 31) if years else None


def adopted_version(strategy: Strategy):
    """The version adopted by an endorsement call, else the latest published one."""
    call = strategy.endorsement_calls.filter(adopted=True).order_by("-closed_at", "-pk").first()
    return call.version if call is not None else strategy.latest_published()


def default_members(strategy: Strategy) -> list[Institution]:
    """The institutions that endorsed the adopted (or open) version; with none yet, the
    strategy's task force."""
    endorsing = Endorsement.objects.filter(
        call__strategy=strategy, current=True, position__in=ENDORSING
    ).values("institution_id")
    institutions = list(Institution.objects.filter(pk__in=endorsing).order_by("name"))
    return institutions or list(strategy.task_force.members.order_by("name"))


@transaction.atomic
def commitments_from_strategy(
    *, actor: Any, strategy: Strategy, members: Iterable[Any] | None = None
) -> list[Commitment]:
    """One commitment per recommendation of the adopted (else latest published) version,
    coded ``R<n>``; recommendations already taken are skipped, so it can run again."""
    _require_manager(actor)
    _check_strategy_open(strategy)
    version = adopted_version(strategy)
    if version is None:
        raise ServiceError(_("This strategy has no published version yet."), field="strategy")
    chosen = list(members) if members is not None else default_members(strategy)
    taken = set(
        strategy.commitments.exclude(paragraph_key=None).values_list("paragraph_key", flat=True)
    )
    made = []
    number = 0
    for paragraph in versioning.paragraphs_of(version.content):
        if paragraph.get("kind") != ParagraphKind.RECOMMENDATION:
            continue
        number += 1
        key = paragraph["key"]
        if any(str(t) == key for t in taken):
            continue
        code = f"R{number}"
        if strategy.commitments.filter(code=code).exists():
            code = f"R{number}-v{version.number}"
        made.append(
            create_commitment(
                actor=actor,
                strategy=strategy,
                text=paragraph["text"][:TEXT_MAX],
                members=chosen,
                code=code,
                deadline=deadline_from_timeline(paragraph.get("timeline", "")),
                paragraph_key=key,
                recommendation_number=number,
            )
        )
    return made


@transaction.atomic
def set_commitment_status(*, actor: Any, commitment: Commitment, status: str) -> Commitment:
    _require_manager(actor)
    if status not in CommitmentStatus.values:
        raise ServiceError(_("Unknown status."), field="status")
    commitment.status = status
    commitment.save(update_fields=["status"])
    record_audit(
        actor=actor, action="accountability.commitment.status", target=commitment, status=status
    )
    return commitment


# --------------------------------------------------------------------------- cycles


@transaction.atomic
def open_cycle(
    *,
    actor: Any,
    strategy: Strategy,
    kind: str,
    roll_up: str = RollUp.MEAN,
    simulated: bool = False,
) -> Cycle:
    """A new draft cycle (secretariat): every member x commitment gets an unscored cell."""
    _require_manager(actor)
    if kind not in CycleKind.values:
        raise ServiceError(_("A cycle is interim or final."), field="kind")
    if roll_up not in RollUp.values:
        raise ServiceError(_("Unknown roll-up method."), field="roll_up")
    Strategy.objects.select_for_update().filter(pk=strategy.pk).first()
    if not strategy.commitments.exists():
        raise ServiceError(_("This strategy has no commitments yet."), field="strategy")
    cycles = Cycle.objects.filter(strategy=strategy)
    if cycles.exclude(status=CycleStatus.FINAL).exists():
        raise ServiceError(
            _("A cycle of this strategy is still in progress; finalise it first."), field="kind"
        )
    if (
        kind == CycleKind.FINAL
        and not cycles.filter(kind=CycleKind.INTERIM, status=CycleStatus.FINAL).exists()
    ):
        raise ServiceError(_("A final cycle comes after a finalised interim cycle."), field="kind")
    cycle = Cycle.objects.create(
        strategy=strategy, kind=kind, roll_up=roll_up, simulated=bool(simulated), opened_by=actor
    )
    members = CommitmentMember.objects.filter(commitment__strategy=strategy)
    CellResult.objects.bulk_create(
        [CellResult(cycle=cycle, commitment_id=m.commitment_id, member=m) for m in members]
    )
    record_audit(actor=actor, action="accountability.cycle.open", target=cycle, kind=kind)
    return cycle


def _lock(cycle: Cycle) -> Cycle:
    """The cycle re-read under a row lock, so that a concurrent step sees the new status."""
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


def _require_status(cycle: Cycle, status: str, *, field: str = "cycle") -> None:
    if cycle.status == status:
        return
    messages = {
        CycleStatus.DRAFT: _("This is possible only while the cycle is in draft."),
        CycleStatus.REVIEW: _("This is possible only while the cycle is in review."),
        CycleStatus.FINAL: _("This is possible only once the cycle is final."),
    }
    if cycle.status == CycleStatus.FINAL:
        message = _("This cycle is final and cannot change; correct it with a new revision.")
    else:
        message = messages[CycleStatus(status)]
    raise ServiceError(message, field=field)


@transaction.atomic
def assign(
    *, actor: Any, cycle: Cycle, commitment: Commitment, assessor: User, slot: int = 1
) -> Assignment:
    """``assessor`` scores ``commitment`` in ``cycle`` (slot 1 or 2: two independent
    assessors). A slot whose assessor has already scored cannot be handed to another."""
    _require_manager(actor)
    cycle = _lock(cycle)
    _require_status(cycle, CycleStatus.DRAFT)
    if commitment.strategy_id != cycle.strategy_id:
        raise ServiceError(_("This commitment belongs to another strategy."), field="commitment")
    if slot not in (1, 2):
        raise ServiceError(_("The slot is 1 or 2."), field="slot")
    if not (assessor.is_active and assessor.is_network_member):
        raise ServiceError(
            _("Assessors are the secretariat or experts of member institutions."), field="assessor"
        )
    existing = Assignment.objects.filter(cycle=cycle, commitment=commitment, slot=slot).first()
    other = Assignment.objects.filter(cycle=cycle, commitment=commitment).exclude(slot=slot)
    if other.filter(assessor=assessor).exists():
        raise ServiceError(
            _("The two assessors of a commitment must be two people."), field="assessor"
        )
    if existing is not None:
        if existing.assessor_id == assessor.pk:
            return existing
        if Assessment.objects.filter(
            cycle=cycle, commitment=commitment, assessor_id=existing.assessor_id
        ).exists():
            raise ServiceError(
                _("The assessor of this slot has already scored; it cannot change hands."),
                field="slot",
            )
        existing.assessor = assessor
        existing.save(update_fields=["assessor"])
        assignment = existing
    else:
        assignment = Assignment.objects.create(
            cycle=cycle, commitment=commitment, assessor=assessor, slot=slot
        )
    record_audit(
        actor=actor,
        action="accountability.assign",
        target=cycle,
        commitment=commitment.pk,
        assessor=assessor.pk,
        slot=slot,
    )
    return assignment


def _refresh_cell(cell: CellResult) -> None:
    """The draft score from the cell's assessments (a change reopens a reconciliation)."""
    scores = list(
        Assessment.objects.filter(
            cycle_id=cell.cycle_id, commitment_id=cell.commitment_id, member_id=cell.member_id
        ).values_list("score", flat=True)
    )
    if not scores:
        cell.status, cell.draft_score = CellStatus.UNSCORED, None
    elif len(set(scores)) == 1:
        cell.status, cell.draft_score = CellStatus.SCORED, scores[0]
    else:
        cell.status, cell.draft_score = CellStatus.DISAGREEMENT, None
    cell.reconciliation_note, cell.reconciled_by = "", None
    cell.save(update_fields=["status", "draft_score", "reconciliation_note", "reconciled_by"])


@transaction.atomic
def score(
    *,
    actor: Any,
    cycle: Cycle,
    commitment: Commitment,
    member: CommitmentMember,
    score: Any,
    justification: str,
    sources: Iterable[Any] = (),
) -> Assessment:
    """The actor's own score of ``member`` on ``commitment`` (an assigned assessor, while the
    cycle is in draft); scoring again replaces the actor's earlier score."""
    cycle = _lock(cycle)
    if not is_assessor(actor, cycle, commitment):
        raise ServiceError.forbidden()
    _require_status(cycle, CycleStatus.DRAFT)
    if member.commitment_id != commitment.pk:
        raise ServiceError(_("This member is not bound by this commitment."), field="member")
    value = check_score(score)
    justification = _required(justification, JUSTIFICATION_MAX, field="justification")
    checked = check_sources(actor, sources)
    if member.institution_id is not None and member.institution_id == actor.institution_id:
        raise ServiceError(_("No one scores their own institution."), field="member")
    assessment, created = Assessment.objects.update_or_create(
        cycle=cycle,
        commitment=commitment,
        member=member,
        assessor=actor,
        defaults={"score": value, "justification": justification, "sources": checked},
    )
    cell, _created = CellResult.objects.get_or_create(
        cycle=cycle, commitment=commitment, member=member
    )
    _refresh_cell(cell)
    record_audit(
        actor=actor,
        action="accountability.score" if created else "accountability.rescore",
        target=assessment,
        cycle=cycle.pk,
        member=member.member_key(),
    )
    return assessment


@transaction.atomic
def reconcile(*, actor: Any, cell: CellResult, score: Any, note: str) -> CellResult:
    """The agreed score of a cell whose two assessors differ, and why (secretariat)."""
    _require_manager(actor)
    cycle = _lock(cell.cycle)
    _require_status(cycle, CycleStatus.DRAFT)
    cell = CellResult.objects.select_for_update().get(pk=cell.pk)
    if cell.status not in (CellStatus.DISAGREEMENT, CellStatus.RECONCILED):
        raise ServiceError(_("Only a cell whose assessors disagree is reconciled."), field="cell")
    value = check_score(score)
    note = _required(note, NOTE_MAX, field="note")
    cell.draft_score, cell.reconciliation_note, cell.reconciled_by = value, note, actor
    cell.status = CellStatus.RECONCILED
    cell.save(update_fields=["draft_score", "reconciliation_note", "reconciled_by", "status"])
    record_audit(actor=actor, action="accountability.reconcile", target=cell, score=value)
    return cell


def _people_for(member: CommitmentMember) -> tuple[list[User], Institution | None]:
    """Who is told about a member's cells: (people, institution) for ``notify``."""
    if member.institution_id is not None:
        return [], member.institution
    if member.country_id is not None:
        reps = User.objects.filter(
            role=Role.REPRESENTATIVE,
            is_active=True,
            institution__is_member=True,
            institution__country_id=member.country_id,
        ).order_by("pk")
        return list(reps), None
    return list(User.objects.filter(role=Role.SECRETARIAT, is_active=True).order_by("pk")), None


def _as_deadline(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(23, 59), tzinfo=dt.UTC)
    raise ServiceError(_("Give the reply deadline."), field="reply_deadline")


def _review_title(member: str, strategy: str) -> str:
    # called by ``notify`` in each recipient's language
    return _("Draft compliance scores for %(member)s: %(strategy)s") % {
        "member": member,
        "strategy": strategy,
    }


def _review_body(n: int) -> str:
    return _(
        "%(n)s draft score(s) await your reply. Accept them, or reply with your "
        "evidence before the deadline."
    ) % {"n": n}


def _reminder_title(member: str) -> str:
    return _("Reminder: reply to the draft scores of %(m)s") % {"m": member}


def cell_label(cell: CellResult) -> str:
    return f"{cell.commitment.code} × {cell.member.name}"


@transaction.atomic
def send_for_review(*, actor: Any, cycle: Cycle, reply_deadline: Any) -> Cycle:
    """Draft -> review: each scored cell's draft score goes to the member concerned, who
    may reply until ``reply_deadline`` (secretariat)."""
    _require_manager(actor)
    cycle = _lock(cycle)
    _require_status(cycle, CycleStatus.DRAFT)
    deadline = _as_deadline(reply_deadline)
    if deadline <= timezone.now():
        raise ServiceError(_("The reply deadline must be in the future."), field="reply_deadline")
    cells = list(cycle.cells.select_related("commitment", "member__institution", "member__country"))
    disputed = [c for c in cells if c.status == CellStatus.DISAGREEMENT]
    if disputed:
        raise ServiceError(
            _("Reconcile the cells whose assessors disagree first: %(cells)s")
            % {"cells": "; ".join(cell_label(c) for c in disputed)},
            field="cells",
        )
    scored = [c for c in cells if c.draft_score is not None]
    if not scored:
        raise ServiceError(_("No cell of this cycle has been scored yet."), field="cells")
    for cell in scored:
        cell.reply_status = ReplyStatus.PENDING
    CellResult.objects.bulk_update(scored, ["reply_status"])
    cycle.status, cycle.reply_deadline, cycle.sent_at = CycleStatus.REVIEW, deadline, timezone.now()
    cycle.save(update_fields=["status", "reply_deadline", "sent_at"])
    by_member: dict[str, list[CellResult]] = {}  # one notice per member, all commitments
    for cell in scored:
        by_member.setdefault(cell.member.member_key(), []).append(cell)
    strategy = cycle.strategy
    for member_cells in by_member.values():
        member = member_cells[0].member
        people, institution = _people_for(member)
        n = len(member_cells)
        notify(
            kind="accountability.review",
            title=partial(_review_title, member.name, strategy.title),
            body=partial(_review_body, n),
            url=reverse("accountability:cycle", args=[cycle.pk]),
            recipients=people,
            institution=institution,
            target=cycle,
            action_required=True,
            due_at=deadline,
            actor=actor,
        )
    record_audit(
        actor=actor,
        action="accountability.cycle.review",
        target=cycle,
        cells=len(scored),
        reply_deadline=deadline.isoformat(),
    )
    return cycle


@transaction.atomic
def reply(
    *,
    actor: Any,
    cell: CellResult,
    accepts: bool,
    text: str = "",
    evidence: Iterable[Any] = (),
) -> Reply:
    """The member concerned accepts a draft score, or replies with a counter-argument and
    evidence, while the cycle is in review and before its deadline."""
    cycle = _lock(cell.cycle)
    cell = CellResult.objects.select_for_update().select_related("member").get(pk=cell.pk)
    if not speaks_for(actor, cell.member):
        raise ServiceError.forbidden()
    _require_status(cycle, CycleStatus.REVIEW)
    if cycle.reply_deadline is not None and timezone.now() > cycle.reply_deadline:
        raise ServiceError(_("The reply deadline has passed."), field="cycle")
    if cell.reply_status == ReplyStatus.NONE:
        raise ServiceError(_("This cell was not sent for reply."), field="cell")
    if not isinstance(accepts, bool):
        raise ServiceError(_("Say whether you accept the score."), field="accepts")
    text = check_length(str(text or "").strip(), JUSTIFICATION_MAX, field="text")
    if not accepts and not text:
        raise ServiceError(
            _("Say why you do not accept the score: your counter-argument is required."),
            field="text",
        )
    checked = check_sources(actor, evidence, field="evidence")
    institution = actor.institution if actor.institution_id else None
    answer, created = Reply.objects.update_or_create(
        cell=cell,
        defaults={
            "by": actor,
            "institution": institution,
            "accepts": accepts,
            "text": text,
            "evidence": checked,
            "at": timezone.now(),
        },
    )
    cell.reply_status = ReplyStatus.ACCEPTED if accepts else ReplyStatus.REPLIED
    cell.save(update_fields=["reply_status"])
    record_audit(
        actor=actor,
        action="accountability.reply" if created else "accountability.reply.change",
        target=cell,
        accepts=accepts,
    )
    return answer


def canonical_text(cycle: Cycle, cells: list[CellResult], finalised_at: dt.datetime) -> str:
    """What a final cycle's fingerprint covers: the cycle and every cell, with replies."""
    rows = []
    for cell in cells:
        answer = getattr(cell, "reply", None) if hasattr(cell, "reply") else None
        rows.append(
            {
                "commitment": cell.commitment.code,
                "member": cell.member.member_key(),
                "draft_score": cell.draft_score,
                "reconciliation_note": cell.reconciliation_note,
                "reply_status": cell.reply_status,
                "reply": None
                if answer is None
                else {"accepts": answer.accepts, "text": answer.text, "evidence": answer.evidence},
                "final_score": cell.final_score,
                "final_note": cell.final_note,
            }
        )
    rows.sort(key=lambda r: (r["commitment"], r["member"]))
    return versioning.canonical_json(
        {
            "format": 1,
            "cycle": {
                "id": cycle.pk,
                "strategy": cycle.strategy_id,
                "kind": cycle.kind,
                "roll_up": cycle.roll_up,
                "simulated": cycle.simulated,
                "revision": cycle.revision,
                "revision_of": cycle.revision_of_id,
                "note": cycle.note,
                "finalised_at": finalised_at.isoformat(),
            },
            "cells": rows,
        }
    )


def _overrides(cycle: Cycle, overrides: Mapping[Any, Any] | None) -> dict[int, tuple[int, str]]:
    out: dict[int, tuple[int, str]] = {}
    ids = set(cycle.cells.values_list("pk", flat=True))
    for key, value in (overrides or {}).items():
        try:
            cell_id = int(key)
        except (TypeError, ValueError):
            raise ServiceError(_("Unknown cell: %(c)s") % {"c": key}, field="overrides") from None
        if cell_id not in ids:
            raise ServiceError(_("Unknown cell: %(c)s") % {"c": key}, field="overrides")
        try:
            new_score, note = value
        except (TypeError, ValueError):
            raise ServiceError(_("Give a score and a note."), field="overrides") from None
        out[cell_id] = (
            check_score(new_score, field="overrides"),
            _required(note, NOTE_MAX, field="overrides"),
        )
    return out


def _freeze(cycle: Cycle) -> None:
    now = timezone.now().replace(microsecond=0)
    # the canonical text needs each cell's commitment code and member key: the commitments
    # and members are loaded once and shared, not copied into every cell
    commitments = Commitment.objects.filter(strategy_id=cycle.strategy_id).in_bulk()
    members = CommitmentMember.objects.filter(commitment__strategy_id=cycle.strategy_id).in_bulk()
    cells = list(cycle.cells.select_related("reply"))
    for cell in cells:
        cell.commitment = commitments[cell.commitment_id]
        cell.member = members[cell.member_id]
    cycle.canonical = canonical_text(cycle, cells, now)
    cycle.sha256 = versioning.fingerprint(cycle.canonical)
    cycle.finalised_at = now
    cycle.status = CycleStatus.FINAL
    cycle.save(update_fields=["canonical", "sha256", "finalised_at", "status"])


@transaction.atomic
def finalise(*, actor: Any, cycle: Cycle, overrides: Mapping[Any, Any] | None = None) -> Cycle:
    """Review -> final (secretariat). ``overrides`` ``{cell_id: (score, note)}`` recalibrate a
    score after a reply; other cells keep their draft score. Frozen afterwards."""
    _require_manager(actor)
    cycle = _lock(cycle)
    if cycle.status == CycleStatus.DRAFT:
        raise ServiceError(
            _("Send the draft scores to the members for reply before finalising."), field="cycle"
        )
    _require_status(cycle, CycleStatus.REVIEW)
    changes = _overrides(cycle, overrides)
    cells = list(cycle.cells.all())
    for cell in cells:
        if cell.pk in changes:
            cell.final_score, cell.final_note = changes[cell.pk]
        else:
            cell.final_score = cell.draft_score
        if cell.reply_status == ReplyStatus.PENDING:
            cell.reply_status = ReplyStatus.NO_REPLY
        cell.status = CellStatus.FINAL
    CellResult.objects.bulk_update(cells, ["final_score", "final_note", "reply_status", "status"])
    _freeze(cycle)
    record_audit(
        actor=actor,
        action="accountability.cycle.finalise",
        target=cycle,
        sha256=cycle.sha256,
        overrides=sorted(changes),
    )
    return cycle


@transaction.atomic
def correct(
    *,
    actor: Any,
    cycle: Cycle,
    changes: Mapping[Any, Any],
    note: str,
) -> Cycle:
    """A correction of a final cycle: a new final cycle (``revision_of`` it, the next
    revision number) with every cell copied and ``changes`` ``{cell_id: (score, note)}``
    (ids of the corrected cycle's cells) applied. The corrected cycle stays as it was."""
    _require_manager(actor)
    cycle = _lock(cycle)
    _require_status(cycle, CycleStatus.FINAL)
    if cycle.revisions.exists():
        raise ServiceError(
            _("This cycle has already been corrected; correct its latest revision."),
            field="cycle",
        )
    note = _required(note, NOTE_MAX, field="note")
    fixes = _overrides(cycle, changes)
    if not fixes:
        raise ServiceError(_("Name at least one cell to correct."), field="changes")
    revision = Cycle.objects.create(
        strategy_id=cycle.strategy_id,
        kind=cycle.kind,
        roll_up=cycle.roll_up,
        simulated=cycle.simulated,
        opened_by=actor,
        sent_at=cycle.sent_at,
        reply_deadline=cycle.reply_deadline,
        revision_of=cycle,
        revision=cycle.revision + 1,
        note=note,
    )
    for old in cycle.cells.select_related("reply").order_by("pk"):
        new = CellResult.objects.create(
            cycle=revision,
            commitment_id=old.commitment_id,
            member_id=old.member_id,
            draft_score=old.draft_score,
            reconciliation_note=old.reconciliation_note,
            reconciled_by_id=old.reconciled_by_id,
            reply_status=old.reply_status,
            final_score=fixes[old.pk][0] if old.pk in fixes else old.final_score,
            final_note=fixes[old.pk][1] if old.pk in fixes else old.final_note,
            status=CellStatus.FINAL,
        )
        answer = getattr(old, "reply", None) if hasattr(old, "reply") else None
        if answer is not None:
            Reply.objects.create(
                cell=new,
                by_id=answer.by_id,
                institution_id=answer.institution_id,
                accepts=answer.accepts,
                text=answer.text,
                evidence=answer.evidence,
                at=answer.at,
            )
    _freeze(revision)
    record_audit(
        actor=actor,
        action="accountability.cycle.correct",
        target=revision,
        corrects=cycle.pk,
        cells=sorted(fixes),
        sha256=revision.sha256,
    )
    return revision


# --------------------------------------------------------------------------- self-reports


@transaction.atomic
def self_report(
    *,
    actor: Any,
    commitment: Commitment,
    member: CommitmentMember,
    status: str,
    text: str = "",
    evidence: Iterable[Any] = (),
) -> SelfReport:
    """The member concerned reports on its own progress (a traffic light); a delay or an
    off-track report says why."""
    if member.commitment_id != commitment.pk:
        raise ServiceError(_("This member is not bound by this commitment."), field="member")
    if not speaks_for(actor, member):
        raise ServiceError.forbidden()
    if status not in TrafficLight.values:
        raise ServiceError(_("Unknown status."), field="status")
    text = check_length(str(text or "").strip(), JUSTIFICATION_MAX, field="text")
    if status in (TrafficLight.SOME_DELAY, TrafficLight.OFF_TRACK) and not text:
        raise ServiceError(_("Say what is delayed and why."), field="text")
    checked = check_sources(actor, evidence, field="evidence")
    latest = (
        Cycle.objects.filter(strategy_id=commitment.strategy_id)
        .order_by("-opened_at", "-pk")
        .first()
    )
    report = SelfReport.objects.create(
        commitment=commitment,
        member=member,
        status=status,
        text=text,
        evidence=checked,
        by=actor,
        institution=actor.institution if actor.institution_id else None,
        after_cycle=latest,
    )
    if member.silent_since is not None:
        member.silent_since = None
        member.save(update_fields=["silent_since"])
    record_audit(actor=actor, action="accountability.self_report", target=report, status=status)
    return report


# --------------------------------------------------------------------------- periodic work


def silent_members(cycle: Cycle) -> list[CommitmentMember]:
    """Members of the cycle's commitments that neither self-reported nor replied between the
    cycle's opening and its end (its finalisation, or now)."""
    # finalised_at is kept to the second (as in the canonical text): count that whole second
    end = cycle.finalised_at + dt.timedelta(seconds=1) if cycle.finalised_at else timezone.now()
    root = cycle
    while root.revision_of is not None:  # a revision spans its original's time
        root = root.revision_of
    start = root.opened_at
    reported = SelfReport.objects.filter(at__gte=start, at__lte=end).values("member_id")
    replied = Reply.objects.filter(cell__cycle__in=[cycle.pk, root.pk]).values("cell__member_id")
    return list(
        CommitmentMember.objects.filter(commitment__strategy_id=cycle.strategy_id)
        .exclude(pk__in=reported)
        .exclude(pk__in=replied)
        .select_related("institution", "country", "commitment")
        .order_by("commitment__position", "pk")
    )


@transaction.atomic
def mark_silent_members(*, cycle: Cycle) -> int:
    """After a final cycle: mark its silent members (``silent_since``) once; the members
    who spoke lose the mark. Returns how many are marked."""
    cycle = _lock(cycle)
    if cycle.status != CycleStatus.FINAL or cycle.silence_checked_at is not None:
        return 0
    silent = silent_members(cycle)
    ids = [m.pk for m in silent]
    members = CommitmentMember.objects.filter(commitment__strategy_id=cycle.strategy_id)
    members.exclude(pk__in=ids).filter(~Q(silent_since=None)).update(silent_since=None)
    members.filter(pk__in=ids, silent_since=None).update(silent_since=cycle.finalised_at)
    Cycle.objects.filter(pk=cycle.pk).update(silence_checked_at=timezone.now())
    record_audit(actor=None, action="accountability.silent", target=cycle, members=len(ids))
    return len(ids)


@transaction.atomic
def remind_reply_deadlines(*, now: dt.datetime | None = None) -> int:
    """One reminder per cycle in review whose deadline is near, to the members whose cells
    still await a reply. Returns how many members were reminded."""
    now = now or timezone.now()
    due = Cycle.objects.select_for_update().filter(
        status=CycleStatus.REVIEW,
        reminded_at=None,
        reply_deadline__gt=now,
        reply_deadline__lte=now + REMIND_BEFORE,
    )
    reminded = 0
    for cycle in due:
        pending = CellResult.objects.filter(cycle=cycle, reply_status=ReplyStatus.PENDING)
        members = CommitmentMember.objects.filter(
            pk__in=pending.values("member_id")
        ).select_related("institution", "country")
        distinct = {m.member_key(): m for m in members}  # one reminder per member
        for member in distinct.values():
            people, institution = _people_for(member)
            notify(
                kind="accountability.review.reminder",
                title=partial(_reminder_title, member.name),
                url=reverse("accountability:cycle", args=[cycle.pk]),
                recipients=people,
                institution=institution,
                target=cycle,
                action_required=True,
                due_at=cycle.reply_deadline,
            )
            reminded += 1
        Cycle.objects.filter(pk=cycle.pk).update(reminded_at=now)
    return reminded
