"""Faults: SIGKILL the web process and the task worker in the middle of real work, restart
them, and check that nothing accepted was lost, nothing half-written, no mail sent twice,
and that interrupted tasks were retried (or failed with a reason).

On a fresh database (SQLite in a temporary directory, or PostgreSQL ``mg_h8_faults``, created
and dropped here), with gunicorn under production settings and ``manage.py run_worker``:

(a) bulk import: a compliance import of ``--members`` x ``--commitments`` x 4 cycles cells
    is POSTed to the API (202, a background job); when the worker has started it, the worker
    and gunicorn are killed (SIGKILL). Before the restart: no cell stored (the import stores
    in one transaction). Restart, ``run_periodic`` after the (short) lease puts the task back
    in the queue, the worker runs it again: the job is done, with every cell exactly once.
(b) vote burst: voters POST votes through the API; gunicorn and the worker are SIGKILLed in
    the middle and restarted; a client retries a vote whose answer it did not get. Every
    acknowledged vote is stored with its value, each vote has its history row, no pair twice.
(c) analysis: the analysis task is killed as soon as it is RUNNING; ``run_periodic`` re-queues
    it and it completes (a new stored result, nothing pending). Then the same task is lost
    ``MAX_LOSSES`` (3) times in a row: it ends FAILED with ``WorkerLost`` and its reason.
(d) digest run: people with pending notices and a test SMTP server (aiosmtpd, as the tests'
    ``smtp_server`` fixture); ``run_periodic`` (which queues the digests) is SIGKILLed in the
    middle, the worker too while it sends; both restarted, ``run_periodic`` again: each person
    gets exactly one digest, every notice digested once, every mail row sent.
(e) registration burst: people register for a forum with fewer places than people; gunicorn
    is SIGKILLed in the middle and restarted; a client that got no answer retries (and is told
    it is already registered). Every 201 is stored, one registration per person, no more
    confirmed than places, waiting positions 1..n without gaps.

``--pg-restart`` (PostgreSQL only, on its own): requests (pages, API reads and votes) while
PostgreSQL is restarted (``pg_ctlcluster ... restart``): during the outage requests fail
cleanly (5xx, no traceback in the body), and afterwards they succeed again without a restart
of gunicorn. The machine's PostgreSQL is shared: run it once, knowingly.

    .venv/bin/python benchmarks/faults.py [--db sqlite|postgres] [--cases abcde]
    .venv/bin/python benchmarks/faults.py --db postgres --pg-restart

Talks only to 127.0.0.1; every wait is bounded.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from _server import (  # noqa: E402
    ROOT,
    free_port,
    load_avg,
    machine,
    manage,
    pg_url,
    production_env,
    psql,
    start_gunicorn,
    start_worker,
    stop,
)

PG_NAME = "mg_h8_faults"
PROBE = "/api/v1/consultations"

SETUP = r"""
import csv, datetime as dt, json, os, random, sys
sys.path.insert(0, os.environ["MG_BENCH_DIR"])
from django.utils import timezone
from bench_accountability import make_strategy, rows_for
from middleground.accountability.jobs import COLUMNS
from middleground.accounts.models import Role, User
from middleground.accounts.services import issue_api_token
from middleground.consultations.services import create_consultation
from middleground.forum.models import Event, RegistrationType

cfg = json.loads(os.environ["MG_FAULTS_CFG"])
out = {}
# (a) the import's strategy and file
alice, strategy, institutions = make_strategy(cfg["members"])
rows = rows_for(institutions, cfg["commitments"], random.Random(4))
with open(cfg["csv"], "w", newline="") as handle:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
out["import"] = {"strategy": strategy.pk, "token": issue_api_token(user=alice, name="faults"),
    "cells": sum(1 for r in rows if r["record"] == "cell"), "rows": len(rows)}
# (b, c) a consultation and its voters
admin = User.objects.create_user("faults-admin", role=Role.SECRETARIAT, is_staff=True)
consultation = create_consultation(actor=admin, data={
    "title": "Fault votes", "question": "Faults?", "visibility": "public",
    "anonymity": "pseudonymous", "status": "open",
    "statements": [f"Fault statement number {i}." for i in range(cfg["statements"])]})
voters = [User.objects.create_user(f"fvoter{i}", role=Role.EXPERT) for i in range(cfg["voters"])]
out["votes"] = {"consultation": consultation.pk,
    "statements": list(consultation.statements.values_list("pk", flat=True)),
    "voters": [{"user": u.pk, "token": issue_api_token(user=u, name="faults")} for u in voters]}
# (c) a consultation with enough votes that its analysis runs for a while
from django.utils import timezone as tz
from middleground.consultations.models import Participant, Vote
big = create_consultation(actor=admin, data={
    "title": "Fault analysis", "question": "Faults?", "visibility": "public",
    "anonymity": "pseudonymous", "status": "open",
    "statements": [f"Analysed statement number {i}." for i in range(cfg["analysis_statements"])]})
Participant.objects.bulk_create([Participant(consultation=big, number=i + 1, simulated=True)
    for i in range(cfg["analysis_participants"])])
rng, now = random.Random(3), tz.now()
ids = list(big.statements.values_list("pk", flat=True))
Vote.objects.bulk_create([Vote(consultation=big, participant_id=pid, statement_id=sid,
    value=rng.choice((-1, 0, 1)), created_at=now, updated_at=now)
    for pid in big.participants.values_list("pk", flat=True) for sid in ids
    if rng.random() < 0.6], batch_size=5000)
out["analysis"] = {"consultation": big.pk, "votes": big.votes.count()}
# (e) a forum with fewer places than people
start = timezone.now() + dt.timedelta(days=30)
event = Event.objects.create(name="Fault forum", slug="fault-forum", starts_at=start,
    ends_at=start + dt.timedelta(hours=8), status="published", visibility="public",
    registration_open=True)
rtype = RegistrationType.objects.create(event=event, name="Open", capacity=cfg["places"],
    delegates_only=False)
people = [User.objects.create_user(f"fperson{i}", role=Role.EXPERT)
    for i in range(cfg["registrants"])]
out["forum"] = {"event": event.pk, "type": rtype.pk, "places": cfg["places"],
    "people": [{"user": u.pk, "token": issue_api_token(user=u, name="faults")} for u in people]}
# (d) people who will have notices waiting for their first digest (made by case d itself:
# every run_periodic of the other cases would send them)
readers = [User.objects.create_user(f"freader{i}", email=f"freader{i}@example.org",
    role=Role.EXPERT, email_verified=True) for i in range(cfg["readers"])]
out["digest"] = {"readers": [u.email for u in readers]}
with open(cfg["out"], "w") as handle:
    json.dump(out, handle)
"""


class Db:
    """Read-only SQL on the platform's database, without Django (fast polling)."""

    def __init__(self, env: dict):
        self.url = env.get("DATABASE_URL", "")
        self.path = os.path.join(env["MG_VAR_DIR"], "middleground.sqlite3")

    def rows(self, sql: str) -> list[tuple]:
        for _attempt in range(50):
            try:
                if self.url:
                    import psycopg

                    with psycopg.connect(self.url, connect_timeout=5) as conn:
                        return list(conn.execute(sql).fetchall())
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=20)
                try:
                    return list(conn.execute(sql).fetchall())
                finally:
                    conn.close()
            except Exception:  # noqa: BLE001 - a locked file or a restarting server: retry
                time.sleep(0.2)
        raise RuntimeError(f"query failed 50 times: {sql}")

    def one(self, sql: str):
        found = self.rows(sql)
        return found[0][0] if found else None


class Platform:
    """gunicorn + the task worker on one database, each killed and restarted at will."""

    def __init__(self, env: dict, var: str, workers: int, threads: int):
        self.env, self.var = env, var
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.web_log = open(os.path.join(var, "gunicorn.log"), "a")  # noqa: SIM115
        self.worker_log = open(os.path.join(var, "worker.log"), "a")  # noqa: SIM115
        self.db = Db(env)

    def start_web(self) -> float:
        began = time.perf_counter()
        self.web = start_gunicorn(
            self.env,
            port=self.port,
            workers=self.workers,
            threads=self.threads,
            log=self.web_log,
            probe=PROBE,
        )
        return time.perf_counter() - began

    def start_worker(self) -> None:
        self.worker = start_worker(
            self.env, self.worker_log, "--interval", "0.2", "--no-startup-delay"
        )

    def kill_web(self) -> None:
        stop(self.web, signal.SIGKILL)

    def kill_worker(self) -> None:
        stop(self.worker, signal.SIGKILL)

    def periodic(self) -> str:
        return manage(self.env, "run_periodic", capture=True).strip()

    def close(self) -> None:
        stop(self.web)
        stop(self.worker)
        self.web_log.close()
        self.worker_log.close()

    def task_rows(self, task: str) -> list[tuple]:
        return self.db.rows(
            "SELECT id, status, worker_ids, exception_class_path, traceback FROM"
            f" django_tasks_database_dbtaskresult WHERE task_path LIKE '%{task}'"
            " ORDER BY enqueued_at"
        )

    def wait(self, what: str, check, seconds: float = 180.0, every: float = 0.05):
        deadline = time.time() + seconds
        while time.time() < deadline:
            value = check()
            if value:
                return value
            time.sleep(every)
        raise RuntimeError(f"timed out waiting for {what}")

    def recover(self, lease: float) -> str:
        """Wait past the lease, then ``run_periodic`` (lost tasks back in the queue)."""
        time.sleep(lease + 0.5)
        return self.periodic()


def request(port: int, method: str, path: str, body=None, token: str = "", timeout=30):
    """One request on a fresh connection: (status, parsed JSON or text) or (None, error)."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = body if isinstance(body, (bytes, str)) or body is None else json.dumps(body)
        if isinstance(body, bytes):
            headers["Content-Type"] = "text/csv"
        conn.request(method, path, data, headers)
        response = conn.getresponse()
        raw = response.read().decode(errors="replace")
        try:
            return response.status, json.loads(raw)
        except ValueError:
            return response.status, raw
    except (OSError, http.client.HTTPException) as exc:
        return None, repr(exc)
    finally:
        conn.close()


# --- (a) bulk import -------------------------------------------------------------------------


def case_import(p: Platform, fx: dict, args) -> dict:
    imp = fx["import"]
    with open(args.csv, "rb") as handle:
        body = handle.read()
    status, job = request(
        p.port,
        "POST",
        f"/api/v1/compliance/strategies/{imp['strategy']}/import",
        body,
        imp["token"],
        timeout=300,
    )
    if status != 202:
        raise RuntimeError(f"import not accepted: {status} {str(job)[:300]}")
    job_id = job["id"]
    # kill both once the worker is in the middle of the job (checking its rows)
    p.wait(
        "the import to start",
        lambda: p.db.one(
            f"SELECT rows_done FROM accountability_importjob WHERE id = {job_id}"
            " AND status = 'running' AND rows_done > 0"
        ),
    )
    killed_at = p.db.one(f"SELECT rows_done FROM accountability_importjob WHERE id = {job_id}")
    p.kill_worker()
    p.kill_web()
    cells_after_kill = p.db.one("SELECT COUNT(*) FROM accountability_cellresult")
    status_after_kill = p.db.one(f"SELECT status FROM accountability_importjob WHERE id = {job_id}")
    restart_s = p.start_web()
    periodic = p.recover(args.lease)
    p.start_worker()
    final = p.wait(
        "the import to finish",
        lambda: p.db.one(
            f"SELECT status FROM accountability_importjob WHERE id = {job_id}"
            " AND status NOT IN ('pending', 'running')"
        ),
        seconds=600,
        every=0.5,
    )
    status, shown = request(
        p.port, "GET", f"/api/v1/compliance/imports/{job_id}", None, imp["token"]
    )
    cells = p.db.one("SELECT COUNT(*) FROM accountability_cellresult")
    distinct = p.db.one(
        "SELECT COUNT(*) FROM (SELECT DISTINCT cycle_id, commitment_id, member_id"
        " FROM accountability_cellresult) AS d"
    )
    tasks = p.task_rows("import_compliance_task")
    ok = (
        cells_after_kill == 0
        and final == "done"
        and cells == imp["cells"]
        and distinct == cells
        and len(tasks) == 1
        and tasks[0][1] == "SUCCESSFUL"
    )
    return {
        "case": "a: bulk import",
        "ok": ok,
        "killed_at_row": killed_at,
        "rows": imp["rows"],
        "cells_after_kill": cells_after_kill,
        "job_status_after_kill": status_after_kill,
        "web_restart_s": round(restart_s, 1),
        "periodic": periodic.splitlines()[0] if periodic else "",
        "job_status": final,
        "job_via_api": (status, shown.get("status") if isinstance(shown, dict) else shown),
        "cells": cells,
        "cells_expected": imp["cells"],
        "duplicated_cells": cells - distinct,
        "task_runs": [(t[1], len(json.loads(t[2] or "[]"))) for t in tasks],
    }


# --- (b) vote burst --------------------------------------------------------------------------


def case_votes(p: Platform, fx: dict, args) -> dict:
    v = fx["votes"]
    path = f"/api/v1/consultations/{v['consultation']}/votes"
    acked: dict[tuple[int, int], int] = {}
    unanswered = [0]
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    per_voter = v["statements"][: args.votes_each]

    def voter(person: dict, seed: int) -> None:
        rng = random.Random(seed)
        order = per_voter[:]
        rng.shuffle(order)
        for statement in order:
            value = rng.choice((-1, 0, 1))
            for attempt in range(60):  # the same vote again until it is answered
                status, _body = request(
                    p.port, "POST", path, {"statement": statement, "vote": value}, person["token"]
                )
                with lock:
                    statuses[str(status)] = statuses.get(str(status), 0) + 1
                if status == 200:
                    with lock:
                        acked[(person["user"], statement)] = value
                    break
                if attempt == 59:
                    with lock:
                        unanswered[0] += 1
                time.sleep(0.25)

    threads = [threading.Thread(target=voter, args=(x, i)) for i, x in enumerate(v["voters"])]
    for t in threads:
        t.start()
    total = len(v["voters"]) * len(per_voter)
    p.wait("half the votes", lambda: len(acked) >= total // 2, seconds=600)
    at_kill = len(acked)
    p.kill_web()
    p.kill_worker()
    down_s = 1.0
    time.sleep(down_s)  # clients meet a closed port for a while
    restart_s = p.start_web()
    p.start_worker()
    for t in threads:
        t.join(timeout=900)
    # an analysis the killed worker was running is put back in the queue
    periodic = p.recover(args.lease)
    stored = {
        (u, s): val
        for u, s, val in p.db.rows(
            "SELECT p.user_id, v.statement_id, v.value FROM consultations_vote v JOIN"
            " consultations_participant p ON p.id = v.participant_id WHERE"
            f" v.consultation_id = {v['consultation']}"
        )
    }
    history = p.db.one(
        f"SELECT COUNT(*) FROM consultations_voteevent WHERE consultation_id = {v['consultation']}"
    )
    lost = [k for k in acked if k not in stored]
    wrong = [k for k, val in acked.items() if k in stored and stored[k] != val]
    ok = not lost and not wrong and history == len(stored) and not unanswered[0]
    ok = ok and len(stored) == len(acked)
    return {
        "case": "b: vote burst",
        "ok": ok,
        "votes_sent": total,
        "acknowledged": len(acked),
        "acknowledged_at_kill": at_kill,
        "stored": len(stored),
        "history_rows": history,
        "lost": len(lost),
        "wrong_value": len(wrong),
        "never_answered": unanswered[0],
        "statuses": statuses,
        "web_restart_s": round(restart_s + down_s, 1),
        "periodic": periodic.splitlines()[0] if periodic else "",
    }


# --- (c) analysis ----------------------------------------------------------------------------

ENQUEUE = r"""
from django.db import transaction
from django.db.models import F
from middleground.consultations.models import Consultation
from middleground.consultations.tasks import enqueue_analysis
with transaction.atomic():
    Consultation.objects.filter(pk=CID).update(analysis_pending=True,
        analysis_requests=F("analysis_requests") + 1)
    enqueue_analysis(CID)
"""


def case_analysis(p: Platform, fx: dict, args) -> dict:
    cid = fx["analysis"]["consultation"]
    p.wait(
        "earlier analyses to finish",
        lambda: p.db.one(
            "SELECT COUNT(*) = 0 FROM django_tasks_database_dbtaskresult WHERE"
            " status IN ('READY', 'RUNNING')"
        ),
        seconds=600,
        every=0.5,
    )
    before = p.db.one(
        f"SELECT COUNT(*) FROM consultations_analysisresult WHERE consultation_id = {cid}"
    )
    known = {t[0] for t in p.task_rows("analyze_consultation_task")}
    # no worker while the task is queued: the poll below is running before it can start
    stop(p.worker)
    manage(p.env, "shell", "-v", "0", "-c", ENQUEUE.replace("CID", str(cid)))
    p.start_worker()

    def new_task():
        return next(
            (t for t in p.task_rows("analyze_consultation_task") if t[0] not in known), None
        )

    def running():
        t = new_task()
        if t is not None and t[1] in ("SUCCESSFUL", "FAILED"):
            raise RuntimeError("the analysis ended before it could be killed: more votes needed")
        return t if t is not None and t[1] == "RUNNING" else None

    p.wait("the analysis task to run", running)
    p.kill_worker()
    periodic = p.recover(args.lease)
    after_recover = new_task()[1]
    p.start_worker()
    done = p.wait(
        "the re-run",
        lambda: (t := new_task()) is not None and t[1] in ("SUCCESSFUL", "FAILED") and t,
        seconds=600,
        every=0.2,
    )
    after = p.db.one(
        f"SELECT COUNT(*) FROM consultations_analysisresult WHERE consultation_id = {cid}"
    )
    pending = p.db.one(f"SELECT analysis_pending FROM consultations_consultation WHERE id = {cid}")
    retried = {
        "status_after_recovery": after_recover,
        "final_status": done[1],
        "runs": len(json.loads(done[2] or "[]")),
        "results_stored": after - before,
        "pending_after": bool(pending),
    }
    # lost three times: failed with the reason
    stop(p.worker)
    known = {t[0] for t in p.task_rows("analyze_consultation_task")}
    manage(p.env, "shell", "-v", "0", "-c", ENQUEUE.replace("CID", str(cid)))
    p.start_worker()
    periodics = []
    for _loss in range(3):
        p.wait("the analysis task to run again", running)
        p.kill_worker()
        periodics.append(p.recover(args.lease).splitlines()[0])
        state = new_task()[1]
        if state == "FAILED":
            break
        p.start_worker()
    failed = new_task()
    if p.worker is None or p.worker.poll() is not None:
        p.start_worker()
    ok = (
        after_recover == "READY"
        and done[1] == "SUCCESSFUL"
        and retried["runs"] == 2
        and retried["results_stored"] >= 1
        and failed[1] == "FAILED"
        and "WorkerLost" in failed[3]
    )
    return {
        "case": "c: analysis",
        "ok": ok,
        "votes": fx["analysis"]["votes"],
        "killed_once": retried,
        "periodic_after_first_loss": periodic.splitlines()[0] if periodic else "",
        "lost_three_times": {
            "status": failed[1],
            "exception": failed[3],
            "reason": failed[4][:200],
            "periodic": periodics,
        },
    }


# --- (d) digest run --------------------------------------------------------------------------


class Inbox:
    """A test SMTP server (aiosmtpd, as the tests' smtp_server fixture) counting recipients."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.received: list[str] = []
        inbox = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                inbox.received.extend(envelope.rcpt_tos)
                return "250 OK"

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def close(self) -> None:
        self.controller.stop()


NOTICES = r"""
from middleground.accounts.models import User
from middleground.notifications.models import Notification
readers = User.objects.filter(username__startswith="freader")
Notification.objects.bulk_create([Notification(recipient=u, kind="faults.test",
    title=f"Please review item {j}", url="/", action_required=True)
    for u in readers for j in range(2)])
"""


def case_digest(p: Platform, fx: dict, args, inbox: Inbox) -> dict:
    readers = fx["digest"]["readers"]
    n = len(readers)
    before = p.db.one("SELECT COUNT(*) FROM notifications_outgoingmail")
    if before:
        raise RuntimeError(f"{before} mails before the digest case: the count would be wrong")
    manage(p.env, "shell", "-v", "0", "-c", NOTICES)
    # the first run: killed when about a third of the digests are queued
    run = subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "manage.py"), "run_periodic"],
        cwd=ROOT,
        env=p.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    queued = p.wait(
        "digests to be queued",
        lambda: (x := p.db.one("SELECT COUNT(*) FROM notifications_outgoingmail")) >= n // 3 and x,
        seconds=300,
        every=0.02,
    )
    stop(run, signal.SIGKILL)
    # the worker dies while it sends
    p.wait(
        "mail to go out",
        lambda: len(inbox.received) >= max(1, queued // 3),
        seconds=300,
        every=0.02,
    )
    p.kill_worker()
    queued_at_kill = p.db.one("SELECT COUNT(*) FROM notifications_outgoingmail")
    sent_at_kill = len(inbox.received)
    # a digest is queued and its notices marked in one transaction: never one without the other
    half = p.db.one(
        "SELECT COUNT(*) FROM (SELECT recipient_id FROM notifications_notification"
        " WHERE kind = 'faults.test' GROUP BY recipient_id HAVING"
        " COUNT(DISTINCT CASE WHEN digested_at IS NULL THEN 0 ELSE 1 END) > 1) AS d"
    )
    digested_people = p.db.one(
        "SELECT COUNT(DISTINCT recipient_id) FROM notifications_notification"
        " WHERE kind = 'faults.test' AND digested_at IS NOT NULL"
    )
    periodic = p.recover(max(args.lease, float(p.env["MAIL_RETRY_BASE_SECONDS"])))
    p.start_worker()

    def all_sent():
        row = p.db.rows(
            "SELECT COUNT(*), SUM(CASE WHEN status = 'sent' THEN 1 ELSE 0 END)"
            " FROM notifications_outgoingmail"
        )[0]
        return row[0] == n and row[1] == n

    try:
        p.wait("every digest sent", all_sent, seconds=120, every=0.5)
    except RuntimeError:
        # mail whose task was lost with the worker is retried by the next periodic run
        periodic += "\n" + p.recover(float(p.env["MAIL_RETRY_BASE_SECONDS"]))
        p.wait("every digest sent", all_sent, seconds=300, every=0.5)
    time.sleep(1.0)
    per_person = {r: inbox.received.count(r) for r in readers}
    undigested = p.db.one(
        "SELECT COUNT(*) FROM notifications_notification WHERE kind = 'faults.test'"
        " AND digested_at IS NULL"
    )
    twice = sorted(r for r, c in per_person.items() if c > 1)
    none = sorted(r for r, c in per_person.items() if c == 0)
    rows = p.db.one("SELECT COUNT(*) FROM notifications_outgoingmail")
    ok = not twice and not none and undigested == 0 and rows == n and not half
    ok = ok and digested_people == queued_at_kill
    return {
        "case": "d: digest run",
        "ok": ok,
        "people": n,
        "queued_when_run_killed": queued,
        "queued_at_worker_kill": queued_at_kill,
        "received_at_worker_kill": sent_at_kill,
        "half_digested_people": half or 0,
        "digested_people_at_kill": digested_people,
        "mail_rows": rows,
        "received": len(inbox.received),
        "received_twice": len(twice),
        "received_none": len(none),
        "notices_not_digested": undigested,
        "periodic": [ln for ln in periodic.splitlines() if ln.startswith(("core", "notif"))],
    }


# --- (e) registration burst ------------------------------------------------------------------


def case_registrations(p: Platform, fx: dict, args) -> dict:
    f = fx["forum"]
    path = f"/api/v1/events/{f['event']}/registrations"
    acked: dict[int, int] = {}
    told_registered: dict[int, int] = {}
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    start_line = threading.Event()

    def person(x: dict) -> None:
        start_line.wait()
        for _attempt in range(120):
            status, body = request(p.port, "POST", path, {"type": f["type"]}, x["token"])
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status == 201:
                with lock:
                    acked[x["user"]] = body["id"]
                return
            if status == 400:  # already registered: the first try went through unanswered
                s2, mine = request(p.port, "GET", path + "/me", None, x["token"])
                if s2 == 200:
                    with lock:
                        told_registered[x["user"]] = mine["id"]
                    return
            time.sleep(0.25)

    threads = [threading.Thread(target=person, args=(x,)) for x in f["people"]]
    for t in threads:
        t.start()
    start_line.set()
    n = len(f["people"])
    p.wait("a third of the registrations", lambda: len(acked) >= n // 3, seconds=600, every=0.01)
    at_kill = len(acked)
    p.kill_web()
    time.sleep(1.0)
    restart_s = p.start_web()
    for t in threads:
        t.join(timeout=900)
    rows = p.db.rows(
        f"SELECT id, user_id, status FROM forum_registration WHERE event_id = {f['event']}"
    )
    ids = {r[0] for r in rows}
    per_user: dict[int, int] = {}
    for _id, user, _status in rows:
        per_user[user] = per_user.get(user, 0) + 1
    confirmed = sum(1 for r in rows if r[2] == "confirmed")
    waiting = sum(1 for r in rows if r[2] == "waiting")
    lost = [u for u, i in acked.items() if i not in ids]
    ok = (
        not lost
        and all(c == 1 for c in per_user.values())
        and len(rows) == n
        and confirmed == min(n, f["places"])
        and waiting == n - confirmed
    )
    return {
        "case": "e: registration burst",
        "ok": ok,
        "people": n,
        "places": f["places"],
        "acknowledged": len(acked),
        "acknowledged_at_kill": at_kill,
        "stored_unanswered_then_found": len(told_registered),
        "rows": len(rows),
        "lost": len(lost),
        "several_per_person": sum(1 for c in per_user.values() if c > 1),
        "confirmed": confirmed,
        "waiting": waiting,
        "statuses": statuses,
        "web_restart_s": round(restart_s + 1.0, 1),
    }


# --- PostgreSQL restarted under load ---------------------------------------------------------


def case_pg_restart(p: Platform, fx: dict, args) -> dict:
    v = fx["votes"]
    paths = [PROBE, f"/api/v1/consultations/{v['consultation']}", "/", "/consultations/"]
    log: list[tuple[float, str, int | None, bool]] = []
    lock = threading.Lock()
    halt = threading.Event()
    vote_path = f"/api/v1/consultations/{v['consultation']}/votes"

    def client(i: int) -> None:
        rng = random.Random(i)
        person = v["voters"][i % len(v["voters"])]
        while not halt.is_set():
            if rng.random() < 0.3:
                body = {"statement": rng.choice(v["statements"]), "vote": rng.choice((-1, 0, 1))}
                status, text = request(p.port, "POST", vote_path, body, person["token"], timeout=20)
                name = "vote"
            else:
                path = rng.choice(paths)
                status, text = request(p.port, "GET", path, None, "", timeout=20)
                name = path
            leak = isinstance(text, str) and ("Traceback" in text or 'File "/' in text)
            with lock:
                log.append((time.time(), name, status, leak))
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    time.sleep(10)
    cluster = sorted(os.listdir("/etc/postgresql"))[-1]
    restart_began = time.time()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", cluster, "main", "restart"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    restart_done = time.time()
    time.sleep(20)
    halt.set()
    for t in threads:
        t.join(timeout=60)
    before = [x for x in log if x[0] < restart_began]
    during = [x for x in log if restart_began <= x[0] <= restart_done + 1]
    after = [x for x in log if x[0] > restart_done + 5]

    def tally(rows):
        out: dict[str, int] = {}
        for _t, _n, status, _leak in rows:
            out[str(status)] = out.get(str(status), 0) + 1
        return out

    first_ok = next((t for t, _n, s, _l in log if t > restart_done and s and s < 400), None)
    errors_after = [x for x in after if x[2] is None or x[2] >= 500]
    ok = (
        not any(x[3] for x in log)
        and not errors_after
        and all(s is None or s < 500 or s in (500, 502, 503) for _t, _n, s, _l in during)
        and p.web is not None
        and p.web.poll() is None
    )
    return {
        "case": "PostgreSQL restarted under load",
        "ok": ok,
        "restart_s": round(restart_done - restart_began, 1),
        "before": tally(before),
        "during": tally(during),
        "after_5s": tally(after),
        "first_success_after_restart_s": round(first_ok - restart_done, 2) if first_ok else None,
        "traceback_leaks": sum(1 for x in log if x[3]),
        "gunicorn_restarted": False,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cases", default="abcde", help="which of a-e to run, in order")
    parser.add_argument("--pg-restart", action="store_true", help="only the PostgreSQL restart")
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--commitments", type=int, default=100)
    parser.add_argument("--voters", type=int, default=40)
    parser.add_argument("--votes-each", type=int, default=30)
    parser.add_argument("--analysis-participants", type=int, default=1500)
    parser.add_argument("--registrants", type=int, default=150)
    parser.add_argument("--places", type=int, default=60)
    parser.add_argument("--readers", type=int, default=300)
    parser.add_argument("--lease", type=int, default=2, help="TASK_LEASE_SECONDS")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    # a SIGTERM (timeout, Ctrl-C) still stops the servers and drops the database
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.pg_restart and args.db != "postgres":
        parser.error("--pg-restart needs --db postgres")
    var = tempfile.mkdtemp(prefix=f"mg-faults-{args.db}-")
    args.csv = os.path.join(var, "import.csv")
    inbox = Inbox()
    env = production_env(
        var,
        MG_CONSULTATIONS_RATE_SCALE="1000",
        TASK_LEASE_SECONDS=str(args.lease),
        MAIL_RETRY_BASE_SECONDS="2",
        CONSULTATIONS_ANALYSIS_DELAY="0",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(inbox.port),
        EMAIL_USE_TLS="0",
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        MG_BENCH_DIR=HERE,
        # the pages' static files unhashed: saves collectstatic (minutes on a busy machine)
        MG_PLAIN_STATIC="1",
    )
    if args.db == "postgres":
        psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        psql(f"CREATE DATABASE {PG_NAME}")
        env["DATABASE_URL"] = pg_url(PG_NAME)
    fixture = os.path.join(var, "fixture.json")
    env["MG_FAULTS_CFG"] = json.dumps(
        {
            "members": args.members,
            "commitments": args.commitments,
            "statements": max(args.votes_each, 10),
            "analysis_participants": args.analysis_participants,
            "analysis_statements": 100,
            "voters": args.voters,
            "places": args.places,
            "registrants": args.registrants,
            "readers": args.readers,
            "csv": args.csv,
            "out": fixture,
        }
    )
    print(f"machine: {machine()}; database {args.db}; load average {load_avg()[0]:.2f}", flush=True)
    results = []
    platform = None
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "shell", "-v", "0", "-c", SETUP)
        with open(fixture) as handle:
            fx = json.load(handle)
        platform = Platform(env, var, args.workers, args.threads)
        platform.start_web()
        platform.start_worker()
        cases = {
            "a": case_import,
            "b": case_votes,
            "c": case_analysis,
            "d": lambda p, f, a: case_digest(p, f, a, inbox),
            "e": case_registrations,
        }
        todo = [case_pg_restart] if args.pg_restart else [cases[c] for c in args.cases]
        for case in todo:
            began = time.perf_counter()
            load_before = load_avg()[0]
            if platform.web is None or platform.web.poll() is not None:
                platform.start_web()
            if platform.worker is None or platform.worker.poll() is not None:
                platform.start_worker()
            result = case(platform, fx, args)
            result["seconds"] = round(time.perf_counter() - began, 1)
            result["load_avg"] = f"{load_before:.2f} -> {load_avg()[0]:.2f}"
            results.append(result)
            print(json.dumps(result), flush=True)
    finally:
        if platform is not None:
            platform.close()
        inbox.close()
        if args.db == "postgres":
            psql(f"DROP DATABASE IF EXISTS {PG_NAME}")
        if args.keep:
            print(f"kept {var}")
        else:
            shutil.rmtree(var, ignore_errors=True)
    bad = [r["case"] for r in results if not r["ok"]]
    print("all cases passed" if not bad else f"FAILED: {bad}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
