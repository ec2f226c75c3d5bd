"""Score and reply badges for the matrix: rendered once per value and language, not once per
cell (a 10,000-cell matrix otherwise spends most of its time in ``{% include %}``)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()
_RENDERED: dict[tuple[str, str, object], SafeString] = {}


def _badge(name: str, key: str, value: object) -> SafeString:
    cache_key = (name, get_language() or "", value)
    if cache_key not in _RENDERED:
        html = render_to_string(f"accountability/partials/{name}.html", {key: value})
        _RENDERED[cache_key] = mark_safe(html)  # noqa: S308 - our own template's output
    return _RENDERED[cache_key]


@register.filter
def score_badge(score: object) -> SafeString:
    return _badge("score", "score", score)


@register.filter
def reply_badge(reply_status: object) -> SafeString:
    return _badge("reply_marker", "reply_status", reply_status)
