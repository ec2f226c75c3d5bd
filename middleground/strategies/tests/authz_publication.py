"""Authorisation rows of the published files (PDF, DOCX, Markdown, JSON, CSV).

A strategy open for endorsement is public; a strategy in drafting is its task force's (bob
and carol are in it), its lead's and the secretariat's: 404 for everyone else.
"""

from middleground.core.tests.authz import Row, by_persona, everyone

DRAFT_FILES = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)
FILES = [
    ("strategies:pdf", "strategy.pdf"),
    ("strategies:docx", "strategy.docx"),
    ("strategies:markdown", "strategy.md"),
    ("strategies:json", "strategy.json"),
    ("strategies:csv", "strategy.csv"),
]
KEYS = ("publication_open_slug", "publication_draft_slug")


class _Values(dict):
    """Strategies built on first use; keys that are not this module's raise KeyError."""

    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        from .factories import drafting_strategy, open_strategy

        if key == "publication_open_slug":
            self[key] = open_strategy(self.world, title="Published files (authz)").slug
        elif key == "publication_draft_slug":
            self[key] = drafting_strategy(self.world, title="Draft files (authz)").slug
        else:
            raise KeyError(key)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


ROWS = [
    row
    for name, file in FILES
    for row in (
        Row(
            "GET",
            "/strategies/{slug}/" + file,
            everyone(200),
            name=name,
            params={"slug": "publication_open_slug"},
        ),
        Row(
            "GET",
            "/strategies/{slug}/" + file,
            DRAFT_FILES,
            name=name,
            params={"slug": "publication_draft_slug"},
        ),
    )
]
