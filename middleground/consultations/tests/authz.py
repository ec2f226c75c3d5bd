"""Rows of the authorisation matrix for this app (see core/tests/authz.py).

The shared ``world_values()`` knows nothing of consultations, so the paths here are
:class:`ConsultationPath` strings: when the matrix formats one, it first creates (once
per test database) four consultations — public and anonymous, network-only, invited
(bob is invited) and draft — and fills in their slugs and ids.
"""

from typing import Any

from middleground.core.tests.authz import SECRETARIAT_PAGE, Row, by_persona, everyone

OPEN = "authz-open"  # public, anonymous participation, open
NETWORK = "authz-network"  # network members, pseudonymous, open
INVITED = "authz-invited"  # invited only (bob), open
DRAFT = "authz-draft"


def ensure_fixtures() -> dict[str, Any]:
    from middleground.accounts.models import User
    from middleground.consultations.models import Consultation, Invitee
    from middleground.consultations.services import create_consultation

    alice = User.objects.get(username="alice")
    specs = {
        OPEN: {"visibility": "public", "anonymity": "anonymous", "status": "open"},
        NETWORK: {"visibility": "network", "anonymity": "pseudonymous", "status": "open"},
        INVITED: {"visibility": "invited", "anonymity": "named", "status": "open"},
        DRAFT: {"visibility": "public", "anonymity": "named", "status": "draft"},
    }
    ids: dict[str, Any] = {}
    for slug, spec in specs.items():
        consultation = Consultation.objects.filter(slug=slug).first()
        if consultation is None:
            consultation = create_consultation(
                actor=alice,
                data={
                    "title": slug,
                    "question": "How should the Security Council be reformed?",
                    "statements": ["Seed statement one.", "Seed statement two."],
                    **spec,
                },
            )
            if slug == INVITED:
                bob = User.objects.get(username="bob")
                Invitee.objects.create(consultation=consultation, email=bob.email, user=bob)
        key = slug.split("-")[1]
        ids[f"{key}_slug"] = consultation.slug
        ids[f"{key}_id"] = consultation.pk
        ids[f"{key}_statement"] = consultation.statements.order_by("number")[0].pk
    return ids


class ConsultationPath(str):
    """A path template whose ``format`` creates the consultations it names, then fills them in.

    ``mapping`` maps a placeholder (e.g. the API's ``consultation_id``) to a fixture key.
    """

    mapping: dict[str, str]

    def __new__(cls, path: str, mapping: dict[str, str]) -> "ConsultationPath":
        obj = super().__new__(cls, path)
        obj.mapping = mapping
        return obj

    def format(self, *args: Any, **kwargs: Any) -> str:
        fixtures = ensure_fixtures()
        values = {**fixtures, **{k: fixtures[v] for k, v in self.mapping.items()}, **kwargs}
        return str(self).format(*args, **values)


def P(path: str, **mapping: str) -> ConsultationPath:
    return ConsultationPath(path, mapping)


def api(path: str, which: str, statement: bool = False) -> ConsultationPath:
    mapping = {"consultation_id": f"{which}_id"}
    if statement:
        mapping["statement_id"] = f"{which}_statement"
    return P("/api/v1/consultations" + path, **mapping)


NETWORK_ONLY = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)
MANAGE_PAGE = by_persona(anonymous=302, dave=404, bob=403, carol=403, alice=200)
MANAGE_API = by_persona(anonymous=404, dave=404, bob=403, carol=403, alice=200)

ROWS = [
    # pages
    Row("GET", "/consultations/", everyone(200), name="consultations:index", query="q=council"),
    Row("GET", "/consultations/new/", SECRETARIAT_PAGE, name="consultations:create"),
    Row("GET", "/consultations/import/", SECRETARIAT_PAGE, name="consultations:import"),
    Row("GET", P("/consultations/{network_slug}/"), NETWORK_ONLY, name="consultations:detail"),
    Row("GET", P("/consultations/{network_slug}/edit/"), MANAGE_PAGE, name="consultations:edit"),
    Row(
        "GET", P("/consultations/{network_slug}/invite/"), MANAGE_PAGE, name="consultations:invite"
    ),
    Row(
        "POST",
        P("/consultations/{network_slug}/open/"),  # open already: opening again changes nothing
        by_persona(anonymous=302, dave=404, bob=403, carol=403, alice=302),
        name="consultations:open",
        payload=lambda w: {},
    ),
    Row(
        "GET",
        P("/consultations/{invited_slug}/participate/"),
        by_persona(anonymous=404, dave=404, bob=200, carol=404, alice=200),
        name="consultations:participate",
    ),
    Row(
        "GET",
        P("/consultations/{open_slug}/statements/new/"),
        everyone(200),
        name="consultations:add_statement",
    ),
    Row(
        "GET",
        P("/consultations/{network_slug}/moderation/"),
        MANAGE_PAGE,
        name="consultations:moderation",
    ),
    Row(
        "POST",
        P("/consultations/{network_slug}/moderation/{network_statement}/"),
        by_persona(anonymous=302, dave=404, bob=403, carol=403, alice=302),
        name="consultations:moderate",
        payload=lambda w: {"decision": "reject"},
    ),
    Row(
        "GET", P("/consultations/{open_slug}/results/"), everyone(200), name="consultations:results"
    ),
    Row(
        "GET",
        P("/consultations/{draft_slug}/results/status/"),
        by_persona(anonymous=404, dave=404, bob=404, carol=404, alice=200),
        name="consultations:results_status",
    ),
    Row(
        "GET",
        P("/consultations/{network_slug}/export/polis.zip"),
        NETWORK_ONLY,
        name="consultations:export_polis",
    ),
    Row(
        "GET",
        P("/consultations/{open_slug}/export.json"),
        everyone(200),
        name="consultations:export_json",
    ),
    Row("GET", P("/consultations/{open_slug}/report/"), everyone(200), name="consultations:report"),
    Row(
        "GET",
        P("/consultations/{invited_slug}/report.pdf"),
        by_persona(anonymous=404, dave=404, bob=200, carol=404, alice=200),
        name="consultations:report_pdf",
    ),
    # API
    Row("GET", "/api/v1/consultations", everyone(200), query="status=open"),
    Row(
        "POST",
        "/api/v1/consultations",
        by_persona(anonymous=401, dave=403, bob=403, carol=403, alice=201),
        payload=lambda w: {"title": "New consultation", "question": "What now?"},
    ),
    Row("GET", api("/{consultation_id}", "network"), NETWORK_ONLY),
    Row(
        "PATCH",
        api("/{consultation_id}", "network"),
        MANAGE_API,
        payload=lambda w: {"context": "x"},
    ),
    Row(
        "POST",
        api("/{consultation_id}/invitations", "network"),
        by_persona(anonymous=404, dave=404, bob=403, carol=403, alice=201),
        payload=lambda w: {"emails": ["carol@example.org"]},
    ),
    Row("GET", api("/{consultation_id}/statements", "open"), everyone(200)),
    Row(
        "POST",
        api("/{consultation_id}/statements", "open"),
        everyone(201),
        payload=lambda w: {"text": "A new statement written in the matrix test."},
    ),
    Row(
        "POST",
        api("/{consultation_id}/statements/{statement_id}/moderation", "network", statement=True),
        MANAGE_API,
        payload=lambda w: {"accept": False},
    ),
    Row(
        "GET",
        api("/{consultation_id}/next", "invited"),
        by_persona(anonymous=404, dave=404, bob=200, carol=404, alice=200),
    ),
    Row(
        "POST",
        api("/{consultation_id}/votes", "open"),
        everyone(200),
        payload=lambda w: {"statement": ensure_fixtures()["open_statement"], "vote": 1},
    ),
    Row(
        "POST",
        api("/{consultation_id}/votes", "network"),
        by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200),
        payload=lambda w: {"statement": ensure_fixtures()["network_statement"], "vote": -1},
    ),
    Row(
        "GET",
        api("/{consultation_id}/results", "draft"),
        by_persona(anonymous=404, dave=404, bob=404, carol=404, alice=200),
    ),
]
