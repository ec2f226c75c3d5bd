"""Demo notices, follows and preferences, so that the bell, "My page" and a first digest
show real content (``manage.py demo``; after the network, consultations, Delphi and
library demos, which come earlier in ``INSTALLED_APPS``).

Every notice is about a real demo object and is made by the service that would make it in
use (an invitation, a decision, a saved-search digest) or, where that service sends none,
by ``notify()``. Loading the demo twice adds nothing.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from middleground.accounts.models import User
from middleground.consultations import services as consultation_services
from middleground.consultations.models import Anonymity, Consultation, Status, Visibility
from middleground.delphi.models import Study
from middleground.library import services as library_services
from middleground.library.models import SavedSearch
from middleground.network import services as network_services
from middleground.network.models import ApplicationStatus, MembershipApplication, TaskForce

from . import services
from .models import Notification

INVITED_SLUG = "digital-trust-in-public-services-demo"
RUNNING_STUDY_SLUG = "trusted-cross-border-data-flows-demo"  # delphi/demo.py
APPLICANT_NAME = "Rio Water Policy Lab (demo)"
SAVED_SEARCH_NAME = "Water security (demo)"
#: person -> (time zone, digest hour): digests at 06:00 local, each in their own zone
PREFERENCES = {"bob": ("Asia/Almaty", 6), "carol": ("Asia/Seoul", 6), "dave": ("UTC", 6)}


def _people() -> dict[str, User]:
    return {u.username: u for u in User.objects.filter(username__in=["alice", *PREFERENCES])}


def _notify_once(*, recipient: User, kind: str, target: Any, **fields: Any) -> int:
    """``notify()`` unless the person already has a notice of this kind about the target
    (made by the service itself, or by an earlier load of the demo)."""
    if Notification.objects.filter(
        recipient=recipient,
        kind=kind,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
    ).exists():
        return 0
    return len(services.notify(kind=kind, recipients=[recipient], target=target, **fields))


def _invited_consultation(alice: User, invitees: list[User]) -> Consultation:
    """An invitation-only consultation, open for two more weeks, with bob and carol invited
    (``consultations.services.invite`` sends them their action-required notices)."""
    consultation = Consultation.objects.filter(slug=INVITED_SLUG).first()
    if consultation is None:
        consultation = consultation_services.create_consultation(
            actor=alice,
            data={
                "title": "Digital trust in public services (demo)",
                "question": (
                    "What would make citizens of middle powers trust digital public services "
                    "run across borders?"
                ),
                "context": "A demo consultation for invited experts and representatives.",
                "visibility": Visibility.INVITED,
                "anonymity": Anonymity.PSEUDONYMOUS,
                "status": Status.OPEN,
                "closes_at": timezone.now() + timedelta(days=14),
                "statements": [
                    "Independent audits of public algorithms should be published.",
                    "Citizens should be able to see who accessed their records.",
                    "Cross-border services need a shared complaints office.",
                ],
            },
        )
        Consultation.objects.filter(pk=consultation.pk).update(slug=INVITED_SLUG, is_demo=True)
        consultation.refresh_from_db()
    consultation_services.invite(
        actor=alice,
        consultation=consultation,
        emails=[u.email for u in invitees if u.email],
        accept_url_base="/accounts/invitations/accept",
    )
    return consultation


def _round_to_answer(bob: User) -> int:
    """bob's open round of the running demo study: action required by its closing date."""
    study = Study.objects.filter(slug=RUNNING_STUDY_SLUG).first()
    if study is None:
        return 0
    round = study.open_round()
    if round is None:
        return 0
    return _notify_once(
        recipient=bob,
        kind="delphi.round_open",
        target=study,
        title=f"Round {round.number} of “{study.title}” is open: your answers are awaited",
        body="Your answers are pseudonymous. Round one's results are on the study page.",
        url=f"/delphi/{study.slug}/answer/",
        action_required=True,
        due_at=round.closes_at,
    )


def _application_decision(alice: User, dave: User) -> int:
    """dave applied for his institution; the secretariat asked for more before admitting it."""
    application = MembershipApplication.objects.filter(
        institution__name=APPLICANT_NAME, submitted_by=dave
    ).first()
    if application is None:
        application = network_services.apply_for_membership(
            actor=dave,
            data={"name": APPLICANT_NAME, "kind": "ngo", "country": "BR"},
            motivation="We study water governance in the Amazon and La Plata basins.",
        )
    if application.status == ApplicationStatus.PENDING:
        network_services.decide_application(
            actor=alice,
            application=application,
            approve=False,
            note="Please add the lab's website and its research programme, then apply again.",
        )
    return _notify_once(
        recipient=dave,
        kind="network.application_decided",
        target=application,
        title=f"The secretariat declined the application for {APPLICANT_NAME} for now",
        body="The secretariat wrote: Please add the lab's website and its research "
        "programme, then apply again.",
        url="/network/apply/",
    )


def _institution_notice(carol: User) -> int:
    """carol is her institution's focal point: a notice to the institution reaches her."""
    institution = carol.institution
    if institution is None:
        return 0
    if institution.focal_point_id is None:
        institution.focal_point = carol
        institution.save(update_fields=["focal_point"])
    task_force = TaskForce.objects.filter(members=institution).order_by("pk").first()
    if task_force is None:
        return 0
    if Notification.objects.filter(
        institution=institution, kind="network.task_force_added", target_id=str(task_force.pk)
    ).exists():
        return 0
    return len(
        services.notify(
            kind="network.task_force_added",
            title=f"{institution.name} is a member of the task force “{task_force.name}”",
            body=task_force.mandate[:500],
            url=task_force.get_absolute_url(),
            institution=institution,
            target=task_force,
        )
    )


def _saved_search_digest(bob: User) -> int:
    """bob's saved search, a week old: the library's own digest finds the documents added
    since and sends him its notice (information, for his daily digest)."""
    if SavedSearch.objects.filter(user=bob, name=SAVED_SEARCH_NAME).exists():
        return 0
    saved = library_services.save_search(
        actor=bob, name=SAVED_SEARCH_NAME, params={"q": "water"}, frequency="weekly"
    )
    SavedSearch.objects.filter(pk=saved.pk).update(created_at=timezone.now() - timedelta(days=8))
    return library_services.send_digests()


def _public_demo_consultation() -> Consultation | None:
    """The first public demo consultation (the UN Security Council one)."""
    return (
        Consultation.objects.filter(is_demo=True, visibility=Visibility.PUBLIC)
        .order_by("pk")
        .first()
    )


def _follows(people: dict[str, User]) -> int:
    targets: dict[str, list[Any]] = {
        "bob": [
            Study.objects.filter(slug=RUNNING_STUDY_SLUG).first(),
            _public_demo_consultation(),
        ],
        "carol": [
            TaskForce.objects.filter(members=people["carol"].institution).order_by("pk").first()
            if people["carol"].institution_id
            else None,
            _public_demo_consultation(),
        ],
        "dave": [_public_demo_consultation()],
    }
    made = 0
    for username, things in targets.items():
        for thing in things:
            if thing is not None:
                services.follow(user=people[username], target=thing)
                made += 1
    return made


def load_demo() -> dict[str, Any]:
    people = _people()
    if not {"alice", *PREFERENCES} <= set(people):
        return {"notifications": "skipped: no demo personas (run the network demo first)"}
    alice, bob, carol, dave = (people[n] for n in ("alice", "bob", "carol", "dave"))
    for username, (time_zone, hour) in PREFERENCES.items():
        services.update_preference(
            user=people[username], information_mail="daily", time_zone=time_zone, digest_hour=hour
        )
    _invited_consultation(alice, [bob, carol])
    _round_to_answer(bob)
    _application_decision(alice, dave)
    _institution_notice(carol)
    _saved_search_digest(bob)
    follows = _follows(people)
    demo_people = [bob, carol, dave]
    return {
        "notifications": Notification.objects.filter(recipient__in=demo_people).count(),
        "notifications_action_required": Notification.objects.filter(
            recipient__in=demo_people, action_required=True, done_at__isnull=True
        ).count(),
        "follows": follows,
    }
