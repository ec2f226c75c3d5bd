"""Take screenshots of pages with headless Chromium, to look at them as a user would.

.venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 / /network/experts/ --login alice
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--login", help="demo user to sign in as")
    parser.add_argument("--password", default="middle-ground-demo")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--lang", default="en")
    parser.add_argument("--width", type=int, default=1280)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(
            base_url=args.base,
            viewport={"width": args.width, "height": 900},
            extra_http_headers={"Accept-Language": args.lang},
        )
        page = context.new_page()
        page.on("console", lambda m: print("console:", m.text) if m.type == "error" else None)
        if args.login:
            page.goto("/accounts/login/")
            page.fill("#id_username", args.login)
            page.fill("#id_password", args.password)
            page.click("main button[type=submit]")
        for path in args.paths:
            page.goto(path)
            page.wait_for_load_state("networkidle")
            name = re.sub(r"[^a-z0-9]+", "_", path.lower()).strip("_") or "home"
            target = out / f"{name}_{args.lang}_{args.width}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
