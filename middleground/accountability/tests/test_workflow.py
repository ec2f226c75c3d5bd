"""The draft -> review -> final workflow: scoring, reconciliation, replies, freezing."""

import datetime as dt

import pytest
from django.utils import timezone

from middleground.accountability import selectors, services
from middleground.accountability.models import (
    Assessment,
    CellResult,
    CellStatus,
    Commitment,
    Cycle,
    CycleStatus,
    Reply,
    ReplyStatus,
)
from middleground.core.errors import ServiceError
from middleground.notifications.models import Notification
from middleground.strategies import versioning

from .factories import draft_cycle, final_cycle, member, review_cycle, strategy_with_commitments


def seoul_key(world):
    return f"institution:{world.seoul.pk}"


def test_commitments_come_one_per_recommendation_with_deadline(world):
    strategy = strategy_with_commitments(world)
    codes = list(strategy.commitments.values_list("code", "recommendation_number", "deadline"))
    assert codes == [("R1", 1, dt.date(2028, 12, 31)), ("R2", 2, dt.date(2029, 12, 31))]
    r1 = strategy.commitments.get(code="R1")
    assert r1.text == "Publish river-flow data of every shared basin monthly."
    assert sorted(m.kind for m in r1.members.all()) == ["institution", "institution", "partner"]
    # running it again takes nothing twice
    again = services.commitments_from_strategy(actor=world.users["alice"], strategy=strategy)
    assert again == [] and strategy.commitments.count() == 2


def test_only_the_secretariat_creates_commitments(world):
    strategy = strategy_with_commitments(world)
    for persona in ("bob", "carol", "dave"):
        with pytest.raises(ServiceError) as err:
            services.create_commitment(
                actor=world.users[persona], strategy=strategy, text="x", members=[world.seoul]
            )
        assert err.value.status == 403
    assert Commitment.objects.count() == 2


def test_a_member_row_holds_exactly_one_kind(world):
    from django.db import IntegrityError, transaction

    from middleground.accountability.models import CommitmentMember

    commitment = strategy_with_commitments(world).commitments.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentMember.objects.create(
            commitment=commitment, institution=world.astana, country_id="KZ"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        CommitmentMember.objects.create(commitment=commitment)


def test_a_score_outside_the_scale_is_refused_and_nothing_stored(world):
    cycle = draft_cycle(world)
    commitment = cycle.strategy.commitments.get(code="R1")
    seoul = member(commitment, seoul_key(world))
    for bad in (2, -2, "1", 0.5, True, None):
        with pytest.raises(ServiceError) as err:
            services.score(
                actor=world.users["bob"],
                cycle=cycle,
                commitment=commitment,
                member=seoul,
                score=bad,
                justification="Because.",
            )
        assert err.value.field == "score"
    with pytest.raises(ServiceError) as err:
        services.score(
            actor=world.users["bob"],
            cycle=cycle,
            commitment=commitment,
            member=seoul,
            score=1,
            justification="  ",
        )
    assert err.value.field == "justification"
    with pytest.raises(ServiceError) as err:
        services.score(
            actor=world.users["bob"],
            cycle=cycle,
            commitment=commitment,
            member=seoul,
            score=1,
            justification="ok",
            sources=["javascript:alert(1)"],
        )
    assert err.value.field == "sources"
    assert Assessment.objects.count() == 0
    assert CellResult.objects.filter(cycle=cycle).exclude(status=CellStatus.UNSCORED).count() == 0


def test_only_an_assigned_assessor_scores_and_not_their_own_institution(world):
    cycle = draft_cycle(world)
    commitment = cycle.strategy.commitments.get(code="R1")
    for persona in ("alice", "carol", "dave"):
        with pytest.raises(ServiceError) as err:
            services.score(
                actor=world.users[persona],
                cycle=cycle,
                commitment=commitment,
                member=member(commitment, seoul_key(world)),
                score=1,
                justification="x",
            )
        assert err.value.status == 403
    with pytest.raises(ServiceError) as err:
        services.score(
            actor=world.users["bob"],
            cycle=cycle,
            commitment=commitment,
            member=member(commitment, f"institution:{world.astana.pk}"),
            score=1,
            justification="x",
        )
    assert err.value.field == "member"
    assert Assessment.objects.count() == 0


def _second_assessor(world, cycle):
    from middleground.accounts.models import Role, User

    eve = User.objects.create_user("eve", "eve@example.org", "pw-eve-123456", role=Role.EXPERT)
    eve.institution = world.astana
    eve.save(update_fields=["institution"])
    commitment = cycle.strategy.commitments.get(code="R1")
    services.assign(
        actor=world.users["alice"], cycle=cycle, commitment=commitment, assessor=eve, slot=2
    )
    return eve, commitment


def test_two_assessors_disagree_block_review_until_reconciled(world):
    cycle = draft_cycle(world)
    eve, commitment = _second_assessor(world, cycle)
    seoul = member(commitment, seoul_key(world))
    for person, value in ((world.users["bob"], 1), (eve, -1)):
        services.score(
            actor=person,
            cycle=cycle,
            commitment=commitment,
            member=seoul,
            score=value,
            justification="Seen.",
        )
    cell = CellResult.objects.get(cycle=cycle, member=seoul)
    assert cell.status == CellStatus.DISAGREEMENT and cell.draft_score is None
    # independence: each assessor sees only their own score of the cell
    bob_view = [v for v in selectors.visible_cells(world.users["bob"], cycle) if v.cell == cell]
    eve_view = [v for v in selectors.visible_cells(eve, cycle) if v.cell == cell]
    assert [v.score for v in bob_view] == [1] and [v.score for v in eve_view] == [-1]
    assert bob_view[0].status == CellStatus.SCORED  # not "disagreement"
    deadline = timezone.now() + dt.timedelta(days=5)
    with pytest.raises(ServiceError) as err:
        services.send_for_review(actor=world.users["alice"], cycle=cycle, reply_deadline=deadline)
    assert err.value.field == "cells" and "R1" in err.value.message
    assert "Seoul Policy Centre" in err.value.message
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT
    with pytest.raises(ServiceError) as err:
        services.reconcile(actor=world.users["alice"], cell=cell, score=0, note="")
    assert err.value.field == "note"
    services.reconcile(
        actor=world.users["alice"], cell=cell, score=0, note="Data published, but late."
    )
    cell.refresh_from_db()
    assert (cell.status, cell.draft_score) == (CellStatus.RECONCILED, 0)
    services.send_for_review(actor=world.users["alice"], cycle=cycle, reply_deadline=deadline)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.REVIEW


def test_review_notifies_the_member_concerned_with_the_deadline(world):
    cycle = review_cycle(world)
    notices = Notification.objects.filter(kind="accountability.review")
    carol = notices.get(recipient=world.users["carol"])
    assert carol.action_required and carol.due_at == cycle.reply_deadline
    assert carol.institution == world.seoul
    # UN-Water is a partner: the secretariat answers for it (alice sent it, so no self-notice)
    assert not notices.filter(recipient=world.users["bob"]).exists()
    cells = CellResult.objects.filter(cycle=cycle)
    assert set(
        cells.filter(reply_status=ReplyStatus.PENDING).values_list(
            "member__partner", "commitment__code"
        )
    ) == {
        ("", "R1"),
        ("", "R2"),
        ("UN-Water", "R1"),
        ("UN-Water", "R2"),
    }
    # astana was not scored (bob may not score his own institution): nothing sent
    assert (
        cells.filter(member__institution=world.astana, reply_status=ReplyStatus.NONE).count() == 2
    )


def test_only_the_member_concerned_replies(world):
    cycle = review_cycle(world)
    cell = CellResult.objects.get(
        cycle=cycle, commitment__code="R1", member__institution=world.seoul
    )
    for persona in ("alice", "bob", "dave"):
        with pytest.raises(ServiceError) as err:
            services.reply(actor=world.users[persona], cell=cell, accepts=True)
        assert err.value.status == 403
    assert Reply.objects.count() == 0
    with pytest.raises(ServiceError) as err:
        services.reply(actor=world.users["carol"], cell=cell, accepts=False, text="")
    assert err.value.field == "text"
    assert Reply.objects.count() == 0
    services.reply(
        actor=world.users["carol"],
        cell=cell,
        accepts=False,
        text="We published in March.",
        evidence=["https://example.org/flows"],
    )
    cell.refresh_from_db()
    assert cell.reply_status == ReplyStatus.REPLIED
    assert cell.reply.institution == world.seoul
    # the partner's cell: only the secretariat speaks for UN-Water
    partner = CellResult.objects.get(cycle=cycle, commitment__code="R1", member__partner="UN-Water")
    with pytest.raises(ServiceError):
        services.reply(actor=world.users["carol"], cell=partner, accepts=True)
    services.reply(actor=world.users["alice"], cell=partner, accepts=True)
    partner.refresh_from_db()
    assert partner.reply_status == ReplyStatus.ACCEPTED


def test_no_reply_after_the_deadline(world):
    cycle = review_cycle(world)
    Cycle.objects.filter(pk=cycle.pk).update(reply_deadline=timezone.now() - dt.timedelta(hours=1))
    cell = CellResult.objects.get(
        cycle=cycle, commitment__code="R1", member__institution=world.seoul
    )
    with pytest.raises(ServiceError) as err:
        services.reply(actor=world.users["carol"], cell=cell, accepts=True)
    assert "deadline" in err.value.message
    assert Reply.objects.count() == 0


def test_the_workflow_cannot_be_skipped_or_reversed(world):
    alice = world.users["alice"]
    cycle = draft_cycle(world)
    with pytest.raises(ServiceError):
        services.finalise(actor=alice, cycle=cycle)  # draft -> final
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT
    with pytest.raises(ServiceError):  # only one cycle in progress
        services.open_cycle(actor=alice, strategy=cycle.strategy, kind="interim")
    with pytest.raises(ServiceError) as err:  # nothing scored yet
        services.send_for_review(
            actor=alice, cycle=cycle, reply_deadline=timezone.now() + dt.timedelta(days=3)
        )
    assert err.value.field == "cells"


def test_a_cycle_in_review_does_not_go_back_to_draft(world):
    alice = world.users["alice"]
    cycle = review_cycle(world)
    commitment = cycle.strategy.commitments.get(code="R1")
    seoul = member(commitment, seoul_key(world))
    before = list(Assessment.objects.order_by("pk").values_list("pk", "score"))
    for call in (
        lambda: services.send_for_review(
            actor=alice, cycle=cycle, reply_deadline=timezone.now() + dt.timedelta(days=3)
        ),
        lambda: services.score(
            actor=world.users["bob"],
            cycle=cycle,
            commitment=commitment,
            member=seoul,
            score=-1,
            justification="Changed my mind.",
        ),
        lambda: services.assign(
            actor=alice, cycle=cycle, commitment=commitment, assessor=alice, slot=2
        ),
    ):
        with pytest.raises(ServiceError) as err:
            call()
        assert "draft" in err.value.message
    cycle.refresh_from_db()
    cycle.status = CycleStatus.DRAFT
    with pytest.raises(ValueError, match="forward"):
        cycle.save()
    stored = Cycle.objects.get(pk=cycle.pk)
    assert stored.status == CycleStatus.REVIEW
    assert list(Assessment.objects.order_by("pk").values_list("pk", "score")) == before
    assert CellResult.objects.get(cycle=cycle, commitment=commitment, member=seoul).draft_score == 1


def test_a_final_cycle_comes_after_a_finalised_interim(world):
    alice = world.users["alice"]
    strategy = strategy_with_commitments(world)
    with pytest.raises(ServiceError) as err:
        services.open_cycle(actor=alice, strategy=strategy, kind="final")
    assert err.value.field == "kind"
    assert Cycle.objects.count() == 0


def test_finalise_freezes_draft_reply_and_final(world):
    alice = world.users["alice"]
    cycle = review_cycle(world)
    cell = CellResult.objects.get(
        cycle=cycle, commitment__code="R2", member__institution=world.seoul
    )
    services.reply(actor=world.users["carol"], cell=cell, accepts=False, text="We did it all.")
    with pytest.raises(ServiceError) as err:
        services.finalise(actor=alice, cycle=cycle, overrides={cell.pk: (5, "x")})
    assert err.value.field == "overrides"
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.REVIEW
    services.finalise(actor=alice, cycle=cycle, overrides={cell.pk: (1, "Reply convinced us.")})
    cycle.refresh_from_db()
    cell.refresh_from_db()
    assert cycle.status == CycleStatus.FINAL
    assert (cell.draft_score, cell.final_score, cell.final_note) == (0, 1, "Reply convinced us.")
    assert cell.reply.text == "We did it all."
    assert versioning.fingerprint(cycle.canonical) == cycle.sha256
    assert '"final_score":1' in cycle.canonical
    no_reply = CellResult.objects.get(
        cycle=cycle, commitment__code="R1", member__institution=world.seoul
    )
    assert no_reply.reply_status == ReplyStatus.NO_REPLY
    # no way back, no edit in place
    for call in (
        lambda: services.finalise(actor=alice, cycle=cycle),
        lambda: services.send_for_review(
            actor=alice, cycle=cycle, reply_deadline=timezone.now() + dt.timedelta(days=3)
        ),
        lambda: services.reconcile(actor=alice, cell=cell, score=0, note="x"),
        lambda: services.reply(actor=world.users["carol"], cell=cell, accepts=True),
    ):
        with pytest.raises(ServiceError) as err:
            call()
        assert "final" in err.value.message
    cell.final_score = -1
    with pytest.raises(ValueError):
        cell.save()
    cycle.status = CycleStatus.DRAFT
    with pytest.raises(ValueError):
        cycle.save()
    stored = Cycle.objects.get(pk=cycle.pk)
    assert stored.status == CycleStatus.FINAL and stored.sha256 == cycle.sha256
    assert CellResult.objects.get(pk=cell.pk).final_score == 1


def test_a_correction_is_a_new_visible_revision(world):
    alice = world.users["alice"]
    cycle = final_cycle(world)
    cell = CellResult.objects.get(cycle=cycle, commitment__code="R1", member__partner="UN-Water")
    with pytest.raises(ServiceError) as err:
        services.correct(actor=alice, cycle=cycle, changes={cell.pk: (0, "Typo")}, note="")
    assert err.value.field == "note"
    assert Cycle.objects.count() == 1
    revision = services.correct(
        actor=alice, cycle=cycle, changes={cell.pk: (0, "Wrong report read.")}, note="Erratum 1"
    )
    assert (revision.revision, revision.revision_of_id, revision.status) == (1, cycle.pk, "final")
    assert revision.cells.count() == cycle.cells.count()
    assert revision.cells.get(member__partner="UN-Water", commitment__code="R1").final_score == 0
    assert CellResult.objects.get(pk=cell.pk).final_score == -1  # the original is untouched
    assert revision.sha256 != cycle.sha256
    with pytest.raises(ServiceError):  # correct the latest revision, not the original again
        services.correct(actor=alice, cycle=cycle, changes={cell.pk: (1, "x")}, note="again")


def test_silent_members_are_those_without_report_or_reply(world):
    cycle = review_cycle(world)
    r1 = cycle.strategy.commitments.get(code="R1")
    cell = CellResult.objects.get(cycle=cycle, commitment=r1, member__institution=world.seoul)
    services.reply(actor=world.users["carol"], cell=cell, accepts=True)
    astana = member(r1, f"institution:{world.astana.pk}")
    from middleground.accounts.models import Role, User

    rep = User.objects.create_user(
        "aru",
        "aru@example.org",
        "pw-aru-123456",
        role=Role.REPRESENTATIVE,
        institution=world.astana,
    )
    services.self_report(
        actor=rep, commitment=r1, member=astana, status="some_delay", text="Budget came late."
    )
    services.finalise(actor=world.users["alice"], cycle=cycle)
    cycle.refresh_from_db()
    silent = {(m.commitment.code, m.member_key()) for m in services.silent_members(cycle)}
    assert silent == {
        ("R2", f"institution:{world.astana.pk}"),
        ("R2", f"institution:{world.seoul.pk}"),
        ("R1", "partner:UN-Water"),
        ("R2", "partner:UN-Water"),
    }
    assert services.mark_silent_members(cycle=cycle) == 4
    assert services.mark_silent_members(cycle=cycle) == 0  # once per cycle
    assert r1.members.exclude(silent_since=None).count() == 1


def test_self_report_only_by_the_member_concerned_and_delay_needs_text(world):
    strategy = strategy_with_commitments(world)
    r1 = strategy.commitments.get(code="R1")
    seoul = member(r1, seoul_key(world))
    for persona in ("bob", "dave", "alice"):
        with pytest.raises(ServiceError) as err:
            services.self_report(
                actor=world.users[persona], commitment=r1, member=seoul, status="on_track"
            )
        assert err.value.status == 403
    with pytest.raises(ServiceError) as err:
        services.self_report(
            actor=world.users["carol"], commitment=r1, member=seoul, status="off_track"
        )
    assert err.value.field == "text"
    with pytest.raises(ServiceError) as err:
        services.self_report(
            actor=world.users["carol"], commitment=r1, member=seoul, status="green"
        )
    assert err.value.field == "status"
    report = services.self_report(
        actor=world.users["carol"], commitment=r1, member=seoul, status="on_track"
    )
    assert report.institution == world.seoul and r1.reports.count() == 1


def test_country_member_is_answered_by_representatives_of_member_institutions_there(world):
    strategy = strategy_with_commitments(world)
    commitment = services.create_commitment(
        actor=world.users["alice"],
        strategy=strategy,
        text="Share basin data nationally.",
        members=[{"kind": "country", "id": "KR"}, {"kind": "country", "id": "KZ"}],
        code="N1",
    )
    korea = member(commitment, "country:KR")
    kazakhstan = member(commitment, "country:KZ")
    services.self_report(
        actor=world.users["carol"], commitment=commitment, member=korea, status="completed"
    )
    with pytest.raises(ServiceError):
        services.self_report(
            actor=world.users["carol"], commitment=commitment, member=kazakhstan, status="completed"
        )
    assert commitment.reports.count() == 1


def test_reminder_goes_once_before_the_deadline(world):
    cycle = review_cycle(world, days=1)
    sent = services.remind_reply_deadlines()
    assert sent == 2  # seoul and UN-Water still pending
    assert (
        Notification.objects.filter(
            kind="accountability.review.reminder", recipient=world.users["carol"]
        ).count()
        == 1
    )
    assert services.remind_reply_deadlines() == 0
    cycle.refresh_from_db()
    assert cycle.reminded_at is not None


def test_sources_are_library_documents_the_assessor_may_read_or_links(world, as_persona):
    from middleground.library.models import Access, Document
    from middleground.library.permissions import task_forces_of
    from middleground.network.models import TaskForce

    cycle = draft_cycle(world)
    commitment = cycle.strategy.commitments.get(code="R1")
    seoul = member(commitment, seoul_key(world))
    other = TaskForce.objects.create(
        name="Security task force (test)",
        slug="security-tf",
        focus_area=world.security,
        chair=world.seoul,
        mandate="Other work.",
    )
    public = Document.objects.create(title="Basin report", kind="pdf", filename="basin.pdf")
    hidden = Document.objects.create(
        title="Task-force notes",
        kind="txt",
        filename="notes.txt",
        access=Access.TASK_FORCE,
        task_force=other,
    )
    assert not task_forces_of(world.users["bob"]).filter(pk=other.pk).exists()
    for bad in ([hidden.pk], [public.pk, 10**6], "https://example.org/one"):
        with pytest.raises(ServiceError) as err:
            services.score(
                actor=world.users["bob"],
                cycle=cycle,
                commitment=commitment,
                member=seoul,
                score=0,
                justification="Partly.",
                sources=bad,
            )
        assert err.value.field == "sources"
    assert Assessment.objects.count() == 0
    stored = services.score(
        actor=world.users["bob"],
        cycle=cycle,
        commitment=commitment,
        member=seoul,
        score=0,
        justification="Partly.",
        sources=[public.pk, "https://example.org/basin", public.pk],
    )
    assert Assessment.objects.get(pk=stored.pk).sources == [public.pk, "https://example.org/basin"]
    # the cell page links the document and the URL
    cell = CellResult.objects.get(cycle=cycle, commitment=commitment, member=seoul)
    page = as_persona("bob").get(f"/accountability/cells/{cell.pk}/").content.decode()
    assert f'href="/library/documents/{public.pk}/"' in page
    assert 'href="https://example.org/basin"' in page


def test_members_are_added_between_cycles_only_by_the_secretariat(world):
    strategy = strategy_with_commitments(world, title="Adding members")
    r1 = strategy.commitments.get(code="R1")
    alice, carol = world.users["alice"], world.users["carol"]
    before = sorted(m.member_key() for m in r1.members.all())
    with pytest.raises(ServiceError):
        services.add_members(actor=carol, commitment=r1, members=[world.astana])
    made = services.add_members(
        actor=alice, commitment=r1, members=[world.seoul, {"kind": "partner", "name": "UNEP"}]
    )  # seoul is bound already: skipped
    assert [m.member_key() for m in made] == ["partner:UNEP"]
    assert sorted(m.member_key() for m in r1.members.all()) == sorted([*before, "partner:UNEP"])
    services.open_cycle(actor=alice, strategy=strategy, kind="interim")
    with pytest.raises(ServiceError) as err:
        services.add_members(actor=alice, commitment=r1, members=[{"kind": "partner", "name": "X"}])
    assert err.value.field == "members"
    assert r1.members.count() == len(before) + 1
