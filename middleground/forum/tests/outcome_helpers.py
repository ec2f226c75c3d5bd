"""Builders for the outcome tests (no tests here): check-ins, documents, a voted consultation."""

from django.utils import timezone

from middleground.forum.models import Registration, RegistrationStatus
from middleground.library.models import Access, Document


def checked_in(event, user, *, delegation=None, sessions=()):
    registration = Registration.objects.create(
        event=event,
        type=event.registration_types.first(),
        user=user,
        delegation=delegation,
        status=RegistrationStatus.CONFIRMED,
        confirmed_at=timezone.now(),
        checked_in_at=timezone.now(),
    )
    if sessions:
        registration.agenda.set(sessions)
    return registration


def document(*, title="Statement at the panel", access=Access.PUBLIC, authors=()):
    return Document.objects.create(
        title=title,
        kind="txt",
        filename=f"{title[:20]}.txt",
        access=access,
        body="Text of the statement.",
        content_hash=str(abs(hash(title))).ljust(64, "0")[:64],
        authors=list(authors),
    )
