"""A score's (and a reply's) library sources are shown by title, linked, under the library's
visibility rules: a document the reader may not see is "a restricted library document",
never its title."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from middleground.accountability import selectors, services
from middleground.accountability.models import CellResult
from middleground.library.models import Access, Document

from .factories import draft_cycle, member, score_all

RESTRICTED = "a restricted library document"


def test_sources_show_titles_the_reader_may_see_and_hide_the_others(world, as_persona):
    public = Document.objects.create(title="Basin report 2026", kind="pdf", filename="b.pdf")
    network = Document.objects.create(
        title="Network-only minutes", kind="txt", filename="m.txt", access=Access.NETWORK
    )
    evidence = Document.objects.create(
        title="Seoul ministry letter", kind="txt", filename="l.txt", access=Access.NETWORK
    )
    cycle = draft_cycle(world)
    r1 = cycle.strategy.commitments.get(code="R1")
    seoul_key = f"institution:{world.seoul.pk}"
    seoul = member(r1, seoul_key)
    services.score(
        actor=world.users["bob"],
        cycle=cycle,
        commitment=r1,
        member=seoul,
        score=0,
        justification="Partly.",
        sources=[public.pk, network.pk, "https://example.org/basin"],
    )
    score_all(world, cycle, {("R2", seoul_key): 1, ("R1", "partner:UN-Water"): 0})
    alice = world.users["alice"]
    services.send_for_review(
        actor=alice, cycle=cycle, reply_deadline=timezone.now() + dt.timedelta(days=7)
    )
    cell = CellResult.objects.get(cycle=cycle, commitment=r1, member=seoul)
    services.reply(
        actor=world.users["carol"],
        cell=cell,
        accepts=False,
        text="See the ministry's letter.",
        evidence=[evidence.pk],
    )
    services.finalise(actor=alice, cycle=cycle)
    url = reverse("accountability:cell", args=[cell.pk])

    # a network member (carol) sees every title, each linked to the library
    page = as_persona("carol").get(url).text
    for doc in (public, network, evidence):
        assert f'<a href="/library/documents/{doc.pk}/">{doc.title}</a>' in page
    assert 'href="https://example.org/basin"' in page and RESTRICTED not in page

    # the public (dave, anonymous) sees the public title; the others stay hidden
    for persona in ("dave", "anonymous"):
        page = as_persona(persona).get(url).text
        assert f'<a href="/library/documents/{public.pk}/">{public.title}</a>' in page
        assert page.count(RESTRICTED) == 2  # the network source and the reply's evidence
        assert network.title not in page and evidence.title not in page
        assert f"/library/documents/{network.pk}/" not in page
        assert f"/library/documents/{evidence.pk}/" not in page
        assert 'href="https://example.org/basin"' in page


def test_a_deleted_document_is_shown_as_restricted_and_the_report_text_hides_titles(world):
    public = Document.objects.create(title="Open data note", kind="pdf", filename="o.pdf")
    network = Document.objects.create(
        title="Closed note", kind="txt", filename="c.txt", access=Access.NETWORK
    )
    gone = 10**6
    dave, carol = world.users["dave"], world.users["carol"]
    items = [public.pk, network.pk, gone, "https://example.org/x"]
    (seen_by_dave,), (seen_by_carol,) = (
        selectors.sources_for(dave, [items]),
        selectors.sources_for(carol, [items]),
    )
    assert [s.text() for s in seen_by_dave] == [
        "Open data note (library document)",
        RESTRICTED,
        RESTRICTED,
        "https://example.org/x",
    ]
    assert [s.restricted for s in seen_by_carol] == [False, False, True, False]
    assert seen_by_carol[1].title == "Closed note"
