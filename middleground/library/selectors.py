"""Permission-checked reads of the library: the only way views and the API fetch documents.

Who may read what is in :mod:`.permissions`. Search filters by access in SQL *before*
ranking, counting, faceting or cutting snippets, so a restricted document's title or text
never reaches a user who may not read it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils.translation import gettext as _

from middleground.core.errors import ServiceError
from middleground.network.models import Country, Expert, FocusArea, Institution, TaskForce

from . import permissions
from .models import (
    Access,
    DocType,
    Document,
    DocumentTag,
    FocusLexiconEntry,
    IngestBatch,
    SavedSearch,
    TagKind,
)
from .permissions import task_forces_of, visible_documents
from .search import (
    access_token,
    count_facet_keys,
    facet_key,
    filter_group,
    get_backend,
    id_list_sql,
)
from .text import QueryTerm, Snippet, query_terms, snippet
from .text.tagging import load_focus_lexicon

SORTS = ("relevance", "date")
#: The longest search text a person may type (or save).
MAX_QUERY = 300
FACET_SIZE = 10


# --- access -----------------------------------------------------------------------------


def get_document(user, pk: int) -> Document:
    document = (
        visible_documents(user)
        .select_related("duplicate_of", "similar_to", "task_force", "batch")
        .filter(pk=pk)
        .first()
    )
    if document is None:
        raise Http404
    return document


@dataclass(frozen=True)
class DeletionSummary:
    """What deleting a document takes out of the library and its search."""

    indexed: bool  # its text is searchable (not an exact copy of another)
    words: int
    tags: int
    copies: int  # exact copies: the first keeps the text
    similar: int  # near-duplicates that lose their "similar to" link
    shares_file: int  # other articles of the same listing page (their file stays)


def deletion_summary(document: Document) -> DeletionSummary:
    copies = Document.objects.filter(duplicate_of=document).count()
    shares = 0
    if document.original:
        shares = (
            Document.objects.filter(original=document.original.name).exclude(pk=document.pk).count()
        )
    return DeletionSummary(
        indexed=document.duplicate_of_id is None,
        words=len(document.body.split()),
        tags=document.tags.count(),
        copies=copies,
        similar=Document.objects.filter(similar_to=document).count(),
        shares_file=shares,
    )


def _readable(user, document: Document | None) -> Document | None:
    return document if document is not None and permissions.can_read(user, document) else None


def visible_duplicate_of(user, document: Document) -> Document | None:
    """The original a duplicate points to, if this user may read it."""
    return _readable(user, document.duplicate_of)


def visible_similar_to(user, document: Document) -> Document | None:
    """The document a near-duplicate resembles, if this user may read it."""
    return _readable(user, document.similar_to)


def documents(user) -> QuerySet[Document]:
    """Every document the user may read, newest first (duplicates included, flagged)."""
    return visible_documents(user).select_related("duplicate_of").prefetch_related("tags")


def latest_documents(user, *, limit: int = 5) -> list[Document]:
    """The newest documents the user may read, originals only, without their text (home)."""
    return list(
        visible_documents(user)
        .filter(duplicate_of__isnull=True)
        .only("pk", "title", "published", "doc_type", "language", "created_at")
        .order_by("-created_at", "-pk")[:limit]
    )


# --- search -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchParams:
    """A search: text, filters and sort, as the page and the API take them."""

    q: str = ""
    country: str = ""
    regional_group: str = ""
    institution: str = ""  # institution id
    expert: str = ""  # expert id
    focus_area: str = ""  # slug
    sdg: str = ""  # 1-17
    language: str = ""
    type: str = ""  # DocType
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sort: str = "relevance"
    since: dt.datetime | None = None  # added after (digests)

    @classmethod
    def from_mapping(cls, data: Any) -> SearchParams:
        """From request.GET, a form's cleaned_data or a saved search's params (lenient)."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            if f.name == "since":
                continue
            raw = data.get(f.name)
            if raw in (None, ""):
                continue
            if f.name in ("date_from", "date_to"):
                if isinstance(raw, dt.date):
                    values[f.name] = raw
                else:
                    try:
                        values[f.name] = dt.date.fromisoformat(str(raw))
                    except ValueError:
                        continue
            else:
                values[f.name] = str(raw).strip()
        if values.get("sort") not in SORTS:
            values.pop("sort", None)
        return cls(**values)

    def to_params(self) -> dict[str, str]:
        """Non-empty values as strings (to save, or to build a link)."""
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if (
                f.name == "since"
                or value in (None, "")
                or (f.name == "sort" and value == "relevance")
            ):
                continue
            out[f.name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out

    @property
    def has_filters(self) -> bool:
        return any(v for k, v in self.to_params().items() if k not in ("q", "sort"))


def _tag_filter(qs: QuerySet[Document], kind: str, keys: Any) -> QuerySet[Document]:
    if isinstance(keys, str):
        tags = DocumentTag.objects.filter(kind=kind, key=keys)
    else:
        tags = DocumentTag.objects.filter(kind=kind, key__in=keys)
    return qs.filter(pk__in=tags.values("document_id"))


def filter_groups(user, params: SearchParams) -> list[tuple[QueryTerm, ...]]:
    """The filters as groups of index tokens (see search.filter_tokens), for the engine."""
    groups: list[tuple[QueryTerm, ...]] = []
    if not (user.is_authenticated and user.is_secretariat):
        access = [access_token(Access.PUBLIC, None)]
        if user.is_authenticated and user.is_network_member:
            access.append(access_token(Access.NETWORK, None))
            access += [
                access_token(Access.TASK_FORCE, pk)
                for pk in task_forces_of(user).values_list("pk", flat=True)
            ]
        groups.append(tuple(QueryTerm(t) for t in access))
    if params.country:
        groups.append(filter_group(TagKind.COUNTRY, [params.country]))
    if params.regional_group:
        # Only the group's countries that some document is tagged with: the others' tokens
        # match nothing, yet the engine checks them for every row (AFRICAN: 54 countries,
        # 2.4 us a row on PostgreSQL; the 3 in the benchmark corpus: 0.4 us).
        tagged = DocumentTag.objects.filter(kind=TagKind.COUNTRY, key=OuterRef("code"))
        codes = Country.objects.filter(
            Exists(tagged), regional_group=params.regional_group
        ).values_list("code", flat=True)
        groups.append(filter_group(TagKind.COUNTRY, list(codes) or ["none"]))
    for kind, value in (
        (TagKind.INSTITUTION, params.institution),
        (TagKind.EXPERT, params.expert),
        (TagKind.FOCUS_AREA, params.focus_area),
        (TagKind.SDG, params.sdg),
        ("lang", params.language),
        ("type", params.type),
    ):
        if value:
            groups.append(filter_group(kind, [value]))
    return groups


def filtered_documents(user, params: SearchParams, *, tags: bool = True) -> QuerySet[Document]:
    """Readable, non-duplicate documents passing the filters (no text query yet).

    ``tags=False`` leaves out the tag filters (country, group, institution, expert, focus
    area, SDG): the search engine enforces them through the filter tokens of the index.
    """
    qs = visible_documents(user).filter(duplicate_of__isnull=True)
    if not tags:
        params = replace(
            params, country="", regional_group="", institution="", expert="", focus_area="", sdg=""
        )
    if params.country:
        qs = _tag_filter(qs, TagKind.COUNTRY, params.country.upper())
    if params.regional_group:
        # A literal list of codes: the planner then uses the tag table's own statistics.
        codes = list(
            Country.objects.filter(regional_group=params.regional_group).values_list(
                "code", flat=True
            )
        )
        qs = _tag_filter(qs, TagKind.COUNTRY, codes)
    if params.institution:
        qs = _tag_filter(qs, TagKind.INSTITUTION, params.institution)
    if params.expert:
        qs = _tag_filter(qs, TagKind.EXPERT, params.expert)
    if params.focus_area:
        qs = _tag_filter(qs, TagKind.FOCUS_AREA, params.focus_area)
    if params.sdg:
        qs = _tag_filter(qs, TagKind.SDG, params.sdg)
    if params.language:
        qs = qs.filter(language=params.language)
    if params.type:
        qs = qs.filter(doc_type=params.type)
    if params.date_from:
        qs = qs.filter(published__gte=params.date_from)
    if params.date_to:
        qs = qs.filter(published__lte=params.date_to)
    if params.since:
        qs = qs.filter(created_at__gt=params.since)
    return qs


@dataclass
class SearchHit:
    document: Document
    score: float | None
    snippet: Snippet | None


@dataclass
class FacetValue:
    key: str
    label: str
    count: int


@dataclass
class SearchPage:
    params: SearchParams
    hits: list[SearchHit]
    count: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    #: More than RESULT_WINDOW matches: facets (and, for a text query, ranking and count)
    #: cover the newest RESULT_WINDOW only.
    capped: bool = False

    @property
    def count_is_exact(self) -> bool:
        return not (self.capped and self.params.q.strip())


#: A text query ranks, counts and facets at most this many matches (the newest). Beyond
#: it the page says so and asks for more words or a filter; a search engine's "about".
RESULT_WINDOW = 1000


def matching_documents(user, params: SearchParams) -> QuerySet[Document]:
    """Every readable document matching text and filters (unordered, exact, uncapped)."""
    qs = filtered_documents(user, params)
    groups = query_terms(params.q) if params.q.strip() else []
    if params.q.strip():
        if not groups:
            return qs.none()
        sql, sql_params = get_backend().match_sql(groups)
        qs = qs.filter(pk__in=RawSQL(sql, sql_params))  # noqa: S611 - parameterised
    return qs


def search(
    user,
    params: SearchParams,
    *,
    limit: int = 20,
    offset: int = 0,
    with_facets: bool = True,
    with_snippets: bool = True,
) -> SearchPage:
    """Ranked (or dated) hits with snippets and facet counts, for this user only.

    Access and filters are applied inside the engine's query, before anything is ranked,
    counted, faceted or cut into a snippet.
    """
    q = params.q.strip()
    groups = query_terms(q) if q else []
    scores: dict[int, float] = {}
    if q and not groups:
        return SearchPage(params, [], 0, {})
    if groups:
        window = get_backend().window(
            groups,
            filtered_documents(user, params, tags=False),
            RESULT_WINDOW + 1,
            filters=filter_groups(user, params),
            published=(params.date_from, params.date_to),
        )
        capped = len(window) > RESULT_WINDOW
        window = window[:RESULT_WINDOW]
        scores = {hit.id: hit.score for hit in window}
        count = len(window)
        if params.sort == "date":
            ids_sql = RawSQL(*id_list_sql(list(scores)))  # noqa: S611 - parameterised
            rows = Document.objects.filter(pk__in=ids_sql).values_list(
                "pk", "published", "created_at"
            )
            ordered = [
                pk
                for pk, _pub, _created in sorted(
                    rows,
                    key=lambda r: (r[1] or dt.date.min, r[2], r[0]),
                    reverse=True,
                )
            ]
        else:
            # The window is newest first, and sorting keeps that order among equal scores.
            ordered = [hit.id for hit in sorted(window, key=attrgetter("score"), reverse=True)]
        page_ids = ordered[offset : offset + limit]
        by_id = Document.objects.in_bulk(page_ids)
        docs = [by_id[i] for i in page_ids if i in by_id]
        facts = [(hit.language, hit.doc_type, hit.tag_keys) for hit in window]
    else:
        filtered = filtered_documents(user, params)
        count = filtered.count()
        docs = list(filtered.order_by("-published", "-created_at", "-pk")[offset : offset + limit])
        facts = list(
            filtered.order_by("-pk").values_list("language", "doc_type", "tag_keys")[
                : RESULT_WINDOW + 1
            ]
        )
        capped = len(facts) > RESULT_WINDOW
        facts = facts[:RESULT_WINDOW]
    hits = []
    for doc in docs:
        cut = None
        if with_snippets and q:
            cut = cut_snippet(doc.body or doc.title, q, doc.language)
        elif with_snippets and doc.body:
            cut = snippet(doc.body[:SNIPPET_SCAN], "")
        hits.append(SearchHit(doc, scores.get(doc.pk), cut))
    facets = facet_counts(facts) if with_facets else {}
    return SearchPage(params, hits, count, facets, capped)


#: Snippets are cut from at most this many characters around the first likely hit, so a
#: 300-page report costs no more than a news item.
SNIPPET_SCAN = 6000


@lru_cache(maxsize=256)
def _hit_pattern(q: str) -> re.Pattern[str] | None:
    """A fast pre-scan for a query's words: each stem minus its last letter as a word
    prefix (Snowball turns "policy" into "polici"), case-insensitive."""
    alternatives = set()
    for group in query_terms(q):
        for term in group:
            text = term.text if term.prefix or len(term.text) <= 3 else term.text[:-1]
            alternatives.add(re.escape(text))
    if not alternatives:
        return None
    body = "|".join(sorted(alternatives, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{body})", re.IGNORECASE)


def cut_snippet(text: str, q: str, language: str | None = None) -> Snippet:
    """:func:`~middleground.library.text.stem.snippet` on a bounded stretch of ``text``."""
    if len(text) <= SNIPPET_SCAN:
        return snippet(text, q, language=language)
    pattern = _hit_pattern(q)
    found = pattern.search(text) if pattern is not None else None
    start = max(0, found.start() - SNIPPET_SCAN // 6) if found else 0
    end = min(len(text), start + SNIPPET_SCAN)
    cut = snippet(text[start:end], q, language=language)
    return replace(
        cut,
        starts_mid_text=cut.starts_mid_text or start > 0,
        ends_mid_text=cut.ends_mid_text or end < len(text),
    )


def facet_counts(docs: Iterable[tuple[str, str, str]]) -> dict[str, list[FacetValue]]:
    """Counts per country, regional group, institution, focus area, SDG, event, language
    and type over ``docs``: the (language, type, ``tag_keys``) of at most
    ``RESULT_WINDOW`` documents (see :func:`search`), which the search read with its rows."""
    from middleground.network.models import RegionalGroup

    docs = list(docs)
    languages = Counter(language for language, _type, _keys in docs)
    types = Counter(doc_type for _language, doc_type, _keys in docs)
    tag_counts = count_facet_keys(keys for _language, _type, keys in docs)
    by_kind: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for (kind, key), n in sorted(tag_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        by_kind[kind].append((key, n))
    country_rows = list(
        Country.objects.filter(
            code__in=[k for k, _ in by_kind.get(TagKind.COUNTRY, [])]
        ).values_list("code", "name", "regional_group")
    )
    labels: dict[tuple[str, str], str] = {
        (TagKind.COUNTRY, code): name for code, name, _group in country_rows
    }
    group_of = {
        facet_key(TagKind.COUNTRY, code): group for code, _n, group in country_rows if group
    }
    country_prefix = facet_key(TagKind.COUNTRY, "")
    group_counts = Counter(  # a document counts once per regional group
        chain.from_iterable(
            {group_of[w] for w in keys.split() if w in group_of}
            for _language, _type, keys in docs
            if country_prefix in keys
        )
    )
    out: dict[str, list[FacetValue]] = {}
    tops = {kind: values[:FACET_SIZE] for kind, values in by_kind.items()}
    labels.update(_facet_labels(tops))
    for kind, name in (
        (TagKind.COUNTRY, "country"),
        (TagKind.INSTITUTION, "institution"),
        (TagKind.FOCUS_AREA, "focus_area"),
        (TagKind.SDG, "sdg"),
        (TagKind.EVENT, "event"),
    ):
        out[name] = [FacetValue(k, labels.get((kind, k), k), n) for k, n in tops.get(kind, [])]
    group_labels = dict(RegionalGroup.choices)
    out["regional_group"] = [
        FacetValue(g, str(group_labels.get(g, g)), n)
        for g, n in sorted(group_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    out["language"] = [
        FacetValue(code, language_label(code), n)
        for code, n in sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))
    ][:FACET_SIZE]
    type_labels = dict(DocType.choices)
    out["type"] = [
        FacetValue(t, str(type_labels.get(t, t)), n)
        for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return out


def _facet_labels(tops: dict[str, list[tuple[str, int]]]) -> dict[tuple[str, str], str]:
    """Labels of the shown facet values of the kinds other than country."""
    labels: dict[tuple[str, str], str] = {}
    ids = [int(k) for k, _ in tops.get(TagKind.INSTITUTION, []) if k.isdigit()]
    for pk, name, acronym in Institution.objects.filter(pk__in=ids).values_list(
        "pk", "name", "acronym"
    ):
        labels[(TagKind.INSTITUTION, str(pk))] = acronym or name
    slugs = [k for k, _ in tops.get(TagKind.FOCUS_AREA, [])]
    for slug, name in FocusArea.objects.filter(slug__in=slugs).values_list("slug", "name"):
        labels[(TagKind.FOCUS_AREA, slug)] = name
    for k, _count in tops.get(TagKind.SDG, []):
        labels[(TagKind.SDG, k)] = f"SDG {k}"
    if tops.get(TagKind.EVENT):
        from .models import NamedEvent

        ids = [int(k) for k, _ in tops[TagKind.EVENT] if k.isdigit()]
        for pk, name in NamedEvent.objects.filter(pk__in=ids).values_list("pk", "name"):
            labels[(TagKind.EVENT, str(pk))] = name
    return labels


def language_label(code: str) -> str:
    if code == "und":
        return _("undetermined")
    from django.conf.locale import LANG_INFO

    info = LANG_INFO.get(code)
    return str(info["name"]) if info else code


# --- documents and tags -------------------------------------------------------------------


def related_documents(user, document: Document, limit: int = 5) -> list[Document]:
    """Readable documents sharing the most tags (countries, institutions, people, areas).

    Looks at the most recent tag rows only (``RESULT_WINDOW`` x 5), so the page stays fast
    in a large library; rarer tags (people, institutions) weigh more than countries.
    """
    pairs = list(
        document.tags.exclude(kind=TagKind.SDG).values_list("kind", "key").order_by("-count")[:20]
    )
    if not pairs:
        return []
    cond = Q()
    for kind, key in pairs:
        cond |= Q(kind=kind, key=key)
    weight: dict[str, int] = {TagKind.COUNTRY: 1, TagKind.FOCUS_AREA: 1, TagKind.EVENT: 2}
    rows = (
        DocumentTag.objects.filter(cond)
        .exclude(document=document)
        .order_by("-document_id")
        .values_list("document_id", "kind")[: RESULT_WINDOW * 5]
    )
    scores: dict[int, int] = defaultdict(int)
    for doc_id, kind in rows:
        scores[doc_id] += weight.get(kind, 3)
    best = sorted(scores, key=lambda i: (-scores[i], -i))[: limit * 10]
    readable = visible_documents(user).filter(duplicate_of__isnull=True, pk__in=best)
    by_id = readable.in_bulk()
    return [by_id[i] for i in best if i in by_id][:limit]


def documents_mentioning(
    user,
    *,
    country: Country | str | None = None,
    institution: Institution | int | None = None,
    expert: Expert | int | None = None,
    limit: int = 10,
) -> QuerySet[Document]:
    """Readable documents tagged with a registry entry (for the registry's detail pages)."""
    qs = visible_documents(user).filter(duplicate_of__isnull=True)
    if country is not None:
        code = country.code if isinstance(country, Country) else str(country).upper()
        qs = _tag_filter(qs, TagKind.COUNTRY, code)
    if institution is not None:
        pk = institution.pk if isinstance(institution, Institution) else institution
        qs = _tag_filter(qs, TagKind.INSTITUTION, str(pk))
    if expert is not None:
        pk = expert.pk if isinstance(expert, Expert) else expert
        qs = _tag_filter(qs, TagKind.EXPERT, str(pk))
    return qs.order_by("-published", "-created_at")[:limit]


@dataclass
class TagLink:
    tag: DocumentTag
    url: str | None


def tag_links(user, document: Document) -> dict[str, list[TagLink]]:
    """A document's tags grouped by kind, each with the registry page it links to (if any
    the user may see)."""
    from middleground.network import selectors as network

    tags = list(document.tags.all())
    inst_ids = [int(t.key) for t in tags if t.kind == TagKind.INSTITUTION and t.key.isdigit()]
    exp_ids = [int(t.key) for t in tags if t.kind == TagKind.EXPERT and t.key.isdigit()]
    institutions = {i.pk: i for i in network.institutions(user).filter(pk__in=inst_ids)}
    experts = {e.pk: e for e in network.experts(user).filter(pk__in=exp_ids)}
    areas = {a.slug: a for a in FocusArea.objects.all()}
    countries = set(
        Country.objects.filter(
            code__in=[t.key for t in tags if t.kind == TagKind.COUNTRY]
        ).values_list("code", flat=True)
    )
    out: dict[str, list[TagLink]] = defaultdict(list)
    for t in tags:
        url: str | None = None
        if t.kind == TagKind.COUNTRY and t.key in countries:
            url = Country(code=t.key).get_absolute_url()
        elif t.kind == TagKind.INSTITUTION:
            inst = institutions.get(int(t.key)) if t.key.isdigit() else None
            if inst is None:
                continue  # not (or no longer) visible in the registry for this user
            url = inst.get_absolute_url()
        elif t.kind == TagKind.EXPERT:
            expert = experts.get(int(t.key)) if t.key.isdigit() else None
            if expert is None:
                continue
            url = expert.get_absolute_url()
        elif t.kind == TagKind.FOCUS_AREA and t.key in areas:
            url = areas[t.key].get_absolute_url()
        out[t.kind].append(TagLink(t, url))
    return dict(out)


# --- lexicon, batches, saved searches -----------------------------------------------------


@dataclass
class LexiconRow:
    focus_area: FocusArea
    terms: list[str]
    sdgs: list[int]
    edited: bool


def lexicon() -> list[LexiconRow]:
    """The effective lexicon per focus area: the secretariat's terms, else the default."""
    default = load_focus_lexicon()
    entries = {e.focus_area_id: e for e in FocusLexiconEntry.objects.all()}
    rows = []
    for area in FocusArea.objects.all():
        entry = entries.get(area.pk)
        terms = list(entry.terms) if entry else list(default.terms.get(area.slug, []))
        sdgs = default.sdgs.get(area.slug) or [int(n) for n in area.sdgs]
        rows.append(LexiconRow(area, terms, sdgs, entry is not None))
    return rows


def get_lexicon_row(slug: str) -> LexiconRow:
    for row in lexicon():
        if row.focus_area.slug == slug:
            return row
    raise Http404


def get_batch(user, pk: int) -> IngestBatch:
    batch = IngestBatch.objects.filter(pk=pk).first()
    if batch is None or not permissions.can_manage_batch(user, batch):
        raise Http404
    return batch


def saved_searches(user) -> QuerySet[SavedSearch]:
    if not permissions.can_save_searches(user):
        raise PermissionDenied
    return SavedSearch.objects.filter(user=user)


def get_saved_search(user, pk: int) -> SavedSearch:
    saved = saved_searches(user).filter(pk=pk).first()
    if saved is None:
        raise Http404
    return saved


def with_params(params: SearchParams, **changes: Any) -> SearchParams:
    return replace(params, **changes)


def task_force_by_id(pk: int | str | None) -> TaskForce | None:
    """The task force an upload is restricted to (none for an empty value)."""
    if pk in (None, ""):
        return None
    task_force = TaskForce.objects.filter(pk=pk).first()
    if task_force is None:
        raise ServiceError(_("Unknown task force %(id)s.") % {"id": pk}, field="task_force")
    return task_force
