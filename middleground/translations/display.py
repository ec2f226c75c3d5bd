"""User content as shown to a reader: the translation into their language, or the original."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from .languages import active_language, html_lang, language_name
from .registry import entry_for
from .selectors import cached_translation, prefetch_translations


@dataclass(frozen=True)
class TranslatedText:
    """What a page shows of one field: ``str()`` is the text to show."""

    text: str
    original: str
    lang: str  # the language of ``text``, for a ``lang`` attribute ("" when unknown)
    source: str  # the language code of ``original`` ("other", "und", "ru", ...)
    is_translation: bool
    multiline: bool

    def __str__(self) -> str:
        return self.text

    @property
    def source_lang(self) -> str:
        """The ``lang`` attribute of the original."""
        return html_lang(self.source)

    @property
    def source_name(self) -> str:
        """The original's language, named in the active language ("Russian", "русский")."""
        return language_name(self.source or "other")


def translated_text(obj: Any, field: str, language: str | None = None) -> TranslatedText:
    """``field`` of ``obj`` in ``language`` (the active one) when someone translated it, else
    the original; an unregistered object's field as it is."""
    original = "" if obj is None else str(getattr(obj, field, "") or "")
    entry = entry_for(obj) if obj is not None else None
    if entry is None:
        return TranslatedText(original, original, "", "", False, False)
    source = entry.language_of(obj)
    language = language or active_language()
    multiline = entry.is_multiline(field)
    text = cached_translation(obj, field, language) if language != source and original else ""
    if text:
        return TranslatedText(text, original, language, source, True, multiline)
    return TranslatedText(original, original, html_lang(source), source, False, multiline)


def translated_map(
    objects: Iterable[Any], field: str, *, key: str = "pk"
) -> dict[Any, TranslatedText]:
    """``{getattr(obj, key): TranslatedText}`` for ``objects``, their translations fetched
    in one query: for pages whose rows are not the objects themselves (results tables)."""
    items = list(objects)
    prefetch_translations(items, active_language())
    return {getattr(obj, key): translated_text(obj, field) for obj in items}


def translation_notice(texts: Iterable[TranslatedText]) -> str:
    """For a file without the pages' "Show original" (a PDF): one sentence saying which of
    its texts are translations and from what, or "" when none is."""
    sources = sorted({t.source for t in texts if t.is_translation})
    if not sources:
        return ""
    return _(
        "Texts of this report are shown in translation from %(languages)s, entered by its "
        "editors; the originals are on the platform."
    ) % {"languages": ", ".join(language_name(s) for s in sources)}
