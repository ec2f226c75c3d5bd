"""Vote burst: concurrent voters casting votes through HTTP against the platform under gunicorn.

For each database (SQLite in a temporary directory, and PostgreSQL in the database
``mg_bench_votes``, created and dropped here), the script migrates a fresh database,
creates an open consultation with one statement per vote of a voter, N signed-in voters
with API tokens, starts gunicorn on 127.0.0.1, and lets N concurrent voters (threads
spread over client processes, one keep-alive connection each) POST
``/api/v1/consultations/{id}/votes`` — each voter votes once on each of its statements
in a random order. Afterwards it counts in the database: current votes, history rows,
participants, duplicated pairs. None lost and none duplicated means
``votes == history == voters x votes per voter`` with no duplicated pair.

Prints votes per second (wall time of the burst), p50/p95/p99 latency per request, and
the load average before and after the burst (the machine may be shared).
Bounded in time (``--max-seconds`` per run); talks only to 127.0.0.1.

    .venv/bin/python benchmarks/votes.py [--db sqlite|postgres|both] [--voters 200]
        [--votes 50000] [--workers 2] [--threads 8] [--json]

The analysis task is queued at most once (the debounce) and no worker runs here, so
the measurement is the vote path: token check, permission, rate-limit counter, upsert
with history, and the debounce check. Rate limits are scaled up for the run
(``MG_CONSULTATIONS_RATE_SCALE``): one voter sends far more than a person could.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
# free_port, manage, psql and machine are imported by other benchmarks from here too
from _server import (  # noqa: E402
    free_port,
    machine,
    manage,
    pg_url,
    production_env,
    psql,
    start_gunicorn,
    stop,
)

PG_NAME = "mg_bench_votes"
PG_URL = pg_url(PG_NAME)

SETUP = r"""
import json, sys
from middleground.accounts.models import Role, User
from middleground.accounts.services import issue_api_token
from middleground.consultations.services import create_consultation

voters, per_voter, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
admin = User.objects.create_user("bench-admin", role=Role.SECRETARIAT, is_staff=True)
consultation = create_consultation(actor=admin, data={
    "title": "Vote burst", "question": "Benchmark?", "visibility": "public",
    "anonymity": "pseudonymous", "status": "open",
    "statements": [f"Benchmark statement number {i}." for i in range(per_voter)],
})
User.objects.bulk_create([User(username=f"voter{i}", role=Role.EXPERT) for i in range(voters)])
voters = User.objects.filter(username__startswith="voter")
tokens = [issue_api_token(user=u, name="bench") for u in voters]
statements = list(consultation.statements.values_list("pk", flat=True))
with open(out, "w") as handle:
    json.dump({"consultation": consultation.pk, "statements": statements, "tokens": tokens}, handle)
"""

COUNT = r"""
import json
from django.db.models import Count
from middleground.consultations.models import Participant, Vote, VoteEvent
def duplicated(model):
    pairs = model.objects.values("participant", "statement").annotate(n=Count("id"))
    return pairs.filter(n__gt=1).count()
dup_votes = duplicated(Vote)
dup_events = duplicated(VoteEvent)
print(json.dumps({"votes": Vote.objects.count(), "history": VoteEvent.objects.count(),
    "participants": Participant.objects.count(), "duplicated_pairs": dup_votes,
    "duplicated_history_pairs": dup_events}))
"""


def voter_process(args: tuple) -> tuple[list[float], dict[int, int], list[str]]:
    """One client process: a thread per voter, each with its own keep-alive connection."""
    import threading

    port, consultation, jobs, deadline = args
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def run(token: str, statements: list[int], seed: int) -> None:
        rng = random.Random(seed)
        order = statements[:]
        rng.shuffle(order)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        codes: dict[int, int] = {}
        path = f"/api/v1/consultations/{consultation}/votes"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for statement in order:
            if time.time() > deadline:
                break
            body = json.dumps({"statement": statement, "vote": rng.choice((-1, 0, 1))})
            for _attempt in range(3):
                started = time.perf_counter()
                try:
                    conn.request("POST", path, body, headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    with lock:
                        errors.append(repr(exc))
                    continue
                mine.append(time.perf_counter() - started)
                codes[response.status] = codes.get(response.status, 0) + 1
                if response.status != 200:
                    with lock:
                        if len(errors) < 20:
                            errors.append(f"HTTP {response.status}")
                break
        conn.close()
        with lock:
            latencies.extend(mine)
            for code, n in codes.items():
                statuses[code] = statuses.get(code, 0) + n

    threads = [
        threading.Thread(target=run, args=(token, statements, seed))
        for token, statements, seed in jobs
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return latencies, statuses, errors


def run_case(db: str, voters: int, votes: int, workers: int, threads: int, max_seconds: int):
    per_voter = max(1, votes // voters)
    var = tempfile.mkdtemp(prefix=f"mg-bench-votes-{db}-")
    env = production_env(var, MG_CONSULTATIONS_RATE_SCALE="1000")
    if db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        psql(f"CREATE DATABASE {PG_NAME}")
        env["DATABASE_URL"] = PG_URL
    server = None
    log = open(os.path.join(var, "gunicorn.log"), "w")  # noqa: SIM115 - closed in finally
    try:
        manage(env, "migrate", "-v", "0")
        setup_file = os.path.join(var, "setup.json")
        manage(
            env,
            "shell",
            "-c",
            SETUP.replace("sys.argv[1]", str(voters))
            .replace("sys.argv[2]", str(per_voter))
            .replace("sys.argv[3]", repr(setup_file)),
        )
        with open(setup_file) as handle:
            setup = json.load(handle)
        port = free_port()
        server = start_gunicorn(
            env,
            port=port,
            workers=workers,
            threads=threads,
            log=log,
            probe=f"/api/v1/consultations/{setup['consultation']}",
        )
        n_proc = max(1, min(8, (os.cpu_count() or 2) * 2))
        jobs: list[list] = [[] for _ in range(n_proc)]
        for i, token in enumerate(setup["tokens"]):
            jobs[i % n_proc].append((token, setup["statements"][:per_voter], i))
        deadline = time.time() + max_seconds
        load_before = os.getloadavg()[0]
        started = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(n_proc) as pool:
            parts = pool.map(
                voter_process,
                [(port, setup["consultation"], job, deadline) for job in jobs],
            )
        wall = time.perf_counter() - started
        # 1- and 5-minute load averages as the burst ends: the machine may be shared
        load_after = os.getloadavg()[:2]
    finally:
        stop(server)
        log.close()
    latencies = sorted(x for part in parts for x in part[0])
    statuses: dict[int, int] = {}
    for part in parts:
        for code, n in part[1].items():
            statuses[code] = statuses.get(code, 0) + n
    errors = [e for part in parts for e in part[2]][:10]
    counts = json.loads(manage(env, "shell", "-c", COUNT, capture=True).strip().splitlines()[-1])
    if db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    shutil.rmtree(var, ignore_errors=True)
    expected = voters * per_voter
    ok = statuses.get(200, 0)

    def pct(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {
        "database": db,
        "voters": voters,
        "votes_sent": expected,
        "votes_ok": ok,
        "statuses": statuses,
        "errors": errors,
        "wall_s": round(wall, 2),
        "votes_per_s": round(ok / wall, 1),
        "p50_ms": round(pct(0.50), 1),
        "p95_ms": round(pct(0.95), 1),
        "p99_ms": round(pct(0.99), 1),
        "db_votes": counts["votes"],
        "db_history": counts["history"],
        "db_participants": counts["participants"],
        "duplicated_pairs": counts["duplicated_pairs"] + counts["duplicated_history_pairs"],
        # every acknowledged vote must be in the database, once
        "lost": max(0, ok - counts["votes"]),
        "unacknowledged_but_stored": max(0, counts["votes"] - ok),
        "gunicorn": f"{workers} workers x {threads} threads (gthread)",
        "load_avg": {
            "before_1m": round(load_before, 2),
            "after_1m": round(load_after[0], 2),
            "after_5m": round(load_after[1], 2),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--votes", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-seconds", type=int, default=900)
    parser.add_argument("--json", action="store_true", help="print one JSON line per run")
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if not args.json:
        print(f"machine: {machine()}")
    failed = False
    for db in dbs:
        result = run_case(db, args.voters, args.votes, args.workers, args.threads, args.max_seconds)
        failed |= result["lost"] != 0 or result["duplicated_pairs"] != 0
        failed |= result["db_history"] != result["db_votes"]
        if args.json:
            print(json.dumps(result))
            continue
        print(
            f"{db:9s} {result['votes_ok']}/{result['votes_sent']} votes OK in {result['wall_s']} s"
            f" = {result['votes_per_s']} votes/s; latency p50 {result['p50_ms']} ms,"
            f" p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms; in the database:"
            f" {result['db_votes']} votes, {result['db_history']} history rows,"
            f" {result['db_participants']} participants, lost {result['lost']},"
            f" duplicated {result['duplicated_pairs']}; statuses {result['statuses']}"
            f" [{result['gunicorn']}]; load average {result['load_avg']['before_1m']} before,"
            f" {result['load_avg']['after_1m']} (1 min) / {result['load_avg']['after_5m']} (5 min)"
            f" after, on {os.cpu_count()} CPUs"
        )
        if result["errors"]:
            print("  first errors:", result["errors"])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
