"""Template helpers of the library: highlighted snippets (escaped, <mark> around hits)."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from middleground.library.text import Snippet

register = template.Library()


def snippet_html(cut: Snippet | None) -> SafeString:
    """The snippet's original text, escaped, with ``<mark>`` around the query's matches only."""
    if cut is None:
        return mark_safe("")  # noqa: S308 - empty
    parts = []
    if cut.starts_mid_text:
        parts.append("… ")
    for piece in cut.pieces:
        text = escape(piece.text)
        parts.append(f"<mark>{text}</mark>" if piece.match else text)
    if cut.ends_mid_text:
        parts.append(" …")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


register.filter("snippet_html", snippet_html)


@register.filter
def term_list(terms) -> str:
    """[[term, count], ...] -> 'term (2), other'."""
    out = []
    for item in terms or []:
        term, count = item[0], item[1]
        out.append(f"{term} ({count})" if count > 1 else str(term))
    return ", ".join(out)


@register.simple_tag(takes_context=True)
def library_mentions(context, obj, limit: int = 10):
    """Readable documents mentioning a registry Country, Institution or Expert."""
    from middleground.accounts.models import Visitor
    from middleground.library.selectors import documents_mentioning
    from middleground.network.models import Country, Expert, Institution

    request = context.get("request")
    user = getattr(request, "user", None) or Visitor()
    if isinstance(obj, Country):
        return documents_mentioning(user, country=obj, limit=limit)
    if isinstance(obj, Institution):
        return documents_mentioning(user, institution=obj, limit=limit)
    if isinstance(obj, Expert):
        return documents_mentioning(user, expert=obj, limit=limit)
    return []


@register.simple_tag
def mentions_filter(obj) -> str:
    """The library search query string that lists every document mentioning ``obj``."""
    from middleground.network.models import Country, Expert, Institution

    if isinstance(obj, Country):
        return f"country={obj.code}"
    if isinstance(obj, Institution):
        return f"institution={obj.pk}"
    if isinstance(obj, Expert):
        return f"expert={obj.pk}"
    return ""
