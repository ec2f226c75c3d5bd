"""Splitting a listing page (several article teasers on one page) into its articles.

A listing is recognised by its shape, after cleaning: headline-like lines each followed by
body text, and evidence that the page lists items rather than being one article with
sub-headings: a "results 1-6 of 124" marker, or teasers cut short ("...", "…", "Read more").
Without that evidence the text is left whole: wrongly splitting an article would be worse
than keeping a listing page as one document.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ._dates import find_date_line
from .clean import is_prose, is_title_like

__all__ = ["SplitArticle", "split_listing", "MIN_ARTICLES"]

#: Fewer headline+body pairs than this is not a listing.
MIN_ARTICLES = 2
_TRUNCATED = re.compile(
    r"(\.\.\.|…|\[…\]|\[\.\.\.\])\s*$|\b(read more|continue reading|далее"
    r"|подробнее|читать далее|толығырақ)\s*[»>→]*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SplitArticle:
    """One article of a listing: its headline, its (possibly truncated) body, its position."""

    title: str
    body: str
    position: int
    truncated: bool
    published: dt.date | None = None


def split_listing(text: str, *, listing_marker: str | None = None) -> list[SplitArticle]:
    """The articles of a listing page, or ``[]`` when ``text`` is not a listing.

    ``listing_marker`` is the "Viewing results ..." line the cleaner found, if any.
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    segments: list[tuple[str, list[str]]] = []
    for ln in lines:
        if is_title_like(ln) and not is_prose(ln):
            segments.append((ln, []))
        elif segments:
            segments[-1][1].append(ln)
    segments = [(t, b) for t, b in segments if b]
    if len(segments) < MIN_ARTICLES:
        return []
    truncated = [bool(_TRUNCATED.search(b[-1])) for _, b in segments]
    if not listing_marker and sum(truncated) * 2 < len(segments):
        return []
    # Text between headlines that is not prose (a stray label) must not become an article.
    if not all(any(is_prose(x) for x in body) for _, body in segments):
        return []
    articles = []
    for n, ((title, body), tr) in enumerate(zip(segments, truncated, strict=True)):
        # A dateline right under the headline is the article's own date.
        published = None
        while body and not is_prose(body[0]) and (d := find_date_line(body[0])) is not None:
            published = published or d
            body = body[1:]
        articles.append(SplitArticle(title, "\n\n".join(body), n, tr, published))
    return articles
