"""A pytest plugin (loaded with ``-p middleground.testing`` from pyproject.toml) that sets the
environment of the test suite before Django reads its settings: production-like settings, but
over plain HTTP, since the test client and the browser tests' live server do not speak TLS.

It also holds helpers the tests import (``from middleground.testing import api_post``).
Django is imported only for type checking, after the environment is set."""

import json
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test import Client

os.environ.setdefault("MG_ALLOW_INSECURE_KEY", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")


def api_post(client: "Client", path: str, data: Any) -> Any:
    """POST ``data`` as a JSON body, as an API client does; returns the test client's response."""
    return client.post(path, json.dumps(data), content_type="application/json")
