#!/usr/bin/env python
"""Rewrite docs/access-policy.md from the authorisation matrix rows (see
middleground/core/tests/access_policy.py)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "middleground.config.settings")
os.environ.setdefault("MG_ALLOW_INSECURE_KEY", "1")

import django  # noqa: E402

django.setup()

from middleground.core.tests.access_policy import DOCUMENT, render  # noqa: E402
from middleground.core.tests.test_authorization_matrix import ROWS  # noqa: E402

(ROOT / DOCUMENT).write_text(render(ROWS))
print(f"{DOCUMENT}: {len(ROWS)} rows")
