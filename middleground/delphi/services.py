"""Writes of Delphi studies. Keyword-only, atomic, actor-checked, audited.

Bad input raises ``ServiceError`` before anything is written, so a rejected call leaves
no partial data. Audit lines never name a pseudonym next to a person.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from middleground.accounts.models import Invitation, Role, User
from middleground.accounts.services import audit_snapshot, create_invitation, record_audit
from middleground.analysis import delphi as core
from middleground.core.errors import ServiceError, check_length
from middleground.network.address_list import Rejected, parse_lines
from middleground.network.models import FocusArea, Institution, TaskForce
from middleground.network.selectors import visible_experts_by_id
from middleground.notifications.services import absolute_url, notify
from middleground.translations.languages import content_language_choices, default_content_language

from . import stats
from .models import (
    ANSWER_MAX,
    ITEM_TEXT_MAX,
    LABEL_MAX,
    NOTE_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    UNIT_MAX,
    Anonymity,
    Answer,
    Item,
    ItemKind,
    PanelInvite,
    Panellist,
    PanelSeat,
    Reminder,
    Round,
    Study,
    StudyMode,
    StudyStatus,
)
from .permissions import can_invite, can_manage, can_send_signup_links
from .scales import LIKERT_POINTS, default_labels, rules_of, scale_of
from .selectors import seat_of

#: Real-time mode asks for a reason outside the IQR once this many others have answered.
LIVE_MIN_ANSWERS = 3
#: An open round's answered list and statistics move only when this many more people answered.
BATCH_SIZE = stats.MIN_GROUP_SIZE
MAX_TOPICS = 20
MAX_OPTIONS = 30
MAX_INVITES = 200
STUDY_FIELDS = (
    "title",
    "question",
    "language",
    "topics",
    "mode",
    "anonymity",
    "max_rounds",
    "stop_when_stable",
    "max_cv_change",
    "drop_consensus_items",
    "round_days",
)


# --------------------------------------------------------------------------- studies


def _plain_rule_problem(data: Any) -> str | None:
    """A plain-language sentence for the commonest mistakes in a rule set, or ``None``."""
    if not isinstance(data, dict):
        return None
    bands = (
        ("percent_agreement", "min_percent", _("agreement band")),
        ("percent_disagreement", "max_percent", _("disagreement band")),
    )
    for key, third, label in bands:
        band = data.get(key)
        if not isinstance(band, dict):
            continue
        low, high, pct = band.get("low"), band.get("high"), band.get(third)
        if low is None or high is None:
            return _("Give both ends of the %(band)s.") % {"band": label}
        if pct is None:
            return _("Give the percentage for the %(band)s.") % {"band": label}
        try:
            low, high, pct = float(low), float(high), float(pct)
        except (TypeError, ValueError):
            return None
        if low > high:
            return _("The lower end of the %(band)s must be below its upper end.") % {"band": label}
        if not 0 < pct <= 100:
            return _("The percentage for the %(band)s must be above 0 and at most 100.") % {
                "band": label
            }
    for key, label in (
        ("max_iqr", _("The largest interquartile range")),
        ("max_sd", _("The largest standard deviation")),
    ):
        value = data.get(key)
        if isinstance(value, int | float) and value < 0:
            return _("%(what)s cannot be negative.") % {"what": label}
    return None


def parse_rules(data: Any, *, field: str = "rules") -> dict:
    """Validate a rule set (the JSON form of ``ConsensusRules``) and normalise it."""
    if not data:
        raise ServiceError(
            _("Set at least one consensus rule before the study launches."), field=field
        )
    plain = _plain_rule_problem(data)
    if plain:
        raise ServiceError(plain, field=field)
    try:
        return core.ConsensusRules.from_dict(data).to_dict()
    except (ValueError, TypeError) as exc:
        raise ServiceError(_("Invalid consensus rule: %(e)s") % {"e": exc}, field=field) from exc


def _scale_misfit(item: Item, rules: core.ConsensusRules) -> str | None:
    """Why ``rules`` cannot judge ``item`` (a band outside its scale), in plain words."""
    scale = scale_of(item)
    if scale is None:
        return None
    try:
        rules.check_scale(scale)
    except ValueError:
        pass
    else:
        return None
    if isinstance(scale, core.LikertScale):
        span = _("1 to %(n)s") % {"n": scale.points}
    elif scale.lower is None:
        span = _("up to %(hi)s") % {"hi": _fmt(scale.upper)}
    elif scale.upper is None:
        span = _("from %(lo)s") % {"lo": _fmt(scale.lower)}
    else:
        span = _("%(lo)s to %(hi)s") % {"lo": _fmt(scale.lower), "hi": _fmt(scale.upper)}
    for band, label in (
        (rules.percent_agreement, _("agreement band")),
        (rules.percent_disagreement, _("disagreement band")),
    ):
        if band is not None:
            return _("the %(band)s %(lo)s–%(hi)s does not fit the item's scale (%(span)s)") % {
                "band": label,
                "lo": _fmt(band[0]),
                "hi": _fmt(band[1]),
                "span": span,
            }
    return _("the consensus rule does not fit the item's scale (%(span)s)") % {"span": span}


def _study_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in STUDY_FIELDS:
        if key in data and data[key] is not None:
            fields[key] = data[key]
    limits = {"title": (TITLE_MAX, _("The title")), "question": (QUESTION_MAX, _("The question"))}
    for key, (limit, label) in limits.items():
        if key in fields:
            fields[key] = check_length(str(fields[key]).strip(), limit, field=key, label=label)
            if not fields[key]:
                raise ServiceError(_("This field is required."), field=key)
    if "topics" in fields:
        topics = fields["topics"]
        if isinstance(topics, str):
            topics = topics.split(",")
        topics = [str(t).strip() for t in topics if str(t).strip()]
        if len(topics) > MAX_TOPICS:
            raise ServiceError(_("Give at most %(n)s topics.") % {"n": MAX_TOPICS}, field="topics")
        label = _("A topic")
        fields["topics"] = [check_length(t, LABEL_MAX, field="topics", label=label) for t in topics]
    if "mode" in fields and fields["mode"] not in StudyMode.values:
        raise ServiceError(_("Unknown mode."), field="mode")
    if "language" in fields and not fields["language"]:
        del fields["language"]  # not given: the creator's language, or unchanged
    if "language" in fields and fields["language"] not in dict(content_language_choices()):
        raise ServiceError(_("Unknown language."), field="language")
    if "anonymity" in fields and fields["anonymity"] not in Anonymity.values:
        raise ServiceError(_("Unknown anonymity level."), field="anonymity")
    if "max_rounds" in fields and not 1 <= int(fields["max_rounds"]) <= 10:
        raise ServiceError(_("A study has 1 to 10 rounds."), field="max_rounds")
    if "round_days" in fields and not 1 <= int(fields["round_days"]) <= 120:
        raise ServiceError(_("A round lasts 1 to 120 days."), field="round_days")
    if "max_cv_change" in fields and not 0 <= float(fields["max_cv_change"]) <= 5:
        raise ServiceError(_("The CV change limit must be between 0 and 5."), field="max_cv_change")
    if data.get("focus_area"):
        area = FocusArea.objects.filter(slug=data["focus_area"]).first()
        if area is None:
            raise ServiceError(_("Unknown focus area."), field="focus_area")
        fields["focus_area"] = area
    if data.get("task_force"):
        tf = TaskForce.objects.filter(pk=data["task_force"]).first()
        if tf is None:
            raise ServiceError(_("Unknown task force."), field="task_force")
        fields["task_force"] = tf
    if data.get("rules"):
        fields["rules"] = parse_rules(data["rules"])
    return fields


def create_study(*, actor: User, data: dict[str, Any]) -> Study:
    if not can_manage(actor):
        raise ServiceError.forbidden()
    fields = _study_fields(data)
    for required in ("title", "question"):
        if required not in fields:
            raise ServiceError(_("This field is required."), field=required)
    fields.setdefault("language", default_content_language(actor))
    with transaction.atomic():
        study = Study.objects.create(created_by=actor, **fields)
        record_audit(actor=actor, action="delphi.study.create", target=study, title=study.title)
    return study


def update_study(*, actor: User, study: Study, data: dict[str, Any]) -> Study:
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    if not study.is_draft:
        raise ServiceError(
            _(
                "This study has launched: its rules and settings are locked. "
                "Create a new version to change them."
            ),
            field="rules" if "rules" in data else None,
            status=409,
        )
    fields = _study_fields(data)
    with transaction.atomic():
        before = audit_snapshot(study, fields)
        for key, value in fields.items():
            setattr(study, key, value)
        study.save(update_fields=sorted(fields))
        record_audit(
            actor=actor,
            action="delphi.study.update",
            target=study,
            before=before,
            after=audit_snapshot(study, fields),
        )
    return study


def _item_config(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    config = dict(config or {})
    if kind in (ItemKind.LIKERT, ItemKind.PAIR):
        points = config.get("points", 5)
        try:
            points = int(points)
        except (TypeError, ValueError):
            points = 0
        if points not in LIKERT_POINTS:
            raise ServiceError(_("A Likert scale has 5, 7 or 9 points."), field="points")
        labels = [
            check_length(str(x).strip(), LABEL_MAX, field="labels", label=_("A scale label"))
            for x in (config.get("labels") or [])
            if str(x).strip()
        ]
        if labels and len(labels) != points:
            raise ServiceError(
                _("Give one label per point (%(n)s), lowest first.") % {"n": points},
                field="labels",
            )
        likert: dict[str, Any] = {"points": points, "labels": labels or default_labels(points)}
        return _with_own_rules(kind, likert, config)
    if kind == ItemKind.NUMERIC:
        unit = str(config.get("unit") or "").strip()
        out: dict[str, Any] = {
            "unit": check_length(unit, UNIT_MAX, field="unit", label=_("The unit"))
        }
        for key in ("lower", "upper"):
            value = config.get(key)
            try:
                out[key] = None if value in (None, "") else float(value)
            except (TypeError, ValueError):
                raise ServiceError(_("The bounds must be numbers."), field=key) from None
            if out[key] is not None and not math.isfinite(out[key]):
                raise ServiceError(_("The bounds must be finite numbers."), field=key)
        if out["lower"] is not None and out["upper"] is not None and out["lower"] >= out["upper"]:
            raise ServiceError(_("The lower bound must be below the upper bound."), field="lower")
        core.NumericScale(out["lower"], out["upper"], out["unit"])
        out["bins"] = 10
        return _with_own_rules(kind, out, config)
    if kind == ItemKind.RANKING:
        raw = config.get("options") or []
        if len(raw) > MAX_OPTIONS:
            raise ServiceError(
                _("A ranking has at most %(n)s options.") % {"n": MAX_OPTIONS}, field="options"
            )
        options = []
        for i, opt in enumerate(raw):
            label = str((opt.get("label") if isinstance(opt, dict) else opt) or "").strip()
            if label:
                oid = opt.get("id") if isinstance(opt, dict) and opt.get("id") else f"o{i + 1}"
                options.append(
                    {
                        "id": check_length(
                            str(oid), LABEL_MAX, field="options", label=_("An option")
                        ),
                        "label": check_length(
                            label, LABEL_MAX, field="options", label=_("An option")
                        ),
                    }
                )
        if len(options) < 2:
            raise ServiceError(_("A ranking needs at least two options."), field="options")
        if len({o["id"] for o in options}) != len(options) or len(
            {o["label"].lower() for o in options}
        ) != len(options):
            raise ServiceError(_("Options must be different from each other."), field="options")
        return {"options": options}
    if kind == ItemKind.TEXT:
        return {}
    raise ServiceError(_("Unknown item type."), field="kind")


def _with_own_rules(kind: str, out: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """Add the item's own consensus rule (if given), checked against its scale."""
    if not config.get("rules"):
        return out
    out["rules"] = parse_rules(config["rules"], field="rules")
    problem = _scale_misfit(
        Item(kind=kind, config=out), core.ConsensusRules.from_dict(out["rules"])
    )
    if problem:
        raise ServiceError(_("The item's own rule: %(e)s.") % {"e": problem}, field="rules")
    return out


def add_item(
    *,
    actor: User,
    study: Study,
    kind: str,
    text: str,
    config: dict[str, Any] | None = None,
    source_item: Item | None = None,
) -> Item:
    """Add an item. Before launch it joins round one; after launch, the next round."""
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    text = check_length((text or "").strip(), ITEM_TEXT_MAX, field="text", label=_("The statement"))
    if not text:
        raise ServiceError(_("Write the statement or question."), field="text")
    if kind not in ItemKind.values:
        raise ServiceError(_("Unknown item type."), field="kind")
    cfg = _item_config(kind, config or {})
    if study.is_draft:
        first_round = 1
    else:
        if study.status != StudyStatus.RUNNING or study.is_realtime:
            raise ServiceError(
                _("Items can be added to a running study between rounds only."), status=409
            )
        last = study.last_round()
        if last is not None and last.closed_at is None:
            raise ServiceError(
                _("Close the current round first; new items join the next round."), status=409
            )
        first_round = (last.number if last else 0) + 1
        if first_round > study.max_rounds:
            raise ServiceError(_("The study has no round left for new items."), status=409)
        _check_item_rule(Item(kind=kind, config=cfg, study=study, position=0), study)
    with transaction.atomic():
        position = study.items.count() + 1
        item = Item.objects.create(
            study=study,
            kind=kind,
            text=text,
            config=cfg,
            first_round=first_round,
            position=position,
            source_item=source_item,
        )
        record_audit(actor=actor, action="delphi.item.add", target=item, study=study.pk)
    return item


def _check_item_rule(
    item: Item, study: Study, *, default: core.ConsensusRules | None = None
) -> None:
    """Refuse an item whose rule (its own, else the study's) cannot judge its scale."""
    if scale_of(item) is None:
        return
    rules = rules_of(item, study) or default
    if rules is None:
        return
    problem = _scale_misfit(item, rules)
    if problem is None:
        return
    if item.config.get("rules"):
        message = _("Item %(n)s: %(e)s. Change its own rule.")
    else:
        message = _(
            "Item %(n)s cannot be judged by the study's consensus rule: %(e)s. Give the item "
            "its own consensus rule (edit the item), or change the study's rule."
        )
    raise ServiceError(message % {"n": item.position, "e": problem}, field="rules")


def update_item(
    *, actor: User, item: Item, text: str, config: dict[str, Any] | None = None
) -> Item:
    """Change an item's text, scale or own rule; only while the study is a draft."""
    study = item.study
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    if not study.is_draft:
        raise ServiceError(
            _("The study has launched: its items can no longer be changed."), status=409
        )
    text = check_length((text or "").strip(), ITEM_TEXT_MAX, field="text", label=_("The statement"))
    if not text:
        raise ServiceError(_("Write the statement or question."), field="text")
    cfg = _item_config(item.kind, config or {})
    changed = [f for f, v in (("text", text), ("config", cfg)) if getattr(item, f) != v]
    before = {"text": item.text, "config": item.config}
    with transaction.atomic():
        item.text, item.config = text, cfg
        if changed:
            item.save(update_fields=changed)
        record_audit(
            actor=actor,
            action="delphi.item.update",
            target=item,
            before=before,
            after={"text": text, "config": cfg},
            study=study.pk,
            fields=changed,
        )
    return item


def delete_item(*, actor: User, item: Item) -> None:
    """Remove an item from a draft study; the others close up their positions."""
    study = item.study
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    if not study.is_draft:
        raise ServiceError(
            _("The study has launched: its items can no longer be deleted."), status=409
        )
    with transaction.atomic():
        record_audit(
            actor=actor, action="delphi.item.delete", target=study, item=item.pk, text=item.text
        )
        position = item.position
        item.delete()
        study.items.filter(position__gt=position).update(position=F("position") - 1)


def launch_study(*, actor: User, study: Study, now=None) -> Study:
    """Lock the pre-registered rules and open round one (or the live round)."""
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    if not study.is_draft:
        raise ServiceError(_("This study has already launched."), status=409)
    if not study.rules:
        raise ServiceError(
            _("A study cannot launch without a consensus rule: set the rules first."),
            field="rules",
        )
    rules = core.ConsensusRules.from_dict(study.rules)
    items = list(study.items.filter(first_round=1))
    if not items:
        raise ServiceError(_("Add at least one item for round one."), field="items")
    if study.is_realtime and any(i.kind == ItemKind.TEXT for i in items):
        raise ServiceError(_("Real-time studies cannot have free-text items."), field="items")
    for item in items:
        _check_item_rule(item, study, default=rules)
    now = now or timezone.now()
    with transaction.atomic():
        study.status = StudyStatus.RUNNING
        study.rules_locked_at = now
        study.launched_at = now
        study.save(update_fields=["status", "rules_locked_at", "launched_at"])
        Round.objects.create(
            study=study,
            number=1,
            opened_at=now,
            closes_at=None if study.is_realtime else now + timedelta(days=study.round_days),
        )
        record_audit(actor=actor, action="delphi.study.launch", target=study, rules=study.rules)
    return study


def new_version(*, actor: User, study: Study, rules: Any, note: str) -> Study:
    """Rules cannot change after launch: a change makes a new version with a visible note.

    The new version is a draft with a copy of the items and the same panel (under new
    pseudonyms); the old one is closed and marked superseded.
    """
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    if study.is_draft:
        raise ServiceError(_("A draft's rules can be edited directly."), status=409)
    if study.status == StudyStatus.SUPERSEDED:
        raise ServiceError(_("This version was already replaced."), status=409)
    note = check_length((note or "").strip(), NOTE_MAX, field="note", label=_("The note"))
    if not note:
        raise ServiceError(
            _("Say why the rules change; the note is shown to everyone."), field="note"
        )
    new_rules = parse_rules(rules)
    now = timezone.now()
    with transaction.atomic():
        old = Study.objects.select_for_update().get(pk=study.pk)
        if old.status == StudyStatus.SUPERSEDED:
            raise ServiceError(_("This version was already replaced."), status=409)
        copy = Study.objects.create(
            **{k: getattr(old, k) for k in STUDY_FIELDS},
            focus_area=old.focus_area,
            task_force=old.task_force,
            is_simulated=old.is_simulated,
            rules=new_rules,
            version=old.version + 1,
            previous_version=old,
            version_note=note,
            created_by=actor,
        )
        for item in old.items.filter(first_round=1):
            Item.objects.create(
                study=copy,
                kind=item.kind,
                text=item.text,
                config=item.config,
                position=item.position,
                first_round=1,
            )
        for invite in old.invites.all():
            PanelInvite.objects.create(
                study=copy,
                email=invite.email,
                user=invite.user,
                invitation=invite.invitation,
                invited_by=invite.invited_by,
                accepted_at=invite.accepted_at,
            )
        seated = PanelSeat.objects.filter(study=old).select_related("user", "panellist")
        for seat in seated:
            _seat(copy, seat.user, expertise=seat.panellist.expertise)
        old.rounds.filter(closed_at__isnull=True).update(closed_at=now)
        old.status = StudyStatus.SUPERSEDED
        old.stop_reason = _("Replaced by version %(v)s.") % {"v": copy.version}
        old.save(update_fields=["status", "stop_reason"])
        record_audit(
            actor=actor,
            action="delphi.study.new_version",
            target=copy,
            previous=old.pk,
            note=note,
            rules=new_rules,
        )
    return copy


def publish_results(*, actor: User, study: Study, published: bool = True) -> Study:
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    if published and study.is_draft:
        raise ServiceError(_("A draft has no results to publish."), status=409)
    with transaction.atomic():
        study.is_published = published
        study.save(update_fields=["is_published"])
        record_audit(actor=actor, action="delphi.study.publish", target=study, published=published)
    return study


# --------------------------------------------------------------------------- panel


def _groups_of(user: User) -> dict[str, Any]:
    institution = user.institution
    if institution is None:
        expert = getattr(user, "expert_profile", None)
        institution = expert.institution if expert else None
    if institution is None:
        return {}
    country = institution.country
    return {
        "regional_group": country.regional_group or None,
        "blocs": sorted(b.code for b in country.blocs.all()),
        "institution_type": institution.kind,
    }


def _seat(study: Study, user: User, expertise: dict | None = None, simulated=False) -> Panellist:
    existing = PanelSeat.objects.filter(study=study, user=user).select_related("panellist").first()
    if existing:
        return existing.panellist
    while True:
        panellist = Panellist(
            study=study, groups=_groups_of(user), expertise=expertise or {}, is_simulated=simulated
        )
        if not Panellist.objects.filter(study=study, pseudonym=panellist.pseudonym).exists():
            break
    panellist.save()
    PanelSeat.objects.create(study=study, user=user, panellist=panellist)
    return panellist


@dataclass
class PanelOutcome:
    """What one call to :func:`add_to_panel` did: the invitations it made, the people who
    were invited already (left as they were), and every entry it refused, with why."""

    added: list[PanelInvite] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    duplicates: int = 0


@dataclass
class _PanelPlan:
    people: list[User]
    addresses: list[str]
    verified: Mapping[str, User]
    outcome: PanelOutcome


def _plan_panel(
    *, actor: User, study: Study, emails: list[str], expert_ids: list[Any]
) -> _PanelPlan:
    """Check everything before anything is written: the actor, the study, each address and
    each picked expert. Refusals of the whole call raise; refusals of one entry are listed."""
    if not can_invite(actor, study):
        raise ServiceError.forbidden()
    if study.status in (StudyStatus.CLOSED, StudyStatus.SUPERSEDED):
        raise ServiceError(_("This study is closed."), status=409)
    if len(emails) + len(expert_ids) > MAX_INVITES:
        raise ServiceError(
            _("Invite at most %(n)s people at once.") % {"n": MAX_INVITES}, field="emails"
        )
    parsed = parse_lines(emails)
    experts = visible_experts_by_id(actor, expert_ids) if expert_ids else []
    if not parsed.addresses and not parsed.rejected and not experts:
        raise ServiceError(_("Give at least one e-mail address."), field="emails")
    outcome = PanelOutcome(rejected=list(parsed.rejected), duplicates=parsed.duplicates)
    people: list[User] = []
    for expert in experts:
        person = expert.user
        if person is None or not person.is_active or not person.email:
            outcome.rejected.append(
                Rejected(line=None, value=expert.name, reason=_("has no account yet."))
            )
        elif person not in people:
            people.append(person)
    picked = {p.email.lower() for p in people}
    verified = {
        u.verified_email.lower(): u
        for u in User.objects.annotate(address=Lower("email")).filter(
            is_active=True, email_verified=True, address__in=[a.lower() for a in parsed.addresses]
        )
        if u.verified_email
    }
    addresses: list[str] = []
    for email in parsed.addresses:
        if email.lower() in picked:
            continue
        if email.lower() not in verified and not can_send_signup_links(actor):
            outcome.rejected.append(
                Rejected(
                    line=parsed.lines[email.lower()],
                    value=email,
                    reason=_(
                        "%(e)s has no account yet. Only the secretariat can send sign-up "
                        "links; ask it to invite this person."
                    )
                    % {"e": email},
                )
            )
        else:
            addresses.append(email)
    return _PanelPlan(people=people, addresses=addresses, verified=verified, outcome=outcome)


def add_to_panel(
    *,
    actor: User,
    study: Study,
    emails: list[str] | None = None,
    expert_ids: list[Any] | None = None,
    accept_url_base: str,
    institution: Institution | None = None,
) -> PanelOutcome:
    """Invite a bulk list of addresses and experts picked from the directory to the panel.

    Every address that can be invited is, and every one that cannot is reported by line and
    text (not an address, or no account while the actor may not send sign-up links), so one
    typo keeps nobody else out. Duplicates count once whatever their case. A picked expert
    is seated through their profile's account; an id the actor may not see refuses the whole
    call, like an id that does not exist. Nothing at all to invite is an error.

    People whose account has the address *verified* join at once; for any other address the
    invite stays an address invite: the foundation's single-use sign-up link, and a seat once
    the person accepts it or an account verifies that address (:func:`claim_invitations`).
    An address someone merely typed into their profile never seats them."""
    plan = _plan_panel(
        actor=actor, study=study, emails=list(emails or []), expert_ids=list(expert_ids or [])
    )
    if not plan.people and not plan.addresses:
        raise ServiceError(
            "; ".join(r.message for r in plan.outcome.rejected) or _("Nobody to invite."),
            field="emails",
        )
    return _write_panel(
        actor=actor,
        study=study,
        plan=plan,
        accept_url_base=accept_url_base,
        institution=institution,
    )


def invite_panel(
    *,
    actor: User,
    study: Study,
    emails: list[str],
    accept_url_base: str,
    institution: Institution | None = None,
) -> list[PanelInvite]:
    """All or nothing (for scripts and the demo): the invitations made, or a ``ServiceError``
    naming the first address that cannot be invited, with nothing written. Pages and the
    API use :func:`add_to_panel`, which keeps the good addresses of a list."""
    plan = _plan_panel(actor=actor, study=study, emails=list(emails), expert_ids=[])
    if plan.outcome.rejected:
        raise ServiceError(plan.outcome.rejected[0].reason, field="emails")
    return _write_panel(
        actor=actor,
        study=study,
        plan=plan,
        accept_url_base=accept_url_base,
        institution=institution,
    ).added


def _write_panel(
    *,
    actor: User,
    study: Study,
    plan: _PanelPlan,
    accept_url_base: str,
    institution: Institution | None,
) -> PanelOutcome:
    outcome = plan.outcome
    open_round = study.open_round() if study.status == StudyStatus.RUNNING else None
    deadline = open_round.closes_at if open_round is not None else None
    reason = " ".join(study.question.split())[:500]
    with transaction.atomic():
        for person in plan.people:
            if (
                PanelSeat.objects.filter(study=study, user=person).exists()
                or PanelInvite.objects.filter(study=study, email__iexact=person.email).exists()
            ):
                outcome.already.append(person.display_name)
                continue
            invite = PanelInvite(
                study=study,
                email=person.email,
                user=person,
                invited_by=actor,
                accepted_at=timezone.now(),
            )
            _seat(study, person)
            _notify_added(actor, study, person, open_round, reason)
            invite.save()
            outcome.added.append(invite)
        for email in plan.addresses:
            if PanelInvite.objects.filter(study=study, email__iexact=email).exists():
                outcome.already.append(email)
                continue
            user = plan.verified.get(email.lower())
            invite = PanelInvite(study=study, email=email, invited_by=actor)
            if user is not None:
                invite.user = user
                invite.accepted_at = timezone.now()
                _seat(study, user)
                _notify_added(actor, study, user, open_round, reason)
            else:
                # No verified holder: the address's real owner gets a sign-up link, whoever
                # may have typed it into a profile.
                invitation, _link = create_invitation(
                    actor=actor,
                    email=email,
                    role=Role.EXPERT if institution else Role.PUBLIC,
                    institution=institution,
                    purpose=_("the Delphi panel “%(t)s”") % {"t": study.title[:150]},
                    accept_url_base=accept_url_base,
                    reason=reason,
                    deadline=deadline,
                    url=absolute_url(study.get_absolute_url()),
                )
                invite.invitation = invitation
            invite.save()
            outcome.added.append(invite)
        record_audit(
            actor=actor, action="delphi.panel.invite", target=study, count=len(outcome.added)
        )
    return outcome


def _notify_added(
    actor: User, study: Study, user: User, open_round: Round | None, reason: str
) -> None:
    """An existing member added to the panel: action required while a round waits."""
    waiting = open_round is not None and open_round.is_open and not study.is_simulated
    notify(
        kind="delphi.invited",
        title=lambda: (
            _("%(inviter)s adds you to the Delphi panel “%(t)s”")
            % {"inviter": actor.display_name, "t": study.title[:150]}
        ),
        body=reason,
        url=reverse("delphi:answer", args=[study.slug]) if waiting else study.get_absolute_url(),
        recipients=[user],
        target=study,
        action_required=waiting,
        due_at=open_round.closes_at if waiting and open_round is not None else None,
        actor=actor,
    )


def claim_invitations(*, user: Any) -> int:
    """Seat a person on the panels whose address invites they proved: the invitation link
    that created their account, or an address their account has verified."""
    if not user.is_authenticated:
        return 0
    used = Invitation.objects.filter(used_by=user).values_list("pk", flat=True)
    mine = Q(invitation_id__in=list(used))
    if user.verified_email:
        mine |= Q(email__iexact=user.verified_email)
    pending = PanelInvite.objects.filter(mine, user__isnull=True).select_related("study")
    count = 0
    with transaction.atomic():
        for invite in pending:
            invite.user = user
            invite.accepted_at = timezone.now()
            invite.save(update_fields=["user", "accepted_at"])
            if invite.study.status in (StudyStatus.DRAFT, StudyStatus.RUNNING):
                _seat(invite.study, user)
                count += 1
    return count


def set_expertise(*, actor: User, study: Study, ratings: dict[str, Any]) -> Panellist:
    panellist = seat_of(actor, study)
    if panellist is None:
        raise ServiceError.forbidden()
    clean: dict[str, int] = {}
    for topic, value in (ratings or {}).items():
        if topic not in study.topics:
            raise ServiceError(_("Unknown topic '%(t)s'.") % {"t": topic}, field="expertise")
        if value in (None, ""):
            continue
        try:
            clean[topic] = core.validate_likert(int(value), 5)
        except (TypeError, ValueError) as exc:
            raise ServiceError(
                _("Rate your expertise from 1 (basic) to 5 (leading)."), field="expertise"
            ) from exc
    panellist.expertise = clean
    panellist.save(update_fields=["expertise"])
    return panellist


# --------------------------------------------------------------------------- answers


def validate_value(item: Item, value: Any) -> Any:
    """Check one answer against its item; raise ServiceError naming the item."""
    try:
        if item.kind == ItemKind.LIKERT:
            return core.validate_likert(_number(value), item.config["points"])
        if item.kind == ItemKind.NUMERIC:
            c = item.config
            number = _number(value)
            lower, upper = c.get("lower"), c.get("upper")
            try:
                return core.validate_numeric(number, lower, upper)
            except ValueError:
                if isinstance(number, int | float) and math.isfinite(number):
                    if lower is not None and upper is not None:
                        message = _("give a number from %(lo)s to %(hi)s") % {
                            "lo": _fmt(lower),
                            "hi": _fmt(upper),
                        }
                    elif lower is not None:
                        message = _("give a number of at least %(lo)s") % {"lo": _fmt(lower)}
                    else:
                        message = _("give a number of at most %(hi)s") % {"hi": _fmt(upper)}
                    raise ValueError(message) from None
                raise
        if item.kind == ItemKind.RANKING:
            if isinstance(value, str):
                value = [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ValueError("a ranking is a list of option ids, best first")
            core.validate_ranking(value, [o["id"] for o in item.options])
            return value
        if item.kind == ItemKind.PAIR:
            if not isinstance(value, dict):
                raise ValueError("give a desirability and a feasibility rating")
            points = item.config["points"]
            return {
                "desirability": core.validate_likert(_number(value.get("desirability")), points),
                "feasibility": core.validate_likert(_number(value.get("feasibility")), points),
            }
        if item.kind == ItemKind.TEXT:
            text = str(value or "").strip()
            if not text:
                raise ValueError("the answer is empty")
            if len(text) > ANSWER_MAX:
                raise ValueError(f"the answer is longer than {ANSWER_MAX} characters")
            return text
    except ValueError as exc:
        raise ServiceError(
            _("Item %(n)s: %(e)s.") % {"n": item.position, "e": exc}, field=f"item_{item.pk}"
        ) from exc
    raise ServiceError(_("Unknown item type."))


def _number(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        if not value:
            raise ValueError("no answer given")
        try:
            return float(value)
        except ValueError:
            raise ValueError(f"'{value}' is not a number") from None
    return value


def submit_answers(
    *, actor: User, study: Study, round: Round, answers: list[dict[str, Any]], now=None
) -> list[Answer]:
    """Save a panellist's answers to the open round (all or nothing).

    Each answer: ``{"item": id, "value": ..., "rationale": "", "reason": ""}``. Answers
    may be changed until the round closes. In real-time mode an answer outside the
    others' interquartile range needs a reason.
    """
    panellist = seat_of(actor, study)
    if panellist is None:
        raise ServiceError(_("Only members of this panel can answer."), status=403)
    now = now or timezone.now()
    if round.study_id != study.pk:
        raise ServiceError(_("This round belongs to another study."), field="round")
    if (
        study.status != StudyStatus.RUNNING
        or round.closed_at is not None
        or (round.closes_at is not None and round.closes_at <= now)
    ):
        raise ServiceError(
            _("Round %(n)s is closed; answers are no longer accepted.") % {"n": round.number},
            field="round",
            status=409,
        )
    if not answers:
        raise ServiceError(_("Answer at least one item."), field="answers")
    items = {i.pk: i for i in study.items.all()}
    seen: set[int] = set()
    rows: list[tuple[Item, Any, str, str]] = []
    for entry in answers:
        try:
            item_id = int(entry.get("item"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ServiceError(_("Unknown item."), field="item") from None
        item = items.get(item_id)
        if item is None or not item.asked_in(round.number):
            raise ServiceError(
                _("Item %(id)s is not asked in this round.") % {"id": item_id}, field="item"
            )
        if item_id in seen:
            raise ServiceError(
                _("Item %(n)s is answered twice.") % {"n": item.position}, field="item"
            )
        seen.add(item_id)
        value = validate_value(item, entry.get("value"))
        n = {"n": item.position}
        rationale = check_length(
            str(entry.get("rationale") or "").strip(),
            ANSWER_MAX,
            field=f"rationale_{item.pk}",
            label=_("The reasons given for item %(n)s") % n,
        )
        reason = check_length(
            str(entry.get("reason") or "").strip(),
            ANSWER_MAX,
            field=f"reason_{item.pk}",
            label=_("The reason for item %(n)s") % n,
        )
        if study.is_realtime and item.kind in (ItemKind.LIKERT, ItemKind.NUMERIC):
            live = stats.live_summary(item, round, exclude=panellist)
            if (
                live is not None
                and live.n >= LIVE_MIN_ANSWERS
                and live.is_outside_iqr(float(value))
                and not reason
            ):
                raise ServiceError(
                    _(
                        "Item %(n)s: your answer %(v)s lies outside the panel's interquartile "
                        "range (%(q1)s–%(q3)s). Please give a reason."
                    )
                    % {
                        "n": item.position,
                        "v": _fmt(value),
                        "q1": _fmt(live.q1),
                        "q3": _fmt(live.q3),
                    },
                    field=f"reason_{item.pk}",
                )
        rows.append((item, value, rationale, reason))
    saved: list[Answer] = []
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round.pk)
        if locked.closed_at is not None:
            raise ServiceError(
                _("The round closed while you were answering."), field="round", status=409
            )
        for item, value, rationale, reason in rows:
            answer, _created = Answer.objects.update_or_create(
                panellist=panellist,
                item=item,
                round=round,
                defaults={"value": value, "rationale": rationale, "outside_reason": reason},
            )
            saved.append(answer)
        publish_batch(round=locked)
    return saved


def save_answer_form(
    *,
    actor: User,
    study: Study,
    round: Round,
    answers: list[dict[str, Any]],
    ratings: dict[str, Any] | None = None,
) -> list[Answer]:
    """The answer page's one save: expertise ratings and answers, all or nothing.

    With ratings and no answers only the ratings are saved. Any error stores neither.
    """
    with transaction.atomic():
        if ratings is not None:
            set_expertise(actor=actor, study=study, ratings=ratings)
            if not answers:
                return []
        return submit_answers(actor=actor, study=study, round=round, answers=answers)


def publish_batch(*, round: Round) -> bool:
    """Publish the open round's answers once ``BATCH_SIZE`` more people have answered.

    An open round shows two things that could be diffed against each other: who has
    answered (the secretariat's list) and what the panel answered (the live median and
    IQR of real-time mode, the answer counts, the reasons given). If either moved with
    each answer, polling both would tie each new answer to the person just marked done.
    So both move together, in batches: the answers of a round are copied to
    ``published_value`` / ``published_rationale`` only when at least ``BATCH_SIZE``
    people answered since the last batch, and the list and every open-round statistic
    read only that copy. Each change thus mixes at least ``BATCH_SIZE`` people's answers
    (and any changes of earlier ones). Batches beat a time delay ("as of yesterday"),
    which still publishes a window in which one person answered alone. Per-pseudonym
    answers of a round are exported only once it has closed.

    Called inside ``submit_answers`` with the round row locked. Returns whether a batch
    was published.
    """
    answers = Answer.objects.filter(round=round)
    shown = answers.filter(published_value__isnull=False).values("panellist_id")
    waiting = (
        answers.exclude(panellist_id__in=shown).order_by().values("panellist_id").distinct()
    ).count()
    if waiting < BATCH_SIZE:
        return False
    answers.update(published_value=F("value"), published_rationale=F("rationale"))
    return True


def _fmt(x: Any) -> str:
    return f"{float(x):g}" if x is not None else "–"


# --------------------------------------------------------------------------- rounds


def close_round(*, actor: User, round: Round, now=None) -> Round:
    """Close a round; items that reached consensus leave; apply the stopping rules."""
    study = round.study
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    if round.closed_at is not None:
        raise ServiceError(_("This round is already closed."), status=409)
    now = now or timezone.now()
    with transaction.atomic():
        round.closed_at = now
        round.save(update_fields=["closed_at"])
        asked = [i for i in study.items.all() if i.asked_in(round.number)]
        remaining = []
        for item in asked:
            result = stats.item_round(item, round)
            if study.drop_consensus_items and result.get("consensus_reached"):
                item.last_round = round.number
                item.save(update_fields=["last_round"])
            else:
                remaining.append((item, result))
        future = study.items.filter(first_round__gt=round.number).exists()
        decision = core.stop_decision(
            round_number=round.number,
            max_rounds=study.max_rounds,
            remaining_stable=[r.get("stable") for _i, r in remaining],
            future_items=future,
            realtime=study.is_realtime,
            stop_when_stable=study.stop_when_stable,
        )
        messages = {
            "realtime": _("The real-time study was closed."),
            "last_round": _("The last planned round (%(n)s) is over.") % {"n": study.max_rounds},
            "consensus": _("Every item reached consensus."),
            "stable": _("Answers were stable between the last two rounds (stopping rule)."),
        }
        reason = messages[decision.reason] if decision.reason else ""
        if reason:
            study.status = StudyStatus.CLOSED
            study.stop_reason = reason
            study.save(update_fields=["status", "stop_reason"])
        record_audit(
            actor=actor,
            action="delphi.round.close",
            target=study,
            round=round.number,
            stopped=bool(reason),
        )
    return round


def open_next_round(*, actor: User, study: Study, now=None) -> Round:
    if not can_manage(actor, study):
        raise ServiceError.forbidden()
    if study.status != StudyStatus.RUNNING or study.is_realtime:
        raise ServiceError(_("Only a running study in rounds can open a round."), status=409)
    last = study.last_round()
    if last is None or last.closed_at is None:
        raise ServiceError(_("Close the current round first."), status=409)
    number = last.number + 1
    if number > study.max_rounds:
        raise ServiceError(_("The study has no round left."), status=409)
    if not any(i.asked_in(number) for i in study.items.all()):
        raise ServiceError(_("No item is left for another round."), status=409)
    now = now or timezone.now()
    with transaction.atomic():
        new = Round.objects.create(
            study=study,
            number=number,
            opened_at=now,
            closes_at=now + timedelta(days=study.round_days),
        )
        record_audit(actor=actor, action="delphi.round.open", target=study, round=number)
    return new


# --------------------------------------------------------------------------- reminders


def _reminder_title(round: Round) -> str:
    return _("Reminder: round %(n)s of the Delphi study “%(t)s”") % {
        "n": round.number,
        "t": round.study.title,
    }


def _reminder_body(round: Round) -> str:
    return _("You have not answered round %(n)s yet. Your answers are anonymous.") % {
        "n": round.number
    }


def send_reminders(*, now=None) -> int:
    """Remind at most once per person, round and day, as an action-required notice due at
    the round's close (mailed at once, whatever the person's information mail says).
    Returns how many were sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    rounds = Round.objects.filter(
        closed_at__isnull=True, study__status=StudyStatus.RUNNING, study__is_simulated=False
    ).select_related("study")
    for round in rounds:
        if not round.is_open:
            continue
        answered = Answer.objects.filter(round=round).values("panellist_id")
        seats = (
            PanelSeat.objects.filter(study=round.study, user__is_active=True)
            .exclude(panellist_id__in=answered)
            .select_related("user")
        )
        for seat in seats:
            user = seat.user
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        Reminder.objects.create(round=round, user=user, day=today)
                except IntegrityError:
                    continue  # already reminded today for this round
                notify(
                    kind="delphi.reminder",
                    title=partial(_reminder_title, round),
                    body=partial(_reminder_body, round),
                    url=reverse("delphi:answer", args=[round.study.slug]),
                    recipients=[user],
                    target=round.study,
                    action_required=True,
                    due_at=round.closes_at,
                )
            sent += 1
    return sent
