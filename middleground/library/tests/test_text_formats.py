"""HTML, PDF, DOCX and Markdown end to end, and the errors for files that cannot be ingested."""

from __future__ import annotations

import datetime as dt
import io
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document
from fpdf import FPDF

from middleground.library.text import (
    ExtractionError,
    Tagger,
    check_size,
    extract,
    process,
)

PARAGRAPHS = [
    "The Kazakhstan Institute for Strategic Studies (KazISS) presented its proposal for an "
    "expert alliance of middle powers at the Astana International Forum on Thursday.",
    "Zhandos Shaimardanov said the network of think tanks would work with the United Nations "
    "on joint strategies for security, sustainable development and institutional "
    "accountability, starting with water security and digital trust.",
    "Delegations from Uzbekistan, Kyrgyzstan and Turkey asked for a secretariat in Astana and "
    "for open data on the commitments that each member takes.",
]


@pytest.fixture(scope="module")
def tagger() -> Tagger:
    return Tagger(
        institutions=[
            {
                "id": "kaziss",
                "name": "Kazakhstan Institute for Strategic Studies",
                "aliases": ["KazISS"],
            }
        ],
        experts=[{"id": "shaimardanov", "name": "Zhandos Shaimardanov"}],
        events=[{"id": "aif", "name": "Astana International Forum", "aliases": ["AIF"]}],
    )


def assert_tagged(doc_tags: list, expected: set[tuple[str, str]]) -> None:  # type: ignore[type-arg]
    assert expected <= {(t.kind, t.key) for t in doc_tags}


EXPECTED_TAGS = {
    ("country", "KZ"),
    ("country", "UZ"),
    ("country", "KG"),
    ("country", "TR"),
    ("institution", "kaziss"),
    ("expert", "shaimardanov"),
    ("event", "aif"),
}


# --- HTML ---------------------------------------------------------------------------------


def article_html() -> bytes:
    ticker = "".join(f"<li>KZT/USD = 0.0020{i} 0%</li>" for i in range(5)) * 3
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html lang="en"><head>
<title>Experts back an alliance of middle powers | Steppe Review</title>
<meta name="author" content="Dana Sultan">
<meta property="article:published_time" content="2025-05-29T10:00:00+05:00">
<meta property="og:site_name" content="Steppe Review">
</head><body>
<header><ul class="ticker">{ticker}</ul>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/opinion">Opinion</a></nav></header>
<div class="cookie">We use cookies. <button>Accept</button></div>
<main><article><h1>Experts back an alliance of middle powers</h1>{paras}</article></main>
<aside><h3>Most read</h3><ul><li><a href="/x">Tokayev opens the forum</a></li></ul></aside>
<footer>© 2025 Steppe Review. All rights reserved.</footer>
</body></html>""".encode()


def test_html_article_end_to_end(tagger: Tagger) -> None:
    (doc,) = process(article_html(), "page.html", tagger=tagger)
    assert doc.kind == "html"
    assert doc.title == "Experts back an alliance of middle powers"
    assert doc.authors == ["Dana Sultan"]
    assert doc.published == dt.date(2025, 5, 29)
    assert doc.source == "Steppe Review"
    assert doc.language == "en"
    assert doc.body.split("\n") == PARAGRAPHS
    for furniture in ("KZT/USD", "Home", "cookies", "Most read", "All rights reserved"):
        assert furniture not in doc.body
    assert_tagged(doc.tags, EXPECTED_TAGS)
    assert "Publication date taken from the page's metadata." in doc.data_notes


def test_html_listing_of_articles_is_split(tagger: Tagger) -> None:
    items = [
        ("Water talks in Tashkent", PARAGRAPHS[2]),
        ("An alliance of middle powers", PARAGRAPHS[0]),
        ("Think tanks and the UN", PARAGRAPHS[1]),
    ]
    arts = "".join(
        f"<article><h2><a href='/a{i}'>{t}</a></h2><p>{b}</p></article>"
        for i, (t, b) in enumerate(items)
    )
    html = f"<html><head><title>Analysis</title></head><body><main>{arts}</main></body></html>"
    docs = process(html.encode(), "list.html", tagger=tagger)
    assert [(d.title, d.body) for d in docs] == items
    assert [d.listing_position for d in docs] == [0, 1, 2]
    assert ("institution", "kaziss") in {(t.kind, t.key) for t in docs[1].tags}
    assert "Listing page split into 3 articles." in docs[0].data_notes


def test_html_extraction_makes_no_network_access(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    doc = extract(article_html(), filename="page.html")
    assert doc.title == "Experts back an alliance of middle powers"


# --- PDF ----------------------------------------------------------------------------------


class _Brief(FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, "Middle Ground Policy Brief No. 7", new_x="LMARGIN", new_y="NEXT")

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", size=9)
        self.cell(0, 8, f"Page {self.page_no()} of 3")


def make_pdf(pages: list[str], *, title: str = "", author: str = "") -> bytes:
    pdf = _Brief()
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    for text in pages:
        pdf.add_page()
        pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, text)
    return bytes(pdf.output())


def test_pdf_end_to_end_drops_running_headers_and_page_numbers(tagger: Tagger) -> None:
    data = make_pdf(PARAGRAPHS, title="An Expert Alliance of Middle Powers", author="Dana Sultan")
    (doc,) = process(data, "brief.pdf", tagger=tagger)
    assert doc.kind == "pdf" and doc.page_count == 3 and doc.has_text
    assert doc.title == "An Expert Alliance of Middle Powers"
    assert doc.authors == ["Dana Sultan"]
    assert "Policy Brief No. 7" not in doc.body
    assert "Page 2 of 3" not in doc.body
    # Lines wrapped by the PDF layout are joined back into the original sentences.
    for p in PARAGRAPHS:
        assert p in doc.body
    assert doc.language == "en"
    assert_tagged(doc.tags, EXPECTED_TAGS)
    assert "Text taken from the PDF's text layer (3 pages)." in doc.data_notes


def test_pdf_without_text_layer_gives_an_empty_document_with_a_note(tagger: Tagger) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 150, style="F")  # a "scanned page": graphics, no text
    (doc,) = process(bytes(pdf.output()), "scan.pdf", tagger=tagger)
    assert doc.has_text is False
    assert doc.body == "" and doc.tags == [] and doc.duplicates == []
    assert doc.language == "und"
    assert any(n.startswith("PDF has no text layer (scanned?)") for n in doc.data_notes)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b[: len(b) // 2],  # truncated upload
        lambda b: b[:9] + bytes(range(256)) * 8,  # PDF header, garbage after it
    ],
    ids=["truncated", "garbage"],
)
def test_corrupt_pdf_is_refused_with_a_clear_reason(mangle) -> None:  # type: ignore[no-untyped-def]
    data = mangle(make_pdf(PARAGRAPHS))
    with pytest.raises(ExtractionError) as err:
        extract(data, filename="broken.pdf")
    assert err.value.reason.startswith("corrupt PDF")
    assert str(err.value).startswith("broken.pdf: corrupt PDF")


def test_file_named_pdf_without_pdf_header_is_refused() -> None:
    with pytest.raises(ExtractionError, match="corrupt PDF: no %PDF header"):
        extract(b"<html>not a pdf</html>", filename="report.pdf")


# --- DOCX and Markdown --------------------------------------------------------------------


def test_docx_end_to_end(tagger: Tagger) -> None:
    d = Document()
    d.core_properties.author = "Dana Sultan"
    d.core_properties.created = dt.datetime(2025, 6, 2, 9, 30)
    d.add_heading("Water Security and Digital Trust", level=1)
    for p in PARAGRAPHS:
        d.add_paragraph(p)
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Member", "Commitment"
    table.cell(1, 0).text, table.cell(1, 1).text = "KazISS", "Open data by 2026"
    buf = io.BytesIO()
    d.save(buf)
    (doc,) = process(buf.getvalue(), "brief.docx", tagger=tagger)
    assert doc.kind == "docx"
    assert doc.title == "Water Security and Digital Trust"
    assert doc.authors == ["Dana Sultan"]
    assert doc.published == dt.date(2025, 6, 2)
    assert doc.body.split("\n\n")[:3] == PARAGRAPHS
    assert "KazISS\tOpen data by 2026" in doc.body
    assert_tagged(doc.tags, EXPECTED_TAGS)
    assert any("DOCX file's creation time" in n for n in doc.data_notes)


def test_corrupt_docx_is_refused() -> None:
    with pytest.raises(ExtractionError, match="corrupt DOCX"):
        extract(b"PK\x03\x04 not really a zip", filename="brief.docx")


def test_markdown_end_to_end(tagger: Tagger) -> None:
    md = (
        "---\ntitle: Notes from Astana\nauthors: [Dana Sultan, Arman Bek]\ndate: 2025-05-30\n---\n"
        "# Ignored heading\n\n"
        + "\n\n".join(f"{p.replace('expert alliance', '**expert alliance**')}" for p in PARAGRAPHS)
        + "\n\n- first point about *water*\n- second point\n"
    )
    (doc,) = process(md.encode(), "notes.md", tagger=tagger)
    assert doc.kind == "md"
    assert doc.title == "Notes from Astana"
    assert doc.authors == ["Dana Sultan", "Arman Bek"]
    assert doc.published == dt.date(2025, 5, 30)
    assert "**" not in doc.body and "expert alliance of middle powers" in doc.body
    assert "first point about water" in doc.body
    assert "Ignored heading" in doc.body  # the front matter's title wins; heading is content
    assert_tagged(doc.tags, EXPECTED_TAGS)


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"   \n\t  \n"], ids=["empty", "whitespace"])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(ExtractionError) as err:
        extract(data, filename="notes.txt")
    assert err.value.reason == "empty file"


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ExtractionError) as err:
        extract(b"\x00\x01\x02binary", filename="data.xyz")
    assert err.value.reason == "unknown type '.xyz'"


def test_content_type_or_magic_bytes_decide_when_the_name_does_not() -> None:
    doc = extract(make_pdf(PARAGRAPHS), filename="download")
    assert doc.kind == "pdf"
    html = b"<html><body><article><h1>T</h1><p>" + PARAGRAPHS[0].encode() + b"</p></article>"
    assert extract(html, filename="page", content_type="text/html; charset=utf-8").kind == "html"


def test_200_mb_upload_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "huge.pdf"
    with big.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse file: 200 MB on paper, no disk or memory used

    class Upload(io.FileIO):
        read_called = False

        def read(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            Upload.read_called = True
            return super().read(*args, **kwargs)

    with Upload(big, "rb") as upload, pytest.raises(ExtractionError) as err:
        extract(upload, filename="huge.pdf")
    assert err.value.reason == "file is 200.0 MB; the limit is 50 MB"
    assert Upload.read_called is False


def test_size_limit_is_configurable_and_checked_on_bytes_too() -> None:
    with pytest.raises(ExtractionError, match="file is 200 bytes; the limit is 100 bytes"):
        extract(b"x" * 200, filename="a.txt", max_bytes=100)
    check_size(100, "a.txt", max_bytes=100)  # exactly at the limit is fine


def test_windows_1251_text_is_decoded_and_noted(tagger: Tagger) -> None:
    text = "Президент Казахстана выступил на форуме в Астане и призвал к реформе ООН."
    (doc,) = process(text.encode("cp1251"), "old.txt", tagger=tagger)
    assert "Казахстана" in doc.body
    assert "Text was not UTF-8; read it as Windows-1251." in doc.data_notes


def test_text_package_does_not_import_django() -> None:
    # Every lazily imported parser runs (HTML, PDF, DOCX); the texts are short enough for the
    # language detector to answer "und" without loading its models, which keeps this fast.
    code = (
        "import io, sys, docx, fpdf; from middleground.library import text\n"
        "t = text.Tagger()\n"
        "h = b'<html><body><h1>Astana</h1><p>Forum 2025 opens.</p></body></html>'\n"
        "text.process(h, 'a.html', tagger=t)\n"
        "p = fpdf.FPDF(); p.add_page(); p.set_font('Helvetica'); p.cell(0, 8, 'Astana')\n"
        "text.process(bytes(p.output()), 'a.pdf', tagger=t)\n"
        "d = docx.Document(); d.add_paragraph('Astana'); b = io.BytesIO(); d.save(b)\n"
        "text.process(b.getvalue(), 'a.docx', tagger=t)\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[3])
