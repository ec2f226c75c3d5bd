"""Writes of the network registry. Every write checks its actor and leaves an audit line."""

import datetime as dt
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from middleground.accounts.models import Role, User
from middleground.accounts.services import audit_snapshot, record_audit
from middleground.core.errors import ServiceError, check_model_lengths, delete_unless_referenced
from middleground.core.slugs import unique_slug
from middleground.notifications.services import notify
from middleground.translations.languages import content_language_choices, default_content_language

from . import permissions
from .models import (
    ApplicationStatus,
    Country,
    Expert,
    FocusArea,
    Institution,
    InstitutionType,
    MembershipApplication,
    TaskForce,
    Visibility,
)
from .selectors import visible_experts_by_id


def resolve_country(code: str | None, field: str = "country") -> Country:
    country = Country.objects.filter(code=(code or "").strip().upper()).first()
    if country is None:
        raise ServiceError(_("Unknown country code '%(code)s'.") % {"code": code}, field=field)
    return country


def resolve_focus_areas(slugs: list[str] | None) -> list[FocusArea]:
    slugs = list(slugs or [])
    areas = list(FocusArea.objects.filter(slug__in=slugs))
    missing = sorted(set(slugs) - {a.slug for a in areas})
    if missing:
        raise ServiceError(
            _("Unknown focus area: %(slugs)s.") % {"slugs": ", ".join(missing)}, field="focus_areas"
        )
    return areas


def resolve_institution(pk: int, field: str = "institution") -> Institution:
    institution = Institution.objects.filter(pk=pk).first()
    if institution is None:
        raise ServiceError(_("Unknown institution %(id)s.") % {"id": pk}, field=field)
    return institution


def _institution_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in ("name", "acronym", "website", "description"):
        if key in data and data[key] is not None:
            fields[key] = str(data[key]).strip()
    if "name" in fields and not fields["name"]:
        raise ServiceError(_("The name cannot be empty."), field="name")
    if "kind" in data and data["kind"] is not None:
        if data["kind"] not in InstitutionType.values:
            raise ServiceError(
                _("Unknown institution type '%(kind)s'.") % {"kind": data["kind"]}, field="kind"
            )
        fields["kind"] = data["kind"]
    if data.get("language"):
        if data["language"] not in dict(content_language_choices()):
            raise ServiceError(_("Unknown language."), field="language")
        fields["language"] = data["language"]
    if data.get("country") is not None:
        fields["country"] = resolve_country(data["country"])
    check_model_lengths(Institution, fields)
    return fields


def _check_unique_name(name: str, exclude_pk: int | None = None) -> None:
    if Institution.objects.filter(name__iexact=name).exclude(pk=exclude_pk or 0).exists():
        raise ServiceError(
            _("An institution named '%(name)s' already exists.") % {"name": name}, field="name"
        )


def create_institution(*, actor: User, data: dict[str, Any]) -> Institution:
    if not actor.is_secretariat:
        raise ServiceError.forbidden()
    fields = _institution_fields(data)
    for required in ("name", "kind", "country"):
        if required not in fields:
            raise ServiceError(_("This field is required."), field=required)
    fields.setdefault("language", default_content_language(actor))
    _check_unique_name(fields["name"])
    focus = resolve_focus_areas(data.get("focus_areas"))
    with transaction.atomic():
        institution = Institution(
            slug=unique_slug(Institution, fields["name"]),
            verified=bool(data.get("verified", False)),
            is_member=bool(data.get("is_member", True)),
            **fields,
        )
        try:
            institution.save()
        except IntegrityError as exc:  # a concurrent insert of the same name
            raise ServiceError(
                _("An institution with this name already exists."), field="name"
            ) from exc
        institution.focus_areas.set(focus)
        record_audit(
            actor=actor, action="institution.create", target=institution, name=institution.name
        )
    return institution


def update_institution(
    *, actor: User, institution: Institution, data: dict[str, Any]
) -> Institution:
    if not permissions.can_edit_institution(actor, institution):
        raise ServiceError.forbidden()
    fields = _institution_fields(data)
    if "name" in fields:
        _check_unique_name(fields["name"], exclude_pk=institution.pk)
    if "verified" in data and data["verified"] is not None:
        if not actor.is_secretariat:
            raise ServiceError(
                _("Only the secretariat can verify institutions."), field="verified", status=403
            )
        fields["verified"] = bool(data["verified"])
    focus = (
        resolve_focus_areas(data["focus_areas"]) if data.get("focus_areas") is not None else None
    )
    for role_field in ("focal_point", "deputy"):
        if role_field in data:
            fields[role_field] = _representative_of(institution, data[role_field], role_field)
    audited = list(fields) + (["focus_areas"] if focus is not None else [])
    with transaction.atomic():
        before = audit_snapshot(institution, audited)
        for key, value in fields.items():
            setattr(institution, key, value)
        # only the fields of this edit: the row was read with the request, and a concurrent
        # change of another field (a decision on membership) must survive
        institution.save(update_fields=list(fields))
        if focus is not None:
            institution.focus_areas.set(focus)
        record_audit(
            actor=actor,
            action="institution.update",
            target=institution,
            before=before,
            after=audit_snapshot(institution, audited),
        )
    return institution


def _representative_of(institution: Institution, value: Any, field: str) -> User | None:
    """The focal point or deputy named (a User, an id, or None to clear): an active
    representative of this institution, or ServiceError."""
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, User) else value
    person = User.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if person is None or not person.represents(institution.pk):
        raise ServiceError(
            _("Choose a representative of this institution."), field=field, status=400
        )
    return person


def delete_institution(*, actor: User, institution: Institution) -> None:
    if not actor.is_secretariat:
        raise ServiceError.forbidden()
    if institution.chaired_task_forces.exists():
        raise ServiceError(_("This institution chairs a task force; appoint another chair first."))
    with transaction.atomic():
        record_audit(
            actor=actor, action="institution.delete", target=institution, name=institution.name
        )
        delete_unless_referenced(institution)


def apply_for_membership(
    *, actor: User, data: dict[str, Any], motivation: str
) -> MembershipApplication:
    """A signed-in person proposes their institution; it stays unlisted until approved."""
    if not actor.is_authenticated:
        raise ServiceError(_("Sign in to apply."), status=401)
    motivation = motivation.strip()
    if not motivation:
        raise ServiceError(_("Please say why the institution wants to join."), field="motivation")
    check_model_lengths(MembershipApplication, {"motivation": motivation})
    fields = _institution_fields(data)
    for required in ("name", "kind", "country"):
        if required not in fields:
            raise ServiceError(_("This field is required."), field=required)
    if MembershipApplication.objects.filter(
        institution__name__iexact=fields["name"], status=ApplicationStatus.PENDING
    ).exists():
        raise ServiceError(
            _("An application for this institution is already waiting for a decision."),
            field="name",
        )
    fields.setdefault("language", default_content_language(actor))
    _check_unique_name(fields["name"])
    with transaction.atomic():
        # Lock the applicant's row: concurrent applications by one person are counted in turn.
        User.objects.select_for_update().filter(pk=actor.pk).first()
        _check_application_rate(actor)
        institution = Institution.objects.create(
            slug=unique_slug(Institution, fields["name"]), is_member=False, **fields
        )
        application = MembershipApplication.objects.create(
            institution=institution, submitted_by=actor, motivation=motivation
        )
    return application


def _check_application_rate(actor: User) -> None:
    """The application limits of ``settings``, read at each call."""
    max_pending = settings.NETWORK_MAX_PENDING_APPLICATIONS
    max_per_day = settings.NETWORK_MAX_APPLICATIONS_PER_DAY
    mine = MembershipApplication.objects.filter(submitted_by=actor)
    if mine.filter(status=ApplicationStatus.PENDING).count() >= max_pending:
        raise ServiceError(
            _(
                "You already have %(n)d applications waiting for a decision; "
                "please wait for the secretariat to decide them."
            )
            % {"n": max_pending},
            status=429,
        )
    since = timezone.now() - dt.timedelta(days=1)
    if mine.filter(created_at__gte=since).count() >= max_per_day:
        raise ServiceError(
            _("You have sent %(n)d applications today; please try again tomorrow.")
            % {"n": max_per_day},
            status=429,
        )


def decide_application(
    *, actor: User, application: MembershipApplication, approve: bool, note: str = ""
) -> MembershipApplication:
    if not actor.is_secretariat:
        raise ServiceError.forbidden()
    if application.status != ApplicationStatus.PENDING:
        raise ServiceError(
            _("This application has already been decided."), field="status", status=409
        )
    check_model_lengths(MembershipApplication, {"decision_note": note})
    with transaction.atomic():
        application.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
        application.decided_by, application.decided_at, application.decision_note = (
            actor,
            timezone.now(),
            note,
        )
        application.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        institution = application.institution
        if approve:
            institution.is_member = True
            institution.verified = True
            institution.save(update_fields=["is_member", "verified"])
            submitter = application.submitted_by
            if submitter is not None and submitter.role == Role.PUBLIC:
                submitter.role, submitter.institution = Role.REPRESENTATIVE, institution
                submitter.save(update_fields=["role", "institution"])
        record_audit(
            actor=actor,
            action="application." + application.status,
            target=application,
            institution=institution.name,
        )
        _notify_decision(actor, application)
    return application


def _decision_title(application: MembershipApplication) -> str:
    if application.status == ApplicationStatus.APPROVED:
        return _("Your application for %(name)s was approved") % {
            "name": application.institution.name
        }
    return _("Your application for %(name)s was not approved") % {
        "name": application.institution.name
    }


def _notify_decision(actor: User, application: MembershipApplication) -> None:
    """The applicant learns the secretariat's decision (information)."""
    applicant = application.submitted_by
    if applicant is None:
        return
    notify(
        kind="network.application_decided",
        title=partial(_decision_title, application),
        body=application.decision_note,
        url=application.institution.get_absolute_url(),
        recipients=[applicant],
        target=application,
        actor=actor,
    )


def _expert_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key in ("name", "title", "bio"):
        if data.get(key) is not None:
            fields[key] = str(data[key]).strip()
    if "name" in fields and not fields["name"]:
        raise ServiceError(_("The name cannot be empty."), field="name")
    if data.get("country") is not None:
        fields["country"] = resolve_country(data["country"])
    if data.get("institution") is not None:
        fields["institution"] = resolve_institution(data["institution"])
    if data.get("languages") is not None:
        languages = [str(code).strip().lower() for code in data["languages"]]
        if any(not (2 <= len(code) <= 3 and code.isalpha()) for code in languages):
            raise ServiceError(
                _("Languages are ISO 639 codes such as 'en' or 'kk'."), field="languages"
            )
        fields["languages"] = languages
    if data.get("visibility") is not None:
        if data["visibility"] not in Visibility.values:
            raise ServiceError(_("Unknown visibility."), field="visibility")
        fields["visibility"] = data["visibility"]
    check_model_lengths(Expert, fields)
    return fields


def create_expert(*, actor: User, data: dict[str, Any]) -> Expert:
    fields = _expert_fields(data)
    institution = fields.get("institution")
    if not permissions.can_add_expert(actor, institution):
        raise ServiceError.forbidden()
    for required in ("name", "country"):
        if required not in fields:
            raise ServiceError(_("This field is required."), field=required)
    focus = resolve_focus_areas(data.get("focus_areas"))
    with transaction.atomic():
        expert = Expert.objects.create(slug=unique_slug(Expert, fields["name"]), **fields)
        expert.focus_areas.set(focus)
        record_audit(actor=actor, action="expert.create", target=expert, name=expert.name)
    return expert


def update_expert(*, actor: User, expert: Expert, data: dict[str, Any]) -> Expert:
    if not permissions.can_edit_expert(actor, expert):
        raise ServiceError.forbidden()
    fields = _expert_fields(data)
    new_institution = fields.get("institution")
    if (
        new_institution is not None
        and new_institution.pk != expert.institution_id
        and not actor.is_secretariat
    ):
        raise ServiceError(
            _("Only the secretariat can move an expert to another institution."),
            field="institution",
            status=403,
        )
    focus = (
        resolve_focus_areas(data["focus_areas"]) if data.get("focus_areas") is not None else None
    )
    audited = list(fields) + (["focus_areas"] if focus is not None else [])
    with transaction.atomic():
        before = audit_snapshot(expert, audited)
        for key, value in fields.items():
            setattr(expert, key, value)
        expert.save(update_fields=list(fields))
        if focus is not None:
            expert.focus_areas.set(focus)
        if actor.is_secretariat or actor.role == Role.REPRESENTATIVE:
            record_audit(
                actor=actor,
                action="expert.update",
                target=expert,
                before=before,
                after=audit_snapshot(expert, audited),
            )
    return expert


def delete_expert(*, actor: User, expert: Expert) -> None:
    if not actor.is_secretariat:
        raise ServiceError.forbidden()
    with transaction.atomic():
        record_audit(actor=actor, action="expert.delete", target=expert, name=expert.name)
        delete_unless_referenced(expert)


def save_focus_area(
    *, actor: User, data: dict[str, Any], focus_area: FocusArea | None = None
) -> FocusArea:
    if not actor.is_secretariat:
        raise ServiceError.forbidden()
    name = str(data.get("name") or (focus_area.name if focus_area else "")).strip()
    if not name:
        raise ServiceError(_("This field is required."), field="name")
    description = data.get("description")
    check_model_lengths(FocusArea, {"name": name, "description": description})
    sdgs = data.get("sdgs", focus_area.sdgs if focus_area else [])
    if not isinstance(sdgs, list) or any(not isinstance(n, int) or not 1 <= n <= 17 for n in sdgs):
        raise ServiceError(_("SDGs are numbers from 1 to 17."), field="sdgs")
    with transaction.atomic():
        if focus_area is None:
            slug = slugify(data.get("slug") or name)
            if FocusArea.objects.filter(slug=slug).exists():
                raise ServiceError(_("A focus area with this name already exists."), field="name")
            focus_area = FocusArea(slug=slug)
            action = "focus_area.create"
        else:
            action = "focus_area.update"
        audited = ["name", "sdgs", "description"]
        before = audit_snapshot(focus_area, audited) if focus_area.pk else None
        focus_area.name = name
        focus_area.sdgs = sorted(set(sdgs))
        changed = ["name", "sdgs"]
        if description is not None:
            focus_area.description = str(description)
            changed.append("description")
        # a new row is saved whole; an existing one only in the fields of this edit
        focus_area.save(update_fields=None if action == "focus_area.create" else changed)
        if before is None:
            record_audit(actor=actor, action=action, target=focus_area, name=focus_area.name)
        else:
            record_audit(
                actor=actor,
                action=action,
                target=focus_area,
                before=before,
                after=audit_snapshot(focus_area, audited),
            )
    return focus_area


def delete_focus_area(*, actor: User, focus_area: FocusArea) -> None:
    if not actor.is_secretariat:
        raise ServiceError.forbidden()
    if focus_area.task_forces.exists():
        raise ServiceError(_("A task force works on this focus area; remove it first."))
    with transaction.atomic():
        record_audit(
            actor=actor, action="focus_area.delete", target=focus_area, name=focus_area.name
        )
        delete_unless_referenced(focus_area)


def save_task_force(
    *, actor: User, data: dict[str, Any], task_force: TaskForce | None = None
) -> TaskForce:
    if not permissions.can_edit_task_force(actor, task_force):
        raise ServiceError.forbidden()
    fields: dict[str, Any] = {}
    if data.get("name") is not None:
        fields["name"] = str(data["name"]).strip()
        if not fields["name"]:
            raise ServiceError(_("The name cannot be empty."), field="name")
        if (
            TaskForce.objects.filter(name__iexact=fields["name"])
            .exclude(pk=task_force.pk if task_force else 0)
            .exists()
        ):
            raise ServiceError(_("A task force with this name already exists."), field="name")
    if data.get("mandate") is not None:
        fields["mandate"] = str(data["mandate"]).strip()
    if data.get("language"):
        if data["language"] not in dict(content_language_choices()):
            raise ServiceError(_("Unknown language."), field="language")
        fields["language"] = data["language"]
    elif task_force is None:
        fields["language"] = default_content_language(actor)
    if data.get("focus_area") is not None:
        area = FocusArea.objects.filter(slug=data["focus_area"]).first()
        if area is None:
            raise ServiceError(
                _("Unknown focus area: %(slugs)s.") % {"slugs": data["focus_area"]},
                field="focus_area",
            )
        fields["focus_area"] = area
    if data.get("chair") is not None:
        if not actor.is_secretariat:
            raise ServiceError(
                _("Only the secretariat appoints the chair."), field="chair", status=403
            )
        fields["chair"] = resolve_institution(data["chair"], field="chair")
    members = None
    if data.get("members") is not None:
        members = [resolve_institution(pk, field="members") for pk in data["members"]]
    if task_force is None:
        for required in ("name", "mandate", "focus_area", "chair"):
            if required not in fields:
                raise ServiceError(_("This field is required."), field=required)
    check_model_lengths(TaskForce, fields)
    with transaction.atomic():
        if task_force is None:
            task_force = TaskForce(slug=unique_slug(TaskForce, fields["name"]))
            action = "task_force.create"
        else:
            action = "task_force.update"
        audited = [*fields, "members"]
        snapshot = audit_snapshot(task_force, audited) if task_force.pk else None
        for key, value in fields.items():
            setattr(task_force, key, value)
        # a new row is saved whole; an existing one only in the fields of this edit
        task_force.save(update_fields=None if action == "task_force.create" else list(fields))
        before = set(task_force.members.values_list("pk", flat=True))
        if members is not None:
            task_force.members.set(members)
        task_force.members.add(task_force.chair)
        if snapshot is None:
            record_audit(actor=actor, action=action, target=task_force, name=task_force.name)
        else:
            record_audit(
                actor=actor,
                action=action,
                target=task_force,
                before=snapshot,
                after=audit_snapshot(task_force, audited),
            )
        added = task_force.members.exclude(pk__in=before)
        for institution in added:
            # the institution's focal point (or its representatives) learns of it
            notify(
                kind="network.task_force_added",
                title=partial(_added_to_task_force, institution, task_force),
                body=task_force.mandate,
                url=task_force.get_absolute_url(),
                institution=institution,
                target=task_force,
                actor=actor,
            )
    return task_force


def _added_to_task_force(institution: Institution, task_force: TaskForce) -> str:
    """The notice's title, which ``notify`` renders in each recipient's language."""
    return _("%(institution)s is now a member of the task force “%(name)s”") % {
        "institution": institution.name,
        "name": task_force.name,
    }


def delete_task_force(*, actor: User, task_force: TaskForce) -> None:
    if not actor.is_secretariat:
        raise ServiceError.forbidden()
    with transaction.atomic():
        record_audit(
            actor=actor, action="task_force.delete", target=task_force, name=task_force.name
        )
        delete_unless_referenced(task_force)


def add_task_force_experts(
    *, actor: User, task_force: TaskForce, expert_ids: list[Any]
) -> list[Expert]:
    """Add experts picked from the directory to a task force; returns the ones newly added
    (an expert already a member is left as they were). An id the actor may not see refuses
    the whole call, like an id that does not exist. Each new member with an account is told."""
    if not permissions.can_edit_task_force(actor, task_force):
        raise ServiceError.forbidden()
    if not expert_ids:
        raise ServiceError(_("Select at least one expert."), field="experts")
    experts = visible_experts_by_id(actor, expert_ids)
    with transaction.atomic():
        present = set(task_force.experts.values_list("pk", flat=True))
        added = [e for e in experts if e.pk not in present]
        task_force.experts.add(*added)
        if added:
            record_audit(
                actor=actor,
                action="task_force.experts.add",
                target=task_force,
                experts=[e.name for e in added],
            )
        for expert in added:
            notify(
                kind="network.task_force_added",
                title=partial(_expert_added_to_task_force, expert, task_force),
                body=task_force.mandate,
                url=task_force.get_absolute_url(),
                recipients=[expert.user] if expert.user_id else [],
                target=task_force,
                actor=actor,
            )
    return added


def remove_task_force_expert(*, actor: User, task_force: TaskForce, expert: Expert) -> None:
    if not permissions.can_edit_task_force(actor, task_force):
        raise ServiceError.forbidden()
    with transaction.atomic():
        task_force.experts.remove(expert)
        record_audit(
            actor=actor,
            action="task_force.experts.remove",
            target=task_force,
            experts=[expert.name],
        )


def _expert_added_to_task_force(expert: Expert, task_force: TaskForce) -> str:
    return _("%(expert)s is now a member of the task force “%(name)s”") % {
        "expert": expert.name,
        "name": task_force.name,
    }
