"""The languages user content is written in: the site's languages, or another one."""

from typing import Any

from django.conf import settings
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

#: content written in a language the site has no interface for
OTHER = "other"
#: the longest language code stored with content
CODE_MAX = 10


def content_language_choices() -> list[tuple[str, Any]]:
    """The choices of a content ``language`` field: ``settings.LANGUAGES`` plus "other"."""
    return [*settings.LANGUAGES, (OTHER, _("Another language"))]


def translation_languages() -> list[str]:
    """The languages a translation may be entered in: those of the interface."""
    return [code for code, _name in settings.LANGUAGES]


def default_content_language(user: Any) -> str:
    """The language new content is assumed to be in: its creator's, else English."""
    preferred = getattr(user, "preferred_language", "") or ""
    return preferred if preferred in translation_languages() else "en"


def active_language() -> str:
    """The interface language of this request ("en", "ru", "kk")."""
    code = (get_language() or "en").split("-")[0]
    return code if code in translation_languages() else "en"


def html_lang(code: str) -> str:
    """The value of an HTML ``lang`` attribute for content in ``code`` ("" when unknown)."""
    return "" if code in ("", OTHER, "und") else code


def language_name(code: str) -> str:
    """The language's name in the active language ("Russian", "русский", ...)."""
    if code == OTHER:
        return str(_("another language"))
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
