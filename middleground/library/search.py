"""Full-text search behind one interface, with a backend per database vendor.

Both backends index ``Document.search_text``: the stems written by
:func:`middleground.library.text.stem.search_terms`. Queries are turned into groups of
alternatives by :func:`~middleground.library.text.stem.query_terms` (a document must match
one alternative of every group), so both engines only compare lowercased tokens:

* SQLite: an FTS5 table ``library_document_fts(search_text)``, tokenizer ``unicode61``
  without diacritic folding, ``rowid`` = document id; written by :func:`index_documents`
  (called by the ingestion service, not by signals); ranked with ``bm25``.
* PostgreSQL: a generated column ``library_document.search_vector`` =
  ``to_tsvector('simple', search_text)`` with a GIN index; ranked with ``ts_rank_cd``.

Both are created by migration ``0002_search_index`` on their own database only.
:func:`reference_match` is the same rule in plain Python, used by the tests to check that
both engines return the same set of matches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from django.db import OperationalError, connection, transaction
from django.db.models import QuerySet

from .text.stem import QueryTerm, to_fts5_query, to_tsquery

Groups = Sequence[tuple[QueryTerm, ...]]

FTS_TABLE = "library_document_fts"
_SELECT_IDS = re.compile(r'SELECT "library_document"\."id"(?: AS "pk")? FROM "library_document"')


def _where_of(candidates: QuerySet) -> tuple[str, list[Any]] | None:
    """The WHERE clause of ``candidates`` (a Document queryset without joins), to apply to
    the rows the engine matches; None when the query has a join."""
    sql, params = candidates.order_by().values("pk").query.sql_with_params()
    head = _SELECT_IDS.match(sql)
    if head is None or " JOIN " in sql:
        return None
    where = sql[head.end() :].strip()
    return ("AND " + where[len("WHERE ") :] if where.startswith("WHERE ") else ""), list(params)


class SearchBackend(Protocol):
    vendor: str

    def index(self, rows: Iterable[tuple[int, str]]) -> None:
        """(Re)index ``(document id, search_text)`` rows."""

    def remove(self, ids: Sequence[int]) -> None:
        """Drop documents from the index."""

    def match_sql(self, groups: Groups) -> tuple[str, list[Any]]:
        """SQL selecting the ids of the documents matching every group, and its params."""

    def window(
        self, groups: Groups, candidates: QuerySet, size: int, filters: Groups = ()
    ) -> list[tuple[int, float]]:
        """(id, score) of the newest ``size`` matches among ``candidates``, newest first.

        ``filters`` are groups of filter tokens the engine must also match (they do not
        count towards the score). Scores are comparable within one call: higher is better.
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
        self, groups: Groups, candidates: QuerySet, size: int, filters: Groups = ()
    ) -> list[tuple[int, float]]:
        groups = [*groups, *filters]
        found = _where_of(candidates)
        if found is not None:
            # Filters become conditions on the joined row, checked while FTS5 streams its
            # matches newest first (a subquery would be materialised for every document).
            where, params = found
            query = (
                f"SELECT f.rowid, bm25({FTS_TABLE}) FROM {FTS_TABLE} f "  # noqa: S608
                'JOIN "library_document" ON "library_document"."id" = f.rowid '
                f"WHERE {FTS_TABLE} MATCH %s {where} ORDER BY f.rowid DESC LIMIT %s"
            )
        else:  # pragma: no cover - a filter that needs a join
            sql, sql_params = candidates.order_by().values("pk").query.sql_with_params()
            params = list(sql_params)
            query = (
                f"SELECT rowid, bm25({FTS_TABLE}) FROM {FTS_TABLE} "  # noqa: S608
                f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({sql}) ORDER BY rowid DESC LIMIT %s"
            )
        with connection.cursor() as cursor:
            cursor.execute(query, [to_fts5_query(groups), *params, size])
            return [(int(i), -float(s)) for i, s in cursor.fetchall()]


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

    #: The streaming plan (newest rows first, text checked row by row) gets this long
    #: before the index plan (GIN bitmap, then the newest ids, then ranked) takes over.
    stream_budget_ms = 60

    def window(
        self, groups: Groups, candidates: QuerySet, size: int, filters: Groups = ()
    ) -> list[tuple[int, float]]:
        found = _where_of(candidates)
        tsquery = to_tsquery([*groups, *filters])
        rank_query = to_tsquery(list(groups))
        if found is None:  # pragma: no cover - a filter that needs a join
            sql, sql_params = candidates.order_by().values("pk").query.sql_with_params()
            where, params = f'AND "library_document"."id" IN ({sql})', list(sql_params)
        else:
            where, params = found
        # Ids first (the ORDER BY id DESC LIMIT reads no text), ranks for the window only.
        query = (
            'WITH w AS (SELECT "library_document"."id" FROM "library_document" '  # noqa: S608
            f'WHERE "library_document"."search_vector" @@ to_tsquery(\'simple\', %s) {where} '
            'ORDER BY "library_document"."id" DESC LIMIT %s) '
            "SELECT d.id, ts_rank_cd(d.search_vector, to_tsquery('simple', %s)) "
            "FROM library_document d JOIN w ON w.id = d.id ORDER BY d.id DESC"
        )
        args = [tsquery, *params, size, rank_query]
        # Walking the primary key backwards is fastest when matches are common, and slow
        # when the filters and the words rarely meet (the planner assumes they are
        # independent). Give it a short budget, then let the GIN index find the matches.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(self.stream_budget_ms)}")
            try:
                with transaction.atomic():
                    cursor.execute(query, args)
                    rows = cursor.fetchall()
            except OperationalError:
                cursor.execute("SET LOCAL statement_timeout = 0")
                cursor.execute("SET LOCAL enable_indexscan = off")
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute(query, args)
                rows = cursor.fetchall()
        return [(int(i), float(s)) for i, s in rows]


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

TOKEN_PREFIX = "zz"  # noqa: S105 - an index token, not a secret


def token(kind: str, value: object) -> str:
    """``token("country", "KZ") == "zzcountrykz"``."""
    clean = "".join(ch for ch in str(value).lower() if ch.isascii() and ch.isalnum())
    return f"{TOKEN_PREFIX}{kind}{clean}"


def access_token(access: str, task_force_id: int | None) -> str:
    if access == "task_force":
        return token("tf", task_force_id)
    return token("access", access)


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
            (t.text in words) if not t.prefix else any(w.startswith(t.text) for w in tokens)
            for t in group
        ):
            return False
    return True
