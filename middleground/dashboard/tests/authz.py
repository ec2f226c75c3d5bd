"""The dashboard's rows of the authorisation matrix (the home page's row is the core's)."""

from middleground.core.tests.authz import SIGNED_IN, Row

ROWS = [
    Row("GET", "/me/", SIGNED_IN, name="dashboard:me"),
]
