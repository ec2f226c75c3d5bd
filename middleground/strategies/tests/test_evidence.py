"""Evidence: frozen citations of consultation statements, Delphi items and documents."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from middleground.accounts.models import AuditEvent
from middleground.core.errors import ServiceError
from middleground.delphi.models import ItemKind
from middleground.library.models import Access
from middleground.strategies import evidence, versioning
from middleground.strategies.models import Evidence, ParagraphKind, Version

from .factories import drafting_strategy
from .test_evidence_helpers import document, more_disagreement, published_study, voted_consultation


@pytest.fixture
def strategy(world):
    return drafting_strategy(world)


def recommendation(strategy, n=0):
    return list(strategy.paragraphs.filter(kind=ParagraphKind.RECOMMENDATION).order_by("position"))[
        n
    ]


def narrative(strategy):
    return strategy.paragraphs.filter(kind=ParagraphKind.NARRATIVE).first()


def cited_items(strategy, paragraph):
    """The evidence items of a paragraph in the latest version's content."""
    content = strategy.latest_version().content
    return next(p for p in versioning.paragraphs_of(content) if p["key"] == str(paragraph.key))[
        "evidence"
    ]


# --- statements --------------------------------------------------------------------------


def test_statement_citation_freezes_the_figures_and_flags_the_drift(world, strategy):
    consultation = voted_consultation(world)
    statement = consultation.statements.get(number=1)
    bob = world.users["bob"]
    paragraph = recommendation(strategy)

    cited = evidence.cite(
        actor=bob,
        strategy=strategy,
        paragraph=paragraph,
        kind="statement",
        source_id=statement.pk,
        note="Everyone agreed.",
    )

    snap = cited.snapshot
    assert snap["figures"]["agreement"] == 1.0  # 12 of 12 agree
    assert snap["figures"]["votes"] == 12
    assert snap["analysis_version"] == 1
    assert snap["text"] == "Flow data should be published monthly."
    assert snap["link"] == f"/consultations/{consultation.slug}/results/"
    assert snap["figures"]["group_informed_consensus"] is not None
    assert cited.sha256 == versioning.fingerprint(versioning.canonical_json(snap))
    # the citation is part of the text: version 2 carries it
    assert strategy.latest_version().number == 2
    [item] = cited_items(strategy, paragraph)
    assert item["snapshot"] == snap and item["sha256"] == cited.sha256
    assert AuditEvent.objects.filter(action="strategy.evidence.cite").count() == 1
    # nothing moved yet
    [fresh] = evidence.annotate([item])
    assert fresh["moved"] is False and fresh["drift"]["version_changed"] is False

    # 4 new participants disagree, and the analysis runs again (version 2)
    second = more_disagreement(consultation, people=4)
    assert second.version == 2

    cited.refresh_from_db()
    assert cited.snapshot == snap  # frozen: unchanged in the row ...
    [item] = cited_items(strategy, paragraph)
    assert item["snapshot"]["figures"]["agreement"] == 1.0  # ... and in the version
    [annotated] = evidence.annotate([item])
    assert annotated["moved"] is True
    agreement = next(f for f in annotated["drift"]["figures"] if f["key"] == "agreement")
    assert agreement["frozen"] == 1.0 and agreement["live"] == 0.75  # 12 of 16
    assert agreement["change"] == -0.25 and agreement["moved"] is True
    votes = next(f for f in annotated["drift"]["figures"] if f["key"] == "votes")
    assert (votes["frozen"], votes["live"], votes["moved"]) == (12, 16, False)
    assert annotated["drift"]["frozen_version"] == 1 and annotated["drift"]["live_version"] == 2
    assert "agreement 100 % → 75 %" in annotated["moved_text"]
    assert annotated["summary"].startswith("100 % agree; group-informed consensus ")
    assert annotated["frozen_at"] == "frozen at analysis v1"

    html = render_to_string(
        "strategies/partials/evidence_list.html", {"items": [annotated], "strategy": strategy}
    )
    assert "The live result has moved:" in html
    assert "agreement 100 % → 75 %" in html
    assert "frozen at analysis v1" in html
    assert f"/strategies/{strategy.slug}/evidence/{cited.pk}/" in html


def test_evidence_page_shows_frozen_and_live_figures_and_the_fingerprint(
    world, strategy, as_persona
):
    consultation = voted_consultation(world)
    statement = consultation.statements.get(number=1)
    cited = evidence.cite(
        actor=world.users["bob"],
        strategy=strategy,
        paragraph=recommendation(strategy),
        kind="statement",
        source_id=statement.pk,
    )
    more_disagreement(consultation, people=4)
    page = as_persona("carol").get(f"/strategies/{strategy.slug}/evidence/{cited.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "The live result has moved:" in html and "100 % → 75 %" in html
    assert cited.sha256 in html
    assert "the fingerprint matches the frozen figures" in html
    assert "Frozen at: analysis v1. Live: analysis v2." in html
    # the canonical snapshot is shown (escaped), and hashing it gives the fingerprint
    assert page.context["canonical"] == versioning.canonical_json(cited.snapshot)
    assert versioning.fingerprint(page.context["canonical"]) == cited.sha256
    # carol did not cite it and does not lead: no remove button
    assert "Remove this citation" not in html


def test_cite_page_lists_public_statements_with_the_figures_to_be_frozen(
    world, strategy, as_persona
):
    consultation = voted_consultation(world)
    voted_consultation(world, title="Network only (evidence test)", visibility="network")
    paragraph = recommendation(strategy)
    url = f"/strategies/{strategy.slug}/paragraphs/{paragraph.key}/cite/"
    client = as_persona("bob")
    page = client.get(url, {"kind": "statement"})
    assert page.status_code == 200
    titles = [c.title for c in page.context["consultations"]]
    assert titles == ["Basin data (evidence test)"]  # the network-only one is not offered
    page = client.get(url, {"kind": "statement", "consultation": consultation.slug})
    html = page.content.decode()
    assert "Flow data should be published monthly." in html
    assert "100 % agree" in html and "frozen at analysis v1" in html
    statement = consultation.statements.get(number=1)
    response = client.post(url, {"kind": "statement", "source_id": statement.pk, "note": "x"})
    cited = Evidence.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/strategies/{strategy.slug}/evidence/{cited.pk}/"
    assert cited.paragraph == paragraph and cited.cited_by == world.users["bob"]


# --- Delphi items and documents ------------------------------------------------------------


def test_delphi_item_citation_freezes_median_iqr_rule_and_round(world, strategy):
    study = published_study(world)
    likert = study.items.get(kind=ItemKind.LIKERT)
    cited = evidence.cite(
        actor=world.users["bob"],
        strategy=strategy,
        paragraph=recommendation(strategy),
        kind="delphi_item",
        source_id=likert.pk,
    )
    snap = cited.snapshot
    assert snap["figures"]["median"] == 4.5  # answers 4, 4, 5, 5
    assert snap["figures"]["iqr"] == 1.0
    assert snap["figures"]["agreement"] == 1.0  # all four rate 4–5
    assert snap["figures"]["answers"] == 4
    assert snap["round"] == 1 and snap["study_version"] == 1
    assert snap["consensus_reached"] is True
    assert snap["rule"] == (
        "Consensus when at least 70% rate 4–5 and IQR ≤ 1, with at least 3 answers"
    )
    assert snap["criteria_met"]  # the criteria that passed are named
    assert snap["link"] == f"/delphi/{study.slug}/results/"
    [item] = evidence.annotate(cited_items(strategy, recommendation(strategy)))
    assert item["moved"] is False
    assert item["summary"] == (
        "median 4.5, IQR 1; 100 % in the agreement band; 4 answers; consensus in round 1"
    )
    assert item["frozen_at"] == "frozen at round 1 of study v1"


def test_document_citation_and_its_text_change(world, strategy):
    doc = document(world)
    cited = evidence.cite(
        actor=world.users["bob"],
        strategy=strategy,
        paragraph=recommendation(strategy),
        kind="document",
        source_id=str(doc.pk),
    )
    assert cited.snapshot["title"] == "Transboundary water data report"
    assert cited.snapshot["content_hash"] == "a" * 64
    assert cited.snapshot["link"] == f"/library/documents/{doc.pk}/"
    [item] = evidence.annotate(cited_items(strategy, recommendation(strategy)))
    assert item["moved"] is False
    doc.content_hash = "b" * 64
    doc.save(update_fields=["content_hash"])
    [item] = evidence.annotate(cited_items(strategy, recommendation(strategy)))
    assert item["moved"] is True
    assert item["moved_text"] == "the document's text has changed since it was cited"


# --- refusals: clear errors, nothing stored --------------------------------------------------


def _refused(strategy, field, **kwargs):
    before = (Evidence.objects.count(), Version.objects.count())
    with pytest.raises(ServiceError) as err:
        evidence.cite(strategy=strategy, **kwargs)
    assert (Evidence.objects.count(), Version.objects.count()) == before
    if field:
        assert err.value.field == field
    return err.value


def test_refusals_name_the_field_and_store_nothing(world, strategy):
    bob = world.users["bob"]
    rec = recommendation(strategy)
    hidden = voted_consultation(world, title="Network only (evidence test)", visibility="network")
    err = _refused(
        strategy,
        "source_id",
        actor=bob,
        paragraph=rec,
        kind="statement",
        source_id=hidden.statements.get(number=1).pk,
    )
    assert "public" in err.message
    study = published_study(world)
    pair = study.items.get(kind=ItemKind.PAIR)
    err = _refused(
        strategy, "source_id", actor=bob, paragraph=rec, kind="delphi_item", source_id=pair.pk
    )
    assert "did not reach consensus in its last closed round (round 1)" in err.message
    unpublished = published_study(world, title="Unpublished Delphi (evidence test)", publish=False)
    _refused(
        strategy,
        "source_id",
        actor=bob,
        paragraph=rec,
        kind="delphi_item",
        source_id=unpublished.items.get(kind=ItemKind.LIKERT).pk,
    )
    network_doc = document(world, access=Access.NETWORK, title="Internal memo")
    _refused(
        strategy, "source_id", actor=bob, paragraph=rec, kind="document", source_id=network_doc.pk
    )
    doc = document(world)
    err = _refused(
        strategy,
        "paragraph",
        actor=bob,
        paragraph=narrative(strategy),
        kind="document",
        source_id=doc.pk,
    )
    assert "recommendations only" in err.message
    for missing in ("", None, "abc", 0, 999999):
        err = _refused(
            strategy, "source_id", actor=bob, paragraph=rec, kind="document", source_id=missing
        )
    assert err.message == "There is no library document with this id."
    _refused(strategy, "kind", actor=bob, paragraph=rec, kind="tweet", source_id=doc.pk)
    _refused(
        strategy,
        "note",
        actor=bob,
        paragraph=rec,
        kind="document",
        source_id=doc.pk,
        note="x" * 501,
    )
    for outsider in (world.users["dave"], AnonymousUser()):
        err = _refused(
            strategy, None, actor=outsider, paragraph=rec, kind="document", source_id=doc.pk
        )
        assert err.status == 403
    # a duplicate on the same paragraph
    evidence.cite(actor=bob, strategy=strategy, paragraph=rec, kind="document", source_id=doc.pk)
    err = _refused(
        strategy, "source_id", actor=bob, paragraph=rec, kind="document", source_id=doc.pk
    )
    assert "already cited" in err.message


def test_pages_refuse_with_the_error_beside_the_field(world, strategy, as_persona):
    rec = recommendation(strategy)
    url = f"/strategies/{strategy.slug}/paragraphs/{rec.key}/cite/"
    before = (Evidence.objects.count(), Version.objects.count())
    response = as_persona("bob").post(url, {"kind": "document", "source_id": ""})
    assert response.status_code == 400
    assert response.context["form"].errors["source_id"] == ["Choose the source to cite."]
    nar = narrative(strategy)
    response = as_persona("bob").post(
        f"/strategies/{strategy.slug}/paragraphs/{nar.key}/cite/",
        {"kind": "document", "source_id": document(world).pk},
    )
    assert response.status_code == 400
    assert "recommendations only" in response.content.decode()
    assert as_persona("dave").post(url, {"kind": "document", "source_id": 1}).status_code == 404
    assert as_persona("anonymous").post(url, {"kind": "document"}).status_code == 302
    assert (Evidence.objects.count(), Version.objects.count()) == before


# --- fingerprints and removal ----------------------------------------------------------------


def test_fingerprint_verifies_and_fails_when_the_snapshot_is_tampered(world, strategy):
    doc = document(world)
    evidence.cite(
        actor=world.users["bob"],
        strategy=strategy,
        paragraph=recommendation(strategy),
        kind="document",
        source_id=doc.pk,
    )
    [item] = cited_items(strategy, recommendation(strategy))
    assert evidence.verify_snapshot(item) is True
    tampered = {**item, "snapshot": {**item["snapshot"], "title": "Another report"}}
    assert evidence.verify_snapshot(tampered) is False
    assert evidence.annotate([tampered])[0]["verified"] is False
    html = render_to_string(
        "strategies/partials/evidence_list.html", {"items": evidence.annotate([tampered])}
    )
    assert "does not match its figures" in html


def test_the_citer_or_the_lead_removes_a_citation_with_a_new_version(world, strategy, as_persona):
    doc = document(world)
    carol = world.users["carol"]
    cited = evidence.cite(
        actor=carol,
        strategy=strategy,
        paragraph=recommendation(strategy),
        kind="document",
        source_id=doc.pk,
    )
    other = evidence.cite(
        actor=world.users["bob"],
        strategy=strategy,
        paragraph=recommendation(strategy, 1),
        kind="document",
        source_id=doc.pk,
    )
    assert strategy.latest_version().number == 3
    # carol may not remove bob's citation
    before = Evidence.objects.count()
    with pytest.raises(ServiceError) as err:
        evidence.uncite(actor=carol, strategy=strategy, evidence=other)
    assert err.value.status == 403 and Evidence.objects.count() == before
    url = f"/strategies/{strategy.slug}/evidence/{other.pk}/"
    assert as_persona("carol").post(url).status_code == 403
    # she removes her own; version 4 no longer has it, version 2 still does
    evidence.uncite(actor=carol, strategy=strategy, evidence=cited)
    assert not Evidence.objects.filter(pk=cited.pk).exists()
    assert strategy.latest_version().number == 4
    assert cited_items(strategy, recommendation(strategy)) == []
    v2 = strategy.versions.get(number=2).content
    kept = next(
        p for p in versioning.paragraphs_of(v2) if p["key"] == str(recommendation(strategy).key)
    )
    assert kept["evidence"][0]["sha256"] == cited.sha256
    # the lead removes bob's through the page
    assert as_persona("bob").post(url).status_code == 302
    assert not Evidence.objects.filter(pk=other.pk).exists()
    assert AuditEvent.objects.filter(action="strategy.evidence.uncite").count() == 2


def test_annotate_batches_its_queries(world, strategy, django_assert_max_num_queries):
    consultation = voted_consultation(world)
    doc = document(world)
    bob = world.users["bob"]
    rec = recommendation(strategy)
    for s in consultation.statements.all():
        evidence.cite(actor=bob, strategy=strategy, paragraph=rec, kind="statement", source_id=s.pk)
    evidence.cite(actor=bob, strategy=strategy, paragraph=rec, kind="document", source_id=doc.pk)
    items = cited_items(strategy, rec)
    assert len(items) == 4
    # statements: 1 + 1 (latest results); documents: 1; detail links: 1
    with django_assert_max_num_queries(4):
        annotated = evidence.annotate(items)
    assert all(a["detail_url"] for a in annotated)


def test_cite_page_lists_only_eligible_delphi_items_and_public_documents(
    world, strategy, as_persona
):
    study = published_study(world)
    document(world)
    document(world, access=Access.NETWORK, title="Internal memo")
    url = f"/strategies/{strategy.slug}/paragraphs/{recommendation(strategy).key}/cite/"
    client = as_persona("bob")
    html = client.get(url, {"kind": "delphi_item"}).content.decode()
    assert study.title in html
    assert "Water data should be shared across the basin." in html  # consensus
    assert "A basin commission" not in html  # the pair item did not reach consensus
    assert "median 4.5, IQR 1" in html
    html = client.get(url, {"kind": "document"}).content.decode()
    assert "Transboundary water data report" in html and "Internal memo" not in html
