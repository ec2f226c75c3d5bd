"""Access: public, network-only and task-force documents, for every persona, through the
pages, the API and search (titles and snippets never leak). Runs on both databases."""

import json

import pytest

from middleground.library.models import Access
from middleground.network.models import TaskForce

pytestmark = pytest.mark.django_db

SECRET = "quokkasecret"  # a word only the restricted documents contain


@pytest.fixture
def shelf(registry, ingest, world):
    other_tf = TaskForce.objects.create(
        name="Security task force (test)",
        slug="security-tf",
        focus_area=world.security,
        chair=registry["kaziss"],
        mandate="Closed work.",
    )
    docs = {}
    for label, access, tf in [
        ("public", Access.PUBLIC, None),
        ("network", Access.NETWORK, None),
        ("water", Access.TASK_FORCE, world.task_force),
        ("security", Access.TASK_FORCE, other_tf),
    ]:
        text = (
            f"Title {label} {SECRET} report\n\n"
            f"The {label} paper on {SECRET} water data in Kazakhstan, {SECRET} again, "
            f"written for the {label} readers of the network."
        )
        [doc] = ingest(f"{label}.txt", text, access=access, task_force=tf)
        docs[label] = doc
    return docs


VISIBLE = {
    "anonymous": {"public"},
    "dave": {"public"},
    "bob": {"public", "network", "water"},  # astana chairs the water task force
    "carol": {"public", "network", "water"},  # seoul is a member of it
    "alice": {"public", "network", "water", "security"},
}


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_search_never_leaks_restricted_titles_or_snippets(shelf, as_persona, persona):
    client = as_persona(persona)
    allowed = VISIBLE[persona]
    hidden = set(shelf) - allowed
    for url in (
        f"/library/?q={SECRET}",
        f"/library/?q={SECRET}&country=KZ&sort=date",
        f"/api/v1/library/search?q={SECRET}",
        f"/api/v1/library/search?q={SECRET}&country=KZ",
        f"/api/v1/library/search/export?format=json&q={SECRET}",
        f"/api/v1/library/search/export?format=csv&q={SECRET}",
        f"/library/search/?q={SECRET}",
        "/api/v1/library/documents",
    ):
        body = client.get(url).content.decode()
        for label in hidden:
            assert f"{label} paper" not in body, (persona, url, label)
            assert f"Title {label}" not in body, (persona, url, label)
        for label in allowed:
            if "documents" not in url:
                assert f"Title {label}" in body, (persona, url, label)
    api = json.loads(client.get(f"/api/v1/library/search?q={SECRET}").content)
    assert api["count"] == len(allowed)
    assert sum(v["count"] for v in api["facets"]["language"]) == len(allowed)


@pytest.mark.parametrize("persona", list(VISIBLE))
def test_document_pages_and_api_answer_404_for_what_a_persona_may_not_read(
    shelf, as_persona, persona
):
    client = as_persona(persona)
    for label, doc in shelf.items():
        expected = 200 if label in VISIBLE[persona] else 404
        assert client.get(f"/library/documents/{doc.pk}/").status_code == expected
        assert client.get(f"/api/v1/library/documents/{doc.pk}").status_code == expected


def test_related_documents_and_mentions_skip_restricted_documents(shelf, as_persona, registry):
    from middleground.accounts.models import Visitor
    from middleground.library import selectors

    public = shelf["public"]
    related = selectors.related_documents(Visitor(), public)
    assert all(d.access == Access.PUBLIC for d in related)
    mentions = selectors.documents_mentioning(Visitor(), country="KZ")
    assert {d.pk for d in mentions} == {public.pk}
    alice = registry["users"]["alice"]
    assert len(selectors.documents_mentioning(alice, country="KZ")) == 4


def test_a_duplicate_is_never_linked_to_a_less_open_original(registry, ingest, world):
    text = "Closed minutes on quokka migration in the Aral basin and what it means for water."
    [restricted] = ingest("minutes.txt", text, access=Access.NETWORK)
    [public] = ingest("minutes-copy.txt", text, access=Access.PUBLIC)
    assert public.duplicate_of_id is None and public.body
    [network_copy] = ingest("minutes-again.txt", text, access=Access.NETWORK)
    assert network_copy.duplicate_of_id in (restricted.pk, public.pk)


def test_members_can_only_restrict_to_their_own_task_forces(registry, as_persona, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    other = TaskForce.objects.create(
        name="Other TF",
        slug="other-tf",
        focus_area=world.security,
        chair=registry["kaziss"],
        mandate="x",
    )
    client = as_persona("bob")
    response = client.post(
        "/api/v1/library/documents",
        {
            "files": SimpleUploadedFile("a.txt", b"Some text about quokkas and water."),
            "access": "task_force",
            "task_force": other.pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["field"] == "task_force"
