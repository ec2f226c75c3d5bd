"""Writes of translations: checked like the text they translate, audited, all or nothing."""

import re
from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from middleground.accounts.services import record_audit
from middleground.core.errors import ServiceError, check_length

from .languages import language_name, translation_languages
from .models import ContentTranslation
from .registry import Translatable, entry_for

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def clean_text(entry: Translatable, field: str, text: str) -> str:
    """The text as the source field stores it: plain text (escaped when shown), no control
    characters, trimmed; a one-line field keeps no line breaks."""
    text = _CONTROL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not entry.is_multiline(field):
        text = _LINE_BREAKS.sub(" ", text)
    return text


def save_translations(
    *, actor: Any, obj: Any, language: str, texts: Mapping[str, str]
) -> dict[str, str]:
    """Store the translations of ``obj`` into ``language``, field by field.

    ``texts`` maps field names to the translated text; an empty text removes that field's
    translation. Every text is checked first (the field, the length of the source field), so
    a refusal leaves nothing changed. Returns the stored texts of the fields given.
    """
    entry = entry_for(obj)
    if entry is None:
        raise ServiceError(_("This kind of content cannot be translated."), status=404)
    if not entry.can_translate(actor, obj):
        raise ServiceError.forbidden()
    if language not in translation_languages():
        raise ServiceError(
            _("Translations can be entered in %(langs)s, not '%(lang)s'.")
            % {
                "langs": ", ".join(language_name(c) for c in translation_languages()),
                "lang": language,
            },
            field="language",
        )
    if language == entry.language_of(obj):
        raise ServiceError(
            _("The original is in %(lang)s already: choose another language.")
            % {"lang": language_name(language)},
            field="language",
        )
    cleaned: dict[str, str] = {}
    for field, text in texts.items():
        if field not in entry.fields:
            raise ServiceError(
                _("'%(field)s' cannot be translated; translatable: %(fields)s.")
                % {"field": field, "fields": ", ".join(entry.fields)},
                field=field,
            )
        value = clean_text(entry, field, text or "")
        limit = entry.max_length(field)
        if limit is not None:
            check_length(value, limit, field=field, label=entry.field_label(field))
        cleaned[field] = value
    content_type = ContentType.objects.get_for_model(obj)
    with transaction.atomic():
        existing = {
            row.field: row
            for row in ContentTranslation.objects.select_for_update().filter(
                content_type=content_type, object_id=obj.pk, language=language
            )
        }
        before = {f: existing[f].text if f in existing else "" for f in cleaned}
        for field, value in cleaned.items():
            row = existing.get(field)
            if not value:
                if row is not None:
                    row.delete()
            elif row is None:
                ContentTranslation.objects.create(
                    content_type=content_type,
                    object_id=obj.pk,
                    field=field,
                    language=language,
                    text=value,
                    translated_by=actor,
                )
            elif row.text != value:
                row.text = value
                row.translated_by = actor
                row.save(update_fields=["text", "translated_by", "updated_at"])
        record_audit(
            actor=actor,
            action="translation.update",
            target=obj,
            before=before,
            after=cleaned,
            language=language,
        )
    return cleaned
