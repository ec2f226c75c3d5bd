"""Reads of translations: for a page of objects in one query, and the object to translate."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from .models import ContentTranslation
from .registry import Translatable, entry_for, entry_for_label

#: where ``prefetch_translations`` leaves an object's translations: {language: {field: text}}
CACHE_ATTR = "_mg_translations"


def translations_for(objects: Iterable[Any], language: str) -> dict[tuple[int, int], dict]:
    """``{(content type id, object id): {field: text}}`` in ``language``, in one query.

    The objects may be of several models; those of unregistered models are ignored.
    """
    wanted: dict[int, set[int]] = defaultdict(set)
    for obj in objects:
        if obj is not None and obj.pk is not None and entry_for(obj) is not None:
            content_type = ContentType.objects.get_for_model(obj)  # cached by Django
            wanted[content_type.pk].add(int(obj.pk))
    found: dict[tuple[int, int], dict] = defaultdict(dict)
    if not wanted:
        return found
    condition = Q()
    for type_id, ids in wanted.items():
        condition |= Q(content_type_id=type_id, object_id__in=sorted(ids))
    rows = ContentTranslation.objects.filter(condition, language=language).values_list(
        "content_type_id", "object_id", "field", "text"
    )
    for type_id, object_id, field, text in rows:
        found[(type_id, object_id)][field] = text
    return found


def prefetch_translations(objects: Iterable[Any], language: str) -> None:
    """Attach each object's translations in ``language`` to it (one query for them all), so
    that ``{% translated %}`` on a list page asks the database nothing more."""
    items = [obj for obj in objects if obj is not None and entry_for(obj) is not None]
    found = translations_for(items, language)
    for obj in items:
        key = (ContentType.objects.get_for_model(obj).pk, int(obj.pk))
        cache = getattr(obj, CACHE_ATTR, None)
        if cache is None:
            cache = {}
            setattr(obj, CACHE_ATTR, cache)
        cache[language] = found.get(key, {})


def cached_translation(obj: Any, field: str, language: str) -> str:
    """The translation of ``field`` in ``language`` ("" when there is none), fetched with the
    object's other fields the first time it is asked for."""
    cache = getattr(obj, CACHE_ATTR, None)
    if cache is None or language not in cache:
        prefetch_translations([obj], language)
        cache = getattr(obj, CACHE_ATTR)
    return cache[language].get(field, "")


def translations_of(obj: Any) -> dict[str, dict[str, ContentTranslation]]:
    """Every translation of ``obj``: ``{language: {field: row}}``."""
    content_type = ContentType.objects.get_for_model(obj)
    result: dict[str, dict[str, ContentTranslation]] = defaultdict(dict)
    rows = ContentTranslation.objects.filter(
        content_type=content_type, object_id=obj.pk
    ).select_related("translated_by")
    for row in rows:
        result[row.language][row.field] = row
    return result


def get_translatable(
    user: Any, label: str, object_id: Any, *, for_edit: bool = True
) -> tuple[Translatable, Any]:
    """The registered object ``label``/``object_id`` for someone who may translate it (or,
    with ``for_edit=False``, only see it).

    404 for an unknown kind, a missing object or one the user may not see;
    ``PermissionDenied`` for one they may see but not translate.
    """
    entry = entry_for_label(str(label))
    try:
        pk = int(str(object_id))
    except ValueError:
        raise Http404 from None
    if entry is None or not 0 < pk < 2**63:
        raise Http404
    obj = entry.model._default_manager.filter(pk=pk).first()
    if obj is None or not entry.can_view(user, obj):
        raise Http404
    if for_edit and not entry.can_translate(user, obj):
        raise PermissionDenied
    return entry, obj
