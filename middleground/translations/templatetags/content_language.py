"""User content in the reader's language, the original marked as such and one click away.

    {% load content_language %}
    {% translated consultation "title" as title %}
    <h1 lang="{{ title.lang }}">{{ title }}</h1>
    {% translation_note title %}

``{% translated %}`` gives the translation into the active language when someone entered one,
else the original; ``title.lang`` is the language of what is shown (for the ``lang``
attribute, so that screen readers read it right). ``{% translation_note %}`` says "Translated
from Russian · Show original" and holds the original in a ``<details>`` (keyboard-usable,
no script). On list pages ``{% prefetch_translations page %}`` fetches the translations of
every object in one query first.
"""

from typing import Any

from django import template
from django.urls import reverse

from ..display import TranslatedText, translated_text
from ..languages import active_language, language_name
from ..registry import entry_for
from ..selectors import prefetch_translations

register = template.Library()


@register.filter(name="language_name")
def language_name_filter(code: str) -> str:
    """``{{ strategy.language|language_name }}``: "Russian", "русский"; an unknown code as is."""
    return language_name(str(code or ""))


@register.simple_tag
def translated(obj: Any, field: str) -> TranslatedText:
    return translated_text(obj, field)


def prefetch_translations_tag(objects: Any, attribute: str = "") -> str:
    """Fetch the translations of every object of a list in one query (``attribute``: of
    each row's ``row[attribute]`` or ``row.attribute``, for lists of dicts)."""
    rows = list(objects or [])
    if attribute:
        rows = [
            r.get(attribute) if isinstance(r, dict) else getattr(r, attribute, None) for r in rows
        ]
    prefetch_translations(rows, active_language())
    return ""


register.simple_tag(prefetch_translations_tag, name="prefetch_translations")


@register.inclusion_tag("translations/note.html")
def translation_note(text: TranslatedText) -> dict:
    return {"t": text}


@register.inclusion_tag("translations/text.html")
def translated_entry(texts: Any, key: Any, fallback: Any = "") -> dict:
    """``{% translated_entry statement_texts row.id row.text %}``: the text ``key`` of a map
    from :func:`~middleground.translations.display.translated_map`, with its note; the
    ``fallback`` where the map has no such key (or the page passed no map)."""
    found = texts.get(key) if hasattr(texts, "get") else None
    return {"t": found, "fallback": fallback}


@register.simple_tag(takes_context=True)
def translations_url(context: dict, obj: Any) -> str:
    """The translation page of ``obj`` for those who may enter translations, else ""."""
    request = context.get("request")
    user = getattr(request, "user", None)
    entry = entry_for(obj) if obj is not None else None
    if entry is None or user is None or not user.is_authenticated:
        return ""
    if not entry.can_translate(user, obj):
        return ""
    return reverse("translations:edit", args=[entry.label, obj.pk])


@register.inclusion_tag("translations/link.html", takes_context=True)
def translations_link(context: dict, obj: Any) -> dict:
    """A link to the translation page of ``obj`` for those who may enter translations."""
    return {"url": translations_url(context, obj)}
