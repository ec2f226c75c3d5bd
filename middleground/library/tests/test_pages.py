"""Library pages, saved searches and digests, the folder command and the demo."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.template import Context, RequestContext, Template
from django.test import RequestFactory
from django.utils import timezone

from middleground.accounts.models import Visitor
from middleground.library import services
from middleground.library.models import Document, SavedSearch

from .conftest import DATA, SEEDS

pytestmark = pytest.mark.django_db


def test_search_page_shows_hits_facets_and_htmx_fragment(registry, ingest, as_persona):
    for path in sorted(SEEDS.glob("*.txt")):
        ingest(path.name, path.read_bytes())
    client = as_persona("anonymous")
    page = client.get("/library/?q=Kazakhstan&regional_group=APG").content.decode()
    assert "Kazakhstan Proposes" in page and "<mark>" in page
    assert "Asia-Pacific Group" in page  # facet
    assert "KGS/USD" not in page
    fragment = client.get("/library/?q=Kazakhstan", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "Kazakhstan Proposes" in fragment


def test_document_page_shows_tags_with_matched_terms_notes_and_related(
    registry, ingest, as_persona
):
    docs = {}
    for path in sorted(SEEDS.glob("*.txt")):
        docs[path.name] = ingest(path.name, path.read_bytes())
    article = docs["000_908bbb8a0c486c43.txt"][0]
    page = as_persona("dave").get(f"/library/documents/{article.pk}/").content.decode()
    assert registry["kaziss"].get_absolute_url() in page
    assert "KazISS" in page and "matched" in page
    assert "/network/countries/KZ/" in page
    assert "Data notes" in page
    assert "Related documents" in page
    duplicate = [d for d in docs["001_859130f10ba2337b.txt"] if d.duplicate_of_id][0]
    dup_page = as_persona("dave").get(f"/library/documents/{duplicate.pk}/").content.decode()
    assert article.get_absolute_url() in dup_page and "not stored twice" in dup_page


def test_upload_page_ingests_and_opens_the_document(registry, as_persona):
    client = as_persona("bob")
    response = client.post(
        "/library/upload/",
        {
            "upload_files": SimpleUploadedFile(
                "note.md", b"# Aral notes\n\nWater of the Aral Sea."
            ),
            "access": "network",
            "doc_type": "brief",
        },
    )
    doc = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == doc.get_absolute_url()
    assert doc.access == "network" and doc.added_by.username == "bob"
    bad = client.post(
        "/library/upload/",
        {
            "upload_files": SimpleUploadedFile("x.xyz", b"??"),
            "access": "public",
            "doc_type": "brief",
        },
    )
    assert bad.status_code == 200 and "unknown type" in bad.content.decode()
    assert as_persona("dave").get("/library/upload/").status_code == 403


def test_secretariat_edits_the_lexicon_on_its_page(world, as_persona):
    client = as_persona("alice")
    assert "quokka" not in client.get("/library/lexicon/").content.decode()
    response = client.post("/library/lexicon/innovation/edit/", {"terms": "quokka\nmarsupial\n"})
    assert response.status_code == 302
    assert "quokka" in client.get("/library/lexicon/").content.decode()
    client.post("/library/lexicon/innovation/edit/", {"terms": "x", "reset": "1"})
    assert "quokka" not in client.get("/library/lexicon/").content.decode()
    assert (
        as_persona("bob").post("/library/lexicon/innovation/edit/", {"terms": "x"}).status_code
        == 403
    )


def test_saved_search_sends_one_digest_of_new_matches(registry, ingest, as_persona, world):
    bob = world.users["bob"]
    client = as_persona("bob")
    response = client.post(
        "/library/saved/new/", {"name": "Aral", "q": "Aral", "frequency": "daily"}
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(user=bob)
    assert saved.params == {"q": "Aral"}
    assert "Aral" in client.get("/library/saved/").content.decode()
    ingest("a.txt", "Aral one\n\nThe Aral Sea shrinks; water for Kazakhstan.")
    ingest("b.txt", "Aral two\n\nThe Aral Sea basin and Uzbekistan water.")
    now = timezone.now()
    assert services.send_digests(now=now + dt.timedelta(hours=2)) == 0  # not due yet
    mail.outbox.clear()
    assert services.send_digests(now=now + dt.timedelta(days=1, minutes=1)) == 1
    assert mail.outbox == []  # the library sends no mail of its own: the digest carries it
    from middleground.notifications.models import Notification

    notice = Notification.objects.get(recipient=bob, kind="library.saved_search")
    assert "Aral" in notice.title and not notice.action_required
    assert "Aral one" in notice.body and "Aral two" in notice.body
    assert services.send_digests(now=now + dt.timedelta(days=2, minutes=2)) == 0  # nothing new
    from middleground.library import periodic

    assert "saved-search notices" in periodic.run()


def test_digests_respect_access(registry, ingest, world):
    dave = world.users["dave"]
    services.save_search(actor=dave, name="Aral", params={"q": "Aral"}, frequency="weekly")
    ingest("n.txt", "Network note\n\nAral water data.", access="network")
    assert services.send_digests(now=timezone.now() + dt.timedelta(days=8)) == 0
    from middleground.notifications.models import Notification

    assert not Notification.objects.filter(recipient=dave).exists()


def test_site_search_finds_documents_institutions_and_experts(registry, ingest, as_persona):
    ingest("k.txt", "KazISS note\n\nKazISS proposes an alliance of middle powers.")
    page = as_persona("anonymous").get("/library/search/?q=KazISS").content.decode()
    assert "KazISS note" in page
    assert registry["kaziss"].get_absolute_url() in page
    page = as_persona("anonymous").get("/library/search/?q=Shaimardanov").content.decode()
    assert "/network/experts/zhandos-shaimardanov/" in page


def test_mentions_include_lists_documents_for_registry_pages(registry, ingest):
    ingest("k.txt", "KazISS note\n\nKazISS and Zhandos Shaimardanov in Kazakhstan.")
    ingest("n.txt", "Hidden note\n\nKazISS in Kazakhstan.", access="network")
    template = Template('{% include "library/partials/mentions.html" with mentions_of=obj %}')
    request = RequestFactory().get("/")
    request.user = Visitor()
    for obj in (registry["kaziss"], registry["people"]["zhandos-shaimardanov"]):
        html = template.render(RequestContext(request, {"obj": obj}))
        assert "KazISS note" in html and "Hidden note" not in html
    request.user = registry["users"]["bob"]
    html = template.render(RequestContext(request, {"obj": registry["kaziss"]}))
    assert "Hidden note" in html
    assert "country=KZ" in Template("{% load library %}{% mentions_filter obj %}").render(
        Context({"obj": registry["kaziss"].country})
    )


def test_folder_command_reports_failures_and_ingests_the_rest(registry, tmp_path):
    (tmp_path / "good.txt").write_text("Good note\n\nWater in the Aral basin.", "utf-8")
    (tmp_path / "ru.txt").write_bytes((DATA / "ru_article.txt").read_bytes())
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4 garbage")
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest_library", str(tmp_path), "--user", "alice", stdout=out, stderr=err)
    assert "2 files ingested, 2 failed" in out.getvalue()
    assert "broken.pdf: corrupt PDF" in err.getvalue()
    assert "empty.md: empty file" in err.getvalue()
    assert "4/4 100%" in err.getvalue()
    assert Document.objects.filter(language="ru").exists()


def test_demo_ingests_the_seeds_once(registry):
    from middleground.library.demo import load_demo

    first = load_demo()
    assert first["library_files"] == 5
    assert first["library_duplicates_linked"] >= 1
    assert first["library_documents"] >= 6
    again = load_demo()
    assert again["library_files"] == 0 and again["library_total"] == first["library_total"]
    dup = Document.objects.filter(duplicate_of__isnull=False).first()
    assert dup.filename == "001_859130f10ba2337b.txt"
    assert dup.duplicate_of.filename == "000_908bbb8a0c486c43.txt"


@pytest.mark.parametrize("page", ["100000000000000000000", "1e20", "9" * 5000])
@pytest.mark.parametrize("query", ["", "q=water&"])
def test_a_huge_page_number_gives_page_one_or_not_found(registry, ingest, as_persona, page, query):
    ingest("w.txt", "Water notes\n\nWater security in the Aral basin.")
    response = as_persona("anonymous").get(f"/library/?{query}page={page}")
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert b"Water notes" in response.content  # page 1
