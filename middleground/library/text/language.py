"""Language identification with lingua over a fixed language set.

Why a fixed set: lingua is more accurate and faster when it only weighs languages that can
occur in the corpus (the alliance's working languages, the region's neighbours and the
languages of the big think-tank literatures).

Why "und": lingua has no model for Uzbek, Kyrgyz, Tajik or Turkmen. Texts in those languages
would be forced onto a neighbour (Kazakh, Turkish, Azerbaijani, Persian...), which is worse
than saying nothing. So :func:`detect_language` returns "und" (ISO 639-2 "undetermined")
when the text is too short to judge, when lingua is not confident, or when the text carries
letters that only those unsupported languages use.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

__all__ = [
    "LanguageGuess",
    "detect_language",
    "SUPPORTED_LANGUAGES",
    "UNDETERMINED",
    "MIN_LETTERS",
    "MIN_CONFIDENCE",
]

UNDETERMINED = "und"
#: Fewer letters than this and the guess is not worth storing.
MIN_LETTERS = 20
#: lingua's relative confidence (0..1) below which we answer "und".
MIN_CONFIDENCE = 0.5
# Long documents are judged on a sample: the first few thousand characters are enough and
# keep detection fast on 100-page PDFs.
_SAMPLE_CHARS = 4000

_LANGUAGES = (
    Language.ENGLISH,
    Language.RUSSIAN,
    Language.KAZAKH,
    Language.UKRAINIAN,
    Language.BELARUSIAN,
    Language.MONGOLIAN,
    Language.TURKISH,
    Language.AZERBAIJANI,
    Language.PERSIAN,
    Language.ARABIC,
    Language.CHINESE,
    Language.JAPANESE,
    Language.KOREAN,
    Language.HINDI,
    Language.GERMAN,
    Language.FRENCH,
    Language.SPANISH,
    Language.ITALIAN,
    Language.PORTUGUESE,
)
#: ISO 639-1 codes that :func:`detect_language` can return (besides "und").
SUPPORTED_LANGUAGES: tuple[str, ...] = tuple(
    lang.iso_code_639_1.name.lower() for lang in _LANGUAGES
)

# Letters used by Uzbek, Tajik or Turkmen and by none of the supported languages:
# Cyrillic ў (uz), ҷ ӣ ӯ (tg); Turkmen Latin ň ý ž; Uzbek Latin oʻ/gʻ (with U+02BB or an
# apostrophe, as in "Oʻzbekiston", "soʻz").
_UNSUPPORTED_MARKERS = re.compile(r"[ўЎҷҶӣӢӯӮňŇýÝžŽ]|[oOgG][\u02bb\u2018\u2019'](?=[a-z])")
# Kyrgyz Cyrillic uses ң ө ү like Kazakh but none of Kazakh's ә ғ қ ұ һ і.
_KK_ONLY = re.compile(r"[әӘғҒқҚұҰһҺіІ]")
_KY_SHARED = re.compile(r"[ңҢөӨүҮ]")
_LETTER = re.compile(r"[^\W\d_]")

_detector: LanguageDetector | None = None
_lock = threading.Lock()


def _get_detector() -> LanguageDetector:
    # Built lazily (loading models takes a moment and memory) and once per process.
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = LanguageDetectorBuilder.from_languages(*_LANGUAGES).build()
    return _detector


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """ISO 639-1 code or "und", lingua's confidence, and why it is "und" when it is."""

    code: str
    confidence: float
    reason: str = ""


def detect_language(text: str) -> LanguageGuess:
    """Guess the language of ``text``.

    >>> detect_language("The expert alliance of middle powers met in Astana.").code
    'en'
    >>> detect_language("ok").code
    'und'
    """
    sample = text[:_SAMPLE_CHARS]
    letters = len(_LETTER.findall(sample))
    if letters < MIN_LETTERS:
        return LanguageGuess(UNDETERMINED, 0.0, f"text too short ({letters} letters)")
    if len(_UNSUPPORTED_MARKERS.findall(sample)) >= 2:
        return LanguageGuess(
            UNDETERMINED, 0.0, "letters of Uzbek, Tajik or Turkmen, which the detector lacks"
        )
    if len(_KY_SHARED.findall(sample)) >= 3 and not _KK_ONLY.search(sample):
        return LanguageGuess(
            UNDETERMINED, 0.0, "Kyrgyz-like Cyrillic letters; the detector has no Kyrgyz"
        )
    values = _get_detector().compute_language_confidence_values(sample)
    if not values:
        return LanguageGuess(UNDETERMINED, 0.0, "no language recognised")
    top = values[0]
    if top.value < MIN_CONFIDENCE:
        return LanguageGuess(UNDETERMINED, float(top.value), f"low confidence ({top.value:.2f})")
    return LanguageGuess(top.language.iso_code_639_1.name.lower(), float(top.value))
