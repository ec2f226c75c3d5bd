"""Authorisation rows for the evidence pages (cite, a citation's page), joined by authz.py.

``world_values`` is lazy: the strategies are built on first use of an ``ev_`` placeholder.
"""

from middleground.core.tests.authz import Row, by_persona, everyone

CITE_DRAFT = by_persona(anonymous=302, dave=404, bob=200, carol=200, alice=200)
CITE_POST = by_persona(anonymous=302, dave=404, bob=302, carol=302, alice=302)
CITE_PUBLISHED = by_persona(anonymous=302, dave=403, bob=403, carol=403, alice=403)
DETAIL_DRAFT = by_persona(anonymous=404, dave=404, bob=200, carol=200, alice=200)
# bob cited it: he and the secretariat remove it; carol may see it but not remove it
REMOVE_DRAFT = by_persona(anonymous=404, dave=404, bob=302, carol=403, alice=302)


class _Values(dict):
    def __init__(self, world):
        super().__init__()
        self.world = world

    def __missing__(self, key):
        if not key.startswith("ev_"):
            raise KeyError(key)
        from middleground.library.models import Access, Document
        from middleground.strategies import evidence
        from middleground.strategies.models import Evidence, ParagraphKind

        from .factories import drafting_strategy, open_strategy

        bob = self.world.users["bob"]
        doc = Document.objects.create(
            title="Public report (authz)",
            kind="txt",
            filename="r.txt",
            access=Access.PUBLIC,
            body="Text.",
            content_hash="c" * 64,
        )
        draft = drafting_strategy(self.world, title="Evidence draft (authz)")
        first, second = draft.paragraphs.filter(kind=ParagraphKind.RECOMMENDATION).order_by(
            "position"
        )
        cited = evidence.cite(
            actor=bob, strategy=draft, paragraph=second, kind="document", source_id=doc.pk
        )
        published = open_strategy(self.world, title="Evidence published (authz)")
        rec = published.paragraphs.filter(kind=ParagraphKind.RECOMMENDATION).first()
        snap = evidence.snapshot_document(doc)
        shown = Evidence.objects.create(
            paragraph=rec,
            kind="document",
            source_id=doc.pk,
            snapshot=snap,
            sha256=evidence.versioning.fingerprint(evidence.versioning.canonical_json(snap)),
            cited_by=bob,
        )
        self.update(
            ev_doc_id=doc.pk,
            ev_draft_slug=draft.slug,
            ev_rec_key=str(first.key),
            ev_evidence_id=cited.pk,
            ev_pub_slug=published.slug,
            ev_pub_key=str(rec.key),
            ev_pub_evidence_id=shown.pk,
        )
        return self[key]


def world_values(world):
    return _Values(world)


CITE = "/strategies/{slug}/paragraphs/{key}/cite/"
DETAIL = "/strategies/{slug}/evidence/{pk}/"
DRAFT_CITE = {"slug": "ev_draft_slug", "key": "ev_rec_key"}
PUB_CITE = {"slug": "ev_pub_slug", "key": "ev_pub_key"}

ROWS = [
    Row("GET", CITE, CITE_DRAFT, name="strategies:cite", params=DRAFT_CITE),
    Row("GET", CITE, CITE_DRAFT, name="strategies:cite", params=DRAFT_CITE, query="kind=document"),
    Row(
        "POST",
        CITE,
        CITE_POST,
        name="strategies:cite",
        params=DRAFT_CITE,
        payload=lambda v: {"kind": "document", "source_id": v["ev_doc_id"]},
    ),
    Row("GET", CITE, CITE_PUBLISHED, name="strategies:cite", params=PUB_CITE),
    Row(
        "GET",
        DETAIL,
        DETAIL_DRAFT,
        name="strategies:evidence",
        params={"slug": "ev_draft_slug", "pk": "ev_evidence_id"},
    ),
    Row(
        "POST",
        DETAIL,
        REMOVE_DRAFT,
        name="strategies:evidence",
        params={"slug": "ev_draft_slug", "pk": "ev_evidence_id"},
    ),
    Row(
        "GET",
        DETAIL,
        everyone(200),
        name="strategies:evidence",
        params={"slug": "ev_pub_slug", "pk": "ev_pub_evidence_id"},
    ),
]
