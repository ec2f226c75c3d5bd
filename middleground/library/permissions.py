"""Who may do what in the library: one predicate per rule, for selectors and services.

Public documents are for everyone; network-only documents for network members;
task-force documents for the secretariat and the members (and chair) of that task force.
The read rule is stated twice, side by side: :func:`can_read` for one document in hand and
:func:`visible_documents` for SQL (search filters by access before ranking, counting or
cutting snippets). ``tests/test_permissions.py`` checks that the two agree.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from middleground.network.models import TaskForce

from .models import Access, Document, IngestBatch, SavedSearch


def task_forces_of(user: Any) -> QuerySet[TaskForce]:
    """Task forces whose restricted documents the user may read (not for the secretariat)."""
    if not (user.is_authenticated and user.is_network_member and user.institution_id):
        return TaskForce.objects.none()
    return TaskForce.objects.filter(
        Q(members=user.institution_id) | Q(chair=user.institution_id)
    ).distinct()


# --- reading: the same rule in Python and in SQL, keep them together ---------------------


def can_read(user: Any, document: Document) -> bool:
    if document.access == Access.PUBLIC:
        return True
    if not (user.is_authenticated and user.is_network_member):
        return False
    if user.is_secretariat or document.access == Access.NETWORK:
        return True
    if document.task_force_id is None:
        return False
    return task_forces_of(user).filter(pk=document.task_force_id).exists()


def visible_documents(user: Any) -> QuerySet[Document]:
    """The documents :func:`can_read` allows, as a query."""
    qs = Document.objects.all()
    if user.is_authenticated and user.is_secretariat:
        return qs
    allowed = Q(access=Access.PUBLIC)
    if user.is_authenticated and user.is_network_member:
        allowed |= Q(access=Access.NETWORK)
        allowed |= Q(access=Access.TASK_FORCE, task_force__in=task_forces_of(user).values("pk"))
    return qs.filter(allowed)


# --- writing -------------------------------------------------------------------------------


def can_ingest(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_network_member)


def ingest_task_forces(user: Any) -> QuerySet[TaskForce]:
    """Task forces a user may restrict an upload to."""
    if user.is_authenticated and user.is_secretariat:
        return TaskForce.objects.all()
    return task_forces_of(user)


def can_manage_batch(user: Any, batch: IngestBatch) -> bool:
    """See a batch and add files to it: its uploader and the secretariat."""
    return bool(user.is_authenticated) and (user.is_secretariat or batch.created_by_id == user.pk)


def can_delete_document(user: Any, document: Document) -> bool:
    return bool(user.is_authenticated) and (user.is_secretariat or document.added_by_id == user.pk)


def can_edit_lexicon(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_secretariat)


def can_save_searches(user: Any) -> bool:
    return bool(user.is_authenticated)


def owns_saved_search(user: Any, saved: SavedSearch) -> bool:
    return bool(user.is_authenticated) and saved.user_id == user.pk
