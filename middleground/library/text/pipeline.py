"""The whole text pipeline for one file: what the library app's ingestion service calls.

extract (type dispatch, boilerplate removal, cleaning, listing split) -> language ->
stemmed search column -> tags -> content hash and MinHash signature (-> duplicates of
already stored documents, when the caller passes a :class:`DuplicateIndex`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import IO

from .dedup import (
    DuplicateIndex,
    DuplicateMatch,
    content_hash,
    minhash_signature,
    signature_to_bytes,
)
from .extract import DEFAULT_MAX_BYTES, extract
from .language import detect_language
from .stem import search_terms
from .tagging import Tag, Tagger

__all__ = ["ProcessedDocument", "process"]


@dataclass(slots=True)
class ProcessedDocument:
    """One document ready to store: a file, or one article of a listing page."""

    filename: str
    kind: str
    title: str | None
    authors: list[str]
    published: dt.date | None
    source: str | None
    body: str
    language: str
    search_text: str
    tags: list[Tag]
    content_hash: str
    minhash: list[int]
    data_notes: list[str]
    listing_position: int | None = None
    truncated: bool = False
    has_text: bool = True
    page_count: int | None = None
    duplicates: list[DuplicateMatch] = field(default_factory=list)

    @property
    def minhash_bytes(self) -> bytes:
        """The signature packed for a BinaryField (see ``dedup.signature_from_bytes``)."""
        return signature_to_bytes(self.minhash)


def process(
    data: bytes | IO[bytes],
    filename: str,
    *,
    tagger: Tagger,
    content_type: str | None = None,
    source: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    duplicates: DuplicateIndex | None = None,
) -> list[ProcessedDocument]:
    """Turn one file into documents: one, or one per article of a listing page.

    Raises :class:`~middleground.library.text.extract.ExtractionError` for files that
    cannot be ingested. Duplicates are looked up in ``duplicates`` (built by the app from
    stored signatures) and also among the documents of this same file.
    """
    doc = extract(
        data,
        filename=filename,
        content_type=content_type,
        max_bytes=max_bytes,
        source_name=source,
    )
    out: list[ProcessedDocument] = []
    items: list[tuple[str | None, str, int | None, bool, list[str], dt.date | None]]
    if doc.articles:
        # The listing's own date is the page's, not the articles'.
        items = [
            (a.title, a.body, a.position, a.truncated, doc.data_notes + a.data_notes, a.published)
            for a in doc.articles
        ]
    else:
        items = [(doc.title, doc.body, None, False, list(doc.data_notes), doc.published)]
    # A listing page's author metadata is the site's, not each teaser's.
    authors = [] if doc.articles else list(doc.authors)
    seen = DuplicateIndex(duplicates.threshold if duplicates else 0.8)
    for title, body, position, truncated, notes, published in items:
        if doc.articles:
            guess = detect_language(body)
            language = guess.code
        else:
            language = doc.language
        digest = content_hash(body)
        signature = minhash_signature(body)
        matches: list[DuplicateMatch] = []
        if body.strip():  # empty bodies (scans) would all "duplicate" each other
            if duplicates is not None:
                matches = duplicates.find(signature, digest)
            for m in seen.find(signature, digest):
                matches.append(DuplicateMatch(f"{filename}#{m.id}", m.kind, m.similarity))
            seen.add(str(position), signature, digest)
        out.append(
            ProcessedDocument(
                filename=filename,
                kind=doc.kind,
                title=title,
                authors=list(authors),
                published=published,
                source=doc.source,
                body=body,
                language=language,
                search_text=search_terms(f"{title or ''}\n{body}", language),
                tags=tagger.tag(body, title=title or "", authors=authors) if body else [],
                content_hash=digest,
                minhash=signature,
                data_notes=notes,
                listing_position=position,
                truncated=truncated,
                has_text=doc.has_text,
                page_count=doc.page_count,
                duplicates=matches,
            )
        )
    return out
