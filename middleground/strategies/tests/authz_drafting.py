"""Rows of the authorisation matrix for drafting (views.py and api.py).

bob (expert of the chair, astana) leads the drafts; carol (seoul) is in the task force; dave
is an outsider (404 on drafts); anonymous sees only what is published. Placeholders are built
on first use (``_Values``) and are all named ``drafting_*``.
"""

from middleground.core.tests.authz import Row, by_persona, everyone

DRAFTERS = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)
LEAD_PAGE = by_persona(anonymous=302, dave=404, bob=200, carol=403, alice=200)
LEAD_POST = by_persona(anonymous=302, dave=404, bob=302, carol=403, alice=302)
PART_POST = by_persona(anonymous=302, dave=404, bob=302, carol=302, alice=302)
PART_PAGE = by_persona(anonymous=302, dave=404, bob=200, carol=200, alice=200)
AUTHOR_POST = by_persona(anonymous=302, dave=404, bob=403, carol=302, alice=403)
API_PART = by_persona(anonymous=404, dave=404, bob=201, carol=201, alice=201)
API_LEAD = by_persona(anonymous=404, dave=404, bob=200, carol=403, alice=200)
API_PUBLISHED_WRITE = by_persona(anonymous=404, dave=404, bob=400, carol=400, alice=400)


class _Values(dict):
    """Placeholders built on first use; keys that are not ``drafting_*`` are not ours."""

    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        if not key.startswith("drafting_"):
            raise KeyError(key)
        from middleground.strategies import services

        from .factories import drafting_strategy, open_strategy

        users = self.world.users
        if key == "drafting_one":
            self[key] = 1
        elif key.startswith("drafting_pub_"):
            published = open_strategy(self.world, title="Published strategy authz")
            self.update(
                drafting_pub_slug=published.slug,
                drafting_pub_id=published.pk,
                drafting_pub_key=str(published.paragraphs.order_by("pk").first().key),
            )
        else:
            draft = drafting_strategy(self.world, title="Draft strategy authz")
            first = draft.paragraphs.order_by("pk").first()
            carol = users["carol"]
            a1 = services.propose_amendment(
                actor=carol, strategy=draft, paragraph=first, kind="replace", text="Carol's text."
            )
            a2 = services.propose_amendment(
                actor=users["bob"], strategy=draft, paragraph=first, kind="replace", text="Bob's."
            )
            rejected = services.propose_amendment(
                actor=carol, strategy=draft, paragraph=first, kind="delete"
            )
            services.reject_amendment(actor=users["bob"], amendment=rejected, reason="Needed.")
            self.update(
                drafting_slug=draft.slug,
                drafting_id=draft.pk,
                drafting_key=str(first.key),
                drafting_amendment=a1.pk,
                drafting_amendment2=a2.pk,
                drafting_rejected=rejected.pk,
            )
        if key not in self:
            raise KeyError(key)
        return self[key]


def world_values(world) -> dict:
    return _Values(world)


D = {"slug": "drafting_slug"}
PUB = {"slug": "drafting_pub_slug"}
DP = {"slug": "drafting_slug", "key": "drafting_key"}
PUBP = {"slug": "drafting_pub_slug", "key": "drafting_pub_key"}
S = "/strategies/{slug}/"
P = S + "paragraphs/{key}/"
A = "/api/v1/strategies/{strategy_id}"
AD = {"strategy_id": "drafting_id"}
APUB = {"strategy_id": "drafting_pub_id"}

ROWS = [
    # pages
    Row("GET", "/strategies/", everyone(200), name="strategies:list"),
    Row(
        "GET",
        "/strategies/new/",
        by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=200),
        name="strategies:create",
    ),
    Row("GET", S, DRAFTERS, name="strategies:detail", params=D),
    Row("GET", S, everyone(200), name="strategies:detail", params=PUB),
    Row("GET", S + "edit/", LEAD_PAGE, name="strategies:edit", params=D),
    Row(
        "GET",
        S + "edit/",
        by_persona(anonymous=302, dave=403, bob=302, carol=403, alice=302),
        name="strategies:edit",
        params=PUB,
    ),
    Row("GET", S + "sections/new/", LEAD_PAGE, name="strategies:section_create", params=D),
    Row(
        "POST",
        S + "sections/new/",
        LEAD_POST,
        name="strategies:section_create",
        params=D,
        payload=lambda v: {"title": "Annex"},
    ),
    Row("GET", S + "translations/new/", LEAD_PAGE, name="strategies:translation_create", params=D),
    Row(
        "POST",
        S + "translations/new/",
        LEAD_POST,
        name="strategies:translation_create",
        params=D,
        payload=lambda v: {"language": "ru", "title": "Стратегия"},
    ),
    Row(
        "POST",
        S + "translations/publish/",
        LEAD_POST,
        name="strategies:translation_publish",
        params=D,
    ),
    Row("GET", S + "paragraphs/new/", LEAD_PAGE, name="strategies:paragraph_create", params=D),
    Row("GET", P, DRAFTERS, name="strategies:paragraph", params=DP),
    Row("GET", P, DRAFTERS, name="strategies:paragraph", params=PUBP),
    Row("GET", P + "edit/", LEAD_PAGE, name="strategies:paragraph_edit", params=DP),
    Row(
        "POST",
        P + "comment/",
        PART_POST,
        name="strategies:comment",
        params=DP,
        payload=lambda v: {"text": "A comment."},
    ),
    Row("GET", P + "amend/", PART_PAGE, name="strategies:amend", params=DP),
    Row(
        "POST",
        P + "amend/",
        PART_POST,
        name="strategies:amend",
        params=DP,
        payload=lambda v: {"kind": "replace", "text": "A better paragraph."},
    ),
    Row(
        "GET",
        P + "amend/",
        by_persona(anonymous=302, dave=404, bob=403, carol=403, alice=403),
        name="strategies:amend",
        params=PUBP,
    ),
    Row(
        "POST",
        S + "amendments/{pk}/decide/",
        LEAD_POST,
        name="strategies:amendment_decide",
        params={**D, "pk": "drafting_amendment"},
        payload=lambda v: {"decision": "reject", "reason": "Not now."},
    ),
    Row(
        "POST",
        S + "amendments/{pk}/withdraw/",
        AUTHOR_POST,
        name="strategies:amendment_withdraw",
        params={**D, "pk": "drafting_amendment"},
    ),
    Row(
        "POST",
        S + "amendments/{pk}/promote/",
        AUTHOR_POST,
        name="strategies:amendment_promote",
        params={**D, "pk": "drafting_rejected"},
    ),
    Row(
        "POST",
        S + "amendments/merge/",
        LEAD_POST,
        name="strategies:amendment_merge",
        params=D,
        payload=lambda v: {
            "amendments": [v["drafting_amendment"], v["drafting_amendment2"]],
            "text": "Both texts merged.",
        },
    ),
    Row("GET", S + "versions/", DRAFTERS, name="strategies:versions", params=D),
    Row("GET", S + "versions/", everyone(200), name="strategies:versions", params=PUB),
    Row("GET", S + "versions/1/", DRAFTERS, name="strategies:version", params=D),
    Row("GET", S + "versions/1/", everyone(200), name="strategies:version", params=PUB),
    Row("GET", S + "compare/", DRAFTERS, name="strategies:compare", params=D),
    Row("GET", S + "compare/", everyone(200), name="strategies:compare", params=PUB),
    # API
    Row("GET", "/api/v1/strategies", everyone(200)),
    Row("GET", A, DRAFTERS, params=AD),
    Row("GET", A, everyone(200), params=APUB),
    Row(
        "GET",
        A + "/versions/{number}/canonical",
        everyone(200),
        params={**APUB, "number": "drafting_one"},
    ),
    Row(
        "GET",
        A + "/versions/{number}/canonical",
        everyone(404),
        params={**AD, "number": "drafting_one"},
    ),
    Row("GET", A + "/compare", DRAFTERS, params=AD, query="a=1&b=1"),
    Row("GET", A + "/compare", everyone(200), params=APUB, query="a=1&b=1"),
    Row(
        "POST",
        A + "/paragraphs/{key}/amendments",
        API_PART,
        params={**AD, "key": "drafting_key"},
        payload=lambda v: {"kind": "replace", "text": "A better paragraph."},
    ),
    Row(
        "POST",
        A + "/paragraphs/{key}/amendments",
        API_PUBLISHED_WRITE,
        params={**APUB, "key": "drafting_pub_key"},
        payload=lambda v: {"kind": "replace", "text": "A better paragraph."},
    ),
    Row(
        "POST",
        A + "/amendments/{amendment_id}/decision",
        API_LEAD,
        params={**AD, "amendment_id": "drafting_amendment"},
        payload=lambda v: {"decision": "reject", "reason": "Not now."},
    ),
    Row(
        "POST",
        A + "/paragraphs/{key}/comments",
        API_PART,
        params={**AD, "key": "drafting_key"},
        payload=lambda v: {"text": "A comment."},
    ),
]
