"""Full-text search behind one interface, with a backend per database vendor.

Both backends index ``Document.search_text``: the stems written by
:func:`middleground.library.text.stem.search_terms`. Queries are turned into groups of
alternatives by :func:`~middleground.library.text.stem.query_terms` (a document must match
one alternative of every group), so both engines only compare lowercased tokens:

* SQLite: an FTS5 table ``library_document_fts(search_text)``, tokenizer ``unicode61``
  without diacritic folding, ``rowid`` = document id; written by :func:`index_documents`
  (called by the ingestion service, not by signals); ranked with ``bm25``.
* PostgreSQL: a generated column ``library_document.search_vector`` =
  ``to_tsvector('simple', search_text)`` plus the upper-case lexeme of the document's id
  bucket (migration 0007, :data:`ID_BUCKET`), with a GIN index that also holds the
  publication date (migration 0006, :data:`PUBLISHED_DAYS`); ranked with ``ts_rank`` over
  the document's length (word frequencies: ``ts_rank_cd``'s cover density cost 25-50 us a
  document, ``ts_rank`` next to nothing once the vector is read).

Both are created by migration ``0002_search_index`` on their own database only.
:func:`reference_match` is the same rule in plain Python, used by the tests to check that
both engines return the same set of matches.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol

from django.db import connection, transaction
from django.db.models import QuerySet

from .text.stem import QueryTerm, to_fts5_query, to_rank_tsquery, to_tsquery, token

Groups = Sequence[tuple[QueryTerm, ...]]
#: A publication-date range, either end open (None).
DateRange = tuple[dt.date | None, dt.date | None]


class Hit(NamedTuple):
    """A document of a search window: its score, and the columns the facets count."""

    id: int
    score: float
    language: str
    doc_type: str
    tag_keys: str


FTS_TABLE = "library_document_fts"
_FACET_COLUMNS = (
    '"library_document"."language", "library_document"."doc_type", "library_document"."tag_keys"'
)
_SELECT_IDS = re.compile(r'SELECT "library_document"\."id"(?: AS "pk")? FROM "library_document"')


def _where_of(candidates: QuerySet) -> tuple[str, list[Any]]:
    """``candidates`` as an ``AND ...`` condition on the ``library_document`` rows the engine
    matches: its own WHERE clause, checked on the joined row while the engine streams its
    matches (a subquery would be materialised for every document), or, for a query with a
    join, an ``id IN (subquery)``."""
    sql, params = candidates.order_by().values("pk").query.sql_with_params()
    head = _SELECT_IDS.match(sql)
    if head is None or " JOIN " in sql:  # pragma: no cover - a filter that needs a join
        return f'AND "library_document"."id" IN ({sql})', list(params)
    where = sql[head.end() :].strip()
    return ("AND " + where[len("WHERE ") :] if where.startswith("WHERE ") else ""), list(params)


def _engine_groups(groups: Groups, filters: Groups) -> list[tuple[QueryTerm, ...]]:
    """What the engine matches: the words and the filter tokens, except the access group,
    left to the SQL filters (which always apply): it matches nearly every document, so
    intersecting it costs the engine a whole index entry (bm25 reads it to weigh it, GIN
    merges its 100,000 postings) and removes next to nothing."""
    return [*groups, *(g for g in filters if not is_access_group(g))]


class SearchBackend(Protocol):
    vendor: str

    def index(self, rows: Iterable[tuple[int, str]]) -> None:
        """(Re)index ``(document id, search_text)`` rows."""

    def remove(self, ids: Sequence[int]) -> None:
        """Drop documents from the index."""

    def match_sql(self, groups: Groups) -> tuple[str, list[Any]]:
        """SQL selecting the ids of the documents matching every group, and its params."""

    def window(
        self,
        groups: Groups,
        candidates: QuerySet,
        size: int,
        filters: Groups = (),
        published: DateRange = (None, None),
    ) -> list[Hit]:
        """The newest ``size`` matches among ``candidates``, newest first.

        ``filters`` are groups of filter tokens the engine must also match (they do not
        count towards the score); ``published`` repeats the date range of ``candidates``
        for an engine whose index holds dates. Scores are comparable within one call:
        higher is better.
        """


class SqliteBackend:
    vendor = "sqlite"

    def index(self, rows: Iterable[tuple[int, str]]) -> None:
        rows = list(rows)
        if not rows:
            return
        with connection.cursor() as cursor:
            self._delete(cursor, [r[0] for r in rows])
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE}(rowid, search_text) VALUES (%s, %s)",  # noqa: S608
                rows,
            )

    def remove(self, ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            self._delete(cursor, list(ids))

    @staticmethod
    def _delete(cursor, ids: list[int]) -> None:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", chunk)  # noqa: S608

    def match_sql(self, groups: Groups) -> tuple[str, list[Any]]:
        return (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
            [to_fts5_query(list(groups))],
        )

    def window(
        self,
        groups: Groups,
        candidates: QuerySet,
        size: int,
        filters: Groups = (),
        published: DateRange = (None, None),
    ) -> list[Hit]:
        # FTS5 holds no dates: the range is among the SQL filters of ``candidates``.
        groups = _engine_groups(groups, filters)
        where, params = _where_of(candidates)
        query = (
            f"SELECT f.rowid, bm25({FTS_TABLE}), {_FACET_COLUMNS} FROM {FTS_TABLE} f "  # noqa: S608
            'JOIN "library_document" ON "library_document"."id" = f.rowid '
            f"WHERE {FTS_TABLE} MATCH %s {where} ORDER BY f.rowid DESC LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [to_fts5_query(groups), *params, size])
            return [Hit(int(i), -float(s), *facts) for i, s, *facts in cursor.fetchall()]


class PostgresBackend:
    vendor = "postgresql"

    def index(self, rows: Iterable[tuple[int, str]]) -> None:
        # search_vector is a generated column: PostgreSQL keeps it in step with search_text.
        return None

    def remove(self, ids: Sequence[int]) -> None:
        return None

    def match_sql(self, groups: Groups) -> tuple[str, list[Any]]:
        return (
            "SELECT id FROM library_document WHERE search_vector @@ to_tsquery('simple', %s)",
            [to_tsquery(list(groups))],
        )

    #: The newest id buckets are asked for as long as the rest of the window should lie in
    #: at most this many; beyond, all older matches at once. GIN skips through the other
    #: words by the rarest entries, which a few buckets are; past about 24 the buckets'
    #: postings outnumber a rare filter token's (benchmark p95: 8 buckets 31 ms, 16 28 ms,
    #: 48 37 ms).
    max_buckets = 16

    def window(
        self,
        groups: Groups,
        candidates: QuerySet,
        size: int,
        filters: Groups = (),
        published: DateRange = (None, None),
    ) -> list[Hit]:
        where, params = _where_of(candidates)
        tsquery = to_tsquery(_engine_groups(groups, filters))
        rank_query = to_rank_tsquery(list(groups))  # words only, OR-ed (see there)
        # Normalisation 2 divides the words' frequencies by the document's length, as bm25
        # does in part: without it the longest texts win (top 20 shared with SQLite's
        # bm25: 4% -> 32% on the benchmark corpus).
        rank = "ts_rank(\"search_vector\", to_tsquery('simple', %s), 2)"
        # The planner assumes words and filters are independent, so a single plan is often
        # the wrong one. Instead the GIN index, whose bitmap reads no text, is asked for
        # the newest id buckets first (migration 0007): a measure of how common the matches
        # are, which sizes the next buckets. Only the window's rows are ranked and their
        # vectors read (a walk of the newest rows read every vector: 3.6 us a row).
        rows: list[tuple[Any, ...]] = []  # psycopg gives ids as int, ranks as float
        with connection.cursor() as cursor:

            def matches(below: int, limit: int, buckets: range | None = None) -> list[Any]:
                # The fence (OFFSET 0) keeps the other filters out of the scan: the planner
                # would otherwise pick, say, the date index and read every tsvector. The
                # dates go into the index only without buckets: with them, collecting a
                # range of days from the index costs more than it removes.
                if buckets is None:
                    matching, dates, extra = "to_tsquery('simple', %s)", *_date_range_sql(published)
                else:  # the buckets' tsquery as it is: to_tsquery would lowercase it
                    matching, dates = "(to_tsquery('simple', %s) && %s::tsquery)", ""
                    extra = [bucket_tsquery(buckets)]
                cursor.execute(
                    f'SELECT "id", {rank}, {_FACET_COLUMNS} FROM "library_document" '  # noqa: S608
                    'WHERE "id" = ANY(ARRAY(SELECT "library_document"."id" FROM '
                    '(SELECT * FROM "library_document" WHERE "id" < %s AND '
                    f'"search_vector" @@ {matching} {dates} OFFSET 0) '
                    f'AS "library_document" WHERE TRUE {where} '
                    'ORDER BY "library_document"."id" DESC LIMIT %s)) ORDER BY "id" DESC',
                    [rank_query, below, tsquery, *extra, *params, limit],
                )
                return cursor.fetchall()

            cursor.execute('SELECT max("id") FROM "library_document"')
            top = cursor.fetchone()[0]
            if top is None:
                return []
            upper, looked, span = top + 1, 0, size + size // 4  # ids below upper are left
            nested = connection.in_atomic_block
            with transaction.atomic():
                # Only bitmap plans (the planner would walk the newest rows, or scan the
                # table); the rows of the window are then found by id in one bitmap too.
                cursor.execute("SET LOCAL enable_indexscan = off; SET LOCAL enable_seqscan = off")
                while len(rows) < size and upper > 0:
                    lowest = max(0, upper - span)
                    lowest -= lowest % ID_BUCKET
                    if upper - lowest > self.max_buckets * ID_BUCKET:
                        rows += matches(upper, size - len(rows))
                        break
                    newest = range(lowest // ID_BUCKET, (upper - 1) // ID_BUCKET + 1)
                    rows += matches(upper, size - len(rows), newest)
                    looked, upper = looked + upper - lowest, lowest
                    # Half as many ids again as the rate so far says hold the rest.
                    rate = len(rows) / looked
                    span = int((size - len(rows)) / rate * 1.5) + 1 if rate else upper + 1
                if nested:  # SET LOCAL lasts until the outer transaction ends
                    cursor.execute("RESET enable_indexscan; RESET enable_seqscan")
        return list(map(Hit._make, rows))


#: Documents per id bucket in the PostgreSQL tsvector (migration 0007 holds the number).
ID_BUCKET = 2048


def bucket_tsquery(buckets: Iterable[int]) -> str:
    """A tsquery for any of these id buckets' lexemes (upper case: see migration 0007)."""
    return " | ".join(f"'ZZBUCKET{b}'" for b in buckets)


#: The publication date as the PostgreSQL GIN index holds it (migration 0006).
PUBLISHED_DAYS = "(\"published\" - DATE '1970-01-01')"
_EPOCH = dt.date(1970, 1, 1)


def _date_range_sql(published: DateRange) -> tuple[str, list[Any]]:
    """``AND``-conditions on :data:`PUBLISHED_DAYS` for a date range, and their params."""
    start, end = published
    sql = (f"AND {PUBLISHED_DAYS} >= %s " if start else "") + (
        f"AND {PUBLISHED_DAYS} <= %s " if end else ""
    )
    return sql, [(d - _EPOCH).days for d in published if d]


def get_backend() -> SearchBackend:
    """The backend for the default database's vendor."""
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"no library search backend for {connection.vendor}")


# --- filter tokens ------------------------------------------------------------------------
#
# Besides the stems, the search column ends with one token per filterable fact of the
# document ("zzcountrykz", "zzlangru", "zzaccesspublic", ...), so the engine intersects the
# words and the filters in its own index (GIN, FTS5) instead of checking rows one by one.
# The SQL filters still apply on top: the tokens only make them fast. Tokens are lowercase
# letters and digits only, which both tokenizers keep whole; no query word produces them.


def access_token(access: str, task_force_id: int | None) -> str:
    if access == "task_force":
        return token("tf", task_force_id)
    return token("access", access)


def is_access_group(group: Sequence[QueryTerm]) -> bool:
    """Whether a filter group is the access one (see selectors.filter_groups)."""
    prefixes = (token("access", ""), token("tf", ""))
    return bool(group) and all(t.text.startswith(prefixes) for t in group)


def filter_tokens(
    *,
    access: str,
    task_force_id: int | None,
    language: str,
    doc_type: str,
    tags: Iterable[tuple[str, str]],
) -> str:
    """The tokens appended to a document's search column (see above)."""
    out = [access_token(access, task_force_id), token("lang", language), token("type", doc_type)]
    out += sorted({token(kind.replace("_", ""), key) for kind, key in tags})
    return " ".join(out)


def facet_key(kind: str, key: str) -> str:
    """One word of ``Document.tag_keys``. Keys are registry codes, slugs and ids: no spaces."""
    return f"{kind}:{key}"


def facet_keys(tags: Iterable[tuple[str, str]]) -> str:
    """``Document.tag_keys``: a word per tag the facets count (experts are not a facet)."""
    return " ".join(sorted({facet_key(kind, key) for kind, key in tags if kind != "expert"}))


def count_facet_keys(tag_keys: Iterable[str]) -> dict[tuple[str, str], int]:
    """(kind, key) -> number of the ``tag_keys`` values holding it (each holds it once)."""
    counts = Counter(" ".join(tag_keys).split())  # one pass in C over the whole window
    return {(kind, key): n for word, n in counts.items() for kind, _, key in [word.partition(":")]}


def filter_group(kind: str, values: Iterable[object]) -> tuple[QueryTerm, ...]:
    """One query group: any of ``values`` for a filter ``kind`` (a tag kind, "lang", ...)."""
    return tuple(QueryTerm(token(kind.replace("_", ""), v)) for v in values)


def id_list_sql(ids: Sequence[int]) -> tuple[str, list[Any]]:
    """A subquery yielding ``ids`` from one parameter (cheap to compile, any length)."""
    if connection.vendor == "postgresql":
        return "SELECT unnest(%s::bigint[])", [list(ids)]
    return "SELECT value FROM json_each(%s)", [json.dumps(list(ids))]


def index_documents(rows: Iterable[tuple[int, str]]) -> None:
    get_backend().index(rows)


def remove_documents(ids: Sequence[int]) -> None:
    get_backend().remove(ids)


def reference_match(search_text: str, groups: Groups) -> bool:
    """The matching rule both engines implement, in Python (for tests and checks)."""
    if not groups:
        return False
    tokens = search_text.split()
    words = set(tokens)
    for group in groups:
        if not any(
            ((t.text in words) if not t.prefix else any(w.startswith(t.text) for w in tokens))
            and (not t.language or token("lang", t.language) in words)
            for t in group
        ):
            return False
    return True
