"""The audit log as people read it: sentences with links, filters, a CSV export.

An :class:`~middleground.accounts.models.AuditEvent` stores an action code ("consultation.update"),
its target (model label and key) and details (for an edit, only the fields that changed, with
before and after, see :func:`middleground.accounts.services.record_audit`). This module turns
a page of them into "alice closed the consultation 'Security Council reform'", with a link to
the object while it exists, and the changed fields as "Status: Open → Closed".
"""

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from django import forms
from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent, User

#: the verb of an action, by the last part of its code ("consultation.statement.accept")
VERBS = {
    "create": gettext_lazy("created"),
    "created": gettext_lazy("created"),
    "add": gettext_lazy("added"),
    "update": gettext_lazy("changed"),
    "updated": gettext_lazy("changed"),
    "edit": gettext_lazy("edited"),
    "change": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "deleted": gettext_lazy("deleted"),
    "remove": gettext_lazy("removed"),
    "accept": gettext_lazy("accepted"),
    "accepted": gettext_lazy("accepted"),
    "reject": gettext_lazy("rejected"),
    "rejected": gettext_lazy("rejected"),
    "publish": gettext_lazy("published"),
    "published": gettext_lazy("published"),
    "withdraw": gettext_lazy("withdrew"),
    "withdrawn": gettext_lazy("withdrew"),
    "launch": gettext_lazy("launched"),
    "open": gettext_lazy("opened"),
    "close": gettext_lazy("closed"),
    "invite": gettext_lazy("sent invitations for"),
    "import": gettext_lazy("imported"),
    "revoke": gettext_lazy("revoked"),
    "saved": gettext_lazy("saved"),
    "propose": gettext_lazy("proposed"),
    "merge": gettext_lazy("merged"),
    "promote": gettext_lazy("promoted"),
    "promoted": gettext_lazy("promoted"),
    "cite": gettext_lazy("cited"),
    "uncite": gettext_lazy("withdrew the citation of"),
    "reset": gettext_lazy("reset"),
    "link": gettext_lazy("linked"),
    "unlink": gettext_lazy("unlinked"),
    "cancelled": gettext_lazy("cancelled"),
    "issued": gettext_lazy("issued"),
    "review": gettext_lazy("reviewed"),
    "finalise": gettext_lazy("finalised"),
    "correct": gettext_lazy("corrected"),
    "approved": gettext_lazy("approved"),
    "declined": gettext_lazy("declined"),
    "email_change": gettext_lazy("changed the e-mail address of"),
    "email_verified": gettext_lazy("verified the e-mail address of"),
    "assign": gettext_lazy("assigned assessors for"),
    "status": gettext_lazy("changed the status of"),
    "reconcile": gettext_lazy("reconciled the scores of"),
    "reply": gettext_lazy("replied to the draft score of"),
    "score": gettext_lazy("scored"),
    "self_report": gettext_lazy("filed a self-report on"),
    "silent": gettext_lazy("marked as silent"),
    "new_version": gettext_lazy("made a new version of"),
    "named": gettext_lazy("named the delegates of"),
    "swapped": gettext_lazy("swapped a delegate of"),
    "write": gettext_lazy("wrote"),
    "agenda": gettext_lazy("changed the personal agenda of"),
    "checked_in": gettext_lazy("checked in"),
    "capacity": gettext_lazy("changed the capacity of"),
    "position": gettext_lazy("gave a position on"),
}

#: an edit whose only or main change is the status reads as what the new status means
STATUS_VERBS = {
    "open": gettext_lazy("opened"),
    "closed": gettext_lazy("closed"),
    "published": gettext_lazy("published"),
    "draft": gettext_lazy("moved back to draft"),
    "archived": gettext_lazy("archived"),
    "withdrawn": gettext_lazy("withdrew"),
}

#: where a target with no page of its own is shown: the first of these it belongs to
PARENTS = ("consultation", "study", "strategy", "event", "institution", "task_force")


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class Entry:
    """One audit line as a person reads it."""

    event: AuditEvent
    actor: str
    sentence: SafeString
    text: str
    url: str
    changes: list[Change] = field(default_factory=list)


class AuditFilterForm(forms.Form):
    person = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )
    institution: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Institution"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("All institutions"),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=(), required=False)
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from middleground.network.models import Institution

        actors = AuditEvent.objects.exclude(actor=None).values("actor")
        self.fields["person"].queryset = User.objects.filter(pk__in=actors).order_by("username")  # type: ignore[attr-defined]
        self.fields["person"].label_from_instance = _person  # type: ignore[attr-defined]
        self.fields["institution"].queryset = Institution.objects.order_by("name")  # type: ignore[attr-defined]
        kinds = AuditEvent.objects.exclude(target_type="").values_list("target_type", flat=True)
        choices = sorted(
            {(t, capfirst(kind_label(t))) for t in kinds.distinct()}, key=lambda c: c[1]
        )
        self.fields["kind"].choices = [("", _("All kinds")), *choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date must not be before the start date."))
        return data


def _person(user: User) -> str:
    full = user.get_full_name()
    return f"{full} ({user.username})" if full else user.username


def filtered(events: QuerySet[AuditEvent], form: AuditFilterForm) -> QuerySet[AuditEvent]:
    """``events`` narrowed by a valid filter form (an invalid one narrows nothing)."""
    if not form.is_valid():
        return events
    data = form.cleaned_data
    if data.get("person"):
        events = events.filter(actor=data["person"])
    if data.get("institution"):
        institution = data["institution"]
        events = events.filter(
            Q(actor__institution=institution)
            | Q(target_type="network.institution", target_id=str(institution.pk))
        )
    if data.get("kind"):
        events = events.filter(target_type=data["kind"])
    tz = timezone.get_current_timezone()
    if data.get("since"):
        events = events.filter(created_at__gte=datetime.combine(data["since"], time.min, tz))
    if data.get("until"):
        events = events.filter(created_at__lte=datetime.combine(data["until"], time.max, tz))
    return events


def _model(target_type: str) -> type[Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def kind_label(target_type: str) -> str:
    """What kind of thing a target is, in words ("consultation")."""
    model = _model(target_type)
    if model is None:
        return target_type
    return str(model._meta.verbose_name)


def _targets(events: list[AuditEvent]) -> dict[tuple[str, str], Model]:
    """The targets of ``events`` that still exist, one query per kind."""
    wanted: dict[str, set[str]] = {}
    for event in events:
        if event.target_type and event.target_id:
            wanted.setdefault(event.target_type, set()).add(event.target_id)
    found: dict[tuple[str, str], Model] = {}
    for target_type, ids in wanted.items():
        model = _model(target_type)
        if model is None:
            continue
        try:
            rows = model._default_manager.filter(pk__in=ids)
            for row in rows:
                found[(target_type, str(row.pk))] = row
        except (ValueError, TypeError):
            continue
    return found


def _url(obj: Model | None) -> str:
    if obj is None:
        return ""
    for candidate in (obj, *(getattr(obj, name, None) for name in PARENTS)):
        if isinstance(candidate, Model) and hasattr(candidate, "get_absolute_url"):
            return str(candidate.get_absolute_url())
    return ""


def _shown(value: Any, model_field: Any = None) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    choices = dict(getattr(model_field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    return Truncator(str(value)).chars(120)


def _changes(event: AuditEvent, model: type[Model] | None) -> list[Change]:
    changes = event.details.get("changes") if isinstance(event.details, dict) else None
    if not isinstance(changes, dict):
        return []
    rows = []
    for name, pair in changes.items():
        model_field = None
        label = name.replace("_", " ")
        if model is not None:
            try:
                model_field = model._meta.get_field(name)
                label = str(getattr(model_field, "verbose_name", label))
            except Exception:  # noqa: BLE001 - a field since removed keeps its stored name
                model_field = None
        before = pair.get("before") if isinstance(pair, dict) else None
        after = pair.get("after") if isinstance(pair, dict) else pair
        rows.append(
            Change(
                label=capfirst(label),
                before=_shown(before, model_field),
                after=_shown(after, model_field),
            )
        )
    return rows


def _verb(event: AuditEvent) -> str:
    changes = event.details.get("changes") if isinstance(event.details, dict) else None
    if isinstance(changes, dict) and isinstance(changes.get("status"), dict):
        status = changes["status"].get("after")
        if status in STATUS_VERBS:
            return str(STATUS_VERBS[status])
    last = event.action.rsplit(".", 1)[-1]
    if last in VERBS:
        return str(VERBS[last])
    return _("recorded “%(action)s” for") % {"action": event.action}


def _name(event: AuditEvent, obj: Model | None) -> str:
    details = event.details if isinstance(event.details, dict) else {}
    name = str(obj) if obj is not None else ""
    if not name:
        for key in ("name", "title", "institution", "email"):
            if details.get(key):
                name = str(details[key])
                break
    if not name and event.target_id:
        name = "#" + event.target_id
    return Truncator(name).chars(60)


def describe(events: list[AuditEvent]) -> list[Entry]:
    """Each event as a sentence, with a link to its object while it exists."""
    targets = _targets(events)
    entries = []
    for event in events:
        obj = targets.get((event.target_type, event.target_id))
        actor = event.actor.username if event.actor else _("The platform")
        verb = _verb(event)
        url = _url(obj)
        model = _model(event.target_type) if event.target_type else None
        if event.target_type:
            name = _name(event, obj)
            kind = kind_label(event.target_type)
            text = _("%(actor)s %(verb)s the %(kind)s “%(name)s”") % {
                "actor": actor,
                "verb": verb,
                "kind": kind,
                "name": name,
            }
            shown = (
                format_html('<a href="{}">“{}”</a>', url, name)
                if url
                else format_html("“{}”", name)
            )
            sentence = format_html(
                _("{actor} {verb} the {kind} {name}"),
                actor=actor,
                verb=verb,
                kind=kind,
                name=shown,
            )
        else:
            text = _("%(actor)s %(verb)s") % {"actor": actor, "verb": verb}
            sentence = format_html("{}", text)
        entries.append(
            Entry(
                event=event,
                actor=actor,
                sentence=sentence,
                text=text,
                url=url,
                changes=_changes(event, model),
            )
        )
    return entries


CSV_HEADER = ("time", "person", "institution", "action", "sentence", "object", "link", "changes")


def csv_rows(entries: list[Entry], *, base_url: str = "") -> list[list[Any]]:
    """The rows of the CSV export, under :data:`CSV_HEADER`."""
    rows = []
    for entry in entries:
        event = entry.event
        institution = getattr(event.actor, "institution", None) if event.actor else None
        rows.append(
            [
                event.created_at.isoformat(timespec="seconds"),
                entry.actor,
                str(institution) if institution else "",
                event.action,
                entry.text,
                f"{event.target_type} {event.target_id}".strip(),
                base_url + entry.url if entry.url else "",
                "; ".join(f"{c.label}: {c.before} → {c.after}" for c in entry.changes),
            ]
        )
    return rows
