"""Writes of the drafting workflow: strategies, sections, paragraphs, comments, amendments.

Keyword-only, atomic, actor-checked, audited. Bad input raises ``ServiceError`` before
anything is written. Every change to the working text is frozen as a new version
(``versioning.new_version``); nothing changes once the text is published (the strategy is no
longer in drafting).

Amendments follow Decidim's states: draft (seen by its author only) → evaluating → accepted,
rejected or withdrawn; a rejected one may be promoted by its author to a new proposal.
Competing amendments to the same paragraph stay open when one is accepted, and are decided
against the new text.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.models import User
from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError, check_length
from middleground.core.slugs import unique_slug
from middleground.notifications.services import notify

from . import permissions, versioning
from .models import (
    ACTOR_MAX,
    COMMENT_MAX,
    PARAGRAPH_MAX,
    REASON_MAX,
    SUMMARY_MAX,
    TIMELINE_MAX,
    TITLE_MAX,
    Amendment,
    AmendmentKind,
    AmendmentState,
    BreadthKind,
    Comment,
    Paragraph,
    ParagraphKind,
    Section,
    Strategy,
    StrategyKind,
    StrategyStatus,
    Version,
)

MAX_ACTORS = 20
MAX_GROUPS = 50
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
UPDATABLE = ("title", "summary", "breadth_kind", "breadth_min_per_group", "breadth_min_groups")


# --------------------------------------------------------------------------- checks


def _require_drafting(strategy: Strategy) -> None:
    if not strategy.is_drafting:
        raise ServiceError(
            _(
                "This strategy is no longer being drafted: its text is published "
                "(%(status)s), so it cannot change."
            )
            % {"status": strategy.get_status_display()},
            field="status",
        )


def _require_lead(actor: Any, strategy: Strategy) -> None:
    if not permissions.can_lead(actor, strategy):
        raise ServiceError.forbidden()
    _require_drafting(strategy)


def _require_participant(actor: Any, strategy: Strategy) -> None:
    if not permissions.can_view_drafts(actor, strategy):
        raise ServiceError.forbidden()
    _require_drafting(strategy)
    if not permissions.can_take_part(actor, strategy):
        raise ServiceError.forbidden()


def _required_text(value: Any, limit: int, *, field: str, label: str) -> str:
    text = str(value or "").strip()
    if not text:
        raise ServiceError(_("%(what)s is required.") % {"what": label}, field=field)
    return check_length(text, limit, field=field, label=label)


def _kind(value: Any, *, field: str = "kind") -> str:
    if value not in ParagraphKind.values:
        raise ServiceError(_("Unknown paragraph kind."), field=field)
    return str(value)


def _actors(values: Any) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    actors = [str(a).strip() for a in values if str(a).strip()]
    if len(actors) > MAX_ACTORS:
        raise ServiceError(_("Name at most %(n)s actors.") % {"n": MAX_ACTORS}, field="actors")
    label = _("An actor's name")
    seen: list[str] = []
    for a in actors:
        check_length(a, ACTOR_MAX, field="actors", label=label)
        if a not in seen:
            seen.append(a)
    return seen


def _timeline(value: Any) -> str:
    return check_length(str(value or "").strip(), TIMELINE_MAX, field="timeline")


def _own_paragraph(strategy: Strategy, paragraph: Paragraph) -> None:
    if paragraph.strategy_id != strategy.pk:
        raise ServiceError(_("This paragraph belongs to another strategy."), field="paragraph")


def _paragraph_url(strategy: Strategy, paragraph: Paragraph) -> str:
    return reverse("strategies:paragraph", args=[strategy.slug, paragraph.key])


def _credit(paragraph: Paragraph, people: Iterable[User]) -> bool:
    changed = False
    credits = list(paragraph.credits)
    for person in people:
        name = person.display_name
        if name not in credits:
            credits.append(name)
            changed = True
    paragraph.credits = credits
    return changed


def _insert_position(section: Section, after: Paragraph | None) -> int:
    """Make room after ``after`` (or at the end of the section) and return the position."""
    if after is None:
        top = section.paragraphs.aggregate(n=Max("position"))["n"] or 0
        return top + 1
    Paragraph.objects.filter(section=section, position__gt=after.position).update(
        position=F("position") + 1
    )
    return after.position + 1


# --------------------------------------------------------------------------- strategies


def create_strategy(
    *,
    actor: Any,
    task_force: Any,
    title: str,
    focus_area: Any,
    lead: Any,
    kind: str = StrategyKind.STRATEGY,
    summary: str = "",
    language: str = "en",
    breadth_kind: str = BreadthKind.REGIONAL_GROUPS,
    breadth_min_per_group: int = 1,
    breadth_min_groups: int = 3,
) -> Strategy:
    """A new strategy of ``task_force`` with its (possibly empty) version 1."""
    if task_force is None:
        raise ServiceError(_("Choose a task force."), field="task_force")
    if not permissions.can_create(actor, task_force):
        raise ServiceError.forbidden()
    title = _required_text(title, TITLE_MAX, field="title", label=_("The title"))
    summary = check_length(str(summary or "").strip(), SUMMARY_MAX, field="summary")
    if focus_area is None:
        raise ServiceError(_("Choose a focus area."), field="focus_area")
    if kind not in StrategyKind.values:
        raise ServiceError(_("Unknown kind of text."), field="kind")
    language = str(language or "").strip()
    if not LANGUAGE.match(language):
        raise ServiceError(_("Give a language code such as “en” or “ru”."), field="language")
    if lead is None or not (
        lead.is_active
        and (
            lead.is_secretariat
            or (
                lead.role in permissions.TASK_FORCE_ROLES
                and lead.institution_id is not None
                and task_force.members.filter(pk=lead.institution_id).exists()
            )
        )
    ):
        raise ServiceError(
            _("The drafting lead must be the secretariat or a person of the task force."),
            field="lead",
        )
    breadth = _breadth(
        {
            "breadth_kind": breadth_kind,
            "breadth_min_per_group": breadth_min_per_group,
            "breadth_min_groups": breadth_min_groups,
        }
    )
    with transaction.atomic():
        strategy = Strategy.objects.create(
            title=title,
            slug=unique_slug(Strategy, title, fallback="strategy"),
            kind=kind,
            summary=summary,
            task_force=task_force,
            focus_area=focus_area,
            lead=lead,
            language=language,
            created_by=actor,
            **breadth,
        )
        versioning.new_version(strategy, actor=actor, note=_("Strategy created"))
        record_audit(actor=actor, action="strategies.strategy.create", target=strategy, title=title)
    return strategy


def _breadth(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "breadth_kind" in data:
        if data["breadth_kind"] not in BreadthKind.values:
            raise ServiceError(_("Unknown way of counting breadth."), field="breadth_kind")
        out["breadth_kind"] = data["breadth_kind"]
    for name in ("breadth_min_per_group", "breadth_min_groups"):
        if name in data:
            try:
                value = int(data[name])
            except (TypeError, ValueError) as exc:
                raise ServiceError(_("Give a whole number."), field=name) from exc
            if not 1 <= value <= MAX_GROUPS:
                raise ServiceError(
                    _("Give a number from 1 to %(n)s.") % {"n": MAX_GROUPS}, field=name
                )
            out[name] = value
    return out


def update_strategy(*, actor: Any, strategy: Strategy, **fields: Any) -> Strategy:
    """The lead changes the title, summary or breadth rule; only changed fields are saved."""
    _require_lead(actor, strategy)
    unknown = set(fields) - set(UPDATABLE)
    if unknown:
        raise ServiceError(_("This field cannot be changed here."), field=sorted(unknown)[0])
    values: dict[str, Any] = {}
    if "title" in fields:
        values["title"] = _required_text(
            fields["title"], TITLE_MAX, field="title", label=_("The title")
        )
    if "summary" in fields:
        values["summary"] = check_length(
            str(fields["summary"] or "").strip(), SUMMARY_MAX, field="summary"
        )
    values.update(_breadth(fields))
    changed = [name for name, value in values.items() if getattr(strategy, name) != value]
    if not changed:
        return strategy
    with transaction.atomic():
        for name in changed:
            setattr(strategy, name, values[name])
        strategy.save(update_fields=[*changed, "updated_at"])
        if {"title", "summary"} & set(changed):
            versioning.new_version(strategy, actor=actor, note=_("Title or summary changed"))
        record_audit(
            actor=actor, action="strategies.strategy.update", target=strategy, fields=changed
        )
    return strategy


def add_section(*, actor: Any, strategy: Strategy, title: str) -> Section:
    _require_lead(actor, strategy)
    title = _required_text(title, TITLE_MAX, field="title", label=_("The title"))
    with transaction.atomic():
        top = strategy.sections.aggregate(n=Max("position"))["n"] or 0
        section = Section.objects.create(strategy=strategy, position=top + 1, title=title)
        versioning.new_version(
            strategy, actor=actor, note=_("Section “%(t)s” added") % {"t": title[:100]}
        )
        record_audit(actor=actor, action="strategies.section.add", target=strategy, title=title)
    return section


def add_paragraph(
    *,
    actor: Any,
    strategy: Strategy,
    section: Section,
    text: str,
    kind: str = ParagraphKind.NARRATIVE,
    actors: Sequence[str] = (),
    timeline: str = "",
    after: Paragraph | None = None,
) -> Paragraph:
    """The lead adds a paragraph at the end of ``section``, or right after ``after``."""
    _require_lead(actor, strategy)
    if section is None or section.strategy_id != strategy.pk:
        raise ServiceError(_("Choose a section of this strategy."), field="section")
    if after is not None and (after.section_id != section.pk or after.deleted):
        raise ServiceError(_("Choose a paragraph of that section."), field="after")
    text = _required_text(text, PARAGRAPH_MAX, field="text", label=_("The text"))
    kind = _kind(kind)
    actor_names, timeline = _actors(actors), _timeline(timeline)
    with transaction.atomic():
        position = _insert_position(section, after)
        paragraph = Paragraph.objects.create(
            strategy=strategy,
            section=section,
            position=position,
            kind=kind,
            text=text,
            actors=actor_names,
            timeline=timeline,
        )
        versioning.new_version(strategy, actor=actor, note=_("Paragraph added"))
        record_audit(
            actor=actor,
            action="strategies.paragraph.add",
            target=strategy,
            paragraph=str(paragraph.key),
        )
    return paragraph


def edit_paragraph(
    *,
    actor: Any,
    strategy: Strategy,
    paragraph: Paragraph,
    text: str | None = None,
    kind: str | None = None,
    actors: Sequence[str] | None = None,
    timeline: str | None = None,
) -> Paragraph:
    """The lead's direct edit; only what changed is saved (and a version made)."""
    _require_lead(actor, strategy)
    _own_paragraph(strategy, paragraph)
    if paragraph.deleted:
        raise ServiceError(_("This paragraph was deleted: it cannot be edited."), field="paragraph")
    values: dict[str, Any] = {}
    if text is not None:
        values["text"] = _required_text(text, PARAGRAPH_MAX, field="text", label=_("The text"))
    if kind is not None:
        values["kind"] = _kind(kind)
    if actors is not None:
        values["actors"] = _actors(actors)
    if timeline is not None:
        values["timeline"] = _timeline(timeline)
    changed = [name for name, value in values.items() if getattr(paragraph, name) != value]
    if not changed:
        return paragraph
    with transaction.atomic():
        for name in changed:
            setattr(paragraph, name, values[name])
        paragraph.save(update_fields=changed)
        versioning.new_version(strategy, actor=actor, note=_("Paragraph edited by the lead"))
        record_audit(
            actor=actor,
            action="strategies.paragraph.edit",
            target=strategy,
            paragraph=str(paragraph.key),
            fields=changed,
        )
    return paragraph


# --------------------------------------------------------------------------- comments


def comment(
    *,
    actor: Any,
    strategy: Strategy,
    paragraph: Paragraph,
    text: str,
    amendment: Amendment | None = None,
) -> Comment:
    """A task-force member comments on a paragraph, or on an amendment to it."""
    _require_participant(actor, strategy)
    _own_paragraph(strategy, paragraph)
    if amendment is not None:
        if amendment.paragraph_id != paragraph.pk:
            raise ServiceError(_("This amendment concerns another paragraph."), field="amendment")
        if amendment.state == AmendmentState.DRAFT and amendment.author_id != actor.pk:
            raise ServiceError.forbidden()
    text = _required_text(text, COMMENT_MAX, field="text", label=_("The comment"))
    with transaction.atomic():
        made = Comment.objects.create(
            paragraph=paragraph, amendment=amendment, author=actor, text=text
        )
        record_audit(
            actor=actor,
            action="strategies.comment.add",
            target=strategy,
            paragraph=str(paragraph.key),
            amendment=amendment.pk if amendment else None,
        )
    return made


# --------------------------------------------------------------------------- amendments


def _amendment_fields(
    *, paragraph: Paragraph, kind: str, text: str, new_kind: str, actors: Any, timeline: str
) -> dict[str, Any]:
    if kind not in AmendmentKind.values:
        raise ServiceError(_("Choose a kind of change."), field="kind")
    if paragraph.deleted:
        raise ServiceError(
            _("This paragraph was deleted: amendments can no longer be proposed to it."),
            field="paragraph",
        )
    fields: dict[str, Any] = {"kind": kind, "text": "", "actors": [], "timeline": ""}
    if kind == AmendmentKind.DELETE:
        return fields
    fields["text"] = _required_text(text, PARAGRAPH_MAX, field="text", label=_("The proposed text"))
    if kind == AmendmentKind.REPLACE:
        if fields["text"] == paragraph.text.strip():
            raise ServiceError(
                _("The proposed text is the same as the paragraph's: change something."),
                field="text",
            )
        fields["new_kind"] = paragraph.kind
    else:
        fields["new_kind"] = _kind(new_kind, field="new_kind")
        fields["actors"] = _actors(actors)
        fields["timeline"] = _timeline(timeline)
    return fields


def _notify_lead(amendment: Amendment, actor: Any) -> None:
    strategy = amendment.strategy
    author = amendment.author.display_name
    title = strategy.title[:120]
    notify(
        kind="strategies.amendment_proposed",
        title=lambda: (
            _("%(author)s proposes an amendment to “%(t)s”") % {"author": author, "t": title}
        ),
        url=_paragraph_url(strategy, amendment.paragraph),
        recipients=[strategy.lead],
        target=amendment,
        actor=actor,
    )


def _notify_decision(amendment: Amendment, actor: Any) -> None:
    strategy = amendment.strategy
    title = strategy.title[:120]
    state = amendment.state

    def text() -> str:
        if state == AmendmentState.ACCEPTED:
            return _("Your amendment to “%(t)s” was accepted") % {"t": title}
        return _("Your amendment to “%(t)s” was rejected") % {"t": title}

    notify(
        kind="strategies.amendment_decided",
        title=text,
        body=amendment.reason,
        url=_paragraph_url(strategy, amendment.paragraph),
        recipients=[amendment.author],
        target=amendment,
        actor=actor,
    )


def propose_amendment(
    *,
    actor: Any,
    strategy: Strategy,
    paragraph: Paragraph,
    kind: str,
    text: str = "",
    new_kind: str = ParagraphKind.NARRATIVE,
    actors: Sequence[str] = (),
    timeline: str = "",
    explanation: str = "",
    draft: bool = False,
) -> Amendment:
    """A task-force member proposes to replace, delete or insert after a paragraph; written
    against the latest version and the paragraph's current text."""
    _require_participant(actor, strategy)
    _own_paragraph(strategy, paragraph)
    fields = _amendment_fields(
        paragraph=paragraph,
        kind=kind,
        text=text,
        new_kind=new_kind,
        actors=actors,
        timeline=timeline,
    )
    explanation = check_length(str(explanation or "").strip(), COMMENT_MAX, field="explanation")
    with transaction.atomic():
        base = strategy.latest_version()
        if base is None:
            base = versioning.new_version(strategy, actor=actor, note=_("Working text"))
        amendment = Amendment.objects.create(
            strategy=strategy,
            paragraph=paragraph,
            author=actor,
            explanation=explanation,
            state=AmendmentState.DRAFT if draft else AmendmentState.EVALUATING,
            base_version=base,
            base_text=paragraph.text,
            **fields,
        )
        record_audit(
            actor=actor,
            action="strategies.amendment.propose",
            target=amendment,
            kind=kind,
            draft=bool(draft),
        )
        if not draft:
            _notify_lead(amendment, actor)
    return amendment


def _transition_error(amendment: Amendment, doing: str) -> ServiceError:
    return ServiceError(
        _("This amendment is %(state)s: it cannot be %(doing)s.")
        % {"state": amendment.get_state_display().lower(), "doing": doing},
        field="state",
    )


def _lock(amendment: Amendment) -> Amendment:
    """The amendment re-read under a row lock, so that two decisions cannot both apply."""
    return (
        Amendment.objects.select_for_update()
        .select_related("strategy", "author")
        .get(pk=amendment.pk)
    )


def publish_amendment(*, actor: Any, amendment: Amendment) -> Amendment:
    """The author moves a draft to evaluating: the lead and the task force now see it."""
    strategy = amendment.strategy
    if not actor.is_authenticated or amendment.author_id != actor.pk:
        raise ServiceError.forbidden()
    _require_drafting(strategy)
    with transaction.atomic():
        amendment = _lock(amendment)
        if amendment.state != AmendmentState.DRAFT:
            raise _transition_error(amendment, _("published"))
        amendment.state = AmendmentState.EVALUATING
        amendment.save(update_fields=["state"])
        record_audit(actor=actor, action="strategies.amendment.publish", target=amendment)
        _notify_lead(amendment, actor)
    return amendment


def _decidable(actor: Any, amendment: Amendment, doing: str) -> Amendment:
    _require_lead(actor, amendment.strategy)
    locked = _lock(amendment)
    if locked.state == AmendmentState.DRAFT:
        raise ServiceError(
            _("This amendment is still a draft of its author: it is decided once published."),
            field="state",
        )
    if locked.state != AmendmentState.EVALUATING:
        raise _transition_error(locked, doing)
    return locked


def _decided(amendment: Amendment, *, actor: Any, state: str, reason: str) -> None:
    amendment.state = state
    amendment.decided_by = actor
    amendment.decided_at = timezone.now()
    amendment.reason = reason


def _gone_error() -> ServiceError:
    return ServiceError(
        _(
            "The paragraph was deleted since this amendment was written: it can no longer "
            "be replaced or deleted. Reject the amendment instead."
        ),
        field="paragraph",
    )


def _apply(amendment: Amendment, paragraph: Paragraph) -> None:
    """Change the working text as ``amendment`` proposes (paragraph locked by the caller)."""
    author = amendment.author
    if amendment.kind == AmendmentKind.REPLACE:
        if paragraph.deleted:
            raise _gone_error()
        paragraph.text = amendment.text
        _credit(paragraph, [author])
        paragraph.save(update_fields=["text", "credits"])
    elif amendment.kind == AmendmentKind.DELETE:
        if paragraph.deleted:
            raise _gone_error()
        paragraph.deleted = True
        paragraph.save(update_fields=["deleted"])
    else:
        position = _insert_position(paragraph.section, paragraph)
        Paragraph.objects.create(
            strategy=paragraph.strategy,
            section=paragraph.section,
            position=position,
            kind=amendment.new_kind,
            text=amendment.text,
            actors=list(amendment.actors),
            timeline=amendment.timeline,
            credits=[author.display_name],
        )


def accept_amendment(*, actor: Any, amendment: Amendment, reason: str = "") -> Amendment:
    """The lead accepts: the text changes, the author is credited, a version is made. Other
    open amendments to the paragraph stay open, to be decided against the new text."""
    reason = check_length(str(reason or "").strip(), REASON_MAX, field="reason")
    with transaction.atomic():
        amendment = _decidable(actor, amendment, _("accepted"))
        paragraph = (
            Paragraph.objects.select_for_update()
            .select_related("section", "strategy")
            .get(pk=amendment.paragraph_id)
        )
        _apply(amendment, paragraph)
        _decided(amendment, actor=actor, state=AmendmentState.ACCEPTED, reason=reason)
        version = versioning.new_version(
            amendment.strategy,
            actor=actor,
            note=_("Amendment #%(n)s by %(author)s accepted")
            % {"n": amendment.pk, "author": amendment.author.display_name},
        )
        amendment.result_version = version
        amendment.save(
            update_fields=["state", "decided_by", "decided_at", "reason", "result_version"]
        )
        record_audit(
            actor=actor,
            action="strategies.amendment.accept",
            target=amendment,
            version=version.number,
        )
        _notify_decision(amendment, actor)
    return amendment


def reject_amendment(*, actor: Any, amendment: Amendment, reason: str) -> Amendment:
    """The lead rejects, saying why (the reason is required and shown to everyone)."""
    reason = str(reason or "").strip()
    if not reason:
        raise ServiceError(_("Say why the amendment is rejected."), field="reason")
    reason = check_length(reason, REASON_MAX, field="reason")
    with transaction.atomic():
        amendment = _decidable(actor, amendment, _("rejected"))
        _decided(amendment, actor=actor, state=AmendmentState.REJECTED, reason=reason)
        amendment.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        record_audit(actor=actor, action="strategies.amendment.reject", target=amendment)
        _notify_decision(amendment, actor)
    return amendment


def withdraw_amendment(*, actor: Any, amendment: Amendment) -> Amendment:
    """The author takes back an open amendment."""
    if not actor.is_authenticated or amendment.author_id != actor.pk:
        raise ServiceError.forbidden()
    _require_drafting(amendment.strategy)
    with transaction.atomic():
        amendment = _lock(amendment)
        if not amendment.is_open:
            raise _transition_error(amendment, _("withdrawn"))
        amendment.state = AmendmentState.WITHDRAWN
        amendment.save(update_fields=["state"])
        record_audit(actor=actor, action="strategies.amendment.withdraw", target=amendment)
    return amendment


def promote_amendment(*, actor: Any, amendment: Amendment) -> Amendment:
    """The author of a rejected amendment proposes it again, against the current text."""
    if not actor.is_authenticated or amendment.author_id != actor.pk:
        raise ServiceError.forbidden()
    strategy = amendment.strategy
    _require_participant(actor, strategy)
    with transaction.atomic():
        amendment = _lock(amendment)
        if amendment.state != AmendmentState.REJECTED:
            raise ServiceError(
                _("Only a rejected amendment can be promoted; this one is %(state)s.")
                % {"state": amendment.get_state_display().lower()},
                field="state",
            )
        open_states = (AmendmentState.DRAFT, AmendmentState.EVALUATING)
        if amendment.promotions.filter(state__in=open_states).exists():
            raise ServiceError(
                _("This amendment was already promoted, and that proposal is still open."),
                field="state",
            )
        paragraph = Paragraph.objects.get(pk=amendment.paragraph_id)
        fields = _amendment_fields(
            paragraph=paragraph,
            kind=amendment.kind,
            text=amendment.text,
            new_kind=amendment.new_kind,
            actors=amendment.actors,
            timeline=amendment.timeline,
        )
        base = strategy.latest_version()
        assert base is not None
        promoted = Amendment.objects.create(
            strategy=strategy,
            paragraph=paragraph,
            author=actor,
            explanation=amendment.explanation,
            state=AmendmentState.EVALUATING,
            base_version=base,
            base_text=paragraph.text,
            promoted_from=amendment,
            **fields,
        )
        record_audit(
            actor=actor,
            action="strategies.amendment.promote",
            target=promoted,
            promoted_from=amendment.pk,
        )
        _notify_lead(promoted, actor)
    return promoted


def merge_amendments(
    *, actor: Any, amendments: Sequence[Amendment], text: str, reason: str = ""
) -> Version:
    """The lead merges several open amendments to one paragraph into one new text: all are
    accepted, all their authors credited, and one version is made."""
    strategy = amendments[0].strategy if amendments else None
    if strategy is None or len({a.pk for a in amendments}) < 2:
        raise ServiceError(_("Choose at least two amendments to merge."), field="amendments")
    _require_lead(actor, strategy)
    text = _required_text(text, PARAGRAPH_MAX, field="text", label=_("The merged text"))
    reason = check_length(str(reason or "").strip(), REASON_MAX, field="reason")
    with transaction.atomic():
        locked = list(
            Amendment.objects.select_for_update()
            .select_related("author", "strategy")
            .filter(pk__in={a.pk for a in amendments})
            .order_by("pk")
        )
        if any(a.strategy_id != strategy.pk for a in locked):
            raise ServiceError(_("Choose amendments of this strategy."), field="amendments")
        if len({a.paragraph_id for a in locked}) != 1:
            raise ServiceError(
                _("Only amendments to the same paragraph can be merged."), field="amendments"
            )
        for a in locked:
            if a.state != AmendmentState.EVALUATING:
                raise ServiceError(
                    _("Amendment #%(n)s is %(state)s: only open amendments can be merged.")
                    % {"n": a.pk, "state": a.get_state_display().lower()},
                    field="amendments",
                )
            if a.kind == AmendmentKind.DELETE:
                raise ServiceError(
                    _(
                        "Amendment #%(n)s deletes the paragraph: decide it on its own, it "
                        "cannot be merged into a text."
                    )
                    % {"n": a.pk},
                    field="amendments",
                )
        paragraph = Paragraph.objects.select_for_update().get(pk=locked[0].paragraph_id)
        if paragraph.deleted:
            raise _gone_error()
        paragraph.text = text
        _credit(paragraph, [a.author for a in locked])
        paragraph.save(update_fields=["text", "credits"])
        numbers = ", ".join(f"#{a.pk}" for a in locked)
        authors = ", ".join(dict.fromkeys(a.author.display_name for a in locked))
        version = versioning.new_version(
            strategy,
            actor=actor,
            note=_("Amendments %(n)s by %(authors)s merged") % {"n": numbers, "authors": authors},
        )
        for a in locked:
            _decided(a, actor=actor, state=AmendmentState.ACCEPTED, reason=reason)
            a.result_version = version
            a.save(update_fields=["state", "decided_by", "decided_at", "reason", "result_version"])
            _notify_decision(a, actor)
        record_audit(
            actor=actor,
            action="strategies.amendment.merge",
            target=strategy,
            amendments=[a.pk for a in locked],
            version=version.number,
        )
    return version


# -- translations ------------------------------------------------------------------------


def create_translation(*, actor: Any, strategy: Strategy, language: str, title: str) -> Strategy:
    """A translation of the authentic text into ``language``, attached to it as such: a text
    of its own, drafted by the same lead from a copy of the latest published version (or the
    working text), without the evidence (which stays with the authentic text). A published
    text may be translated: the translation is a text of its own."""
    if not permissions.can_lead(actor, strategy):
        raise ServiceError.forbidden()
    if strategy.translation_of_id is not None:
        raise ServiceError(
            _("This is a translation: translate the authentic text."), field="language"
        )
    language = str(language or "").strip()
    if not LANGUAGE.match(language):
        raise ServiceError(_("Give a language code such as “en” or “ru”."), field="language")
    if language == strategy.language:
        raise ServiceError(_("The authentic text is already in this language."), field="language")
    if strategy.translations.filter(language=language).exists():
        raise ServiceError(
            _("There is already a translation into this language."), field="language"
        )
    title = _required_text(title, TITLE_MAX, field="title", label=_("The title"))
    source = strategy.latest_published() or strategy.latest_version()
    with transaction.atomic():
        translation = Strategy.objects.create(
            title=title,
            slug=unique_slug(Strategy, f"{title} {language}", fallback="translation"),
            kind=strategy.kind,
            summary=strategy.summary,
            task_force=strategy.task_force,
            focus_area=strategy.focus_area,
            lead=strategy.lead,
            language=language,
            translation_of=strategy,
            breadth_kind=strategy.breadth_kind,
            breadth_min_per_group=strategy.breadth_min_per_group,
            breadth_min_groups=strategy.breadth_min_groups,
            created_by=actor,
        )
        content = source.content if source is not None else {"sections": []}
        for s_pos, section in enumerate(content.get("sections", []), start=1):
            row = Section.objects.create(
                strategy=translation, position=s_pos, title=section["title"]
            )
            Paragraph.objects.bulk_create(
                Paragraph(
                    strategy=translation,
                    section=row,
                    position=p_pos,
                    kind=p["kind"],
                    text=p["text"],
                    actors=p["actors"],
                    timeline=p["timeline"],
                )
                for p_pos, p in enumerate(section["paragraphs"], start=1)
            )
        number = source.number if source is not None else 0
        versioning.new_version(
            translation,
            actor=actor,
            note=_("Copy of version %(n)d of the authentic text, to translate") % {"n": number},
        )
        record_audit(
            actor=actor,
            action="strategies.translation.create",
            target=translation,
            of=strategy.pk,
            language=language,
        )
    return translation


def publish_translation(*, actor: Any, translation: Strategy) -> Strategy:
    """Publish a translation's latest version (fingerprinted like any published version); it
    then stands beside the authentic text, which must be published first."""
    _require_lead(actor, translation)
    authentic = translation.translation_of
    if authentic is None:
        raise ServiceError(_("Only a translation is published this way."), field="status")
    _require_drafting(translation)
    if authentic.status == StrategyStatus.DRAFTING:
        raise ServiceError(
            _("Publish the authentic text first: a translation follows it."), field="status"
        )
    with transaction.atomic():
        version = translation.latest_version()
        if version is None:
            raise ServiceError(_("This translation has no text yet."), field="status")
        versioning.publish(version)
        translation.status = authentic.status
        translation.save(update_fields=["status", "updated_at"])
        record_audit(
            actor=actor,
            action="strategies.translation.publish",
            target=translation,
            version=version.number,
        )
    return translation
