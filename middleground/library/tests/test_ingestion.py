"""Ingestion through the service: seeds end to end, formats, errors, batches, duplicates."""

import pytest

from .conftest import SEEDS

pytestmark = pytest.mark.django_db


def tags_of(doc, kind):
    return {t.key for t in doc.tags.all() if t.kind == kind}


def test_seed_texts_become_tagged_documents_with_a_duplicate_link(registry, ingest):
    docs = {}
    for path in sorted(SEEDS.glob("*.txt")):
        docs[path.name] = ingest(path.name, path.read_bytes())
    article = docs["000_908bbb8a0c486c43.txt"][0]
    assert "KGS/USD" not in article.body
    assert tags_of(article, "country") >= {"KZ"}
    assert str(registry["kaziss"].pk) in tags_of(article, "institution")
    assert str(registry["people"]["zhandos-shaimardanov"].pk) in tags_of(article, "expert")
    assert article.language == "en"
    listing = docs["001_859130f10ba2337b.txt"]
    assert len(listing) > 1
    assert all(d.title for d in listing)
    linked = [d for d in listing if d.duplicate_of_id == article.pk]
    assert linked, [(d.title, d.duplicate_of_id, d.data_notes) for d in listing]
    assert linked[0].body == ""
    speech = docs["002_842dd8ff9e7b15e5.txt"][0]
    assert str(registry["aif"].pk) in tags_of(speech, "event")
    assert str(registry["people"]["kassym-jomart-tokayev"].pk) in tags_of(speech, "expert")
    oped = docs["004_3b5bf3400bb8b1cf.txt"][0]
    assert "Leave a Reply" not in oped.body
