"""Extraction of text and metadata from uploaded or scraped files (HTML, PDF, DOCX, MD, TXT).

:func:`extract` checks the size before reading or parsing anything, picks the format from
the file name, the declared content type and the first bytes, and returns an
:class:`ExtractedDocument` whose ``data_notes`` say what extraction did and could not do.

Failures raise :class:`ExtractionError` with a reason a librarian can act on: "empty file",
"unknown type '.xyz'", "file is 200.0 MB; the limit is 50 MB", "corrupt PDF: ...".

A PDF without a text layer (a scan) is *not* an error: it is a real publication that can be
stored, listed and downloaded (and OCR'd later), so it yields a document with an empty
body, ``has_text=False`` and the data note "PDF has no text layer (scanned?) ...". Every
other file with no text at all is an error.

Nothing here touches the network: trafilatura/htmldate only parse the bytes given.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, Any

from .clean import CleanedText, clean_text
from .language import detect_language
from .split import split_listing

__all__ = [
    "ExtractionError",
    "ExtractedArticle",
    "ExtractedDocument",
    "extract",
    "check_size",
    "detect_kind",
    "DEFAULT_MAX_BYTES",
    "KINDS",
]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
KINDS = ("html", "pdf", "docx", "md", "txt")

_EXTENSIONS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".text": "txt",
}
_CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/markdown": "md",
    "text/x-markdown": "md",
    "text/plain": "txt",
}
# Author names some tools write by default; they say nothing about who wrote the text.
_PLACEHOLDER_AUTHORS = {"python-docx", "unknown", "microsoft office user", "user", "admin"}


class ExtractionError(Exception):
    """A file that cannot be ingested, with the reason in plain words."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


@dataclass(slots=True)
class ExtractedArticle:
    """One article found on a listing page."""

    title: str
    body: str
    position: int
    truncated: bool
    data_notes: list[str] = field(default_factory=list)
    published: dt.date | None = None


@dataclass(slots=True)
class ExtractedDocument:
    """What came out of a file: text, metadata and notes on how it was obtained."""

    filename: str
    kind: str
    title: str | None
    authors: list[str]
    published: dt.date | None
    source: str | None
    body: str
    language: str
    data_notes: list[str] = field(default_factory=list)
    articles: list[ExtractedArticle] = field(default_factory=list)
    has_text: bool = True
    page_count: int | None = None

    @property
    def is_listing(self) -> bool:
        return bool(self.articles)


def check_size(size: int, filename: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Raise for an empty or too large file, from its size alone (before reading it)."""
    if size <= 0:
        raise ExtractionError(filename, "empty file")
    if size > max_bytes:
        raise ExtractionError(
            filename, f"file is {_human(size, '.1f')}; the limit is {_human(max_bytes, 'g')}"
        )


def _human(n: int, spec: str) -> str:
    """200.0 MB, 12.5 KB, 200 bytes."""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:{spec}} MB"
    if n >= 1024:
        return f"{n / 1024:{spec}} KB"
    return f"{n} bytes"


def _size_of(source: bytes | IO[bytes]) -> int:
    if isinstance(source, bytes | bytearray | memoryview):
        return len(source)
    size = getattr(source, "size", None)  # Django's UploadedFile
    if isinstance(size, int):
        return size
    try:
        return os.fstat(source.fileno()).st_size
    except (AttributeError, OSError, io.UnsupportedOperation):
        pos = source.tell()
        end = source.seek(0, io.SEEK_END)
        source.seek(pos)
        return end - pos


def detect_kind(data: bytes, filename: str, content_type: str | None = None) -> str:
    """The format: by extension, else by declared content type, else by the first bytes."""
    ext = os.path.splitext(filename)[1].lower()
    if ext in _EXTENSIONS:
        return _EXTENSIONS[ext]
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype in _CONTENT_TYPES and ctype != "text/plain":
        return _CONTENT_TYPES[ctype]
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") and b"word/" in data[:65536]:
        return "docx"
    if re.match(rb"(?is)(<!doctype html|<html|<\?xml[^>]*>\s*<html)", head):
        return "html"
    if ctype == "text/plain" or (not ext and _looks_like_text(data)):
        return "txt"
    raise ExtractionError(filename, f"unknown type '{ext}'" if ext else "unknown type")


def _looks_like_text(data: bytes) -> bool:
    sample = data[:4096]
    return b"\x00" not in sample and _decode(sample)[1] is None


def extract(
    data: bytes | IO[bytes],
    *,
    filename: str,
    content_type: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    source_name: str | None = None,
) -> ExtractedDocument:
    """Extract a document from bytes or a binary file object (an upload on disk).

    The size is checked first (``len`` or the file's size, without reading it), so a 200 MB
    upload is refused without loading it. ``source_name`` is the URL or publisher it came
    from; for HTML the page's own site name is used when none is given.
    """
    check_size(_size_of(data), filename, max_bytes)
    raw = bytes(data) if isinstance(data, bytes | bytearray | memoryview) else data.read()
    if not raw.strip():
        raise ExtractionError(filename, "empty file")
    kind = detect_kind(raw, filename, content_type)
    handler = {"html": _html, "pdf": _pdf, "docx": _docx, "md": _markdown, "txt": _txt}[kind]
    doc: ExtractedDocument = handler(raw, filename)
    if source_name:
        doc.source = source_name
    if doc.has_text and not doc.body.strip() and not doc.articles:
        after = " after removing page furniture" if kind in ("txt", "html") else ""
        raise ExtractionError(filename, f"no text found in the {kind.upper()} file{after}")
    sample = doc.body or "\n".join(a.body for a in doc.articles)
    guess = detect_language(sample)
    doc.language = guess.code
    if guess.reason:
        doc.data_notes.append(f"Language undetermined: {guess.reason}.")
    return doc


# --- helpers ----------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str | None]:
    """Text and a note when it was not UTF-8."""
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # Russian/Kazakh sites and old Windows files: Windows-1251 when most high bytes are
    # Cyrillic letters (0xC0-0xFF), otherwise Latin-1 which never fails.
    high = [b for b in data if b >= 0x80]
    if high and sum(b >= 0xC0 for b in high) / len(high) > 0.6:
        return data.decode(
            "cp1251", errors="replace"
        ), "Text was not UTF-8; read it as Windows-1251."
    return data.decode("latin-1"), "Text was not UTF-8; read it as Latin-1."


def _document(
    filename: str, kind: str, cleaned: CleanedText, notes: list[str], *, split: bool = True
) -> ExtractedDocument:
    """Build the document from cleaned text, splitting listing pages."""
    doc = ExtractedDocument(
        filename=filename,
        kind=kind,
        title=cleaned.title,
        authors=list(dict.fromkeys(cleaned.authors)),
        published=cleaned.published,
        source=None,
        body=cleaned.body,
        language="und",
        data_notes=notes + cleaned.notes,
    )
    if split:
        parts = split_listing(cleaned.text, listing_marker=cleaned.listing_marker)
        if parts:
            if cleaned.dateline_after_title and parts[0].published is None:
                # The date under the first headline was taken as the page's: give it back.
                parts[0] = dataclasses.replace(parts[0], published=doc.published)
                doc.published = None
            _attach_articles(doc, [(p.title, p.body, p.truncated) for p in parts])
            for art, part in zip(doc.articles, parts, strict=True):
                art.published = part.published
                if part.published:
                    art.data_notes = [n for n in art.data_notes if "date unknown" not in n]
            doc.title = None
            doc.body = cleaned.text
    return doc


def _attach_articles(doc: ExtractedDocument, parts: list[tuple[str, str, bool]]) -> None:
    doc.articles = []
    for n, (title, body, truncated) in enumerate(parts):
        notes = [f"Article {n + 1} of {len(parts)} on a listing page ({doc.filename})."]
        if truncated:
            notes.append("Teaser only: the site cut the text short; the full article is elsewhere.")
        if doc.published:
            notes.append(
                f"Publication date unknown; the listing page is dated {doc.published.isoformat()}."
            )
        doc.articles.append(ExtractedArticle(title, body, n, truncated, notes))
    doc.data_notes.append(f"Listing page split into {len(parts)} articles.")


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


# --- formats ----------------------------------------------------------------------------


def _txt(data: bytes, filename: str) -> ExtractedDocument:
    text, note = _decode(data)
    notes = [note] if note else []
    return _document(filename, "txt", clean_text(text), notes)


def _html(data: bytes, filename: str) -> ExtractedDocument:
    import lxml.html
    import trafilatura

    notes: list[str] = []
    try:
        tree = lxml.html.document_fromstring(data)
    except Exception as exc:  # lxml raises several types for garbage input
        raise ExtractionError(filename, f"unreadable HTML: {exc}") from exc
    page_title = (tree.findtext(".//title") or "").strip() or None

    # A page of several <article> elements, each with its own headline, is a listing.
    parts: list[tuple[str, str, bool]] = []
    for art in tree.xpath("//article[not(ancestor::article)]"):
        heads = art.xpath(".//h1|.//h2|.//h3")
        paras = [" ".join(p.text_content().split()) for p in art.xpath(".//p")]
        paras = [p for p in paras if p]
        if heads and paras:
            title = " ".join(heads[0].text_content().split())
            body = "\n\n".join(paras)
            truncated = bool(re.search(r"(\.\.\.|…)\s*$|read more\s*$", body, re.I))
            parts.append((title, body, truncated))
    # Not a listing when one <article> dominates (an article with teasers of related ones).
    total = sum(len(b) for _, b, _ in parts)
    if len(parts) >= 2 and max(len(b) for _, b, _ in parts) > 0.6 * total:
        parts = []

    result = trafilatura.bare_extraction(
        data,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        deduplicate=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = getattr(result, "text", None) or ""
    if text.strip():
        notes.append("Main text extracted from the HTML page; menus, ads and footers dropped.")
    else:
        body = tree.find("body")
        text = body.text_content() if body is not None else ""
        notes.append("Main-text extraction found nothing; used the whole page text, cleaned.")
    meta_title = getattr(result, "title", None) or page_title
    cleaned = clean_text(text, title_hint=meta_title)
    doc = _document(filename, "html", cleaned, notes, split=len(parts) < 2)
    if len(parts) >= 2:
        doc.title = page_title
        doc.body = "\n\n".join(f"{t}\n\n{b}" for t, b, _ in parts)
        _attach_articles(doc, parts)
    elif meta_title:
        doc.title = meta_title
        if doc.body.startswith(meta_title):
            doc.body = doc.body[len(meta_title) :].strip()
    author = getattr(result, "author", None)
    if author:
        doc.authors = [a.strip() for a in re.split(r";|\band\b", author) if a.strip()]
    if (d := _date(getattr(result, "date", None))) is not None:
        doc.published = d
        doc.data_notes = [n for n in doc.data_notes if not n.startswith("No publication date")]
        doc.data_notes.append("Publication date taken from the page's metadata.")
    doc.source = getattr(result, "sitename", None) or getattr(result, "hostname", None)
    if doc.authors:
        doc.data_notes = [n for n in doc.data_notes if not n.startswith("No author")]
    return doc


def _reflow(text: str) -> str:
    """Join PDF lines into paragraphs and undo end-of-line hyphenation."""
    text = re.sub(r"(\w)-\n(\w)", r"\1\2", text)
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            if out and out[-1]:
                out.append("")
            continue
        prev = out[-1] if out else ""
        if prev and not re.search(r"[.!?:;»”\"]$", prev) and (line[:1].islower() or len(prev) > 50):
            out[-1] = prev + " " + line
        else:
            out.append(line)
    return "\n".join(out).strip()


def _pdf(data: bytes, filename: str) -> ExtractedDocument:
    from pypdf import PdfReader

    if b"%PDF-" not in data[:1024]:
        raise ExtractionError(filename, "corrupt PDF: no %PDF header")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError(filename, "encrypted PDF: a password is needed")
        pages = list(reader.pages)
    except ExtractionError:
        raise
    except Exception as exc:  # pypdf raises many types on broken files
        raise ExtractionError(filename, f"corrupt PDF: {exc}") from exc
    notes: list[str] = []
    texts: list[str] = []
    blank: list[int] = []
    for i, page in enumerate(pages, start=1):
        try:
            t = page.extract_text() or ""
        except Exception as exc:
            notes.append(f"Page {i} could not be read ({exc}).")
            t = ""
        if len(t.strip()) < 5:
            blank.append(i)
        texts.append(t)
    meta = reader.metadata
    meta_title = (getattr(meta, "title", None) or "").strip() or None
    meta_author = (getattr(meta, "author", None) or "").strip() or None
    try:
        meta_date = _date(getattr(meta, "creation_date", None))
    except Exception:  # malformed date strings in the info dictionary
        meta_date = None
    if len(blank) == len(pages):
        doc = ExtractedDocument(
            filename,
            "pdf",
            meta_title,
            [meta_author] if meta_author else [],
            meta_date,
            None,
            "",
            "und",
            [
                f"PDF has no text layer (scanned?): none of its {len(pages)} pages has text; "
                "no OCR was attempted."
            ],
            has_text=False,
            page_count=len(pages),
        )
        return doc
    if blank:
        notes.append(f"Pages without a text layer: {', '.join(map(str, blank))}.")
    notes.append(f"Text taken from the PDF's text layer ({len(pages)} pages).")
    cleaned = clean_text("\n\n".join(texts), title_hint=meta_title, scraped=False)
    cleaned.text = _reflow(cleaned.text)
    doc = _document(filename, "pdf", cleaned, notes, split=False)
    doc.page_count = len(pages)
    if meta_title:
        doc.title = meta_title
    if meta_author and meta_author.lower() not in _PLACEHOLDER_AUTHORS:
        doc.authors = [meta_author]
    if doc.published is None and meta_date is not None:
        doc.published = meta_date
        doc.data_notes.append(
            "Date taken from the PDF's creation date; it may differ from the publication date."
        )
    _drop_stale_notes(doc)
    return doc


def _drop_stale_notes(doc: ExtractedDocument) -> None:
    if doc.published:
        doc.data_notes = [n for n in doc.data_notes if not n.startswith("No publication date")]
    if doc.authors:
        doc.data_notes = [n for n in doc.data_notes if not n.startswith("No author")]


def _docx(data: bytes, filename: str) -> ExtractedDocument:
    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ExtractionError(filename, "corrupt DOCX: not a ZIP archive")
    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ExtractionError(filename, f"corrupt DOCX: {exc}") from exc
    title: str | None = None
    paras: list[str] = []
    for p in d.paragraphs:
        text = p.text.strip()
        if not text:
            continue
        style = (p.style.name if p.style is not None else "") or ""
        if title is None and style in ("Title", "Heading 1"):
            title = text
            continue
        paras.append(text)
    for table in d.tables:
        for row in table.rows:
            paras.append("\t".join(c.text.strip() for c in row.cells))
    props = d.core_properties
    notes = ["Text taken from the DOCX paragraphs and tables."]
    if props.title:
        title = props.title
    authors = []
    if props.author and props.author.strip().lower() not in _PLACEHOLDER_AUTHORS:
        authors = [a.strip() for a in re.split(r"[;,]", props.author) if a.strip()]
    published = _date(props.created)
    if published:
        notes.append(
            "Date taken from the DOCX file's creation time; it may differ from the "
            "publication date."
        )
    else:
        notes.append("No publication date found.")
    if not authors:
        notes.append("No author found in the document properties.")
    return ExtractedDocument(
        filename, "docx", title, authors, published, None, "\n\n".join(paras), "und", notes
    )


_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.S)


def _markdown(data: bytes, filename: str) -> ExtractedDocument:
    import lxml.html
    import markdown

    text, note = _decode(data)
    notes = [note] if note else []
    meta: dict[str, str] = {}
    if m := _FRONT_MATTER.match(text):
        for line in m.group(1).splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip().lower()] = value.strip().strip("\"'[]")
        text = text[m.end() :]
        notes.append("Title, authors and date read from the front matter.")
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    title = meta.get("title")
    blocks: list[str] = []
    for el in tree:
        t = " ".join(el.text_content().split())
        if not t:
            continue
        if title is None and el.tag == "h1":
            title = t
            continue
        if el.tag in ("ul", "ol"):
            blocks.extend(" ".join(li.text_content().split()) for li in el.iter("li"))
        else:
            blocks.append(t)
    authors_raw = meta.get("authors") or meta.get("author") or ""
    authors = [a.strip().strip("\"'") for a in re.split(r"[;,]", authors_raw) if a.strip()]
    published = _date(meta.get("date"))
    if not published:
        notes.append("No publication date found.")
    if not authors:
        notes.append("No author found.")
    return ExtractedDocument(
        filename, "md", title, authors, published, None, "\n\n".join(blocks), "und", notes
    )
