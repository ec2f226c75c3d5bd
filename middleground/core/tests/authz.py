"""Building blocks of the authorisation matrix and the core app's rows.

Each app lists its rows in ``<app>/tests/authz.py`` as ``ROWS``; the matrix test walks
every URL pattern and every OpenAPI operation and fails for one without a row.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

PERSONAS = ("anonymous", "dave", "bob", "carol", "alice")


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # a URL with {placeholders}; API rows use the OpenAPI path template
    expect: dict[str, int]
    name: str | None = None  # URL pattern name (pages); None for API operations
    params: dict[str, str] = field(default_factory=dict)  # placeholder -> key of world_values()
    payload: Callable[[Mapping[str, Any]], dict] | None = None
    query: str = ""


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def by_persona(*, anonymous: int, dave: int, bob: int, carol: int, alice: int) -> dict[str, int]:
    """The expected status for each persona, named (keyword-only) so a row reads as a table."""
    return {"anonymous": anonymous, "dave": dave, "bob": bob, "carol": carol, "alice": alice}


SIGNED_IN = by_persona(
    anonymous=302, dave=200, bob=200, carol=200, alice=200
)  # pages behind login_required
SECRETARIAT_PAGE = by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=200)
SECRETARIAT_API = by_persona(anonymous=401, dave=403, bob=403, carol=403, alice=200)

ROWS = [
    Row("GET", "/", everyone(200), name="core:home"),
    # monitoring: open to load balancers and probes, reveals no private detail (core/health.py)
    Row("GET", "/health/", everyone(200), name="health"),
    Row(
        "POST",
        "/i18n/setlang/",
        everyone(302),
        name="set_language",
        payload=lambda w: {"language": "ru"},
    ),
]
