"""The published files (PDF, DOCX, Markdown, JSON, CSV) and the adopted text in the library."""

import csv
import datetime as dt
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from docx import Document as Docx
from pypdf import PdfReader

from middleground.core.csv_export import unsafe_cell
from middleground.library import selectors as library_selectors
from middleground.library.models import Document
from middleground.network.models import Institution
from middleground.strategies import publication, versioning
from middleground.strategies.models import (
    Endorsement,
    EndorsementCall,
    Evidence,
    ParagraphKind,
    Position,
    StrategyStatus,
)

from .factories import TEXT, drafting_strategy, open_strategy

RESERVATION = "We cannot commit to monthly publication before 2029."
EVIDENCE_SHA = "ab" * 32


def berlin(world):
    """An institution in the Western European and Others Group (astana and seoul are APG)."""
    return Institution.objects.create(
        name="Berlin Water Forum (test)",
        slug="berlin-water-forum",
        kind="think_tank",
        country_id="DE",
        is_member=True,
    )


def endorse(call, institution, position, reservation="", paragraphs=()):
    return Endorsement.objects.create(
        call=call,
        institution=institution,
        position=position,
        reservation=reservation,
        reservation_paragraphs=list(paragraphs),
    )


def with_endorsements(world, strategy):
    call = strategy.endorsement_calls.get()
    endorse(call, world.astana, Position.ENDORSE)
    endorse(call, world.seoul, Position.TAKE_NOTE)
    endorse(call, berlin(world), Position.ENDORSE_WITH_RESERVATION, RESERVATION, [3])
    return call


def cited_strategy(
    world, *, text=TEXT, title="Water data strategy (test)", language="en", slug=None
):
    """Published version 2 whose first recommendation cites a consultation statement, put to
    endorsement."""
    strategy = drafting_strategy(world, title=title, text=text)
    strategy.language = language
    strategy.slug = slug or strategy.slug
    strategy.save(update_fields=["language", "slug"])
    cited = strategy.paragraphs.filter(kind=ParagraphKind.RECOMMENDATION).order_by(
        "section__position", "position"
    )[0]
    Evidence.objects.create(
        paragraph=cited,
        kind="statement",
        source_id=17,
        snapshot={
            "title": "Basin data should be shared",
            "agree": 0.82,
            "votes": 143,
            "analysis_version": "opinion-1",
        },
        sha256=EVIDENCE_SHA,
    )
    version = versioning.publish(versioning.new_version(strategy, actor=world.users["bob"]))
    EndorsementCall.objects.create(
        strategy=strategy,
        version=version,
        deadline=timezone.now() + dt.timedelta(days=14),
        opened_by=world.users["alice"],
    )
    strategy.status = StrategyStatus.ENDORSEMENT
    strategy.save(update_fields=["status"])
    return strategy


def adopt(strategy):
    call = strategy.endorsement_calls.get()
    call.closed_at = timezone.now()
    call.adopted = True
    call.save(update_fields=["closed_at", "adopted"])
    strategy.status = StrategyStatus.ADOPTED
    strategy.save(update_fields=["status"])
    return call


def gathered(world, strategy, user=None):
    return publication.gather(user or AnonymousUser(), strategy.slug)


def build(pub, fn):
    return fn(pub.strategy, pub.version, pub.endorsements, call=pub.call)


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


PARAGRAPHS = [  # the factory's text
    "Water data are scattered across basin authorities.",
    "Shared data build trust between riparian states.",
    "Publish river-flow data of every shared basin monthly.",
    "Train young hydrologists in open data methods.",
]


# --- the contents of each format ----------------------------------------------------------


def test_it_puts_everything_in_the_markdown(world):
    strategy = cited_strategy(world)
    with_endorsements(world, strategy)
    pub = gathered(world, strategy)
    text = build(pub, publication.markdown_text)
    assert text.startswith("# Water data strategy \\(test\\)")
    assert pub.version.number == 2 and pub.version.sha256 in text
    for n in (1, 2, 3, 4):
        assert f"**{n}." in text
    assert "Recommendation 1.** Publish river" in text
    assert "Recommendation 2.** Train young hydrologists" in text
    assert "basin authorities; UN-Water" in text and "by 2028" in text
    # grouped: the Asia-Pacific Group's two institutions before the WEOG's one
    apg, weog = text.index("### Asia-Pacific Group"), text.index("### Western European")
    assert apg < text.index("Astana Institute") < text.index("Seoul Policy") < weog
    assert weog < text.index("Berlin Water Forum")
    assert "Take note" in text
    assert "On paragraph 3: We cannot commit" in text
    # the evidence note: a footnote on paragraph 3 with its frozen figures and fingerprint
    assert f"{PARAGRAPHS[2]}[^1]" in text
    assert text.count("[^1]") == 2
    assert "agree: 0.82" in text and "votes: 143" in text and EVIDENCE_SHA in text
    assert "Open for endorsement — not final" in text
    assert "Drafting lead: bob" in text


def test_it_escapes_user_text_in_markdown(world):
    hostile = [
        (
            "Context <b>",
            [
                (
                    ParagraphKind.NARRATIVE,
                    "**bold** <script>alert(1)</script> [x](javascript:1)",
                    [],
                    "",
                ),
                (ParagraphKind.NARRATIVE, "# not a heading\n- not a list", [], ""),
            ],
        )
    ]
    strategy = open_strategy(world, title="Hostile (test)", text=hostile)
    text = build(gathered(world, strategy), publication.markdown_text)
    assert "\\*\\*bold\\*\\* \\<script\\>alert\\(1\\)\\</script\\>" in text
    assert "\\[x\\]\\(javascript:1\\)" in text
    assert "<script>" not in text and "](javascript" not in text
    assert "## Context \\<b\\>" in text
    assert "\\# not a heading  \n\\- not a list" in text


def test_the_pdf_parses_and_holds_the_text(world):
    strategy = cited_strategy(world)
    with_endorsements(world, strategy)
    pub = gathered(world, strategy)
    body = build(pub, publication.pdf_bytes)
    assert body.startswith(b"%PDF")
    text = flat(pdf_text(body))
    assert "Water data strategy (test)" in text
    assert pub.version.sha256 in text
    assert "Open for endorsement — not final" in text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for n in (1, 2, 3, 4):
        assert f"{n}. " in text
    assert "Recommendation 1" in text and "Recommendation 2" in text
    assert "basin authorities; UN-Water" in text and "2027-2029" in text
    assert text.index("Asia-Pacific Group") < text.index("Western European and Others Group")
    assert "Berlin Water Forum (test)" in text and "Germany" in text
    assert "We cannot commit to monthly publication" in text
    assert "Basin data should be shared" in text and "0.82" in text and EVIDENCE_SHA in text
    assert "Authentic language" in text and "English (en)" in text


def test_a_real_citation_is_printed_in_words_not_as_raw_data(world):
    """A snapshot made by citing: the PDF and Markdown quote the statement and give the frozen
    figures as the page reads them, with the analysis they were frozen at and the fingerprint
    (not a dump of the snapshot's keys)."""
    from middleground.strategies import evidence

    from .test_evidence_helpers import voted_consultation

    strategy = drafting_strategy(world, title="Cited for real (test)")
    statement = voted_consultation(world).statements.get(number=1)
    paragraph = strategy.paragraphs.filter(kind=ParagraphKind.RECOMMENDATION).first()
    cited = evidence.cite(
        actor=world.users["bob"],
        strategy=strategy,
        paragraph=paragraph,
        kind="statement",
        source_id=statement.pk,
    )
    versioning.publish(strategy.latest_version())
    pub = gathered(world, strategy, world.users["bob"])
    for body in (
        flat(pdf_text(build(pub, publication.pdf_bytes))),
        build(pub, publication.markdown_text),
    ):
        body = flat(body)
        assert "“Flow data should be published monthly.”" in body
        assert "100 % agree" in body and "12 votes" in body
        assert "frozen at analysis v1" in body
        assert cited.sha256 in body
        assert "declared groups:" not in body and "taken at:" not in body
        assert "agree_lower" not in body


def test_the_pdf_prints_a_russian_strategy(world):
    ru = [
        (
            "Контекст",
            [(ParagraphKind.NARRATIVE, "Данные о воде разбросаны по бассейновым органам.", [], "")],
        ),
        (
            "Рекомендации",
            [
                (
                    ParagraphKind.RECOMMENDATION,
                    "Публиковать данные ежемесячно.",
                    ["ООН-Водные ресурсы"],
                    "до 2028",
                )
            ],
        ),
    ]
    strategy = cited_strategy(
        world, text=ru, title="Стратегия водных данных", language="ru", slug="water-ru"
    )
    pub = gathered(world, strategy)
    text = flat(pdf_text(build(pub, publication.pdf_bytes)))
    assert "Стратегия водных данных" in text
    assert "Данные о воде разбросаны по бассейновым органам." in text
    assert "ООН-Водные ресурсы" in text and "до 2028" in text
    assert "(ru)" in text


def test_the_docx_opens_and_holds_the_paragraphs(world):
    strategy = cited_strategy(world)
    with_endorsements(world, strategy)
    pub = gathered(world, strategy)
    doc = Docx(io.BytesIO(build(pub, publication.docx_bytes)))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Water data strategy (test)" in paragraphs
    assert f"1. {PARAGRAPHS[0]}" in paragraphs
    assert f"3. Recommendation 1. {PARAGRAPHS[2]} [1]" in paragraphs
    assert f"4. Recommendation 2. {PARAGRAPHS[3]}" in paragraphs
    assert "Addressed to: member institutions" in paragraphs
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert pub.version.sha256 in cells
    assert "Berlin Water Forum (test)" in cells
    assert any(RESERVATION in c for c in cells)
    assert "Western European and Others Group" in paragraphs
    assert any(EVIDENCE_SHA in p for p in paragraphs)


def test_the_csv_is_one_row_per_paragraph_and_injection_safe(world):
    text = [("Risky", [(ParagraphKind.RECOMMENDATION, '=HYPERLINK("http://x")', ["=cmd"], "")])]
    strategy = open_strategy(world, title="Formula (test)", text=text + TEXT)
    body = build(gathered(world, strategy), publication.csv_text)
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["number"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[0]["text"] == '\'=HYPERLINK("http://x")'
    assert rows[0]["actors"] == "'=cmd"
    assert unsafe_cell(rows[0]["text"]) == '=HYPERLINK("http://x")'
    assert [r["recommendation"] for r in rows] == ["1", "", "", "2", "3"]
    assert rows[3]["section"] == "Recommendations" and rows[3]["timeline"] == "by 2028"


def test_the_json_fingerprint_is_the_versions(world):
    strategy = cited_strategy(world)
    with_endorsements(world, strategy)
    pub = gathered(world, strategy)
    body = json.loads(json.dumps(build(pub, publication.data), default=str))
    assert (
        body["version"]["sha256"]
        == pub.version.sha256
        == versioning.fingerprint(pub.version.canonical)
    )
    assert body["version"]["number"] == 2
    assert body["content"] == pub.version.content
    positions = {e["institution"]: e["position"] for e in body["endorsements"]}
    assert positions["Berlin Water Forum (test)"] == "endorse_with_reservation"
    # breadth: endorsing institutions in APG (astana) and WEOG (berlin); seoul took note
    counts = body["breadth"]["counts"]
    assert (counts["APG"], counts["WEOG"], counts["EEG"]) == (1, 1, 0)
    assert body["breadth"]["met"] is False  # three groups needed by default


# --- which version, and for whom ------------------------------------------------------------


def test_a_draft_is_marked_and_only_for_its_drafters(world, as_persona):
    strategy = drafting_strategy(world, title="Secret draft (test)")
    url = f"/strategies/{strategy.slug}/strategy.md"
    assert as_persona("dave").get(url).status_code == 404
    from django.test import Client

    assert Client().get(url).status_code == 404
    response = as_persona("bob").get(url)
    assert response.status_code == 200
    assert response.content.decode().startswith("**DRAFT**")
    assert "private" in response["Cache-Control"]


def test_the_strategy_page_links_every_file_and_the_fingerprint(world, as_persona):
    """The public page leads to the files and to the bytes the fingerprint is computed over;
    a draft's page offers its files to its drafters only, marked as a draft."""
    from django.test import Client

    strategy = cited_strategy(world)
    adopt(strategy)
    version = strategy.latest_published()
    html = Client().get(strategy.get_absolute_url()).content.decode()
    for ext in ("pdf", "docx", "md", "json", "csv"):
        link = f"/strategies/{strategy.slug}/strategy.{ext}?version={version.number}"
        assert f'href="{link}"' in html
        assert Client().get(link).status_code == 200
    assert version.sha256 in html
    canonical = f"/api/v1/strategies/{strategy.pk}/versions/{version.number}/canonical"
    assert f'href="{canonical}"' in html
    assert versioning.fingerprint(Client().get(canonical).content.decode()) == version.sha256

    draft = drafting_strategy(world, title="Draft with files (test)")
    assert (
        "Download the working draft"
        in as_persona("bob").get(draft.get_absolute_url()).content.decode()
    )
    assert as_persona("dave").get(draft.get_absolute_url()).status_code == 404


def test_the_adopted_version_is_the_default(world, as_persona):
    strategy = cited_strategy(world)
    adopt(strategy)
    # a later draft does not replace what was adopted
    versioning.new_version(strategy, actor=world.users["bob"], note="after adoption")
    response = as_persona("dave").get(f"/strategies/{strategy.slug}/strategy.json")
    assert response.status_code == 200
    body = response.json()
    assert body["version"]["number"] == 2 and body["version"]["status"] == "adopted"
    assert response["Content-Disposition"] == f'attachment; filename="{strategy.slug}-v2.json"'
    # an explicit version: 1 was never published, so outsiders do not get it
    assert (
        as_persona("dave").get(f"/strategies/{strategy.slug}/strategy.md?version=1").status_code
        == 404
    )
    assert (
        as_persona("bob").get(f"/strategies/{strategy.slug}/strategy.md?version=1").status_code
        == 200
    )
    assert (
        as_persona("dave").get(f"/strategies/{strategy.slug}/strategy.md?version=x").status_code
        == 404
    )


@pytest.mark.parametrize(
    ("name", "content_type", "ext"),
    [
        ("pdf", "application/pdf", "pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("md", "text/markdown; charset=utf-8", "md"),
        ("json", "application/json", "json"),
        ("csv", "text/csv; charset=utf-8", "csv"),
    ],
)
def test_each_file_has_its_type_and_name(world, name, content_type, ext):
    from django.test import Client

    strategy = open_strategy(world)
    response = Client().get(f"/strategies/{strategy.slug}/strategy.{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert f'filename="{strategy.slug}-v1.{ext}"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_closed_call_that_failed_says_not_adopted(world):
    strategy = open_strategy(world)
    call = strategy.endorsement_calls.get()
    call.closed_at, call.adopted = timezone.now(), False
    call.save(update_fields=["closed_at", "adopted"])
    text = build(gathered(world, strategy), publication.markdown_text)
    assert "Not adopted" in text and "Open for endorsement" not in text


# --- the library document ------------------------------------------------------------------


def test_adoption_makes_one_library_document_found_by_search(world):
    strategy = cited_strategy(world)
    with_endorsements(world, strategy)
    adopt(strategy)
    before = Document.objects.count()
    doc = publication.on_adopted(strategy)
    assert doc is not None and Document.objects.count() == before + 1
    assert doc.title == "Water data strategy (test)"
    assert doc.access == "public" and doc.language == "en"
    assert doc.source == "http://localhost:8000/strategies/water-data-strategy-test/"
    assert "Train young hydrologists in open data methods." in doc.body
    assert "Water security" in doc.body  # the focus area
    page = library_selectors.search(
        AnonymousUser(), library_selectors.SearchParams(q="hydrologists")
    )
    assert [hit.document.pk for hit in page.hits] == [doc.pk]
    again = publication.on_adopted(strategy)
    assert again.pk == doc.pk and Document.objects.count() == before + 1


def test_nothing_goes_to_the_library_before_adoption(world):
    strategy = open_strategy(world)
    before = Document.objects.count()
    assert publication.on_adopted(strategy) is None
    assert Document.objects.count() == before


def test_the_strategy_page_names_the_authentic_language_in_the_readers_language(world, as_persona):
    strategy = open_strategy(world)
    type(strategy).objects.filter(pk=strategy.pk).update(language="ru")
    english = as_persona("anonymous").get(strategy.get_absolute_url()).content.decode()
    assert "<dd>Russian</dd>" in english
    # a code the site does not know is shown as it is, not a 500
    type(strategy).objects.filter(pk=strategy.pk).update(language="xx")
    response = as_persona("anonymous").get(strategy.get_absolute_url())
    assert response.status_code == 200 and "<dd>xx</dd>" in response.content.decode()
