"""``/api/v1/translations/{content_type}/{object_id}``: read and enter translations."""

from typing import Any

from ninja import Router

from . import selectors, services
from .registry import Translatable
from .schemas import TranslationsIn, TranslationsOut

router = Router()


def _out(entry: Translatable, obj: Any) -> dict:
    return {
        "content_type": entry.label,
        "object_id": obj.pk,
        "language": entry.language_of(obj),
        "fields": list(entry.fields),
        "translations": {
            language: {field: row.text for field, row in rows.items()}
            for language, rows in sorted(selectors.translations_of(obj).items())
        },
    }


@router.get("/{content_type}/{int:object_id}", response=TranslationsOut)
def get_translations(request, content_type: str, object_id: int):
    """Every translation of an object, for anyone who may see the object."""
    entry, obj = selectors.get_translatable(request.auth, content_type, object_id, for_edit=False)
    return _out(entry, obj)


@router.put("/{content_type}/{int:object_id}", response=TranslationsOut)
def put_translations(request, content_type: str, object_id: int, payload: TranslationsIn):
    """Enter the translations of an object into one language (its editors, the secretariat)."""
    entry, obj = selectors.get_translatable(request.auth, content_type, object_id)
    services.save_translations(
        actor=request.auth, obj=obj, language=payload.language, texts=payload.fields
    )
    return _out(entry, obj)
