"""Which fields of which models people may translate, and who may.

An app declares its translatable fields from its ``AppConfig.ready``::

    from middleground.translations.registry import register
    register(Consultation, fields=["title", "question"], can_translate=can_manage,
             can_view=can_view)

``can_translate(user, obj)`` decides who may enter translations (the object's editors and the
secretariat, as the app's own permissions say); ``can_view(user, obj)`` who may see the
object at all (others get a 404, as on the app's pages); ``language_of(obj)`` the language
the object is written in (its ``language`` field unless said otherwise); ``url_of(obj)`` the
page that shows it (its ``get_absolute_url`` unless said otherwise).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models


def _language_field(obj: Any) -> str:
    return str(getattr(obj, "language", "") or "")


def _absolute_url(obj: Any) -> str:
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""


@dataclass(frozen=True)
class Translatable:
    model: type[models.Model]
    fields: tuple[str, ...]
    can_translate: Callable[[Any, Any], bool]
    can_view: Callable[[Any, Any], bool]
    language_of: Callable[[Any], str]
    url_of: Callable[[Any], str]

    @property
    def label(self) -> str:
        """``app_label.model_name``: how URLs and the API name the kind of object."""
        return self.model._meta.label_lower

    def model_field(self, name: str) -> models.Field:
        return self.model._meta.get_field(name)  # type: ignore[return-value]

    def max_length(self, name: str) -> int | None:
        return getattr(self.model_field(name), "max_length", None)

    def field_label(self, name: str) -> str:
        label = str(self.model_field(name).verbose_name)
        return label[:1].upper() + label[1:]

    def is_multiline(self, name: str) -> bool:
        """A text field keeps its line breaks; a one-line field (CharField) does not."""
        return isinstance(self.model_field(name), models.TextField)


_REGISTRY: dict[str, Translatable] = {}


def register(
    model: type[models.Model],
    *,
    fields: Iterable[str],
    can_translate: Callable[[Any, Any], bool],
    can_view: Callable[[Any, Any], bool] | None = None,
    language_of: Callable[[Any], str] | None = None,
    url_of: Callable[[Any], str] | None = None,
) -> Translatable:
    """Declare ``fields`` of ``model`` translatable; registering a model again replaces it."""
    names = tuple(fields)
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, models.CharField | models.TextField):
            raise TypeError(f"{model._meta.label}.{name} is not a text field")
    entry = Translatable(
        model=model,
        fields=names,
        can_translate=can_translate,
        can_view=can_view or can_translate,
        language_of=language_of or _language_field,
        url_of=url_of or _absolute_url,
    )
    _REGISTRY[entry.label] = entry
    return entry


def entry_for_label(label: str) -> Translatable | None:
    return _REGISTRY.get(label.lower())


def entry_for(obj_or_model: Any) -> Translatable | None:
    model: Any = obj_or_model if isinstance(obj_or_model, type) else type(obj_or_model)
    meta = getattr(model, "_meta", None)
    return _REGISTRY.get(meta.label_lower) if meta is not None else None


def registered() -> list[Translatable]:
    return sorted(_REGISTRY.values(), key=lambda e: e.label)
