from ninja import Field, Schema


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
