"""Load and soak: a realistic mix of requests (Locust) against gunicorn with production settings.

For each database (SQLite in a temporary directory, and PostgreSQL in ``mg_h8_load``,
created and dropped here) the script migrates a fresh database, loads the demo, adds the
load's own participants (each with an API token and a signed-in session), an open
consultation with one statement per vote, a seat on the running Delphi panel, member
institutions with a representative each, a registration type of a forum, collects the static
files, starts gunicorn (production settings, DEBUG=0) and the task worker, and runs Locust
headless (``benchmarks/locustfile.py``) for a fixed number of requests. The mix: browsing
(home, a consultation, results, Delphi study and results, the library and a document,
strategies, a strategy and its endorsements, the accountability dashboard, a forum
programme), site search, votes, Delphi answers, endorsements, forum registrations (and
refused second registrations), and the live room's projector.

Prints per request type: count, failures, throughput, p50/p95/p99 (ms). Afterwards it counts
in the database: every accepted write (the locustfile records each 2xx with its ids) is
there exactly once: votes and their history rows, Delphi answers, endorsements, and
registrations (the same ids, one live registration per person).

Soak mode (``--soak SECONDS --rate R``): the same mix at about R requests per second for the
given time, sampling the resident memory (VmRSS) of each gunicorn worker and of the task
worker every 30 s; reports first / last / max and the slope (MB per hour, fitted over the
second half, after warm-up) per process, and fails on any failed request.

    .venv/bin/python benchmarks/load.py [--db sqlite|postgres|both] [--requests 20000]
        [--users 40] [--workers 2] [--threads 8] [--json]
    .venv/bin/python benchmarks/load.py --db sqlite --soak 3600 --rate 15

Talks only to 127.0.0.1; bounded by the request count or the soak's length (Locust's
``--run-time`` caps both).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _server import (  # noqa: E402
    BIN,
    ROOT,
    children,
    free_port,
    load_avg,
    machine,
    manage,
    pg_url,
    production_env,
    psql,
    rss_mb,
    start_gunicorn,
    start_worker,
    stop,
)

PG_NAME = "mg_h8_load"

SETUP = r"""
import datetime as dt, json, os
from importlib import import_module
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.urls import reverse
from django.utils import timezone
from middleground.accounts.models import Role, User
from middleground.accounts.services import issue_api_token
from middleground.consultations.models import Consultation
from middleground.consultations.services import create_consultation
from middleground.delphi.models import Study
from middleground.delphi.services import _seat
from middleground.forum import live
from middleground.forum.models import Event, LiveRoom, RegistrationType, Session
from middleground.library.models import Document
from middleground.network.models import Institution
from middleground.strategies import endorsements as endorsing
from middleground.strategies.models import Strategy

P = int(os.environ["MG_LOAD_PARTICIPANTS"])
S = int(os.environ["MG_LOAD_STATEMENTS"])
E = int(os.environ["MG_LOAD_INSTITUTIONS"])
store = import_module(settings.SESSION_ENGINE).SessionStore
backend = "django.contrib.auth.backends.ModelBackend"

def signed_in(user):
    session = store()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = backend
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.set_expiry(7 * 24 * 3600)
    session.create()
    return session.session_key

admin = User.objects.create_user("load-admin", role=Role.SECRETARIAT, is_staff=True)
consultation = create_consultation(actor=admin, data={
    "title": "Load test", "question": "Which of these should the network do first?",
    "visibility": "public", "anonymity": "pseudonymous", "status": "open",
    "statements": [f"Load statement number {i}: the network should act on it." for i in range(S)],
})
statements = list(consultation.statements.values_list("pk", flat=True))

study = Study.objects.get(slug="trusted-cross-border-data-flows-demo")
round_ = study.open_round()
if round_.closes_at is not None and round_.closes_at < timezone.now() + dt.timedelta(days=2):
    round_.closes_at = timezone.now() + dt.timedelta(days=2)
    round_.save(update_fields=["closes_at"])
items = {i.kind: i for i in study.items.all()}

participants = []
for i in range(P):
    user = User.objects.create_user(f"load{i}", email=f"load{i}@example.org", role=Role.EXPERT,
        email_verified=True)
    _seat(study, user)
    participants.append({"user": user.pk, "token": issue_api_token(user=user, name="load"),
        "session": signed_in(user)})

strategy = next(s for s in Strategy.objects.order_by("pk")
    if endorsing.accepting(endorsing.current_call(s)))
countries = list(Institution.objects.exclude(country=None).values_list("country_id", flat=True))
reps = []
for j in range(E):
    inst = Institution.objects.create(name=f"Load institution {j}", slug=f"load-institution-{j}",
        kind="think_tank", country_id=countries[j % len(countries)], verified=True, is_member=True)
    rep = User.objects.create_user(f"loadrep{j}", email=f"loadrep{j}@example.org",
        role=Role.REPRESENTATIVE, institution=inst, email_verified=True)
    reps.append({"institution": inst.pk, "token": issue_api_token(user=rep, name="load")})

event = Event.objects.get(slug="astana-think-tank-forum-2025")
event.registration_open = True
event.save(update_fields=["registration_open"])
rtype = RegistrationType.objects.create(event=event, name="Load test", capacity=P // 2,
    delegates_only=False, position=9)

room = LiveRoom.objects.first()
if room is None:
    session = Session.objects.filter(live_room=None).first()
    room = live.open_room(actor=admin, session=session, question="Load?",
        statements=["Load statement."])

forum_programme = [reverse("forum:programme", args=[e.slug]) for e in Event.objects.all()]
pages = {
    "home": ["/"],
    "consultation": [c.get_absolute_url()
        for c in Consultation.objects.filter(visibility="public")],
    "consultation results": [reverse("consultations:results", args=[c.slug])
        for c in Consultation.objects.filter(visibility="public")],
    "delphi study": [s.get_absolute_url() for s in Study.objects.all()],
    "delphi results": [reverse("delphi:results", args=[s.slug])
        for s in Study.objects.filter(status="closed")],
    "library": ["/library/"],
    "library document": [d.get_absolute_url() for d in Document.objects.all()],
    "strategies": ["/strategies/"],
    "strategy": [s.get_absolute_url() for s in Strategy.objects.all()],
    "endorsements": [reverse("strategies:endorsements", args=[strategy.slug])],
    "accountability dashboard": [reverse("accountability:dashboard", args=[s.slug])
        for s in Strategy.objects.filter(status="adopted")],
    "forum programme": forum_programme,
}
ranking = items["ranking"]
with open(os.environ["MG_LOAD_FIXTURE"], "w") as handle:
    json.dump({
        "consultation": consultation.pk, "statements": statements, "participants": participants,
        "delphi": {"study": study.pk, "round": round_.pk, "likert_item": items["likert"].pk,
            "points": items["likert"].config["points"], "ranking_item": ranking.pk,
            "options": [o["id"] for o in ranking.config["options"]]},
        "endorse": {"strategy": strategy.pk, "call": endorsing.current_call(strategy).pk,
            "representatives": reps},
        "forum": {"event": event.pk, "type": rtype.pk},
        "live": room.code, "pages": pages, "session_cookie": settings.SESSION_COOKIE_NAME,
        "search_terms": ["water", "data", "trust", "security", "reform", "council", "audit"],
    }, handle)
"""

# Every accepted write exactly once: the fixture and the locustfile's record as input.
COUNT = r"""
import json, os
from collections import Counter
from django.db.models import Count
from middleground.consultations.models import Vote, VoteEvent
from middleground.delphi.models import Answer, PanelSeat
from middleground.forum.models import Registration
from middleground.strategies.models import Endorsement

fixture = json.load(open(os.environ["MG_LOAD_FIXTURE"]))
acc = json.load(open(os.environ["MG_LOAD_OUT"]))["accepted"]
out = {}

votes = Vote.objects.filter(consultation_id=fixture["consultation"])
stored = {(v["participant__user_id"], v["statement_id"]): v["value"]
    for v in votes.values("participant__user_id", "statement_id", "value")}
acked = {(u, s): v for u, s, v in acc["vote"]}
events = VoteEvent.objects.filter(consultation_id=fixture["consultation"])
out["vote"] = {"accepted": len(acc["vote"]), "rows": len(stored), "history": events.count(),
    "lost": sum(1 for k in acked if k not in stored),
    "wrong_value": sum(1 for k, v in acked.items() if k in stored and stored[k] != v),
    "duplicated": votes.values("participant", "statement").annotate(n=Count("id"))
        .filter(n__gt=1).count(),
    "unacknowledged": sum(1 for k in stored if k not in acked)}

d = fixture["delphi"]
seats = dict(PanelSeat.objects.filter(study_id=d["study"],
    user_id__in=[p["user"] for p in fixture["participants"]])
    .values_list("user_id", "panellist_id"))
answers = Answer.objects.filter(round_id=d["round"], panellist_id__in=seats.values())
answered = set(answers.values_list("panellist_id", flat=True))
acked_users = {u for u, _r in acc["delphi"]}
out["delphi"] = {"accepted": len(acc["delphi"]), "panellists_acked": len(acked_users),
    "rows": answers.count(), "expected_rows": 2 * len(acked_users),
    "lost": sum(1 for u in acked_users if seats[u] not in answered),
    "duplicated": answers.values("panellist", "item").annotate(n=Count("id"))
        .filter(n__gt=1).count(),
    "unacknowledged": len(answered - {seats[u] for u in acked_users})}

rows = Endorsement.objects.filter(call_id=fixture["endorse"]["call"],
    institution_id__in=[r["institution"] for r in fixture["endorse"]["representatives"]])
stored = {(r.institution_id, r.at.isoformat()): (r.position, r.current) for r in rows}
acked = {(i, at): p for i, at, p in acc["endorse"]}
current = Counter(i for (i, _at), (_p, cur) in stored.items() if cur)
latest = {}
for (i, at) in stored:
    latest[i] = max(latest.get(i, at), at)
out["endorse"] = {"accepted": len(acc["endorse"]), "distinct_rows_acked": len(acked),
    "rows": len(stored), "lost": sum(1 for k in acked if k not in stored),
    "wrong_position": sum(1 for k, p in acked.items() if k in stored and stored[k][0] != p),
    "unacknowledged": sum(1 for k in stored if k not in acked),
    "institutions_current": len(current),
    "several_current": sum(1 for n in current.values() if n > 1),
    "current_not_latest": sum(1 for (i, at), (_p, cur) in stored.items()
        if cur and at != latest[i])}

regs = Registration.objects.filter(event_id=fixture["forum"]["event"],
    user_id__in=[p["user"] for p in fixture["participants"]])
ids = set(regs.values_list("id", flat=True))
acked_ids = {i for _u, i in acc["register"]}
out["register"] = {"accepted": len(acc["register"]), "rows": len(ids),
    "lost": len(acked_ids - ids), "unacknowledged": len(ids - acked_ids),
    "several_per_person": regs.values("user").annotate(n=Count("id")).filter(n__gt=1).count(),
    "confirmed": regs.filter(status="confirmed").count(),
    "waiting": regs.filter(status="waiting").count()}
print(json.dumps(out))
"""


def _exactly_once(counts: dict) -> list[str]:
    """Problems found by COUNT (empty: every accepted write is there exactly once)."""
    problems = []
    v, d, e, r = counts["vote"], counts["delphi"], counts["endorse"], counts["register"]
    if v["lost"] or v["duplicated"] or v["wrong_value"] or v["rows"] != v["accepted"]:
        problems.append(f"votes: {v}")
    if v["history"] != v["rows"]:
        problems.append(f"vote history: {v['history']} rows for {v['rows']} votes")
    if d["lost"] or d["duplicated"] or d["rows"] != d["expected_rows"]:
        problems.append(f"delphi answers: {d}")
    if e["lost"] or e["wrong_position"] or e["several_current"] or e["current_not_latest"]:
        problems.append(f"endorsements: {e}")
    if e["rows"] != e["distinct_rows_acked"]:
        problems.append(f"endorsements: {e}")
    if r["lost"] or r["unacknowledged"] or r["several_per_person"]:
        problems.append(f"registrations: {r}")
    return problems


def _stats(csv_prefix: str) -> list[dict]:
    rows = []
    with open(csv_prefix + "_stats.csv") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "type": row["Type"],
                    "name": row["Name"],
                    "count": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"] or 0),
                    "p95": float(row["95%"] or 0),
                    "p99": float(row["99%"] or 0),
                }
            )
    return rows


def _failures(csv_prefix: str) -> list[dict]:
    path = csv_prefix + "_failures.csv"
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        return [
            {"name": row["Name"], "error": row["Error"][:200], "n": int(row["Occurrences"])}
            for row in csv.DictReader(handle)
        ]


class MemorySampler(threading.Thread):
    """VmRSS of each gunicorn worker and the task worker every ``every`` seconds."""

    def __init__(self, gunicorn_pid: int, worker_pid: int, every: float = 30.0):
        super().__init__(daemon=True)
        self.gunicorn_pid, self.worker_pid, self.every = gunicorn_pid, worker_pid, every
        self.samples: dict[str, list[tuple[float, float]]] = {}
        self.loads: list[tuple[float, float]] = []
        self.halt = threading.Event()
        self.started_at = time.time()

    def sample(self) -> None:
        now = time.time() - self.started_at
        pids = {f"gunicorn worker {pid}": pid for pid in children(self.gunicorn_pid)}
        pids[f"task worker {self.worker_pid}"] = self.worker_pid
        for name, pid in pids.items():
            mb = rss_mb(pid)
            if mb is not None:
                self.samples.setdefault(name, []).append((now, mb))
        self.loads.append((now, load_avg()[0]))

    def run(self) -> None:
        while not self.halt.is_set():
            self.sample()
            self.halt.wait(self.every)

    def report(self) -> dict:
        out = {}
        for name, points in self.samples.items():
            second_half = [p for p in points if p[0] >= points[-1][0] / 2] or points
            out[name] = {
                "samples": len(points),
                "first_mb": round(points[0][1], 1),
                "last_mb": round(points[-1][1], 1),
                "max_mb": round(max(mb for _t, mb in points), 1),
                "slope_mb_per_h": round(_slope(points) * 3600, 2),
                "slope_second_half_mb_per_h": round(_slope(second_half) * 3600, 2),
            }
        loads = [x for _t, x in self.loads]
        out["load_avg_1m"] = {
            "min": round(min(loads), 2),
            "mean": round(sum(loads) / len(loads), 2),
            "max": round(max(loads), 2),
        }
        return out


def _slope(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of MB over seconds (0 with fewer than two points)."""
    n = len(points)
    if n < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / n
    mean_m = sum(m for _, m in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (m - mean_m) for t, m in points) / var if var else 0.0


def run_case(db: str, args: argparse.Namespace) -> dict:
    var = tempfile.mkdtemp(prefix=f"mg-load-{db}-")
    env = production_env(var, MG_CONSULTATIONS_RATE_SCALE="1000")
    if db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        psql(f"CREATE DATABASE {PG_NAME}")
        env["DATABASE_URL"] = pg_url(PG_NAME)
    fixture = os.path.join(var, "fixture.json")
    accepted = os.path.join(var, "accepted.json")
    csv_prefix = os.path.join(var, "locust")
    env.update(
        MG_LOAD_FIXTURE=fixture,
        MG_LOAD_OUT=accepted,
        MG_LOAD_PARTICIPANTS=str(args.participants),
        MG_LOAD_STATEMENTS=str(args.statements),
        MG_LOAD_INSTITUTIONS=str(args.institutions),
    )
    server = worker = None
    sampler = None
    logs = [open(os.path.join(var, n), "w") for n in ("gunicorn.log", "worker.log")]  # noqa: SIM115
    try:
        began = time.perf_counter()
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "demo", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        manage(env, "shell", "-v", "0", "-c", SETUP)
        setup_s = time.perf_counter() - began
        port = free_port()
        server = start_gunicorn(
            env, port=port, workers=args.workers, threads=args.threads, log=logs[0]
        )
        worker = start_worker(env, logs[1])
        soak = args.soak > 0
        if soak:
            sampler = MemorySampler(server.pid, worker.pid, every=args.sample_every)
            sampler.start()
        users = args.users
        locust_env = {
            **env,
            "MG_LOAD_REQUESTS": "0" if soak else str(args.requests),
            "MG_LOAD_USER_RATE": str(args.rate / users) if soak else "0",
        }
        run_time = f"{args.soak}s" if soak else f"{args.max_seconds}s"
        load_before = load_avg()[0]
        started = time.perf_counter()
        subprocess.run(
            [
                os.path.join(BIN, "locust"),
                "-f",
                os.path.join(HERE, "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(users),
                "--spawn-rate",
                str(max(1, users // 4)),
                "--run-time",
                run_time,
                "--stop-timeout",
                "30",
                "--csv",
                csv_prefix,
                "--only-summary",
                "--loglevel",
                "WARNING",
                "--exit-code-on-error",
                "0",
            ],
            cwd=var,
            env=locust_env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=open(os.path.join(var, "locust.log"), "w"),  # noqa: SIM115
        )
        wall = time.perf_counter() - started
        load_after = load_avg()[:2]
        if sampler is not None:
            sampler.halt.set()
            sampler.join()
            sampler.sample()
        server_alive = server.poll() is None
        worker_alive = worker.poll() is None
    finally:
        if sampler is not None:
            sampler.halt.set()
        stop(server)
        stop(worker)
        for log in logs:
            log.close()
    stats = _stats(csv_prefix)
    failures = _failures(csv_prefix)
    counts = json.loads(
        manage(env, "shell", "-v", "0", "-c", COUNT, capture=True).strip().splitlines()[-1]
    )
    with open(accepted) as handle:
        record = json.load(handle)
    with open(os.path.join(var, "gunicorn.log")) as handle:
        server_errors = [ln.rstrip() for ln in handle if "Traceback" in ln or "ERROR" in ln][:10]
    result = {
        "database": db,
        "mode": f"soak {args.soak} s at ~{args.rate} req/s" if args.soak else "load",
        "users": users,
        "gunicorn": f"{args.workers} workers x {args.threads} threads (gthread)",
        "setup_s": round(setup_s, 1),
        "wall_s": round(wall, 1),
        "stats": stats,
        "failures": failures,
        "counts": counts,
        "refused_duplicate_registrations": record["refused_duplicates"]["register"],
        "problems": _exactly_once(counts),
        "server_errors": server_errors,
        "server_alive": server_alive,
        "worker_alive": worker_alive,
        "load_avg": {
            "before_1m": round(load_before, 2),
            "after_1m": round(load_after[0], 2),
            "after_5m": round(load_after[1], 2),
        },
    }
    if sampler is not None:
        result["memory"] = sampler.report()
    if args.keep:
        result["var"] = var
    else:
        shutil.rmtree(var, ignore_errors=True)
    if db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
    return result


def _print(result: dict) -> None:
    print(
        f"== {result['database']}, {result['mode']}: {result['users']} Locust users against"
        f" gunicorn {result['gunicorn']}; wall {result['wall_s']} s (setup {result['setup_s']} s);"
        f" load average {result['load_avg']['before_1m']} before,"
        f" {result['load_avg']['after_1m']} (1 min) / {result['load_avg']['after_5m']} (5 min)"
        f" after, on {os.cpu_count()} CPUs"
    )
    head = ("count", "fail", "req/s", "p50", "p95", "p99")
    print(
        f"{'request':38s} "
        + " ".join(f"{h:>{w}s}" for h, w in zip(head, (7, 5, 7, 6, 6, 6), strict=True))
    )
    for row in sorted(result["stats"], key=lambda r: (r["name"] == "Aggregated", r["name"])):
        print(
            f"{row['name'][:38]:38s} {row['count']:7d} {row['failures']:5d} {row['rps']:7.1f}"
            f" {row['p50']:6.0f} {row['p95']:6.0f} {row['p99']:6.0f}"
        )
    for failure in result["failures"][:10]:
        print(f"  failure: {failure}")
    c = result["counts"]
    print(
        f"writes: votes {c['vote']['accepted']} accepted -> {c['vote']['rows']} rows,"
        f" {c['vote']['history']} history (lost {c['vote']['lost']}, duplicated"
        f" {c['vote']['duplicated']}, wrong value {c['vote']['wrong_value']});"
        f" Delphi {c['delphi']['accepted']} submissions by {c['delphi']['panellists_acked']}"
        f" panellists -> {c['delphi']['rows']} answers (expected {c['delphi']['expected_rows']});"
        f" endorsements {c['endorse']['accepted']} ({c['endorse']['distinct_rows_acked']} changes)"
        f" -> {c['endorse']['rows']} rows, {c['endorse']['institutions_current']} current;"
        f" registrations {c['register']['accepted']} -> {c['register']['rows']}"
        f" ({c['register']['confirmed']} confirmed, {c['register']['waiting']} waiting),"
        f" {result['refused_duplicate_registrations']} second tries refused"
    )
    if "memory" in result:
        for name, m in result["memory"].items():
            print(f"  memory {name}: {m}")
    print("exactly once:", "yes" if not result["problems"] else result["problems"])
    if result["server_errors"]:
        print("server log:", result["server_errors"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--statements", type=int, default=100)
    parser.add_argument("--institutions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--max-seconds", type=int, default=1800, help="cap of a load run")
    parser.add_argument("--soak", type=int, default=0, help="soak for this many seconds")
    parser.add_argument("--rate", type=float, default=15.0, help="soak: requests per second")
    parser.add_argument("--sample-every", type=float, default=30.0)
    parser.add_argument("--keep", action="store_true", help="keep the run's folder")
    parser.add_argument("--json", action="store_true", help="print one JSON line per run")
    args = parser.parse_args()
    # a SIGTERM (timeout, Ctrl-C) still stops the servers and drops the database
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.soak and args.users > 20:
        args.users = 20  # a moderate rate needs few users, each waiting between requests
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    if not args.json:
        print(f"machine: {machine()}; code from {ROOT}")
    failed = False
    for db in dbs:
        result = run_case(db, args)
        errors = sum(r["failures"] for r in result["stats"] if r["name"] == "Aggregated")
        failed |= bool(result["problems"]) or not result["server_alive"]
        failed |= bool(args.soak and errors)
        if args.json:
            print(json.dumps(result), flush=True)
        else:
            _print(result)
            sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
