"""A pytest plugin (loaded with ``-p middleground.testing`` from pyproject.toml) that sets the
environment of the test suite before Django reads its settings: production-like settings, but
over plain HTTP, since the test client and the browser tests' live server do not speak TLS."""

import os

os.environ.setdefault("MG_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
