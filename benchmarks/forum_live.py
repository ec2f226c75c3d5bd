"""Live room: an audience of N phones votes within a minute while the projector follows.

For each database (SQLite in a temporary directory, and PostgreSQL in the database
``mg_flive``, created and dropped here) the script migrates a fresh database, opens a
live room on a session with S seed statements, starts gunicorn on 127.0.0.1, and runs:

- N audience members (anonymous browsers: their own cookies, one keep-alive connection
  each, threads spread over client processes). Each arrives at a random moment of the
  first ``--arrival`` seconds, loads the phone page ``GET /live/<code>/`` (cookie, CSRF
  token, first statement), then votes ``--votes-each`` times with 1-3 s of "reading"
  between votes, each time on the statement the previous answer handed back
  (``POST /live/<code>/`` with ``Accept: application/json``, as the page's fetch does).
- a projector holding the server-sent event stream ``GET /live/<code>/stream/`` (it ends
  every 30 s and is reopened, as the browser's EventSource does), noting when each new
  vote total arrives;
- a second projector polling ``GET /api/v1/live/<code>`` every second (the fallback).

Prints votes per second (acknowledged votes over the voting window), p50/p95/p99 latency
of a vote and of the phone page, and the delay until a vote shows on the projector: for
the k-th acknowledged vote, the time from its acknowledgement until the stream first
shows a total of at least k. Bounded in time; talks only to 127.0.0.1.

    .venv/bin/python benchmarks/forum_live.py [--db sqlite|postgres|both] [--members 500]
        [--votes-each 5] [--arrival 40] [--workers 2] [--threads 8] [--json]

All members come from 127.0.0.1, so the per-address limits are scaled up for the run
(``MG_CONSULTATIONS_RATE_SCALE``, which the live room's limits honour too). No analysis
worker runs: the measurement is the vote path and the projector's figures.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _server import free_port, machine, manage, production_env, psql  # noqa: E402

ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
PG_NAME = "mg_flive"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"

SETUP = r"""
import datetime as dt, json
from django.utils import timezone
from middleground.accounts.models import Role, User
from middleground.forum import live
from middleground.forum.models import Event, Session

host = User.objects.create_user("bench-host", role=Role.SECRETARIAT, is_staff=True)
start = timezone.now()
event = Event.objects.create(name="Bench forum", slug="bench-forum", starts_at=start,
    ends_at=start + dt.timedelta(hours=8), status="published", visibility="public")
session = Session.objects.create(event=event, title="Bench panel", starts_at=start,
    ends_at=start + dt.timedelta(hours=1))
room = live.open_room(actor=host, session=session, question="Benchmark?",
    statements=[f"Benchmark statement number {i}." for i in range(SEEDS)])
with open(OUT, "w") as handle:
    json.dump({"code": room.code}, handle)
"""

COUNT = r"""
import json
from django.db.models import Count
from middleground.consultations.models import Participant, Vote
dup = Vote.objects.values("participant", "statement").annotate(n=Count("id")).filter(n__gt=1)
print(json.dumps({"votes": Vote.objects.count(), "participants": Participant.objects.count(),
    "duplicated": dup.count()}))
"""

STATEMENT_RE = re.compile(r'name="statement" value="(\d+)"')
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _cookies(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            jar[name.strip()] = rest.split(";", 1)[0]


def member_process(args: tuple) -> dict:
    """One client process: a thread per audience member."""
    port, code, members, votes_each, start_at, arrival, seed = args
    lock = threading.Lock()
    out: dict = {"vote_ms": [], "page_ms": [], "acks": [], "statuses": {}, "errors": []}

    def count(status: int) -> None:
        out["statuses"][status] = out["statuses"].get(status, 0) + 1

    def member(i: int) -> None:
        rng = random.Random(seed * 100_000 + i)
        time.sleep(max(0.0, start_at + rng.uniform(0, arrival) - time.time()))
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        jar: dict[str, str] = {}
        page_ms, vote_ms, acks = [], [], []
        try:
            began = time.perf_counter()
            conn.request("GET", f"/live/{code}/")
            response = conn.getresponse()
            html = response.read().decode()
            page_ms.append((time.perf_counter() - began) * 1000)
            _cookies(response, jar)
            with lock:
                count(response.status)
            token = CSRF_RE.search(html)
            found = STATEMENT_RE.search(html)
            statement = found.group(1) if found else ""
            for _ in range(votes_each):
                if not statement or token is None:
                    break
                time.sleep(rng.uniform(1.0, 3.0))
                body = urllib.parse.urlencode(
                    {
                        "action": "vote",
                        "statement": statement,
                        "vote": rng.choice((1, 1, -1, 0)),
                        "csrfmiddlewaretoken": token.group(1),
                    }
                )
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                    "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
                }
                began = time.perf_counter()
                conn.request("POST", f"/live/{code}/", body, headers)
                response = conn.getresponse()
                data = response.read()
                vote_ms.append((time.perf_counter() - began) * 1000)
                _cookies(response, jar)
                with lock:
                    count(response.status)
                if response.status != 200:
                    with lock:
                        if len(out["errors"]) < 10:
                            out["errors"].append(f"HTTP {response.status} {data[:120]!r}")
                    break
                acks.append(time.time())
                answer = json.loads(data)
                statement = str((answer.get("statement") or {}).get("id") or "")
        except (OSError, http.client.HTTPException, ValueError) as exc:
            with lock:
                out["errors"].append(repr(exc))
        finally:
            conn.close()
        with lock:
            out["page_ms"].extend(page_ms)
            out["vote_ms"].extend(vote_ms)
            out["acks"].extend(acks)

    threads = [threading.Thread(target=member, args=(i,)) for i in range(members)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def projector_stream(port: int, code: str, until: float, seen: list) -> None:
    """Hold the event stream (reopened when it ends); note (time, vote total) per update."""
    while time.time() < until:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            conn.request("GET", f"/live/{code}/stream/", headers={"Accept": "text/event-stream"})
            response = conn.getresponse()
            event = ""
            while time.time() < until:
                line = response.readline()
                if not line:
                    break
                text = line.decode().rstrip("\n")
                if text.startswith("event: "):
                    event = text[7:]
                elif text.startswith("data: ") and event == "figures":
                    seen.append((time.time(), json.loads(text[6:])["votes"]))
        except (OSError, http.client.HTTPException):
            time.sleep(0.5)
        finally:
            conn.close()


def projector_poll(port: int, code: str, until: float, latencies: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.time() < until:
        began = time.perf_counter()
        try:
            conn.request("GET", f"/api/v1/live/{code}")
            conn.getresponse().read()
            latencies.append((time.perf_counter() - began) * 1000)
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        time.sleep(1.0)
    conn.close()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_case(db: str, args: argparse.Namespace) -> dict:
    var = tempfile.mkdtemp(prefix=f"mg-bench-live-{db}-")
    env = production_env(var, MG_CONSULTATIONS_RATE_SCALE="1000")
    if db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        psql(f"CREATE DATABASE {PG_NAME}")
        env["DATABASE_URL"] = PG_URL
    server = None
    log = open(os.path.join(var, "gunicorn.log"), "w")  # noqa: SIM115 - closed in finally
    try:
        manage(env, "migrate", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")  # pages use the manifest
        setup_file = os.path.join(var, "setup.json")
        script = SETUP.replace("SEEDS", str(args.seeds)).replace("OUT", repr(setup_file))
        manage(env, "shell", "-c", script)
        with open(setup_file) as handle:
            code = json.load(handle)["code"]
        port = free_port()
        server = subprocess.Popen(
            [
                os.path.join(BIN, "gunicorn"),
                "middleground.config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(args.threads),
                "--timeout",
                "120",
                "--keep-alive",
                "75",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", f"/api/v1/live/{code}")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gunicorn did not start")
        n_proc = max(1, min(4, os.cpu_count() or 2))
        start_at = time.time() + 1.0
        horizon = start_at + args.arrival + args.votes_each * 3.5 + 30
        seen: list = []
        polled: list = []
        watchers = [
            threading.Thread(target=projector_stream, args=(port, code, horizon, seen)),
            threading.Thread(target=projector_poll, args=(port, code, horizon, polled)),
        ]
        for w in watchers:
            w.start()
        shares = [
            args.members // n_proc + (1 if i < args.members % n_proc else 0) for i in range(n_proc)
        ]
        load_before = os.getloadavg()[0]
        with multiprocessing.get_context("fork").Pool(n_proc) as pool:
            parts = pool.map(
                member_process,
                [
                    (port, code, share, args.votes_each, start_at, args.arrival, i)
                    for i, share in enumerate(shares)
                ],
            )
        load_after = os.getloadavg()[:2]
        # let the projector catch up with the last votes, then stop watching
        acks = sorted(t for part in parts for t in part["acks"])
        wait_until = time.time() + 10
        while time.time() < wait_until and (not seen or seen[-1][1] < len(acks)):
            time.sleep(0.2)
        horizon = time.time()
        for w in watchers:
            w.join(timeout=65)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        log.close()
    counts = json.loads(manage(env, "shell", "-c", COUNT, capture=True).strip().splitlines()[-1])
    if db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    shutil.rmtree(var, ignore_errors=True)

    vote_ms = [x for part in parts for x in part["vote_ms"]]
    page_ms = [x for part in parts for x in part["page_ms"]]
    statuses: dict[str, int] = {}
    for part in parts:
        for status, n in part["statuses"].items():
            statuses[str(status)] = statuses.get(str(status), 0) + n
    errors = [e for part in parts for e in part["errors"]][:5]
    delays = []
    j = 0
    for k, acked in enumerate(acks, start=1):
        while j < len(seen) and seen[j][1] < k:
            j += 1
        if j == len(seen):
            break  # never shown (counted below)
        delays.append(max(0.0, seen[j][0] - acked))
    window = (acks[-1] - acks[0]) if len(acks) > 1 else float("nan")
    return {
        "database": db,
        "members": args.members,
        "votes_acknowledged": len(acks),
        "votes_in_db": counts["votes"],
        "participants_in_db": counts["participants"],
        "duplicated_pairs": counts["duplicated"],
        "statuses": statuses,
        "errors": errors,
        "voting_window_s": round(window, 1),
        "votes_per_s": round(len(acks) / window, 1) if window == window else None,
        "vote_p50_ms": round(pct(vote_ms, 0.5), 1),
        "vote_p95_ms": round(pct(vote_ms, 0.95), 1),
        "vote_p99_ms": round(pct(vote_ms, 0.99), 1),
        "page_p95_ms": round(pct(page_ms, 0.95), 1),
        "poll_p95_ms": round(pct(polled, 0.95), 1),
        "stream_updates": len(seen),
        "delay_p50_s": round(pct(delays, 0.5), 2),
        "delay_p95_s": round(pct(delays, 0.95), 2),
        "delay_max_s": round(max(delays), 2) if delays else None,
        "never_shown": len(acks) - len(delays),
        "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread)",
        "load_avg": {
            "before_1m": round(load_before, 2),
            "after_1m": round(load_after[0], 2),
            "after_5m": round(load_after[1], 2),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--votes-each", type=int, default=5)
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--arrival", type=float, default=40.0)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--json", action="store_true", help="print one JSON line per run")
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if not args.json:
        print(f"Machine: {machine()}")
    for db in dbs:
        result = run_case(db, args)
        if args.json:
            print(json.dumps(result))
        else:
            print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
