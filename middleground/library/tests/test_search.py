"""Search: the same matches on SQLite FTS5 and PostgreSQL, stemming, filters, facets, sort,
snippets. Run on both databases (see the README); each run checks its engine against the
matching rule in Python, and against the same expected titles."""

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.db import connection

from middleground.library import selectors
from middleground.library.models import Document
from middleground.library.search import facet_keys, reference_match
from middleground.library.selectors import SearchParams
from middleground.library.text import query_terms
from middleground.network.models import Country

from .conftest import DATA, SEEDS

pytestmark = pytest.mark.django_db

QUERIES = [
    "Kazakhstan",
    "Kazakhstan's",
    "Казахстана",
    "Казахстан",
    "средних держав",
    "expert alliance",
    "think tanks",
    "think-tank",
    "water security",
    "Astana International Forum",
    "KazISS",
    "Tokayev dialogue",
    "governance reform",
    "КИСИ",
    "2025",
    "nothing-matches-this-zzqx",
    "middle powers UN",
]


@pytest.fixture
def corpus(registry, ingest):
    docs = []
    for path in sorted(SEEDS.glob("*.txt")):
        docs += ingest(path.name, path.read_bytes(), doc_type="news")
    for name in ("ru_article.txt", "own_listing_page.txt", "own_ticker_page.txt"):
        docs += ingest(name, (DATA / name).read_bytes(), doc_type="opinion")
    return docs


def test_both_backends_return_the_matches_of_the_reference_rule(corpus):
    assert connection.vendor in ("sqlite", "postgresql")
    rows = list(Document.objects.filter(duplicate_of__isnull=True).values_list("pk", "search_text"))
    assert len(rows) >= 8
    alice = corpus[0].added_by
    for q in QUERIES:
        groups = query_terms(q)
        expected = {pk for pk, text in rows if reference_match(text, groups)}
        found = set(
            selectors.matching_documents(alice, SearchParams(q=q)).values_list("pk", flat=True)
        )
        assert found == expected, (connection.vendor, q)
        ranked = selectors.search(alice, SearchParams(q=q), limit=100, with_facets=False)
        assert {h.document.pk for h in ranked.hits} == expected, (connection.vendor, q)
        assert ranked.count == len(expected)


def titles(user, **params):
    page = selectors.search(user, SearchParams(**params), limit=100)
    return {h.document.title for h in page.hits}


def test_russian_stemming_finds_other_case_forms(corpus, world):
    alice = world.users["alice"]
    ru = set(titles(alice, q="Казахстана"))
    assert any("средних держав" in t for t in ru)
    assert titles(alice, q="Казахстан") == ru
    assert titles(alice, q="держава") & ru


def test_english_stemming_and_possessives(corpus, world):
    alice = world.users["alice"]
    assert titles(alice, q="Kazakhstan's") == titles(alice, q="Kazakhstan")
    assert titles(alice, q="alliances") == titles(alice, q="alliance")


def test_filters_restrict_results_and_facets_count_them(corpus, world, registry):
    alice = world.users["alice"]
    everything = selectors.search(alice, SearchParams(q="Kazakhstan"), limit=100)
    assert everything.count >= 4
    facets = {k: {v.key: v.count for v in vals} for k, vals in everything.facets.items()}
    assert facets["country"]["KZ"] == everything.count
    assert facets["regional_group"]["APG"] == everything.count
    assert facets["language"]["en"] >= 4
    by_institution = selectors.search(
        alice, SearchParams(q="Kazakhstan", institution=str(registry["kaziss"].pk)), limit=100
    )
    assert 0 < by_institution.count < everything.count
    assert by_institution.count == facets["institution"][str(registry["kaziss"].pk)]
    news = selectors.search(alice, SearchParams(q="Kazakhstan", type="news"), limit=100)
    assert news.count == facets["type"]["news"]
    russian = selectors.search(alice, SearchParams(language="ru"), limit=100)
    assert {h.document.language for h in russian.hits} == {"ru"}
    weog = selectors.search(alice, SearchParams(q="Kazakhstan", regional_group="WEOG"), limit=100)
    weog_codes = set(Country.objects.filter(regional_group="WEOG").values_list("code", flat=True))
    assert weog.hits
    for h in weog.hits:
        assert {t.key for t in h.document.tags.all() if t.kind == "country"} & weog_codes
    assert weog.count <= everything.count
    focus = selectors.search(alice, SearchParams(focus_area="security"), limit=100)
    assert focus.count >= 1
    assert all(
        h.document.tags.filter(kind="focus_area", key="security").exists() for h in focus.hits
    )
    sdg = selectors.search(alice, SearchParams(sdg="16"), limit=100)
    assert sdg.count >= focus.count


def _facets_from_tag_table(docs):
    """The facet counts recomputed from the tag table, the registry and the rows."""
    counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        tags = [(t.kind, t.key) for t in doc.tags.all() if t.kind != "expert"]
        for kind, key in tags:
            counts[kind][key] += 1
        groups = set(
            Country.objects.filter(code__in=[k for kind, k in tags if kind == "country"])
            .exclude(regional_group="")
            .values_list("regional_group", flat=True)
        )
        counts["regional_group"].update(groups)
        counts["language"][doc.language] += 1
        counts["type"][doc.doc_type] += 1
    return {name: dict(values) for name, values in counts.items()}


@pytest.mark.parametrize("params", [{"q": "Kazakhstan"}, {"q": "forum"}, {"language": "en"}, {}])
def test_facet_counts_agree_with_the_tag_table(corpus, world, params):
    alice = world.users["alice"]
    page = selectors.search(alice, SearchParams(**params), limit=100)
    assert page.count == len(page.hits) > 0
    shown = {k: {v.key: v.count for v in vals} for k, vals in page.facets.items() if vals}
    expected = _facets_from_tag_table([h.document for h in page.hits])
    for name, values in expected.items():  # the page shows the most frequent values only
        if name not in ("regional_group", "type"):
            top = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[: selectors.FACET_SIZE]
            expected[name] = dict(top)
    assert shown == expected


def test_tag_keys_hold_the_facet_tags_and_the_migration_refills_them(corpus):
    import importlib

    from django.apps import apps

    docs = Document.objects.filter(duplicate_of__isnull=True)
    stored = dict(docs.values_list("pk", "tag_keys"))
    assert any(stored.values())
    for doc in docs:
        assert stored[doc.pk] == facet_keys((t.kind, t.key) for t in doc.tags.all())
        assert "expert:" not in stored[doc.pk]
    docs.update(tag_keys="")
    importlib.import_module("middleground.library.migrations.0005_document_tag_keys").fill(
        apps, None
    )
    assert dict(docs.values_list("pk", "tag_keys")) == stored


def test_date_range_and_date_sort(corpus, world):
    alice = world.users["alice"]
    dated = Document.objects.filter(duplicate_of__isnull=True, published__isnull=False)
    assert dated.exists()
    day = dated.order_by("published").first().published
    later = selectors.search(alice, SearchParams(date_from=day + dt.timedelta(days=1)), limit=100)
    assert all(h.document.published > day for h in later.hits)
    until = selectors.search(alice, SearchParams(date_to=day), limit=100)
    assert all(h.document.published <= day for h in until.hits)
    assert until.count >= 1
    by_date = selectors.search(alice, SearchParams(q="Kazakhstan", sort="date"), limit=100)
    dates = [h.document.published for h in by_date.hits if h.document.published]
    assert dates == sorted(dates, reverse=True)


def test_snippets_cut_the_original_text_and_mark_only_matches(corpus, world):
    from middleground.library.templatetags.library import snippet_html

    alice = world.users["alice"]
    page = selectors.search(alice, SearchParams(q="Казахстана"), limit=5)
    html = str(snippet_html(page.hits[0].snippet))
    assert "<mark>" in html
    marked = [part.split("</mark>")[0] for part in html.split("<mark>")[1:]]
    assert marked and all(m.lower().startswith("казахстан") for m in marked)


def test_snippets_escape_html_in_documents(registry, ingest, world):
    ingest(
        "x.txt",
        "Zebrafish studies <script>alert(1)</script> on zebrafish in Kazakhstan rivers "
        "and zebrafish habitats.",
    )
    from middleground.library.templatetags.library import snippet_html

    page = selectors.search(world.users["alice"], SearchParams(q="zebrafish"))
    html = str(snippet_html(page.hits[0].snippet))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>zebrafish</mark>" in html.lower()


def test_related_documents_share_tags(corpus, world):
    alice = world.users["alice"]
    doc = Document.objects.get(filename="000_908bbb8a0c486c43.txt")
    related = selectors.related_documents(alice, doc)
    assert related and doc not in related
    assert all(r.duplicate_of_id is None for r in related)


def test_a_query_with_very_many_matches_is_capped_and_says_so(registry, ingest, world, monkeypatch):
    monkeypatch.setattr(selectors, "RESULT_WINDOW", 3)
    for i in range(5):
        ingest(f"n{i}.txt", f"Note {i}\n\nQuokka census number {i} in Kazakhstan.")
    alice = world.users["alice"]
    page = selectors.search(alice, SearchParams(q="quokka"))
    assert page.capped and page.count == 3
    assert sum(v.count for v in page.facets["language"]) == 3
    assert selectors.matching_documents(alice, SearchParams(q="quokka")).count() == 5
    small = selectors.search(alice, SearchParams(q="census 4"))
    assert not small.capped and small.count == 1


def test_snippets_of_long_documents_come_from_around_the_hit(registry, ingest, world):
    filler = "Plain words about nothing in particular. " * 400
    ingest("long.txt", f"Long report\n\n{filler}The policies of Kazakhstan on glaciers. {filler}")
    page = selectors.search(world.users["alice"], SearchParams(q="policy glacier"))
    cut = page.hits[0].snippet
    assert cut.starts_mid_text and cut.ends_mid_text
    assert [p.text for p in cut.pieces if p.match] == ["policies", "glaciers"]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 1000])
def test_the_window_holds_the_newest_matches_whichever_way_the_engine_finds_them(
    corpus, world, size
):
    from middleground.library.search import get_backend

    alice, dave = world.users["alice"], world.users["dave"]
    for user, q, params in (
        (alice, "Kazakhstan", {}),
        (alice, "forum", {"language": "en"}),
        (dave, "Kazakhstan", {"type": "news"}),
        (dave, "dialogue", {"date_from": dt.date(2000, 1, 1)}),
        (alice, "Kazakhstan", {"date_from": dt.date(2000, 1, 1), "date_to": dt.date(2099, 1, 1)}),
    ):
        search = SearchParams(q=q, **params)
        newest = list(
            selectors.matching_documents(user, search)
            .order_by("-pk")
            .values_list("pk", flat=True)[:size]
        )
        window = get_backend().window(
            query_terms(q),
            selectors.filtered_documents(user, search, tags=False),
            size,
            filters=selectors.filter_groups(user, search),
            published=(search.date_from, search.date_to),
        )
        assert [hit.id for hit in window] == newest, (connection.vendor, q, size)


def _restart_document_ids(at: int) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('library_document', 'id'), %s)", [at - 1]
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = 'library_document'", [at - 1]
            )


@pytest.mark.parametrize("max_buckets", [1, 16])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 6, 10, 12, 16])
def test_the_window_is_the_same_when_found_through_the_id_buckets(
    world, registry, ingest, monkeypatch, size, max_buckets
):
    """Documents far apart in id: PostgreSQL asks the index for the newest id buckets
    first (migration 0007), as many as the matches so far say hold the rest, then for
    all older matches. The newest bucket holds no match, so the next pass reaches
    back as far as the buckets allow. By the sizes: one pass is enough (1-4), empty buckets
    follow (6, 10), every match is wanted (12) or more than there are (16). With one
    bucket a pass at most, the later passes ask for one bucket each until the rest needs
    more, then for every older match."""
    from middleground.library.search import ID_BUCKET, PostgresBackend, bucket_tsquery, get_backend

    monkeypatch.setattr(PostgresBackend, "max_buckets", max_buckets)
    alice = world.users["alice"]
    texts = ["Water security in Central Asia.", "A forum on water and trust.", "Trade news."]
    for at in (3 * ID_BUCKET + 5, 7 * ID_BUCKET + 11, 11 * ID_BUCKET + 3):
        _restart_document_ids(at)
        for i, text in enumerate(texts * 2):
            ingest(f"{at}-{i}.txt", f"{text} Note {at} {i}.")
    _restart_document_ids(13 * ID_BUCKET)  # the newest bucket: no match
    ingest("newest.txt", "Trade news only.")
    search = SearchParams(q="water")
    newest = list(
        selectors.matching_documents(alice, search).order_by("-pk").values_list("pk", flat=True)
    )
    assert len(newest) == 12 and newest[-1] < 4 * ID_BUCKET < 11 * ID_BUCKET < newest[0]
    window = get_backend().window(
        query_terms("water"),
        selectors.filtered_documents(alice, search, tags=False),
        size,
        filters=selectors.filter_groups(alice, search),
    )
    assert [hit.id for hit in window] == newest[:size]
    if connection.vendor == "postgresql":  # each vector holds its id's bucket
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_indexscan")  # the bitmap's SET LOCAL, undone
            assert cursor.fetchone()[0] == "on"
            cursor.execute(
                "SELECT count(*) FROM library_document WHERE NOT search_vector @@ "
                "('ZZBUCKET' || (id / %s)::text)::tsquery",
                [ID_BUCKET],
            )
            assert cursor.fetchone()[0] == 0
    # The buckets are PostgreSQL's alone: no query word may find them there either.
    for q in ("zzbucket7", "ZZBUCKET7", "zzbucket11 water"):
        assert not selectors.matching_documents(alice, SearchParams(q=q)).exists(), q
    assert bucket_tsquery([7, 8]) == "'ZZBUCKET7' | 'ZZBUCKET8'"


def test_a_text_query_with_a_date_range_keeps_exactly_the_dated_matches(corpus, world):
    """PostgreSQL intersects the dates inside its GIN index (migration 0006): the page must
    hold what the SQL date filter keeps, at both ends of the range."""
    alice = world.users["alice"]
    matches = selectors.matching_documents(alice, SearchParams(q="Kazakhstan"))
    days = sorted({d for d in matches.values_list("published", flat=True) if d})
    assert len(days) >= 3
    start, end = days[1], days[-2]
    expected = set(
        matches.filter(published__gte=start, published__lte=end).values_list("pk", flat=True)
    )
    page = selectors.search(
        alice, SearchParams(q="Kazakhstan", date_from=start, date_to=end), limit=1000
    )
    assert {hit.document.pk for hit in page.hits} == expected
    assert 0 < len(expected) < matches.count()


def test_relevance_puts_the_text_that_uses_the_words_most_first(world, ingest):
    """Both engines sum the words' frequencies over the text's length (PostgreSQL ranks
    with an OR query, see text.stem.to_rank_tsquery)."""
    alice = world.users["alice"]
    filler = "The council met on Monday and the ministers agreed on a short statement. "
    dense, sparse = ingest(
        "dense.txt",
        "Water wells for every village: new water wells, deeper water wells. " + filler * 2,
    ) + ingest("sparse.txt", "A note on water and on wells for farmers. " + filler * 3)
    page = selectors.search(alice, SearchParams(q="water wells"), limit=10)
    assert [h.document.pk for h in page.hits][:2] == [dense.pk, sparse.pk]
    assert page.hits[0].score > page.hits[1].score


def test_a_stem_of_one_language_does_not_match_other_languages_words(world, ingest):
    """Turkish stems "forum" to "for": an English text full of "for" is no match for
    "forum", while a Turkish text about a forum still is."""
    alice = world.users["alice"]
    (english,) = ingest(
        "wells.txt",
        "Water for farmers. The plan asks for new wells for every village, for pumps that "
        "work for years and for training for the engineers who look after them.",
    )
    (forum,) = ingest(
        "forum.txt",
        "The forum in Astana brought experts together. At the forum they discussed how "
        "middle powers can bridge divides and build trust between blocs.",
    )
    (turkish,) = ingest(
        "forum-tr.txt",
        "Astana'daki forum, orta güçlerin bölgesel işbirliğini güçlendirmek için önemli bir "
        "adım oldu. Uzmanlar forumda su güvenliği ve dijital güven konularını tartıştılar.",
    )
    assert (english.language, forum.language, turkish.language) == ("en", "en", "tr")
    assert titles(alice, q="forum") == {forum.title, turkish.title}
    page = selectors.search(alice, SearchParams(q="forum"), limit=10)
    marked = {p.text.lower() for h in page.hits for p in h.snippet.pieces if p.match}
    assert "for" not in marked and "forum" in marked
