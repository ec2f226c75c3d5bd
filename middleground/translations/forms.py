from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .registry import Translatable


class TranslationForm(forms.Form):
    """One text box per translatable field; an empty box removes that translation.

    Lengths are checked by the service (against the source field), which names the field.
    """

    def __init__(self, entry: Translatable, language: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in entry.fields:
            limit = entry.max_length(name)
            attrs = {"lang": language}
            widget: forms.Widget = (
                forms.Textarea(attrs={**attrs, "rows": 6})
                if entry.is_multiline(name)
                else forms.TextInput(attrs=attrs)
            )
            self.fields[name] = forms.CharField(
                label=entry.field_label(name),
                required=False,
                strip=False,
                widget=widget,
                help_text=_("At most %(n)s characters. Leave empty for no translation.")
                % {"n": limit}
                if limit
                else _("Leave empty for no translation."),
            )
