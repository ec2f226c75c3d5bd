"""The page where the object's editors and the secretariat enter translations."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from middleground.accounts.http import SignedInRequest
from middleground.core.forms import call_service

from . import selectors, services
from .forms import TranslationForm
from .languages import active_language, html_lang, language_name, translation_languages


def target_languages(source: str) -> list[str]:
    return [code for code in translation_languages() if code != source]


def _chosen_language(request: SignedInRequest, choices: list[str]) -> str:
    asked = request.POST.get("language") or request.GET.get("language") or ""
    if asked in choices:
        return asked
    return active_language() if active_language() in choices else choices[0]


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: SignedInRequest, content_type: str, object_id: int) -> HttpResponse:
    entry, obj = selectors.get_translatable(request.user, content_type, object_id)
    source = entry.language_of(obj)
    choices = target_languages(source)
    language = _chosen_language(request, choices)
    existing = selectors.translations_of(obj)
    initial = {field: row.text for field, row in existing.get(language, {}).items()}
    form = TranslationForm(entry, language, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            lambda: services.save_translations(
                actor=request.user, obj=obj, language=language, texts=form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("The %(language)s translation is saved.") % {"language": language_name(language)},
            )
            url = reverse("translations:edit", args=[entry.label, obj.pk])
            return redirect(f"{url}?language={language}")
    rows: list[dict[str, Any]] = [
        {
            "field": form[field],
            "original": str(getattr(obj, field, "") or ""),
            "multiline": entry.is_multiline(field),
            "row": existing.get(language, {}).get(field),
        }
        for field in entry.fields
    ]
    languages = [
        {"code": code, "name": language_name(code), "count": len(existing.get(code, {}))}
        for code in choices
    ]
    return render(
        request,
        "translations/edit.html",
        {
            "form": form,
            "obj": obj,
            "kind": str(entry.model._meta.verbose_name),
            "object_url": entry.url_of(obj),
            "rows": rows,
            "language": language,
            "language_label": language_name(language),
            "source_lang": html_lang(source),
            "source_label": language_name(source or "other"),
            "target_languages": languages,
        },
    )
