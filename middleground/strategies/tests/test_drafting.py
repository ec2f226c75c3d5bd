"""The drafting workflow through its services: strategies, the text, comments, amendments
(their whole lifecycle, competing amendments, merges, every illegal transition) and what a
published text refuses."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from middleground.accounts.models import AuditEvent, Role, User
from middleground.core.errors import ServiceError
from middleground.network.models import Institution, TaskForce
from middleground.notifications.models import Notification
from middleground.strategies import permissions, selectors, services, versioning
from middleground.strategies.models import (
    Amendment,
    AmendmentState,
    Comment,
    Paragraph,
    Strategy,
    StrategyStatus,
    Version,
)

from .factories import drafting_strategy, open_strategy

pytestmark = pytest.mark.django_db


def paragraphs(strategy):
    return list(strategy.paragraphs.filter(deleted=False).order_by("section__position", "position"))


def first(strategy):
    return paragraphs(strategy)[0]


def counts():
    return (
        Strategy.objects.count(),
        Version.objects.count(),
        Amendment.objects.count(),
        Comment.objects.count(),
        Paragraph.objects.count(),
    )


def texts(version):
    return [p["text"] for p in versioning.paragraphs_of(version.content)]


# --------------------------------------------------------------------------- strategies


def test_secretariat_creates_a_strategy_with_version_one(world):
    alice, bob = world.users["alice"], world.users["bob"]
    strategy = services.create_strategy(
        actor=alice,
        task_force=world.task_force,
        title="Water data",
        focus_area=world.water,
        lead=bob,
        kind="strategy",
        summary="Why and how.",
        language="en",
        breadth_kind="blocs",
        breadth_min_per_group=2,
        breadth_min_groups=2,
    )
    again = services.create_strategy(
        actor=alice,
        task_force=world.task_force,
        title="Water data",
        focus_area=world.water,
        lead=alice,
    )
    assert (strategy.slug, again.slug) == ("water-data", "water-data-2")
    assert strategy.status == StrategyStatus.DRAFTING and strategy.lead == bob
    assert (strategy.breadth_kind, strategy.breadth_min_per_group) == ("blocs", 2)
    v1 = strategy.versions.get()
    assert v1.number == 1 and v1.content["sections"] == [] and not v1.is_published
    assert AuditEvent.objects.filter(action="strategies.strategy.create").count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"lead": "dave"}, "lead"),
        ({"kind": "poem"}, "kind"),
        ({"language": "English!"}, "language"),
        ({"breadth_min_groups": 0}, "breadth_min_groups"),
        ({"breadth_kind": "planets"}, "breadth_kind"),
        ({"focus_area": None}, "focus_area"),
    ],
)
def test_bad_strategy_input_names_the_field_and_stores_nothing(world, change, field):
    args = {
        "actor": world.users["alice"],
        "task_force": world.task_force,
        "title": "Water data",
        "focus_area": world.water,
        "lead": world.users["bob"],
    }
    if change.get("lead"):
        change = {"lead": world.users[change["lead"]]}
    before = counts()
    with pytest.raises(ServiceError) as err:
        services.create_strategy(**{**args, **change})
    assert err.value.field == field
    assert counts() == before


def test_only_secretariat_and_chair_representatives_create(world):
    args = {
        "task_force": world.task_force,
        "title": "Water data",
        "focus_area": world.water,
        "lead": world.users["bob"],
    }
    for name in ("bob", "carol", "dave"):
        with pytest.raises(ServiceError) as err:
            services.create_strategy(actor=world.users[name], **args)
        assert err.value.status == 403
    chair_rep = User.objects.create_user(
        "asel",
        "asel@example.org",
        "pw-Long-enough-1",
        role=Role.REPRESENTATIVE,
        institution=world.astana,
    )
    made = services.create_strategy(actor=chair_rep, **args)
    assert made.created_by == chair_rep
    assert Strategy.objects.count() == 1


def test_update_strategy_saves_only_changed_fields(world):
    strategy = drafting_strategy(world)
    bob = world.users["bob"]
    services.update_strategy(actor=bob, strategy=strategy, title=strategy.title)
    assert strategy.versions.count() == 1  # nothing changed, nothing made
    services.update_strategy(actor=bob, strategy=strategy, title="Water data, revised")
    assert strategy.versions.count() == 2
    assert strategy.latest_version().content["title"] == "Water data, revised"
    services.update_strategy(actor=bob, strategy=strategy, breadth_min_groups=4)
    strategy.refresh_from_db()
    assert strategy.breadth_min_groups == 4 and strategy.versions.count() == 2
    with pytest.raises(ServiceError) as err:
        services.update_strategy(actor=world.users["carol"], strategy=strategy, title="Mine")
    assert err.value.status == 403
    with pytest.raises(ServiceError) as err:
        services.update_strategy(actor=bob, strategy=strategy, status="adopted")
    assert err.value.field == "status"


def test_lead_adds_sections_and_paragraphs_and_edits(world):
    strategy = drafting_strategy(world)
    bob = world.users["bob"]
    context = strategy.sections.get(position=1)
    after = first(strategy)
    added = services.add_paragraph(
        actor=bob,
        strategy=strategy,
        section=context,
        text="Inserted second.",
        kind="narrative",
        actors=[],
        timeline="",
        after=after,
    )
    assert texts(strategy.latest_version())[:3] == [
        "Water data are scattered across basin authorities.",
        "Inserted second.",
        "Shared data build trust between riparian states.",
    ]
    annex = services.add_section(actor=bob, strategy=strategy, title="Annex")
    services.add_paragraph(
        actor=bob,
        strategy=strategy,
        section=annex,
        text="Last.",
        kind="recommendation",
        actors=["UN-Water", "UN-Water", " basins "],
        timeline="2030",
    )
    last = versioning.paragraphs_of(strategy.latest_version().content)[-1]
    assert (last["number"], last["section"], last["actors"]) == (6, "Annex", ["UN-Water", "basins"])
    services.edit_paragraph(actor=bob, strategy=strategy, paragraph=added, text="Edited.")
    assert strategy.versions.count() == 5
    assert "Edited." in texts(strategy.latest_version())
    before = counts()
    with pytest.raises(ServiceError) as err:
        services.edit_paragraph(actor=bob, strategy=strategy, paragraph=added, text=" ")
    assert err.value.field == "text" and counts() == before
    with pytest.raises(ServiceError) as err:
        services.add_paragraph(actor=bob, strategy=strategy, section=annex, text="x", kind="poem")
    assert err.value.field == "kind" and counts() == before
    with pytest.raises(ServiceError) as err:
        services.edit_paragraph(
            actor=world.users["carol"], strategy=strategy, paragraph=added, text="Carol."
        )
    assert err.value.status == 403 and counts() == before


# --------------------------------------------------------------------------- comments


def test_task_force_comments_on_paragraphs_and_amendments(world):
    strategy = drafting_strategy(world)
    carol, bob = world.users["carol"], world.users["bob"]
    p = first(strategy)
    c = services.comment(actor=carol, strategy=strategy, paragraph=p, text="Too vague.")
    a = services.propose_amendment(
        actor=bob, strategy=strategy, paragraph=p, kind="replace", text="Sharper."
    )
    on_a = services.comment(actor=carol, strategy=strategy, paragraph=p, text="Yes.", amendment=a)
    assert (c.amendment, on_a.amendment) == (None, a)
    assert list(selectors.paragraph_comments(p)) == [c]
    before = counts()
    with pytest.raises(ServiceError) as err:
        services.comment(actor=world.users["dave"], strategy=strategy, paragraph=p, text="Hi")
    assert err.value.status == 403
    with pytest.raises(ServiceError) as err:
        services.comment(actor=carol, strategy=strategy, paragraph=p, text="")
    assert err.value.field == "text"
    other = paragraphs(strategy)[1]
    with pytest.raises(ServiceError) as err:
        services.comment(actor=carol, strategy=strategy, paragraph=other, text="x", amendment=a)
    assert err.value.field == "amendment"
    assert counts() == before


# --------------------------------------------------------------------------- amendments


def test_the_whole_amendment_lifecycle(world):
    strategy = drafting_strategy(world)
    bob, carol = world.users["bob"], world.users["carol"]
    p = first(strategy)
    original = p.text
    a = services.propose_amendment(
        actor=carol,
        strategy=strategy,
        paragraph=p,
        kind="replace",
        text="Water data are scattered across basin authorities and ministries.",
        explanation="Ministries hold data too.",
    )
    assert a.state == AmendmentState.EVALUATING
    assert (a.base_version.number, a.base_text) == (1, original)
    proposed = Notification.objects.get(kind="strategies.amendment_proposed")
    assert proposed.recipient == bob and "Seoul" not in proposed.title
    assert carol.display_name in proposed.title
    assert strategy.versions.count() == 1  # a proposal does not change the text

    services.accept_amendment(actor=bob, amendment=a, reason="Good point.")
    a.refresh_from_db()
    p.refresh_from_db()
    assert a.state == AmendmentState.ACCEPTED and a.decided_by == bob and a.decided_at
    assert p.text.endswith("and ministries.") and p.credits == [carol.display_name]
    v2 = strategy.latest_version()
    assert a.result_version == v2 and v2.number == 2
    assert f"#{a.pk}" in v2.note and carol.display_name in v2.note
    assert texts(v2)[0] == p.text and texts(strategy.versions.get(number=1))[0] == original
    decided = Notification.objects.get(kind="strategies.amendment_decided")
    assert decided.recipient == carol and "accepted" in decided.title
    assert decided.url == f"/strategies/{strategy.slug}/paragraphs/{p.key}/"
    assert AuditEvent.objects.filter(action="strategies.amendment.accept").count() == 1

    # a second accepted amendment by the same author does not credit her twice
    b = services.propose_amendment(
        actor=carol, strategy=strategy, paragraph=p, kind="replace", text="Data are scattered."
    )
    services.accept_amendment(actor=bob, amendment=b)
    p.refresh_from_db()
    assert p.credits == [carol.display_name]


def test_insert_after_and_delete(world):
    strategy = drafting_strategy(world)
    bob, carol = world.users["bob"], world.users["carol"]
    p1, p2 = paragraphs(strategy)[:2]
    ins = services.propose_amendment(
        actor=carol,
        strategy=strategy,
        paragraph=p1,
        kind="insert_after",
        text="Start with two pilot basins.",
        new_kind="recommendation",
        actors=["basin authorities"],
        timeline="2027",
    )
    services.accept_amendment(actor=bob, amendment=ins)
    content = versioning.paragraphs_of(strategy.latest_version().content)
    assert [c["text"] for c in content[:3]] == [p1.text, "Start with two pilot basins.", p2.text]
    new = content[1]
    assert (new["number"], new["kind"], new["actors"], new["timeline"]) == (
        2,
        "recommendation",
        ["basin authorities"],
        "2027",
    )
    assert new["credits"] == [carol.display_name]
    p2.refresh_from_db()
    assert p2.position == 3  # shifted
    gone = services.propose_amendment(actor=carol, strategy=strategy, paragraph=p2, kind="delete")
    assert gone.text == ""
    services.accept_amendment(actor=bob, amendment=gone)
    p2.refresh_from_db()
    assert p2.deleted
    assert p2.text not in texts(strategy.latest_version())
    assert [c["number"] for c in versioning.paragraphs_of(strategy.latest_version().content)] == [
        1,
        2,
        3,
        4,
    ]
    # a deleted paragraph takes no new amendments
    before = counts()
    with pytest.raises(ServiceError) as err:
        services.propose_amendment(
            actor=carol, strategy=strategy, paragraph=p2, kind="replace", text="Back."
        )
    assert err.value.field == "paragraph" and "deleted" in err.value.message
    assert counts() == before


def test_competing_amendments_are_decided_against_the_new_text(world, as_persona):
    strategy = drafting_strategy(world)
    bob, carol, alice = world.users["bob"], world.users["carol"], world.users["alice"]
    p = paragraphs(strategy)[2]  # "Publish river-flow data of every shared basin monthly."
    a1 = services.propose_amendment(
        actor=carol,
        strategy=strategy,
        paragraph=p,
        kind="replace",
        text="Publish river-flow data of every shared basin weekly.",
    )
    a2 = services.propose_amendment(
        actor=alice,
        strategy=strategy,
        paragraph=p,
        kind="replace",
        text="Publish river-flow and water-quality data of every shared basin monthly.",
    )
    services.accept_amendment(actor=bob, amendment=a1)
    a2.refresh_from_db()
    p.refresh_from_db()
    assert a2.state == AmendmentState.EVALUATING  # it stays open
    assert a2.base_text != p.text  # and the page says the paragraph changed since

    # the paragraph page shows, for a2, that the text changed and its diff against the *new* text
    html = as_persona("bob").get(f"/strategies/{strategy.slug}/paragraphs/{p.key}/").content
    html = html.decode()
    item = html[html.index(f'id="amendment-{a2.pk}"') :]
    assert "The paragraph changed since this amendment was written." in item
    # against the current text ("... weekly."), a2 removes "weekly" and puts back "monthly"
    assert "<del>weekly</del>" in item and "<ins>monthly</ins>" in item
    assert "<ins>and water-quality </ins>" in item
    first_amendment = html[
        html.index(f'id="amendment-{a1.pk}"') : html.index(f'id="amendment-{a2.pk}"')
    ]
    assert "changed since" not in first_amendment  # accepted: no warning

    # accepted against the new text, a2's whole text wins; both authors are credited
    services.accept_amendment(actor=bob, amendment=a2)
    p.refresh_from_db()
    assert p.text == a2.text
    assert p.credits == [carol.display_name, alice.display_name]
    assert strategy.versions.count() == 3


def test_accepting_a_replacement_of_a_deleted_paragraph_is_a_clear_error(world):
    strategy = drafting_strategy(world)
    bob, carol = world.users["bob"], world.users["carol"]
    p = first(strategy)
    replace = services.propose_amendment(
        actor=carol, strategy=strategy, paragraph=p, kind="replace", text="Other words."
    )
    delete_twice = services.propose_amendment(
        actor=carol, strategy=strategy, paragraph=p, kind="delete"
    )
    delete = services.propose_amendment(actor=bob, strategy=strategy, paragraph=p, kind="delete")
    services.accept_amendment(actor=bob, amendment=delete)
    before = counts()
    for amendment in (replace, delete_twice):
        with pytest.raises(ServiceError) as err:
            services.accept_amendment(actor=bob, amendment=amendment)
        assert err.value.field == "paragraph" and "deleted" in err.value.message
        amendment.refresh_from_db()
        assert amendment.state == AmendmentState.EVALUATING
    assert counts() == before
    services.reject_amendment(actor=bob, amendment=replace, reason="The paragraph is gone.")
    replace.refresh_from_db()
    assert replace.state == AmendmentState.REJECTED


def test_merge_accepts_all_credits_all_and_makes_one_version(world):
    strategy = drafting_strategy(world)
    bob, carol, alice = world.users["bob"], world.users["carol"], world.users["alice"]
    p = paragraphs(strategy)[3]
    a1 = services.propose_amendment(
        actor=carol, strategy=strategy, paragraph=p, kind="replace", text="Train hydrologists."
    )
    a2 = services.propose_amendment(
        actor=alice, strategy=strategy, paragraph=p, kind="replace", text="Train data people."
    )
    other = services.propose_amendment(
        actor=carol, strategy=strategy, paragraph=first(strategy), kind="replace", text="Else."
    )
    before_versions = strategy.versions.count()
    with pytest.raises(ServiceError) as err:
        services.merge_amendments(actor=bob, amendments=[a1, other], text="Merged.")
    assert err.value.field == "amendments" and "same paragraph" in err.value.message
    with pytest.raises(ServiceError) as err:
        services.merge_amendments(actor=bob, amendments=[a1], text="Merged.")
    assert err.value.field == "amendments"
    with pytest.raises(ServiceError) as err:
        services.merge_amendments(actor=bob, amendments=[a1, a2], text="")
    assert err.value.field == "text"
    with pytest.raises(ServiceError) as err:
        services.merge_amendments(actor=carol, amendments=[a1, a2], text="Merged.")
    assert err.value.status == 403
    assert strategy.versions.count() == before_versions

    version = services.merge_amendments(
        actor=bob, amendments=[a1, a2], text="Train hydrologists and data people.", reason="Both."
    )
    assert strategy.versions.count() == before_versions + 1
    p.refresh_from_db()
    assert p.text == "Train hydrologists and data people."
    assert p.credits == [carol.display_name, alice.display_name]
    for a in (a1, a2):
        a.refresh_from_db()
        assert (a.state, a.result_version, a.reason) == (AmendmentState.ACCEPTED, version, "Both.")
    assert f"#{a1.pk}" in version.note and f"#{a2.pk}" in version.note
    assert Notification.objects.filter(kind="strategies.amendment_decided").count() == 2
    with pytest.raises(ServiceError) as err:
        services.merge_amendments(actor=bob, amendments=[a1, a2], text="Again.")
    assert err.value.field == "amendments" and "accepted" in err.value.message


def test_illegal_transitions_are_clear_errors(world):
    strategy = drafting_strategy(world)
    bob, carol = world.users["bob"], world.users["carol"]
    p = first(strategy)

    def propose(**kw):
        return services.propose_amendment(
            actor=carol, strategy=strategy, paragraph=p, kind="replace", text="New.", **kw
        )

    # reject needs a reason
    a = propose()
    with pytest.raises(ServiceError) as err:
        services.reject_amendment(actor=bob, amendment=a, reason="  ")
    assert err.value.field == "reason"
    # the lead decides, not the task force
    with pytest.raises(ServiceError) as err:
        services.accept_amendment(actor=carol, amendment=a)
    assert err.value.status == 403
    # only the author withdraws
    with pytest.raises(ServiceError) as err:
        services.withdraw_amendment(actor=bob, amendment=a)
    assert err.value.status == 403
    services.withdraw_amendment(actor=carol, amendment=a)
    a.refresh_from_db()
    assert a.state == AmendmentState.WITHDRAWN
    for action in (
        lambda: services.accept_amendment(actor=bob, amendment=a),
        lambda: services.reject_amendment(actor=bob, amendment=a, reason="No."),
        lambda: services.withdraw_amendment(actor=carol, amendment=a),
        lambda: services.promote_amendment(actor=carol, amendment=a),
    ):
        with pytest.raises(ServiceError) as err:
            action()
        assert err.value.field == "state" and "withdrawn" in err.value.message

    # accepted: nothing more can happen to it
    b = propose()
    services.accept_amendment(actor=bob, amendment=b)
    for action in (
        lambda: services.accept_amendment(actor=bob, amendment=b),
        lambda: services.reject_amendment(actor=bob, amendment=b, reason="No."),
        lambda: services.withdraw_amendment(actor=carol, amendment=b),
        lambda: services.promote_amendment(actor=carol, amendment=b),
    ):
        with pytest.raises(ServiceError) as err:
            action()
        assert err.value.field == "state" and "accepted" in err.value.message

    # a draft: only its author sees it, it is decided once published
    d = services.propose_amendment(
        actor=carol, strategy=strategy, paragraph=p, kind="replace", text="Draft.", draft=True
    )
    assert d.state == AmendmentState.DRAFT
    assert not Notification.objects.filter(target_id=str(d.pk)).exists()
    assert d not in selectors.amendments_of(p, bob)
    assert d in selectors.amendments_of(p, carol)
    with pytest.raises(ServiceError) as err:
        services.accept_amendment(actor=bob, amendment=d)
    assert err.value.field == "state" and "draft" in err.value.message
    with pytest.raises(ServiceError) as err:
        services.publish_amendment(actor=bob, amendment=d)
    assert err.value.status == 403
    services.publish_amendment(actor=carol, amendment=d)
    d.refresh_from_db()
    assert d.state == AmendmentState.EVALUATING
    assert Notification.objects.filter(target_id=str(d.pk), recipient=bob).exists()
    with pytest.raises(ServiceError) as err:
        services.publish_amendment(actor=carol, amendment=d)
    assert err.value.field == "state"

    # rejected → promoted by its author, against the current text
    services.reject_amendment(actor=bob, amendment=d, reason="Not yet.")
    with pytest.raises(ServiceError) as err:
        services.promote_amendment(actor=bob, amendment=d)
    assert err.value.status == 403
    promoted = services.promote_amendment(actor=carol, amendment=d)
    assert promoted.state == AmendmentState.EVALUATING and promoted.promoted_from == d
    assert promoted.base_version == strategy.latest_version() and promoted.base_text == "New."
    with pytest.raises(ServiceError) as err:
        services.promote_amendment(actor=carol, amendment=d)
    assert err.value.field == "state" and "already promoted" in err.value.message
    with pytest.raises(ServiceError) as err:
        services.promote_amendment(actor=carol, amendment=promoted)
    assert err.value.field == "state" and "evaluating" in err.value.message


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "rewrite", "text": "x"}, "kind"),
        ({"kind": "replace", "text": ""}, "text"),
        ({"kind": "insert_after", "text": "  "}, "text"),
        ({"kind": "replace", "text": "x" * 10_001}, "text"),
        ({"kind": "insert_after", "text": "x", "new_kind": "poem"}, "new_kind"),
        ({"kind": "insert_after", "text": "x", "actors": ["a" * 201]}, "actors"),
        ({"kind": "replace", "text": "ok", "explanation": "x" * 4_001}, "explanation"),
    ],
)
def test_bad_amendments_name_the_field_and_store_nothing(world, kwargs, field):
    strategy = drafting_strategy(world)
    before = counts()
    with pytest.raises(ServiceError) as err:
        services.propose_amendment(
            actor=world.users["carol"], strategy=strategy, paragraph=first(strategy), **kwargs
        )
    assert err.value.field == field
    assert counts() == before


def test_replacing_with_the_same_text_is_refused(world):
    strategy = drafting_strategy(world)
    p = first(strategy)
    with pytest.raises(ServiceError) as err:
        services.propose_amendment(
            actor=world.users["carol"], strategy=strategy, paragraph=p, kind="replace", text=p.text
        )
    assert err.value.field == "text"


def test_outsiders_cannot_propose(world):
    strategy = drafting_strategy(world)
    before = counts()
    with pytest.raises(ServiceError) as err:
        services.propose_amendment(
            actor=world.users["dave"],
            strategy=strategy,
            paragraph=first(strategy),
            kind="delete",
        )
    assert err.value.status == 403 and counts() == before


# --------------------------------------------------------------------------- published texts


def test_a_published_strategy_refuses_every_change(world):
    strategy = open_strategy(world)
    bob, carol = world.users["bob"], world.users["carol"]
    p = first(strategy)
    # an amendment left open from the drafting
    left = Amendment.objects.create(
        strategy=strategy,
        paragraph=p,
        kind="replace",
        text="Late.",
        author=carol,
        base_version=strategy.latest_version(),
        base_text=p.text,
    )
    before = counts()
    attempts = [
        lambda: services.propose_amendment(
            actor=carol, strategy=strategy, paragraph=p, kind="replace", text="Too late."
        ),
        lambda: services.comment(actor=carol, strategy=strategy, paragraph=p, text="Late."),
        lambda: services.accept_amendment(actor=bob, amendment=left),
        lambda: services.reject_amendment(actor=bob, amendment=left, reason="Late."),
        lambda: services.withdraw_amendment(actor=carol, amendment=left),
        lambda: services.edit_paragraph(actor=bob, strategy=strategy, paragraph=p, text="Edit."),
        lambda: services.add_section(actor=bob, strategy=strategy, title="More"),
        lambda: services.update_strategy(actor=bob, strategy=strategy, title="Renamed"),
    ]
    for attempt in attempts:
        with pytest.raises(ServiceError) as err:
            attempt()
        assert err.value.field == "status"
        assert "no longer being drafted" in err.value.message
    assert counts() == before
    left.refresh_from_db()
    p.refresh_from_db()
    assert left.state == AmendmentState.EVALUATING and p.text != "Edit."


def test_a_published_version_cannot_change_and_its_fingerprint_verifies(world):
    strategy = open_strategy(world)
    version = strategy.latest_published()
    assert versioning.verify(version)
    assert versioning.fingerprint(version.canonical) == version.sha256
    version.content = {**version.content, "title": "Forged"}
    with pytest.raises(ValueError, match="published version cannot change"):
        version.save()
    version.refresh_from_db()
    assert version.content["title"] == strategy.title
    # re-serialising the stored content gives the same bytes
    again = versioning.canonical_text(strategy, version, version.published_at)
    assert again == version.canonical
    assert (
        versioning.canonical_json(__import__("json").loads(version.canonical)) == version.canonical
    )


# --------------------------------------------------------------------------- reads


def _other_strategy(world):
    """A draft of a task force that seoul (carol) and astana (bob) are not in."""
    far = Institution.objects.create(
        name="Far Institute", slug="far", kind="think_tank", country_id="BR", is_member=True
    )
    tf = TaskForce.objects.create(
        name="Other TF", slug="other-tf", focus_area=world.water, chair=far, mandate="x"
    )
    tf.members.set([far])
    lead = User.objects.create_user(
        "lena", "lena@example.org", "pw-Long-enough-1", role=Role.EXPERT, institution=far
    )
    return Strategy.objects.create(
        title="Other",
        slug="other",
        task_force=tf,
        focus_area=world.water,
        lead=lead,
        created_by=world.users["alice"],
    )


def test_visible_q_agrees_with_can_view_for_every_persona(world):
    from django.contrib.auth.models import AnonymousUser

    drafting = drafting_strategy(world)
    published = open_strategy(world, title="Published one")
    other = _other_strategy(world)
    adopted = drafting_strategy(world, title="Adopted one", lead=world.users["alice"])
    adopted.status = StrategyStatus.ADOPTED
    adopted.save(update_fields=["status"])
    everything = [drafting, published, other, adopted]
    users = [AnonymousUser(), *world.users.values(), other.lead]
    for user in users:
        listed = set(
            Strategy.objects.filter(permissions.visible_q(user)).values_list("pk", flat=True)
        )
        viewable = {s.pk for s in everything if permissions.can_view(user, s)}
        assert listed == viewable, user
        assert set(selectors.strategies(user).values_list("pk", flat=True)) == viewable
    assert {s.pk for s in everything if permissions.can_view(world.users["dave"], s)} == {
        published.pk,
        adopted.pk,
    }
    # two member institutions of the task force do not list the strategy twice
    assert selectors.strategies(world.users["alice"]).filter(pk=drafting.pk).count() == 1


def test_selectors(world):
    strategy = drafting_strategy(world)
    bob, dave = world.users["bob"], world.users["dave"]
    with pytest.raises(Http404):
        selectors.get_strategy(dave, slug=strategy.slug)
    with pytest.raises(Http404):
        selectors.get_strategy_for_drafting(dave, pk=strategy.pk)
    with pytest.raises(PermissionDenied):
        selectors.get_strategy_for_lead(world.users["carol"], pk=strategy.pk)
    assert selectors.get_strategy_for_lead(bob, slug=strategy.slug) == strategy
    with pytest.raises(Http404):
        selectors.paragraph(strategy, "not-a-uuid")
    assert selectors.paragraph(strategy, first(strategy).key) == first(strategy)
    published = open_strategy(world, title="Published two")
    services_edit = published.latest_version()
    # drafters see the latest version; others only the published ones
    Version.objects.create(strategy=published, number=2, content=services_edit.content)
    assert selectors.shown_version(published, bob).number == 2
    assert selectors.shown_version(published, dave).number == 1
    with pytest.raises(Http404):
        selectors.version(published, 2, dave)
    assert selectors.version(published, 2, bob).number == 2
    assert [v.number for v in selectors.versions(published, dave)] == [1]
    filtered = selectors.strategies(
        dave, q="two", status="endorsement", focus_area="water-security"
    )
    assert list(filtered) == [published]
    assert list(selectors.strategies(dave, focus_area="security")) == []
