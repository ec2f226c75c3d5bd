"""Knowledge library: ingestion throughput and search latency, on SQLite and PostgreSQL.

Run (each database in its own process; the PostgreSQL database is created and dropped):

    .venv/bin/python benchmarks/library.py --db sqlite
    .venv/bin/python benchmarks/library.py --db postgres \\
        --pg-url postgres://postgres@127.0.0.1:5432/mg_bench_library

1. Ingestion: ``--ingest`` (2,000) generated HTML news pages (a currency ticker, a menu, a
   cookie banner, a footer around 250-700 words of article mentioning countries,
   institutions, experts and focus-area terms) go through ``services.ingest_file`` one by
   one, end to end: extraction (trafilatura), cleaning, language (lingua), stemming,
   tagging against the registry, MinHash duplicates, the database rows and the search
   index. Documents per second over the whole run.
2. Search: ``--docs`` (100,000) documents are bulk-loaded (generated text from a Zipf
   vocabulary of real words, stemmed with ``stem.search_terms``, with country, focus-area,
   SDG and institution tags), then ``--queries`` (500) queries of 1-3 words drawn by
   their frequency in the corpus, each with one filter (country, regional group, focus
   area, SDG, language, type or a date range), run as an anonymous visitor through
   ``selectors.search``: the total count, top 20 by relevance with snippets cut from the
   text, and the facet counts. Wall time per query: p50, p95, max.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COUNTRIES = [
    ("KZ", "Kazakhstan"),
    ("UZ", "Uzbekistan"),
    ("KG", "Kyrgyzstan"),
    ("TR", "Turkey"),
    ("KR", "South Korea"),
    ("BR", "Brazil"),
    ("MX", "Mexico"),
    ("ID", "Indonesia"),
    ("NG", "Nigeria"),
    ("ZA", "South Africa"),
    ("IN", "India"),
    ("DE", "Germany"),
    ("CA", "Canada"),
    ("AU", "Australia"),
    ("EG", "Egypt"),
]
FOCUS = {
    "security": ["security", "arms control", "peacekeeping", "disarmament"],
    "sustainable-development": ["sustainable development", "climate", "renewable energy"],
    "institutional-accountability": ["accountability", "transparency", "rule of law"],
    "digital-trust": ["cybersecurity", "data protection", "digital trust"],
    "water-security": ["water security", "drinking water", "irrigation", "river basin"],
    "human-capital": ["education", "skills", "public health"],
}
SDGS = {
    "security": [16],
    "sustainable-development": [7, 13],
    "institutional-accountability": [16],
    "digital-trust": [9],
    "water-security": [6],
    "human-capital": [4],
}
WORDS = [
    "government",
    "ministry",
    "policy",
    "reform",
    "council",
    "agreement",
    "cooperation",
    "region",
    "regional",
    "economy",
    "trade",
    "investment",
    "energy",
    "transport",
    "corridor",
    "infrastructure",
    "minister",
    "president",
    "parliament",
    "election",
    "budget",
    "growth",
    "inflation",
    "currency",
    "bank",
    "market",
    "export",
    "import",
    "oil",
    "gas",
    "pipeline",
    "railway",
    "port",
    "border",
    "dialogue",
    "summit",
    "forum",
    "delegation",
    "visit",
    "talks",
    "partnership",
    "strategy",
    "development",
    "program",
    "project",
    "fund",
    "loan",
    "grant",
    "agency",
    "report",
    "study",
    "analysis",
    "expert",
    "institute",
    "university",
    "research",
    "data",
    "survey",
    "index",
    "risk",
    "crisis",
    "conflict",
    "peace",
    "security",
    "defence",
    "military",
    "alliance",
    "treaty",
    "sanctions",
    "diplomacy",
    "embassy",
    "foreign",
    "national",
    "international",
    "global",
    "multilateral",
    "united",
    "nations",
    "organization",
    "member",
    "states",
    "middle",
    "powers",
    "think",
    "tank",
    "network",
    "proposal",
    "initiative",
    "framework",
    "governance",
    "institution",
    "citizens",
    "society",
    "youth",
    "women",
    "health",
    "education",
    "school",
    "water",
    "river",
    "drought",
    "climate",
    "agriculture",
    "farmers",
    "food",
    "prices",
    "wheat",
    "cotton",
    "harvest",
    "land",
    "environment",
    "emissions",
    "solar",
    "wind",
    "nuclear",
    "power",
    "plant",
    "electricity",
    "grid",
    "digital",
    "technology",
    "internet",
    "platform",
    "artificial",
    "intelligence",
    "startup",
    "innovation",
    "companies",
    "industry",
    "manufacturing",
    "mining",
    "uranium",
    "copper",
    "gold",
    "steel",
    "construction",
    "housing",
    "city",
    "capital",
    "province",
    "district",
    "court",
    "law",
    "rights",
    "justice",
    "corruption",
    "transparency",
    "accountability",
    "media",
    "press",
    "journalists",
    "statement",
    "speech",
    "conference",
    "session",
    "panel",
    "discussion",
    "declaration",
    "communique",
    "vote",
    "majority",
    "consensus",
    "compromise",
    "negotiation",
    "mediation",
    "tension",
    "stability",
    "sovereignty",
    "integration",
    "union",
    "bloc",
    "partner",
    "neighbour",
    "friendship",
    "history",
    "culture",
    "language",
    "tourism",
]
RUSSIAN = [
    "правительство",
    "министерство",
    "политика",
    "реформа",
    "сотрудничество",
    "регион",
    "экономика",
    "торговля",
    "инвестиции",
    "энергетика",
    "транспорт",
    "президент",
    "парламент",
    "безопасность",
    "развитие",
    "вода",
    "климат",
    "образование",
    "здравоохранение",
    "эксперты",
    "институт",
    "исследование",
    "доклад",
    "форум",
    "диалог",
    "Казахстан",
]


def zipf_words(rng: random.Random, n: int, vocab: list[str]) -> list[str]:
    weights = [1 / (i + 1) ** 1.05 for i in range(len(vocab))]
    return rng.choices(vocab, weights=weights, k=n)


def article(rng: random.Random, i: int, registry: dict) -> tuple[str, str, list[str]]:
    """(title, paragraphs text, country codes mentioned)."""
    countries = rng.sample(COUNTRIES, rng.randint(1, 3))
    area = rng.choice(list(FOCUS))
    inst = rng.choice(registry["institutions"])
    expert = rng.choice(registry["experts"])
    title = (
        f"{countries[0][1]} and partners discuss {rng.choice(FOCUS[area])} "
        f"({rng.choice(WORDS)} {i})"
    )
    paras = []
    for p in range(rng.randint(4, 9)):
        words = zipf_words(rng, rng.randint(50, 90), WORDS)
        if p == 0:
            words[3:3] = [countries[0][1]]
            words[10:10] = inst.split()
        if p == 1:
            words[5:5] = expert.split()
            words[12:12] = rng.choice(FOCUS[area]).split()
        if p == 2 and len(countries) > 1:
            words[8:8] = [countries[1][1]]
            words[20:20] = rng.choice(FOCUS[area]).split()
        words[0] = words[0].capitalize()
        paras.append(" ".join(words) + f". Report {i}-{p}.")
    return title, "\n".join(paras), [c for c, _ in countries]


def html_page(rng: random.Random, i: int, registry: dict) -> bytes:
    title, body, _ = article(rng, i, registry)
    ticker = "".join(
        f"<li>{cur}/USD = 0.{rng.randint(1000, 9999)} 0%</li>"
        for cur in ("KZT", "UZS", "KGS", "TJS", "TMT")
    )
    paras = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 700))
    return (
        f"<!doctype html><html lang='en'><head><title>{title} | Steppe Review</title>"
        f"<meta name='author' content='Staff Writer {i % 17}'>"
        f"<meta property='article:published_time' content='{day.isoformat()}T09:00:00Z'>"
        "<meta property='og:site_name' content='Steppe Review'></head><body>"
        f"<header><ul class='ticker'>{ticker * 4}</ul><nav><a href='/'>Home</a> | "
        "<a href='/news'>News</a> | <a href='/analysis'>Analysis</a></nav></header>"
        "<div class='cookie'>We use cookies. <button>Accept</button></div>"
        f"<main><article><h1>{title}</h1>{paras}</article></main>"
        "<aside><h3>Most read</h3><ul><li><a href='/x'>Other story</a></li></ul></aside>"
        "<footer>© 2025 Steppe Review. All rights reserved.</footer></body></html>"
    ).encode()


def setup_django(db: str, pg_url: str, tmp: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "middleground.config.settings")
    os.environ["MG_ALLOW_INSECURE_KEY"] = "1"
    os.environ["MG_VAR_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    if db == "postgres":
        os.environ["DATABASE_URL"] = pg_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def registry_rows(rng: random.Random) -> dict:
    from middleground.accounts.models import Role, User
    from middleground.network.models import Expert, FocusArea, Institution
    from middleground.network.registry_data import sync_default_focus_areas

    sync_default_focus_areas(FocusArea)
    alice, _ = User.objects.get_or_create(
        username="bench-alice", defaults={"role": Role.SECRETARIAT, "is_staff": True}
    )
    names = []
    for _k, (code, country) in enumerate(COUNTRIES):
        name = f"{country} Institute of Policy Studies"
        Institution.objects.get_or_create(
            name=name,
            defaults={
                "slug": f"bench-{code.lower()}",
                "acronym": f"{code}IPS",
                "kind": "think_tank",
                "country_id": code,
                "is_member": True,
            },
        )
        names.append(name)
    experts = []
    first = ["Aigerim", "Timur", "Lena", "Omar", "Priya", "Mateo", "Ngozi", "Elif", "Arman"]
    last = ["Nurlanova", "Karimov", "Petrova", "Haddad", "Raman", "Quispe", "Okafor", "Park"]
    for a in first:
        for b in last:
            name = f"{a} {b}"
            Expert.objects.get_or_create(
                name=name,
                defaults={"slug": f"bench-{a}-{b}".lower(), "country_id": rng.choice(COUNTRIES)[0]},
            )
            experts.append(name)
    return {"actor": alice, "institutions": names, "experts": experts}


def _ingest_share(pages: list[tuple[int, bytes]], actor_id: int) -> int:
    from django.db import connections

    from middleground.accounts.models import User
    from middleground.library import services

    connections.close_all()  # a forked worker opens its own connection
    actor = User.objects.get(pk=actor_id)
    batch = services.create_batch(actor=actor, doc_type="news")
    for i, page in pages:
        services.add_batch_file(actor=actor, batch=batch, filename=f"page-{i}.html", data=page)
    return len(pages)


def bench_ingest(n: int, rng: random.Random, registry: dict, workers: int) -> dict:
    """Files go through the batch service (one tagger per batch, each file its own
    transaction), in ``workers`` processes as ``db_worker`` processes would."""
    import multiprocessing

    from django.db import connections

    from middleground.library.models import Document, FileStatus, IngestFile

    pages = [(i, html_page(rng, i, registry)) for i in range(n)]
    shares = [pages[k::workers] for k in range(workers)]
    connections.close_all()
    import resource

    cpu0 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    if workers == 1:
        _ingest_share(pages, registry["actor"].pk)
    else:
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(workers) as pool:
            pool.starmap(_ingest_share, [(share, registry["actor"].pk) for share in shares])
    elapsed = time.perf_counter() - start
    cpu1 = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(
        b.ru_utime + b.ru_stime - a.ru_utime - a.ru_stime for a, b in zip(cpu0, cpu1, strict=True)
    )
    docs = Document.objects.count()
    tagged = Document.objects.filter(tags__kind="institution").distinct().count()
    return {
        "files": n,
        "workers": workers,
        "cpu_seconds": cpu,
        "cpu_ms_per_doc": 1000 * cpu / n,
        "documents": docs,
        "with_institution_tag": tagged,
        "failures": IngestFile.objects.filter(status=FileStatus.FAILED).count(),
        "seconds": elapsed,
        "docs_per_s": n / elapsed,
    }


def bulk_load(n: int, rng: random.Random, registry: dict) -> dict:
    from django.db import connection, transaction

    from middleground.library.models import Document, DocumentTag
    from middleground.library.search import facet_keys, filter_tokens, index_documents
    from middleground.library.text import content_hash, search_terms
    from middleground.network.models import Institution

    inst_ids = list(Institution.objects.values_list("pk", flat=True))
    start = time.perf_counter()
    chunk = 5000
    types = ["news", "report", "brief", "speech", "opinion"]
    for base in range(0, n, chunk):
        docs, tag_rows = [], []
        for i in range(base, min(n, base + chunk)):
            russian = rng.random() < 0.1
            if russian:
                title = " ".join(zipf_words(rng, 6, RUSSIAN)).capitalize()
                body = ". ".join(
                    " ".join(zipf_words(rng, 60, RUSSIAN)) for _ in range(rng.randint(2, 4))
                )
                codes = ["KZ"]
                lang = "ru"
            else:
                title, body, codes = article(rng, i, registry)
                lang = "en"
            area = rng.choice(list(FOCUS))
            doc_type = rng.choice(types)
            inst = rng.choice(inst_ids) if rng.random() < 0.5 else None
            tags = [("country", c) for c in codes] + [("focus_area", area)]
            tags += [("sdg", str(n)) for n in SDGS[area]]
            tags += [("institution", str(inst))] if inst else []
            tokens = filter_tokens(
                access="public", task_force_id=None, language=lang, doc_type=doc_type, tags=tags
            )
            docs.append(
                Document(
                    title=title[:500],
                    body=body,
                    search_text=search_terms(f"{title}\n{body}", lang) + "\n" + tokens,
                    tag_keys=facet_keys(tags),
                    language=lang,
                    kind="html",
                    filename=f"bulk-{i}.html",
                    doc_type=doc_type,
                    published=dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3900)),
                    content_hash=content_hash(body),
                    source="bulk",
                )
            )
            tag_rows.append((codes, area, inst))
        with transaction.atomic():
            Document.objects.bulk_create(docs, batch_size=1000)
            if connection.vendor == "sqlite" and docs[0].pk is None:
                raise RuntimeError("bulk_create did not return ids")
            tags = []
            for doc, (codes, area, inst) in zip(docs, tag_rows, strict=True):
                for code in codes:
                    tags.append(DocumentTag(document=doc, kind="country", key=code, label=code))
                tags.append(DocumentTag(document=doc, kind="focus_area", key=area, label=area))
                for sdg in SDGS[area]:
                    tags.append(DocumentTag(document=doc, kind="sdg", key=str(sdg), label="SDG"))
                if inst:
                    tags.append(
                        DocumentTag(document=doc, kind="institution", key=str(inst), label="i")
                    )
            DocumentTag.objects.bulk_create(tags, batch_size=5000)
            index_documents((d.pk, d.search_text) for d in docs)
        print(f"  loaded {min(n, base + chunk):,}/{n:,}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE library_document")
            cursor.execute("VACUUM ANALYZE library_documenttag")
        else:
            cursor.execute("ANALYZE")
            cursor.execute(
                "INSERT INTO library_document_fts(library_document_fts) VALUES('optimize')"
            )
    return {"documents": n, "seconds": time.perf_counter() - start}


def draw_queries(k: int, rng: random.Random) -> list[tuple[str, dict]]:
    from collections import Counter

    from middleground.library.models import Document

    counts: Counter[str] = Counter()
    bulk = Document.objects.filter(source="bulk").order_by("pk")
    for body in bulk.values_list("body", flat=True)[:3000]:
        counts.update(w.strip(".,").lower() for w in body.split() if len(w) > 3)
    vocab = [w for w, _ in counts.most_common(3000) if w.isalpha()]
    weights = [counts[w] for w in vocab]
    filters = [
        lambda: {"country": rng.choice(COUNTRIES)[0]},
        lambda: {"regional_group": rng.choice(["APG", "WEOG", "AFRICAN", "GRULAC", "EEG"])},
        lambda: {"focus_area": rng.choice(list(FOCUS))},
        lambda: {"sdg": str(rng.choice([4, 6, 7, 9, 13, 16]))},
        lambda: {"language": rng.choice(["en", "ru"])},
        lambda: {"type": rng.choice(["news", "report", "brief", "speech", "opinion"])},
        lambda: {
            "date_from": dt.date(2015 + rng.randint(0, 9), 1, 1),
            "date_to": dt.date(2025, 12, 31),
        },
    ]
    out = []
    for _ in range(k):
        words = rng.choices(vocab, weights=weights, k=rng.randint(1, 3))
        out.append((" ".join(words), rng.choice(filters)()))
    return out


def server_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend process (same machine), or None
    (SQLite runs inside this process, so its work is in the process's own CPU time)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench_search(queries: list[tuple[str, dict]]) -> dict:
    from middleground.accounts.models import Visitor
    from middleground.library import selectors
    from middleground.library.selectors import SearchParams

    visitor = Visitor()
    times, cpus, counts = [], [], []
    capped = 0
    for q, f in queries[:10]:  # warm caches (stemmer, statement cache)
        selectors.search(visitor, SearchParams(q=q, **f))
    gc.freeze()  # as the web process does once loaded (config/wsgi.py)
    server0 = server_cpu_seconds()
    for q, f in queries:
        t0, c0 = time.perf_counter(), time.process_time()
        page = selectors.search(visitor, SearchParams(q=q, **f), limit=20)
        _ = [h.snippet for h in page.hits]
        times.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
        counts.append(page.count)
        capped += page.capped
    server = server_cpu_seconds()
    times.sort()
    cpus.sort()
    return {
        "server_cpu_mean_ms": (
            None if server is None or server0 is None else 1000 * (server - server0) / len(times)
        ),
        "cpu_p50_ms": 1000 * cpus[len(cpus) // 2],
        "cpu_p95_ms": 1000 * cpus[int(len(cpus) * 0.95)],
        "capped": capped,
        "queries": len(times),
        "p50_ms": 1000 * times[len(times) // 2],
        "p95_ms": 1000 * times[int(len(times) * 0.95)],
        "max_ms": 1000 * times[-1],
        "mean_ms": 1000 * statistics.fmean(times),
        "median_matches": statistics.median(counts),
        "max_matches": max(counts),
    }


def pg_admin(url: str, sql: str) -> None:
    base = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", base, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/mg_bench_library")
    parser.add_argument("--ingest", type=int, default=2000)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--keep",
        metavar="DIR",
        help="keep the corpus for another run: SQLite in DIR, PostgreSQL not dropped; "
        "a later run with the same --keep skips the bulk load",
    )
    args = parser.parse_args()
    rng = random.Random(args.seed)
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="mg-bench-library-"))
    tmp.mkdir(parents=True, exist_ok=True)
    if args.db == "postgres" and not (args.keep and (tmp / "postgres-kept").exists()):
        name = args.pg_url.rsplit("/", 1)[1]
        pg_admin(args.pg_url, f"DROP DATABASE IF EXISTS {name}")
        pg_admin(args.pg_url, f"CREATE DATABASE {name}")
    try:
        setup_django(args.db, args.pg_url, tmp)
        from django.db import connection

        print(
            f"# library benchmark on {connection.vendor} ({platform.processor() or 'cpu'}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()})"
        )
        registry = registry_rows(rng)
        if args.ingest:
            for workers in sorted({1, args.workers}):
                if workers > 1:  # start again from an empty library
                    from middleground.library.models import Document, IngestBatch
                    from middleground.library.search import remove_documents

                    remove_documents(list(Document.objects.values_list("pk", flat=True)))
                    Document.objects.all().delete()
                    IngestBatch.objects.all().delete()
                r = bench_ingest(args.ingest, rng, registry, workers)
                print(
                    f"ingestion, {workers} process(es): {r['files']} HTML files -> "
                    f"{r['documents']} documents in "
                    f"{r['seconds']:.1f} s = {r['docs_per_s']:.1f} docs/s; CPU "
                    f"{r['cpu_ms_per_doc']:.1f} ms/doc in Python (load average "
                    f"{os.getloadavg()[0]:.1f}) ({r['failures']} failures; "
                    f"{r['with_institution_tag']} tagged with an institution)"
                )
        if args.docs:
            from middleground.library.models import Document

            if Document.objects.filter(source="bulk").count() < args.docs:
                r = bulk_load(args.docs, rng, registry)
                print(f"bulk load: {r['documents']:,} documents in {r['seconds']:.0f} s")
                if args.keep and args.db == "postgres":
                    (tmp / "postgres-kept").touch()
            else:
                print(f"bulk load: reusing the {args.docs:,} documents kept in {tmp}")
            queries = draw_queries(args.queries, random.Random(args.seed + 1))
            s = bench_search(queries)
            from middleground.library.selectors import RESULT_WINDOW

            print(
                f"search: {s['queries']} queries (1-3 words by frequency, one filter, top 20 "
                f"with snippets and facets): p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} "
                f"ms, max {s['max_ms']:.1f} ms, mean {s['mean_ms']:.1f} ms; CPU of this process "
                f"p50 {s['cpu_p50_ms']:.1f} ms, p95 {s['cpu_p95_ms']:.1f} ms"
                + (
                    f", of the PostgreSQL backend mean {s['server_cpu_mean_ms']:.1f} ms"
                    if s["server_cpu_mean_ms"] is not None
                    else ""
                )
                + f" (load average "
                f"{os.getloadavg()[0]:.1f}); matches per query median {s['median_matches']:.0f}, "
                f"{s['capped']} queries over the {RESULT_WINDOW}-match window"
            )
    finally:
        if args.db == "postgres" and not args.keep:
            from django.db import connections

            connections.close_all()
            pg_admin(args.pg_url, f"DROP DATABASE IF EXISTS {args.pg_url.rsplit('/', 1)[1]}")


if __name__ == "__main__":
    main()
