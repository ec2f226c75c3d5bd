"""Platform-level behaviour: the demo, periodic jobs, SQLite under concurrent writers."""

import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

from middleground.accounts.models import Invitation, User
from middleground.network.models import Expert, Institution, TaskForce

ROOT = Path(__file__).resolve().parents[3]


def test_the_demo_loads_the_seed_network_and_is_safe_to_run_twice(db):
    call_command("demo", verbosity=0)
    counts = (
        Institution.objects.count(),
        Expert.objects.count(),
        TaskForce.objects.count(),
        User.objects.count(),
    )
    call_command("demo", verbosity=0)
    assert (
        Institution.objects.count(),
        Expert.objects.count(),
        TaskForce.objects.count(),
        User.objects.count(),
    ) == counts
    kaziss = Institution.objects.get(acronym="KazISS")
    assert kaziss.country_id == "KZ" and kaziss.verified and not kaziss.is_demo
    assert Expert.objects.get(name="Zhandos Shaimardanov").institution == kaziss
    assert TaskForce.objects.count() == 7  # one per focus area
    generated = Expert.objects.filter(slug__startswith="demo-")
    assert generated.count() == 36 and all(e.is_demo for e in generated)
    assert {u.username for u in User.objects.all()} >= {"alice", "bob", "carol", "dave"}


def test_periodic_jobs_remove_stale_invitations(world):
    from datetime import timedelta

    from django.utils import timezone

    old = Invitation.objects.create(
        email="x@example.org",
        role="expert",
        token_hash="x" * 64,
        expires_at=timezone.now() - timedelta(days=91),
    )
    call_command("run_periodic", verbosity=0)
    assert not Invitation.objects.filter(pk=old.pk).exists()


WRITER = """
import os, sys, django
os.environ["DJANGO_SETTINGS_MODULE"] = "middleground.config.settings"
django.setup()
from django.db import transaction
from middleground.accounts.models import AuditEvent
for i in range(40):
    with transaction.atomic():
        n = AuditEvent.objects.count()  # a read before the write: the classic deadlock-prone shape
        AuditEvent.objects.create(action="load", details={"writer": sys.argv[1], "i": i, "seen": n})
"""


def test_concurrent_writers_on_sqlite_queue_instead_of_failing(tmp_path):
    env = {
        **os.environ,
        "MG_VAR_DIR": str(tmp_path),
        "MG_ALLOW_INSECURE_KEY": "1",
        "DATABASE_URL": "",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(n)], cwd=ROOT, env=env, stderr=subprocess.PIPE
        )
        for n in range(4)
    ]
    errors = [w.communicate(timeout=120)[1].decode() for w in writers]
    assert all(w.returncode == 0 for w in writers), errors
    check = (
        "from middleground.accounts.models import AuditEvent as A; "
        "print(A.objects.filter(action='load').count())"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", check],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    assert out.stdout.decode().strip().splitlines()[-1] == "160"
    assert (tmp_path / "middleground.sqlite3-wal").exists() or (
        tmp_path / "middleground.sqlite3"
    ).exists()


def test_the_web_process_keeps_what_it_loaded_out_of_the_cyclic_collector():
    """A full collection walked all of Django and the app on every pass (65 ms)."""
    env = {**os.environ, "MG_ALLOW_INSECURE_KEY": "1", "DATABASE_URL": ""}
    probe = (
        "import gc; import middleground.config.wsgi; "
        "frozen = gc.get_freeze_count(); gc.unfreeze(); "
        "print(frozen, len(gc.get_objects()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, check=True, capture_output=True
    )
    frozen, tracked = map(int, out.stdout.decode().split())
    assert frozen > 0.9 * tracked  # nearly everything alive once loaded
