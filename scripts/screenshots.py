"""Take screenshots of pages with headless Chromium, to look at them as a user would.

With no server given, it builds a fresh demo (its own SQLite database in a temporary
directory), starts a server on it, and takes the standard set: the home page, a Delphi answer
form, the reform lab and the audit log, in English, Russian and Kazakh, at 1280 and 390 px::

    .venv/bin/python scripts/screenshots.py                 # -> var/screenshots/
    .venv/bin/python scripts/screenshots.py --out /tmp/shots

Against a running server (``./mg start``), any pages::

    .venv/bin/python scripts/screenshots.py --base http://127.0.0.1:8000 / /network/experts/ \
        --login alice --lang ru --width 390
"""

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "middle-ground-demo"  # noqa: S105 - the demo accounts' password, in the README
LANGUAGES = ("en", "ru", "kk")
WIDTHS = (1280, 390)
# (name, persona, path): the pages the issue asks to see.
STANDARD = (
    ("home", "anonymous", "/"),
    ("delphi-answer", "bob", "/delphi/trusted-cross-border-data-flows-demo/answer/"),
    ("reformlab", "anonymous", "/reformlab/"),
    ("reformlab-builder", "alice", "/reformlab/builder/"),
    ("audit-log", "alice", "/accounts/audit/"),
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _demo_server(var_dir: Path) -> tuple[subprocess.Popen, str]:
    """A server on a fresh demo database (DEBUG, as ``./mg start``), and its address."""
    env = {**os.environ, "MG_VAR_DIR": str(var_dir), "MG_ALLOW_INSECURE_KEY": "1", "DEBUG": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["compilemessages"], ["demo"]):
        subprocess.run(
            [*manage, *command, "-v", "0"],
            cwd=ROOT / ("middleground" if command[0] == "compilemessages" else ""),
            env=env,
            check=command[0] != "compilemessages",  # catalogs may be compiled already
            stdout=subprocess.DEVNULL,
        )
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603 - our own manage.py
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/", timeout=2)  # noqa: S310 - our own server
            return server, base
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"The demo server at {base} did not start.")


def _sign_in(page, username: str, password: str) -> None:
    page.context.clear_cookies()
    if username == "anonymous":
        return
    page.goto("/accounts/login/")
    page.locator("input[name=login], input[name=username]").first.fill(username)
    page.locator("input[type=password]").first.fill(password)
    page.locator("main button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def shoot(base: str, shots, out: Path, languages, widths, password: str) -> list[Path]:
    """Screenshots of ``shots`` ((name, persona, path), ...) in every language and width."""
    out.mkdir(parents=True, exist_ok=True)
    taken = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for lang in languages:
            for width in widths:
                context = browser.new_context(
                    base_url=base,
                    viewport={"width": width, "height": 900 if width > 500 else 844},
                    extra_http_headers={"Accept-Language": lang},
                )
                page = context.new_page()
                page.on(
                    "console",
                    lambda m: print("console:", m.text) if m.type == "error" else None,
                )
                signed_in = None
                for name, persona, path in shots:
                    if persona != signed_in:
                        _sign_in(page, persona, password)
                        signed_in = persona
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    wide = page.evaluate("document.documentElement.scrollWidth")
                    target = out / f"{name}_{lang}_{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    note = f"  (page is {wide}px wide)" if wide > width else ""
                    print(f"{target}{note}")
                    taken.append(target)
                context.close()
        browser.close()
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="pages to take (with --base); default: the set")
    parser.add_argument("--base", help="a running server; without it a demo server is started")
    parser.add_argument("--login", default="anonymous", help="demo user for the given paths")
    parser.add_argument("--password", default=PASSWORD)
    parser.add_argument("--out", default=str(ROOT / "var" / "screenshots"))
    parser.add_argument("--lang", action="append", help="en, ru, kk (repeatable); default all")
    parser.add_argument("--width", type=int, action="append", help="default 1280 and 390")
    args = parser.parse_args()
    languages = args.lang or LANGUAGES
    widths = args.width or WIDTHS
    shots = [
        (re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "home", args.login, path)
        for path in args.paths
    ] or list(STANDARD)
    if args.base:
        shoot(args.base, shots, Path(args.out), languages, widths, args.password)
        return
    with tempfile.TemporaryDirectory(prefix="mg-screenshots-") as var_dir:
        server, base = _demo_server(Path(var_dir))
        try:
            shoot(base, shots, Path(args.out), languages, widths, args.password)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
