"""Versions of a strategy's text: the snapshot, its canonical bytes and their fingerprint.

The canonical serialisation is JSON with sorted keys, no insignificant whitespace and
non-ASCII characters kept as UTF-8 (RFC 8785-style for the plain strings, integers and
lists a snapshot holds). Anyone can check a published version: fetch
``/api/v1/strategies/{id}/versions/{number}/canonical`` and compare its SHA-256 with the
version's ``sha256``.
"""

import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from .models import Paragraph, Strategy, Version

#: bumped when the shape of ``Version.content`` changes; part of every canonical text
CONTENT_FORMAT = 1


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def paragraph_snapshot(paragraph: Paragraph, number: int) -> dict[str, Any]:
    return {
        "key": str(paragraph.key),
        "number": number,
        "kind": paragraph.kind,
        "text": paragraph.text,
        "actors": list(paragraph.actors),
        "timeline": paragraph.timeline,
        "credits": list(paragraph.credits),
        "evidence": [
            {
                "kind": e.kind,
                "source_id": e.source_id,
                "snapshot": e.snapshot,
                "sha256": e.sha256,
                "note": e.note,
            }
            for e in paragraph.evidence.all()
        ],
    }


def snapshot(strategy: Strategy) -> dict[str, Any]:
    """The whole working text, paragraphs numbered 1, 2, ... across sections (deleted ones
    left out): what a version freezes."""
    sections = []
    number = 0
    paragraphs = (
        strategy.paragraphs.filter(deleted=False)
        .select_related("section")
        .prefetch_related("evidence")
        .order_by("section__position", "section_id", "position", "pk")
    )
    by_section: dict[int, list[Paragraph]] = {}
    for p in paragraphs:
        by_section.setdefault(p.section_id, []).append(p)
    for section in strategy.sections.order_by("position", "pk"):
        items = []
        for p in by_section.get(section.pk, []):
            number += 1
            items.append(paragraph_snapshot(p, number))
        sections.append({"title": section.title, "paragraphs": items})
    return {
        "format": CONTENT_FORMAT,
        "title": strategy.title,
        "kind": strategy.kind,
        "language": strategy.language,
        "summary": strategy.summary,
        "sections": sections,
    }


def paragraphs_of(content: dict[str, Any]) -> list[dict[str, Any]]:
    """A version's paragraphs in order, each with its section's title added."""
    return [
        {**p, "section": s["title"]} for s in content.get("sections", []) for p in s["paragraphs"]
    ]


def new_version(strategy: Strategy, *, actor: Any, note: str = "") -> Version:
    """Freeze the working text as the next version (inside the caller's transaction)."""
    with transaction.atomic():
        # lock the strategy so that two changes at once get distinct numbers
        Strategy.objects.select_for_update().filter(pk=strategy.pk).update(
            updated_at=F("updated_at")
        )
        top = strategy.versions.aggregate(n=Max("number"))["n"] or 0
        return Version.objects.create(
            strategy=strategy,
            number=top + 1,
            content=snapshot(strategy),
            note=note[:500],
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )


def canonical_text(strategy: Strategy, version: Version, published_at) -> str:
    """What the fingerprint covers: the strategy's identity, the version and its text."""
    return canonical_json(
        {
            "strategy": {"id": strategy.pk, "slug": strategy.slug},
            "version": version.number,
            "published_at": published_at.isoformat(),
            "content": version.content,
        }
    )


def publish(version: Version) -> Version:
    """Fix a version's canonical bytes and fingerprint; a published version stays as it is."""
    if version.is_published:
        return version
    now = timezone.now().replace(microsecond=0)
    version.canonical = canonical_text(version.strategy, version, now)
    version.sha256 = fingerprint(version.canonical)
    version.published_at = now
    version.save(update_fields=["canonical", "sha256", "published_at"])
    return version


def verify(version: Version) -> bool:
    return version.is_published and fingerprint(version.canonical) == version.sha256
