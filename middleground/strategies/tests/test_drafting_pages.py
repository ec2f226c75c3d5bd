"""The drafting pages through HTTP: list, create, the drafting page, a paragraph and its
amendments, versions and the comparison."""

import pytest

from middleground.strategies import services, versioning
from middleground.strategies.models import Amendment, AmendmentState, Comment, Strategy

from .factories import drafting_strategy, open_strategy

pytestmark = pytest.mark.django_db


def paragraphs(strategy):
    return list(strategy.paragraphs.filter(deleted=False).order_by("section__position", "position"))


def test_list_filters_and_empty_state(world, as_persona):
    page = as_persona("anonymous").get("/strategies/").content.decode()
    assert "No joint strategy to show yet." in page
    draft = drafting_strategy(world)
    published = open_strategy(world, title="Published water strategy")
    public = as_persona("anonymous").get("/strategies/").content.decode()
    assert published.title in public and draft.title not in public
    mine = as_persona("carol").get("/strategies/?status=drafting").content.decode()
    assert draft.title in mine and published.title not in mine
    none = as_persona("carol").get("/strategies/?q=nothing-like-this").content.decode()
    assert "No strategy matches these filters." in none
    assert "New strategy" not in mine
    assert "New strategy" in as_persona("alice").get("/strategies/").content.decode()


def test_secretariat_creates_through_the_form(world, as_persona):
    alice = as_persona("alice")
    assert alice.get("/strategies/new/").status_code == 200
    data = {
        "title": "Digital trust strategy",
        "kind": "strategy",
        "task_force": world.task_force.pk,
        "focus_area": world.water.pk,
        "lead": world.users["bob"].pk,
        "language": "en",
        "summary": "",
        "breadth_kind": "regional_groups",
        "breadth_min_per_group": 1,
        "breadth_min_groups": 3,
    }
    response = alice.post("/strategies/new/", data)
    strategy = Strategy.objects.get()
    assert response.status_code == 302 and response["Location"] == strategy.get_absolute_url()
    assert strategy.lead == world.users["bob"] and strategy.versions.count() == 1
    # a bad lead: the form says why, beside the field; nothing stored
    bad = alice.post("/strategies/new/", {**data, "lead": world.users["dave"].pk})
    assert bad.status_code == 200 and Strategy.objects.count() == 1
    assert "Select a valid choice" in bad.content.decode()


def test_drafting_page_for_drafters_and_published_text_for_the_public(world, as_persona):
    strategy = open_strategy(world)
    p = paragraphs(strategy)[2]
    # the public page shows the published version even after a working change
    p.text = "A working change nobody outside should see."
    p.save(update_fields=["text"])
    versioning.new_version(strategy, actor=world.users["bob"], note="working")
    public = as_persona("anonymous").get(strategy.get_absolute_url()).content.decode()
    assert "Publish river-flow data of every shared basin monthly." in public
    assert "A working change" not in public
    assert "Discuss and amend" not in public and "/paragraphs/" not in public
    drafter = as_persona("carol").get(strategy.get_absolute_url()).content.decode()
    assert "A working change nobody outside should see." in drafter
    assert f"/paragraphs/{p.key}/" in drafter


def test_drafting_page_shows_numbers_kinds_actors_counts_and_lead_tools(world, as_persona):
    strategy = drafting_strategy(world)
    carol = world.users["carol"]
    rec = paragraphs(strategy)[2]
    services.comment(actor=carol, strategy=strategy, paragraph=rec, text="Monthly is a lot.")
    services.propose_amendment(
        actor=carol, strategy=strategy, paragraph=rec, kind="replace", text="Quarterly."
    )
    page = as_persona("bob").get(strategy.get_absolute_url()).content.decode()
    assert "Recommendation" in page and "basin authorities, UN-Water" in page
    assert "by 2028" in page and "1 comment" in page and "1 open amendment" in page
    assert "Add a paragraph" in page and "Edit title, summary" in page
    carol_page = as_persona("carol").get(strategy.get_absolute_url()).content.decode()
    assert "Add a paragraph" not in carol_page and "Discuss and amend" in carol_page


def test_paragraph_page_propose_comment_decide_withdraw_promote(world, as_persona):
    strategy = drafting_strategy(world)
    p = paragraphs(strategy)[0]
    url = f"/strategies/{strategy.slug}/paragraphs/{p.key}/"
    carol, bob = as_persona("carol"), as_persona("bob")
    r = carol.post(url + "amend/", {"kind": "replace", "text": "<script>x</script> Data."})
    a = Amendment.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"#amendment-{a.pk}")
    page = carol.get(url).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page and "<script>x</script>" not in page
    assert "Withdraw" in page and "Reject" not in page  # the author's buttons, not the lead's
    carol.post(url + "comment/", {"text": "On the amendment.", "amendment": a.pk})
    assert Comment.objects.get().amendment == a
    # an empty comment: 400 with the error beside the field, nothing stored
    bad = carol.post(url + "comment/", {"text": ""})
    assert bad.status_code == 400 and Comment.objects.count() == 1
    lead_page = bob.get(url).content.decode()
    assert "Accept" in lead_page and "Reject" in lead_page
    # reject without reason: an error message, still open
    bob.post(f"/strategies/{strategy.slug}/amendments/{a.pk}/decide/", {"decision": "reject"})
    a.refresh_from_db()
    assert a.state == AmendmentState.EVALUATING
    bob.post(
        f"/strategies/{strategy.slug}/amendments/{a.pk}/decide/",
        {"decision": "reject", "reason": "No markup."},
    )
    a.refresh_from_db()
    assert a.state == AmendmentState.REJECTED and a.reason == "No markup."
    assert "Propose again" in carol.get(url).content.decode()
    carol.post(f"/strategies/{strategy.slug}/amendments/{a.pk}/promote/")
    promoted = Amendment.objects.get(promoted_from=a)
    carol.post(f"/strategies/{strategy.slug}/amendments/{promoted.pk}/withdraw/")
    promoted.refresh_from_db()
    assert promoted.state == AmendmentState.WITHDRAWN
    # a draft, then published by its author through the page
    carol.post(url + "amend/", {"kind": "delete", "draft": "on"})
    draft = Amendment.objects.get(state=AmendmentState.DRAFT)
    assert f"amendment-{draft.pk}" not in bob.get(url).content.decode()
    carol.post(f"/strategies/{strategy.slug}/amendments/{draft.pk}/decide/", {"publish": "1"})
    draft.refresh_from_db()
    assert draft.state == AmendmentState.EVALUATING
    bob.post(f"/strategies/{strategy.slug}/amendments/{draft.pk}/decide/", {"decision": "accept"})
    p.refresh_from_db()
    assert p.deleted
    assert "deleted" in bob.get(url).content.decode()


def test_merge_through_the_page(world, as_persona):
    strategy = drafting_strategy(world)
    p = paragraphs(strategy)[3]
    a1 = services.propose_amendment(
        actor=world.users["carol"], strategy=strategy, paragraph=p, kind="replace", text="One."
    )
    a2 = services.propose_amendment(
        actor=world.users["alice"], strategy=strategy, paragraph=p, kind="replace", text="Two."
    )
    bob = as_persona("bob")
    page = bob.get(f"/strategies/{strategy.slug}/paragraphs/{p.key}/").content.decode()
    assert "Merge competing amendments" in page
    r = bob.post(
        f"/strategies/{strategy.slug}/amendments/merge/",
        {"amendments": [a1.pk, a2.pk], "text": "One and two."},
    )
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.text == "One and two." and strategy.versions.count() == 2


def test_versions_and_compare_pages(world, as_persona):
    strategy = drafting_strategy(world)
    bob, carol = world.users["bob"], world.users["carol"]
    rec = paragraphs(strategy)[2]
    a = services.propose_amendment(
        actor=carol,
        strategy=strategy,
        paragraph=rec,
        kind="replace",
        text="Publish river-flow data of every shared basin weekly.",
    )
    services.accept_amendment(actor=bob, amendment=a)
    client = as_persona("carol")
    versions = client.get(f"/strategies/{strategy.slug}/versions/").content.decode()
    assert "First draft" in versions and f"Amendment #{a.pk} by carol accepted" in versions
    page = client.get(f"/strategies/{strategy.slug}/compare/?a=1&b=2").content.decode()
    assert "1 paragraph changed" in page and "Legend:" in page
    assert "<del>monthly</del><ins>weekly</ins>" in page
    assert page.count("<del>") == 2  # the legend's and the one word
    assert "unchanged" in page
    assert (
        client.get(f"/strategies/{strategy.slug}/compare/")
        .content.decode()
        .count("<del>monthly</del>")
        == 1
    )  # defaults to the last two versions
    assert (
        "Choose two versions"
        in client.get(f"/strategies/{strategy.slug}/compare/?a=1&b=7").content.decode()
    )
    detail = client.get(f"/strategies/{strategy.slug}/versions/1/").content.decode()
    assert "monthly" in detail and "working version" in detail
    # the public sees only published versions
    published = open_strategy(world, title="Published strategy")
    public = as_persona("anonymous").get(f"/strategies/{published.slug}/versions/").content
    assert published.latest_published().sha256 in public.decode()
