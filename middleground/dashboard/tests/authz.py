"""The dashboard's rows of the authorisation matrix (the home page's row is the core's)."""

from middleground.core.tests.authz import SIGNED_IN, Row, everyone

ROWS = [
    Row("GET", "/me/", SIGNED_IN, name="dashboard:me"),
    # Open to all: each group shows only what that person may see (test_search.py).
    Row("GET", "/me/search/", everyone(200), name="dashboard:search", query="q=water"),
]
