"""Unique slugs for rows that people name: one loop for every app."""

from typing import Any

from django.db.models import Model
from django.utils.text import slugify


def unique_slug(
    model: type[Model], base: str, *, exclude_pk: Any = None, fallback: str = "item"
) -> str:
    """``slugify(base)``, numbered ``-2``, ``-3``, ... past the slugs ``model`` already holds.

    ``exclude_pk`` is the row being renamed, whose own slug does not count as taken. The
    database's unique constraint stays the final word under concurrent creation.
    """
    limit = model._meta.get_field("slug").max_length or 200  # type: ignore[union-attr]
    stem = slugify(base)[: limit - 6] or fallback
    slug, n = stem, 2
    while model._default_manager.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{stem}-{n}", n + 1
    return slug
