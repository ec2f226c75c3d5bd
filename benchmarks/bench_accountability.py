"""Accountability at scale: importing 40,000 compliance cells, and the dashboard at that size.

Run (each database in its own process; the PostgreSQL database is created and dropped):

    .venv/bin/python benchmarks/bench_accountability.py --db sqlite
    .venv/bin/python benchmarks/bench_accountability.py --db postgres \\
        --pg-url postgres://postgres@127.0.0.1:5432/mg_accio_bench

``--members`` (50) institutions x ``--commitments`` (200) commitments x 4 final cycles
(interim 1, final 1, interim 2, final 2) = 40,000 cells with draft score, reply status and
final score, plus the commitment, member and cycle rows: one file in the import/export
format (``accountability.interop``). Timed: parsing the CSV, the import (checked whole, then
stored in one transaction, each final cycle frozen with its fingerprint), the re-import of
the unchanged export (which changes nothing), the export; then the public dashboard page
``/accountability/<slug>/`` (anonymous), the API ``GET /api/v1/compliance/cycles/{id}`` and
the summary selector for the last cycle, ``--repeat`` times each (median, max). Peak
memory: the process's maximum resident set size. There is no peer tool to compare with.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


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
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)


def pg_admin(url: str, sql: str) -> None:
    base = url.rsplit("/", 1)[0] + "/postgres"
    subprocess.run(["psql", base, "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_strategy(n_members: int):
    from middleground.accounts.models import Role, User
    from middleground.network.models import FocusArea, Institution, TaskForce
    from middleground.strategies.models import Strategy, StrategyStatus

    alice = User.objects.create_user("bench-alice", "a@example.org", "x", role=Role.SECRETARIAT)
    area = FocusArea.objects.first()
    countries = ["KZ", "UZ", "KG", "TR", "KR", "BR", "MX", "ID", "NG", "ZA"]
    institutions = [
        Institution.objects.create(
            name=f"Institute {i}",
            slug=f"institute-{i}",
            kind="think_tank",
            country_id=countries[i % len(countries)],
            is_member=True,
            verified=True,
        )
        for i in range(n_members)
    ]
    force = TaskForce.objects.create(
        name="Bench", slug="bench", focus_area=area, chair=institutions[0], mandate="Bench."
    )
    strategy = Strategy.objects.create(
        title="Bench strategy",
        slug="bench-strategy",
        task_force=force,
        focus_area=area,
        lead=alice,
        created_by=alice,
        status=StrategyStatus.ADOPTED,
    )
    return alice, strategy, institutions


def rows_for(institutions, n_commitments: int, rng: random.Random) -> list[dict[str, str]]:
    from middleground.accountability.jobs import COLUMNS

    blank = dict.fromkeys(COLUMNS, "")
    rows = []
    keys = [f"institution:{i.pk}" for i in institutions]
    for c in range(1, n_commitments + 1):
        rows.append(
            {**blank, "record": "commitment", "commitment": f"C{c}", "text": f"Commitment {c}."}
        )
        rows += [{**blank, "record": "member", "commitment": f"C{c}", "member": k} for k in keys]
    for kind, number in (("interim", 1), ("final", 1), ("interim", 2), ("final", 2)):
        where = {"cycle_kind": kind, "cycle_number": str(number), "cycle_revision": "0"}
        rows.append({**blank, "record": "cycle", **where, "status": "final"})
        for c in range(1, n_commitments + 1):
            for k in keys:
                score = str(rng.choice((-1, 0, 1)))
                rows.append(
                    {
                        **blank,
                        "record": "cell",
                        **where,
                        "commitment": f"C{c}",
                        "member": k,
                        "draft_score": score,
                        "reply_status": rng.choice(("accepted", "no_reply")),
                        "final_score": score,
                    }
                )
    return rows


def timed(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432/mg_accio_bench")
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--commitments", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="mg-bench-accountability-"))
    if args.db == "postgres":
        name = args.pg_url.rsplit("/", 1)[1]
        pg_admin(args.pg_url, f"DROP DATABASE IF EXISTS {name}")
        pg_admin(args.pg_url, f"CREATE DATABASE {name}")
    try:
        setup_django(args.db, args.pg_url, tmp)
        from django.db import connection
        from django.test import Client

        from middleground.accountability import interop, jobs, selectors
        from middleground.accountability.models import CellResult, Cycle

        print(
            f"# accountability benchmark on {connection.vendor} ({os.cpu_count()} cores, "
            f"Python {platform.python_version()})"
        )
        alice, strategy, institutions = make_strategy(args.members)
        rows = rows_for(institutions, args.commitments, random.Random(args.seed))
        from middleground.core.csv_export import csv_dicts

        text = csv_dicts(rows, fieldnames=jobs.COLUMNS)
        t0 = time.perf_counter()
        parsed = interop.parse_csv(text)
        t_parse = time.perf_counter() - t0
        t0 = time.perf_counter()
        plan = jobs.import_rows(actor=alice, strategy=strategy, rows=parsed)
        t_import = time.perf_counter() - t0
        cells = CellResult.objects.filter(cycle__strategy=strategy).count()
        print(
            f"import: {len(parsed):,} rows ({cells:,} cells, {len(text) / 1e6:.1f} MB of CSV): "
            f"parse {t_parse:.2f} s, check + store {t_import:.2f} s "
            f"= {len(parsed) / (t_parse + t_import):,.0f} rows/s; peak memory {peak_mb():.0f} MB"
        )
        t0 = time.perf_counter()
        exported = interop.export_csv(strategy)
        t_export = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = jobs.import_rows(actor=alice, strategy=strategy, rows=interop.parse_csv(exported))
        t_again = time.perf_counter() - t0
        assert again.changes == 0, again.counts
        print(
            f"export: {t_export:.2f} s ({len(exported) / 1e6:.1f} MB); re-import of the unchanged "
            f"export: {t_again:.2f} s, {again.changes} changes; created on first import: "
            f"{sum(c['created'] for c in plan.counts.values()):,}"
        )
        cycle = Cycle.objects.filter(strategy=strategy).order_by("-opened_at", "-pk").first()
        client = Client()
        page = f"/accountability/{strategy.slug}/"
        status = client.get(page, secure=True).status_code
        if status == 200:
            p50, pmax = timed(lambda: client.get(page, secure=True), args.repeat)
            print(f"dashboard {page} (anonymous): median {p50:.0f} ms, max {pmax:.0f} ms")
        else:
            print(f"dashboard {page}: status {status}, not timed")
        api = f"/api/v1/compliance/cycles/{cycle.pk}"
        assert client.get(api, secure=True).status_code == 200
        p50, pmax = timed(lambda: client.get(api, secure=True), args.repeat)
        print(f"API GET {api} (10,000 cells): median {p50:.0f} ms, max {pmax:.0f} ms")
        p50, pmax = timed(lambda: selectors.cycle_summary(cycle), args.repeat)
        print(f"selectors.cycle_summary: median {p50:.0f} ms, max {pmax:.0f} ms")
        print(f"peak memory (max RSS) {peak_mb():.0f} MB")
    finally:
        if args.db == "postgres":
            from django.db import connections

            connections.close_all()
            pg_admin(args.pg_url, f"DROP DATABASE IF EXISTS {args.pg_url.rsplit('/', 1)[1]}")


if __name__ == "__main__":
    main()
