"""The library API: ingest (HTML, PDF, DOCX, Markdown, text), read, search, export; clear
errors for files that cannot be ingested; batches where one failure stops nothing."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document as Docx

from middleground.core.pdf import Document as Pdf
from middleground.library import services
from middleground.library.models import Document, FileStatus, IngestFile

from .conftest import SEEDS

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    "The Kazakhstan Institute for Strategic Studies (KazISS) presented its proposal for an "
    "expert alliance of middle powers at the Astana International Forum on Thursday.",
    "Zhandos Shaimardanov said the network of think tanks would work with the United Nations "
    "on water security, transboundary rivers and drinking water in Central Asia.",
    "Delegations from Uzbekistan and Kyrgyzstan asked for open data on water withdrawals.",
]


def html_page() -> bytes:
    ticker = "".join(f"<li>KZT/USD = 0.0020{i} 0%</li>" for i in range(5)) * 3
    paras = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        "<!doctype html><html lang='en'><head><title>Alliance of middle powers | Steppe Review"
        "</title><meta name='author' content='Dana Sultan'>"
        "<meta property='article:published_time' content='2025-05-29T10:00:00+05:00'></head>"
        f"<body><header><ul class='ticker'>{ticker}</ul><nav><a href='/'>Home</a></nav></header>"
        f"<main><article><h1>Alliance of middle powers</h1>{paras}</article></main>"
        "<footer>© 2025 Steppe Review. All rights reserved.</footer></body></html>"
    ).encode()


def pdf_brief() -> bytes:
    pdf = Pdf("Water security brief")
    for p in PARAGRAPHS:
        pdf.paragraph(p)
    return bytes(pdf.to_bytes())


def docx_report() -> bytes:
    doc = Docx()
    doc.add_heading("Report on water cooperation", level=1)
    for p in PARAGRAPHS:
        doc.add_paragraph(p)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def upload(client, *files, **fields):
    data = {"files": [SimpleUploadedFile(name, content) for name, content in files], **fields}
    return client.post("/api/v1/library/documents", data)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("page.html", html_page, "html"),
        ("brief.pdf", pdf_brief, "pdf"),
        ("report.docx", docx_report, "docx"),
        ("note.md", lambda: ("# Water note\n\n" + "\n\n".join(PARAGRAPHS)).encode(), "md"),
        ("plain.txt", lambda: ("Water note\n\n" + "\n\n".join(PARAGRAPHS)).encode(), "txt"),
    ],
)
def test_each_format_goes_through_ingestion_to_search(registry, as_persona, name, content, kind):
    client = as_persona("bob")
    response = upload(client, (name, content()), doc_type="brief", source="Steppe Review")
    assert response.status_code == 201, response.content
    [summary] = response.json()["documents"]
    assert summary["kind"] == kind
    detail = as_persona("anonymous").get(f"/api/v1/library/documents/{summary['id']}").json()
    assert "Zhandos Shaimardanov" in " ".join(detail["body"].split())
    assert isinstance(detail["data_notes"], list)
    assert detail["duplicate_of"] is None
    tags = {(t["kind"], t["label"]) for t in detail["tags"]}
    assert ("institution", registry["kaziss"].name) in tags
    assert ("country", "Kazakhstan") in tags
    assert any(k == "focus_area" for k, _ in tags)
    if kind == "html":
        assert "KZT/USD" not in detail["body"] and "All rights reserved" not in detail["body"]
        assert detail["published"] == "2025-05-29"
    found = client.get("/api/v1/library/search?q=transboundary&focus_area=water-security").json()
    assert [i["document"]["id"] for i in found["items"]] == [summary["id"]]
    assert "<mark>transboundary</mark>" in found["items"][0]["snippet_html"]


def test_uploading_the_same_file_twice_links_the_duplicate(registry, as_persona):
    client = as_persona("alice")
    first = upload(client, ("page.html", html_page())).json()["documents"][0]
    second = upload(client, ("copy.html", html_page())).json()["documents"][0]
    assert second["duplicate_of"] == first["id"]
    detail = client.get(f"/api/v1/library/documents/{second['id']}").json()
    assert detail["body"] == "" and detail["duplicate_kind"] == "exact"
    assert any("not stored twice" in n for n in detail["data_notes"])
    assert client.get("/api/v1/library/search?q=transboundary").json()["count"] == 1


def test_a_near_duplicate_keeps_its_own_text_and_is_found_by_its_own_words(registry, as_persona):
    client = as_persona("alice")
    article = (SEEDS / "000_908bbb8a0c486c43.txt").read_bytes()
    [original] = upload(client, ("article.txt", article)).json()["documents"]
    revised = article + (
        b"\n\nAddendum: the commission also heard the zebrafishology working group on "
        b"fish passages at the dams, a topic no earlier session covered at all."
    )
    [near] = upload(client, ("article-v2.txt", revised)).json()["documents"]
    detail = client.get(f"/api/v1/library/documents/{near['id']}").json()
    assert detail["duplicate_of"] is None and detail["similar_to"] == original["id"]
    assert 0.8 <= detail["duplicate_similarity"] < 1
    assert "zebrafishology" in detail["body"] and "Shaimardanov" in detail["body"]
    found = as_persona("anonymous").get("/api/v1/library/search?q=zebrafishology").json()
    assert [i["document"]["id"] for i in found["items"]] == [near["id"]]
    page = client.get(f"/library/documents/{near['id']}/").content.decode()
    assert f"/library/documents/{original['id']}/" in page and "zebrafishology" in page
    # the same text again still shares the stored one
    [exact] = upload(client, ("article-v2-copy.txt", revised)).json()["documents"]
    assert exact["duplicate_of"] == near["id"]
    assert client.get(f"/api/v1/library/documents/{exact['id']}").json()["body"] == ""
    assert client.get("/api/v1/library/search?q=zebrafishology").json()["count"] == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.7\n1 0 obj garbage without end", "corrupt PDF"),
        ("empty.txt", b"", "empty file"),
        ("data.xyz", b"\x00\x01\x02 binary stuff", "unknown type"),
    ],
)
def test_files_that_cannot_be_ingested_get_clear_errors(world, as_persona, name, content, reason):
    response = upload(as_persona("alice"), (name, content))
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert name in detail and reason in detail
    assert not Document.objects.exists()


def test_a_200_mb_file_is_refused_before_it_is_read(world, tmp_path):
    big = tmp_path / "huge.pdf"
    with big.open("wb") as fh:
        fh.truncate(200 * 1024 * 1024)  # sparse: no 200 MB written
    with big.open("rb") as fh, pytest.raises(services.ServiceError) as err:
        services.ingest_file(actor=world.users["alice"], data=fh, filename="huge.pdf")
    assert "huge.pdf" in err.value.message and "200.0 MB" in err.value.message


def test_one_bad_file_does_not_stop_or_roll_back_the_others(registry, as_persona):
    response = upload(
        as_persona("carol"),
        ("good.html", html_page()),
        ("broken.pdf", b"%PDF-1.4 nonsense"),
        ("note.md", ("# Another note\n\n" + PARAGRAPHS[2] + " Quokkas too.").encode()),
    )
    assert response.status_code == 201
    body = response.json()
    assert [f["filename"] for f in body["failures"]] == ["broken.pdf"]
    assert "corrupt PDF" in body["failures"][0]["reason"]
    assert len(body["documents"]) == 2
    batch = as_persona("carol").get(f"/api/v1/library/batches/{body['batch']}").json()
    assert [f["status"] for f in batch["files"]] == ["done", "failed", "done"]
    assert as_persona("bob").get(f"/api/v1/library/batches/{body['batch']}").status_code == 404


def test_large_batches_run_as_background_tasks(
    registry, as_persona, django_capture_on_commit_callbacks
):
    files = [(f"n{i}.txt", f"Note {i} on quokka number {i} and water.".encode()) for i in range(6)]
    files.append(("bad.xyz", b"???"))
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(as_persona("alice"), *files)
    assert response.status_code == 202
    assert response.json()["background"] is True
    rows = IngestFile.objects.filter(batch_id=response.json()["batch"])
    assert rows.filter(status=FileStatus.DONE).count() == 6
    bad = rows.get(filename="bad.xyz")
    assert bad.status == FileStatus.FAILED and "unknown type" in bad.error
    assert not bad.upload


def test_public_documents_are_readable_without_signing_in(registry, as_persona):
    doc = upload(as_persona("alice"), ("page.html", html_page())).json()["documents"][0]
    anonymous = as_persona("anonymous")
    assert anonymous.get(f"/api/v1/library/documents/{doc['id']}").status_code == 200
    listing = anonymous.get("/api/v1/library/documents").json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == doc["id"]


def test_search_filters_are_query_parameters_and_results_export(registry, as_persona):
    client = as_persona("alice")
    upload(client, ("page.html", html_page()), doc_type="news")
    upload(client, ("r.txt", "Отчёт\n\nВодная безопасность Казахстана и Узбекистана.".encode()))
    assert client.get("/api/v1/library/search?q=water&country=UZ").json()["count"] == 1
    assert client.get("/api/v1/library/search?q=water&country=BR").json()["count"] == 0
    assert (
        client.get("/api/v1/library/search?q=water&type=news&date_from=2025-01-01").json()["count"]
        == 1
    )
    assert client.get("/api/v1/library/search?q=water&date_to=2024-01-01").json()["count"] == 0
    ru = client.get("/api/v1/library/search?q=Казахстан&language=ru").json()
    assert ru["count"] == 1
    exported = client.get("/api/v1/library/search/export?format=csv&q=water")
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert rows[0]["title"] == "Alliance of middle powers"
    as_json = json.loads(client.get("/api/v1/library/search/export?format=json&q=water").content)
    assert as_json["count"] == 1
    bad = client.get("/api/v1/library/search/export?format=xml&q=water")
    assert bad.status_code == 400


def test_search_export_neutralises_titles_a_spreadsheet_would_run(registry, as_persona):
    client = as_persona("alice")
    upload(client, ("f.txt", b'=HYPERLINK("x")\n\nNotes on water security in the Aral basin.'))
    exported = client.get("/api/v1/library/search/export?format=csv&q=water")
    [row] = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert row["title"] == '\'=HYPERLINK("x")'


def test_lexicon_edits_change_tagging_of_new_documents(registry, as_persona):
    client = as_persona("alice")
    response = client.put(
        "/api/v1/library/lexicon/innovation",
        json.dumps({"terms": ["quokka", "marsupial"]}),
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["edited"] is True
    doc = upload(client, ("q.txt", b"Quokka notes\n\nA quokka is a marsupial.")).json()
    detail = client.get(f"/api/v1/library/documents/{doc['documents'][0]['id']}").json()
    [tag] = [t for t in detail["tags"] if t["kind"] == "focus_area"]
    assert tag["key"] == "innovation"
    assert {t[0].lower() for t in tag["terms"]} == {"quokka", "marsupial"}
    reset = client.put(
        "/api/v1/library/lexicon/innovation",
        json.dumps({"terms": None}),
        content_type="application/json",
    )
    assert reset.json()["edited"] is False


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/saved-searches", {"name": "n" * 201, "params": {"q": "water"}}, "name"),
        ("/saved-searches", {"name": "Water", "params": {"q": "w" * 301}}, "q"),
        ("/saved-searches", {"name": "Water", "params": {"country": "K" * 301}}, "country"),
    ],
)
def test_too_long_saved_searches_are_refused_naming_the_field(
    world, as_persona, path, payload, field
):
    response = as_persona("bob").post(
        "/api/v1/library" + path, json.dumps(payload), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["field"] == field and "too long" in response.json()["detail"]
    assert not world.users["bob"].library_searches.exists()


def test_a_too_long_source_is_refused_not_cut(registry, as_persona):
    response = upload(
        as_persona("bob"), ("n.txt", b"Notes\n\nWater of the Aral."), source="s" * 301
    )
    assert response.status_code == 400
    assert response.json()["field"] == "source"
    assert not Document.objects.exists()


def test_a_lexicon_with_too_many_terms_is_refused(world, as_persona):
    response = as_persona("alice").put(
        "/api/v1/library/lexicon/innovation",
        json.dumps({"terms": [f"term {n}" for n in range(services.MAX_TERMS + 1)]}),
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["field"] == "terms"
