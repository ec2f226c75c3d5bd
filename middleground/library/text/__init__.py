"""The knowledge library's text pipeline, as plain Python (no Django, no database).

The library app calls :func:`process` (or the steps one by one) and stores the results:

* :mod:`.extract` - HTML, PDF, DOCX, Markdown and text files to an :class:`ExtractedDocument`
* :mod:`.clean` - page furniture out of scraped text, with a note per rule
* :mod:`.split` - listing pages into their articles
* :mod:`.language` - lingua over a fixed language set; "und" rather than a guess
* :mod:`.stem` - the stemmed search column, query expansion, snippets
* :mod:`.tagging` - countries, institutions, experts, events, focus areas, SDGs
* :mod:`.dedup` - exact hash and MinHash near-duplicates
"""

from .clean import CleanedText, Removal, clean_text
from .dedup import (
    DuplicateIndex,
    DuplicateMatch,
    content_hash,
    jaccard,
    minhash_signature,
    signature_from_bytes,
    signature_to_bytes,
)
from .extract import (
    DEFAULT_MAX_BYTES,
    ExtractedArticle,
    ExtractedDocument,
    ExtractionError,
    check_size,
    detect_kind,
    extract,
)
from .language import UNDETERMINED, LanguageGuess, detect_language
from .pipeline import ProcessedDocument, process
from .split import SplitArticle, split_listing
from .stem import (
    QueryTerm,
    Snippet,
    SnippetPiece,
    query_terms,
    search_terms,
    snippet,
    to_fts5_query,
    to_rank_tsquery,
    to_tsquery,
)
from .tagging import Entity, FocusLexicon, Tag, Tagger, load_country_names, load_focus_lexicon

__all__ = [
    "CleanedText",
    "DEFAULT_MAX_BYTES",
    "DuplicateIndex",
    "DuplicateMatch",
    "Entity",
    "ExtractedArticle",
    "ExtractedDocument",
    "ExtractionError",
    "FocusLexicon",
    "LanguageGuess",
    "ProcessedDocument",
    "QueryTerm",
    "Removal",
    "Snippet",
    "SnippetPiece",
    "SplitArticle",
    "Tag",
    "Tagger",
    "UNDETERMINED",
    "check_size",
    "clean_text",
    "content_hash",
    "detect_kind",
    "detect_language",
    "extract",
    "jaccard",
    "load_country_names",
    "load_focus_lexicon",
    "minhash_signature",
    "process",
    "query_terms",
    "search_terms",
    "signature_from_bytes",
    "signature_to_bytes",
    "snippet",
    "split_listing",
    "to_fts5_query",
    "to_rank_tsquery",
    "to_tsquery",
]
