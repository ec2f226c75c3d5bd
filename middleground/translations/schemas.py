from typing import Any

from ninja import Field, Schema

from .languages import CODE_MAX


def content_language(default: Any) -> Any:
    """The ``language`` field of a schema for translatable content (in or out)."""
    return Field(
        default,
        json_schema_extra={"maxLength": CODE_MAX},  # the service checks it: a 400 naming it
        description="the language the text is written in: en, ru, kk or other; "
        "left out on creation: the creator's language",
    )


class TranslationsOut(Schema):
    content_type: str = Field(description="`app_label.model`, e.g. `consultations.consultation`")
    object_id: int
    language: str = Field(description="the language the object is written in")
    fields: list[str] = Field(description="the fields that may be translated")
    translations: dict[str, dict[str, str]] = Field(
        description="language → field → translated text"
    )


class TranslationsIn(Schema):
    language: str = Field(description="the language of these translations (en, ru, kk)")
    fields: dict[str, str] = Field(
        description="field → translated text; an empty text removes that translation"
    )
