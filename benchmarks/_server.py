"""What the HTTP benchmarks share: a production-settings environment on a throwaway database,
gunicorn and the task worker started and stopped, PostgreSQL databases created and dropped,
and a description of the machine (benchmarks/votes.py, forum_live.py, load.py, faults.py).

Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import http.client
import os
import platform
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
PG_BASE = "postgres://postgres@127.0.0.1:5432/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        tail = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"manage.py {args[0]} exited with {result.returncode}:\n{tail}")
    return result.stdout if capture else ""


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql],
        check=True,
        capture_output=True,
    )


def pg_url(name: str) -> str:
    return PG_BASE + name


def production_env(var: str, *, database_url: str = "", **extra: str) -> dict[str, str]:
    """Production settings (DEBUG=0, a real secret key, the manifest static storage) on the
    database ``database_url`` (SQLite in ``var`` when empty). Plain HTTP on 127.0.0.1: no
    HTTPS redirect and no secure-only cookies, as behind a TLS proxy on the same host."""
    env = {
        **os.environ,
        "MG_VAR_DIR": var,
        "DEBUG": "0",
        "SECRET_KEY": "benchmark-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "STATIC_ROOT": os.path.join(var, "static"),
        "MEDIA_ROOT": os.path.join(var, "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": ROOT,
    }
    for name in ("MG_ALLOW_INSECURE_KEY", "MG_PLAIN_STATIC", "TASKS_BACKEND"):
        env.pop(name, None)
    env.update(extra)
    return env


def wait_http(port: int, path: str, *, seconds: float = 30.0, proc=None) -> None:
    """Until ``GET path`` answers 200 (or raise)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"no 200 from {path} on port {port} within {seconds:.0f} s")


def start_gunicorn(
    env: dict,
    *,
    port: int,
    workers: int,
    threads: int,
    log,
    probe: str = "/",
    timeout: int = 120,
) -> subprocess.Popen:
    """gunicorn (gthread) on 127.0.0.1:port in its own session; returns once ``probe`` is 200."""
    server = subprocess.Popen(
        [
            os.path.join(BIN, "gunicorn"),
            "middleground.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--timeout",
            str(timeout),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,
    )
    try:
        wait_http(port, probe, seconds=60, proc=server)
    except BaseException:
        stop(server)
        raise
    return server


def start_worker(env: dict, log, *extra: str) -> subprocess.Popen:
    """The background task worker (``manage.py run_worker``) in its own session."""
    return subprocess.Popen(
        [sys.executable, os.path.join(ROOT, "manage.py"), "run_worker", *extra],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(proc: subprocess.Popen | None, sig: int = signal.SIGTERM, wait: float = 30) -> None:
    """Signal the process group of ``proc`` and wait for it (SIGKILL if it lingers)."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=wait)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def children(pid: int) -> list[int]:
    """The direct children of ``pid`` (gunicorn's workers under its master)."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(x) for x in handle.read().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    """Resident memory of ``pid`` in MB (VmRSS), None once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def load_avg() -> tuple[float, float, float]:
    return os.getloadavg()


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as handle:
            cpu = next(
                (ln.split(":", 1)[1].strip() for ln in handle if ln.startswith("model name")), cpu
            )
        with open("/proc/meminfo") as handle:
            mem_kb = next(int(x.split()[1]) for x in handle if x.startswith("MemTotal"))
        mem = f"{mem_kb / 1024 / 1024:.0f} GB"
    except (OSError, StopIteration):
        mem = "?"
    return f"{os.cpu_count()} CPUs ({cpu}), {mem} RAM, Python {platform.python_version()}"
